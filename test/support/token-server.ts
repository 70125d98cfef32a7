// An OAuth 2.0 token endpoint for tests: a real HTTP server on 127.0.0.1:0 that answers client credentials grants
// with `tok-1`, `tok-2`, ... (one new token per request) and records every request.
//
//   const idp = await startTokenServer({ lifetimeSeconds: 2 });
//   // point an oauth2_client_credentials extension at idp.url …
//   await idp.close();
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenRequestRecord {
  /** performance.now() when the request arrived. */
  at: number;
  authorization: string | undefined;
  form: URLSearchParams;
  /** The token issued, when the request was answered 200. */
  issued?: string;
  /** performance.now() after which the issued token is expired (its lifetime as announced). */
  expiresAt?: number;
}

export interface TokenServerOptions {
  /** `expires_in` of issued tokens; undefined leaves it out. */
  lifetimeSeconds?: number;
  /** Status for the n-th request (0-based); undefined or 200 issues a token. */
  respond?: (index: number) => number | undefined;
}

export interface TokenServer {
  /** The token endpoint, `http://127.0.0.1:<port>/token`. */
  url: string;
  requests: TokenRequestRecord[];
  /** Tokens issued, in order. */
  issued(): string[];
  close(): Promise<void>;
}

export async function startTokenServer(options: TokenServerOptions = {}): Promise<TokenServer> {
  const requests: TokenRequestRecord[] = [];
  let count = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const record: TokenRequestRecord = { at, authorization: req.headers.authorization, form: new URLSearchParams(Buffer.concat(chunks).toString()) };
      requests.push(record);
      const status = options.respond?.(requests.length - 1) ?? 200;
      res.setHeader('content-type', 'application/json');
      if (req.url !== '/token' || record.form.get('grant_type') !== 'client_credentials') {
        res.writeHead(400).end(JSON.stringify({ error: 'unsupported_grant_type' }));
        return;
      }
      if (status !== 200) {
        res.writeHead(status).end(JSON.stringify({ error: 'temporarily_unavailable' }));
        return;
      }
      record.issued = `tok-${++count}`;
      const body: Record<string, unknown> = { access_token: record.issued, token_type: 'Bearer' };
      if (options.lifetimeSeconds !== undefined) {
        body.expires_in = options.lifetimeSeconds;
        record.expiresAt = at + options.lifetimeSeconds * 1000;
      }
      res.writeHead(200).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token`,
    requests,
    issued: () => requests.flatMap((r) => (r.issued ? [r.issued] : [])),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
