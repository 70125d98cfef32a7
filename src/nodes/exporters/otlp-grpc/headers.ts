// Configured headers become gRPC metadata. grpc-js throws on a key or value it cannot send; checking the same rules in
// the config schema turns that into a config error instead of an instance that fails at start. No joi, no grpc-js here:
// the supervisor validates configs without loading either the implementation or the transport.

const LEGAL_KEY = /^[0-9a-z_.-]+$/;
const LEGAL_VALUE = /^[\x20-\x7e]*$/;
/** Set by the transport itself: a configured value would break the call or be overwritten. */
const RESERVED_KEYS = new Set(['content-type', 'te', 'user-agent']);

/** Why this header cannot be sent as metadata, or undefined when it can. Keys are case-insensitive. */
export function metadataHeaderProblem(key: string, value: string): string | undefined {
  const k = key.toLowerCase();
  if (!LEGAL_KEY.test(k)) return `header name ${JSON.stringify(key)} may only hold letters, digits, '_', '-' and '.'`;
  if (k.endsWith('-bin')) return `header name ${JSON.stringify(key)} ends in -bin, which gRPC reserves for binary values`;
  if (k.startsWith('grpc-') || RESERVED_KEYS.has(k)) return `header name ${JSON.stringify(key)} is reserved by gRPC`;
  if (!LEGAL_VALUE.test(value)) return `header ${JSON.stringify(key)} has a value with characters outside printable ASCII`;
  return undefined;
}
