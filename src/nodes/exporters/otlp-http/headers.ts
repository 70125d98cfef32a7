// Configured headers of exporter:otlp_http, checked as upstream checks them: a valid HTTP name, a value of visible
// ASCII, and none of the headers the exporter itself sets to describe the body or negotiate the answer. Shared by the
// schema and the exporter, so it must not import joi.

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE = /^[\t\x20-\x7e]*$/;
const RESERVED = new Set(['content-type', 'content-encoding', 'content-length', 'host', 'accept', 'accept-encoding']);

/** Why this header cannot be configured, or undefined when it can. Never quotes the value (it may be a credential). */
export function httpHeaderProblem(name: string, value: string): string | undefined {
  if (!TOKEN.test(name)) return `header name ${JSON.stringify(name)} is not a valid HTTP header name`;
  if (RESERVED.has(name.toLowerCase())) return `header ${JSON.stringify(name)} is set by the exporter and cannot be configured`;
  if (!VALUE.test(value)) return `header ${JSON.stringify(name)} has a value with characters outside visible ASCII`;
  return undefined;
}
