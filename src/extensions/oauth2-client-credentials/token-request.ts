// One OAuth 2.0 client credentials token request (RFC 6749 §4.4), answered as a value. Messages name the token URL and
// what the server said, never the client secret.

export interface TokenRequest {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
  endpointParams: Readonly<Record<string, string>>;
  clientAuth: 'basic' | 'post';
  timeoutMs: number;
  signal: AbortSignal;
}

export type TokenOutcome =
  | { ok: true; accessToken: string; /** seconds, when the server said */ expiresIn?: number }
  | { ok: false; reason: string; timedOut?: true };

// RFC 6749 Appendix B: client id and secret are form-encoded before they go into the Basic header.
const formEncode = (text: string): string => encodeURIComponent(text).replace(/%20/g, '+');

export async function requestToken(req: TokenRequest): Promise<TokenOutcome> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (req.scopes.length > 0) form.set('scope', req.scopes.join(' '));
  for (const [key, value] of Object.entries(req.endpointParams)) form.set(key, value);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (req.clientAuth === 'basic') {
    const pair = `${formEncode(req.clientId)}:${formEncode(req.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  } else {
    form.set('client_id', req.clientId);
    form.set('client_secret', req.clientSecret);
  }
  let response: Response;
  let text: string;
  try {
    const signal = AbortSignal.any([req.signal, AbortSignal.timeout(req.timeoutMs)]);
    response = await fetch(req.tokenUrl, { method: 'POST', headers, body: form.toString(), signal, redirect: 'error' });
    text = await response.text();
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const timedOut = (error as Error).name === 'TimeoutError';
    const why = timedOut ? `no answer within ${req.timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { ok: false, reason: `token request to ${req.tokenUrl} failed: ${why}`, ...(timedOut ? { timedOut: true as const } : {}) };
  }
  const body = parseJson(text);
  if (!response.ok) {
    const said = typeof body?.error === 'string' ? `: ${body.error}${typeof body.error_description === 'string' ? ` (${body.error_description})` : ''}` : '';
    return { ok: false, reason: `token endpoint ${req.tokenUrl} answered HTTP ${response.status}${said}` };
  }
  const accessToken = body?.access_token;
  if (typeof accessToken !== 'string' || accessToken === '' || /\s/.test(accessToken)) {
    return { ok: false, reason: `token endpoint ${req.tokenUrl} answered without a usable access_token` };
  }
  const tokenType = body?.token_type;
  if (typeof tokenType === 'string' && tokenType.toLowerCase() !== 'bearer') {
    return { ok: false, reason: `token endpoint ${req.tokenUrl} issued a ${tokenType} token, not a bearer token` };
  }
  // Some servers send expires_in as a string; anything else unusable means "lifetime unknown".
  const expiresIn = Number(body?.expires_in);
  return Number.isFinite(expiresIn) && expiresIn > 0 ? { ok: true, accessToken, expiresIn } : { ok: true, accessToken };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
