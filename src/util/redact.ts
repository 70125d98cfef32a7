// Secrets never leave the engine: anything under a key that names a credential is replaced before it is shown.
const SECRET_KEY = /(token|secret|password|passwd|authorization|api[_-]?key|credential|private[_-]?key)/i;
export const REDACTED = '***redacted***';

export function redactSecrets<T>(value: T): T {
  return redact(value) as T;
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && (typeof inner === 'string' || typeof inner === 'number') ? REDACTED : redact(inner);
  }
  return out;
}
