// Secrets never leave the engine: anything under a key that names a credential is replaced before it is shown.
// `key_pem`: a TLS private key written inline in a config.
import type { DeepReadonly } from './readonly.js';

const SECRET_KEY = /(token|secret|password|passwd|authorization|api[_-]?key|credential|private[_-]?key|key[_-]?pem)/i;
/**
 * Keys that say where a credential is, not what it is (`token_url`, `tokens_file`, `bearer_token_file`): an operator
 * needs to see them to tell why a token cannot be read, and they give nothing away.
 */
const LOCATION_KEY = /[_-](url|endpoint|file|path)$/i;
export const REDACTED = '***redacted***';

/** True for a key whose value is a credential (`bearer_token`, `client_secret`, `password`, ...). */
export function isSecretKey(key: string | number): boolean {
  return typeof key === 'string' && SECRET_KEY.test(key) && !LOCATION_KEY.test(key);
}

/** A redacted copy; it may be taken of a read-only view (name the type then: `redactSecrets<EngineConfig>(view)`). */
export function redactSecrets<T>(value: T): T;
export function redactSecrets<T>(value: DeepReadonly<T>): T;
export function redactSecrets(value: unknown): unknown {
  return redact(value);
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    // A list under a secret key is a list of secrets (`tokens: [...]` of an authorizer extension).
    const secret = isSecretKey(key);
    out[key] = secret && isScalar(inner) ? REDACTED : secret && Array.isArray(inner) ? inner.map((item) => (isScalar(item) ? REDACTED : redact(item))) : redact(inner);
  }
  return out;
}

function isScalar(value: unknown): value is string | number {
  return typeof value === 'string' || typeof value === 'number';
}
