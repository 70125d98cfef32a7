// The `Authorization` header as RFC 9110 spells it: a case-insensitive scheme, one or more spaces, the credentials.

export type ParsedAuthorization = { ok: true; credentials: string } | { ok: false; reason: string };

export function credentialsFor(scheme: 'Bearer' | 'Basic', header: string | undefined): ParsedAuthorization {
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'no credentials' };
  const match = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s+(\S.*?)\s*$/.exec(header);
  if (!match) return { ok: false, reason: 'malformed Authorization header' };
  if ((match[1] as string).toLowerCase() !== scheme.toLowerCase()) {
    return { ok: false, reason: `Authorization scheme is not ${scheme}` };
  }
  return { ok: true, credentials: match[2] as string };
}

/** The header an exporter sends for a bearer token. */
export function bearerHeader(token: string): string {
  return `Bearer ${token}`;
}
