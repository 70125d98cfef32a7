// Reads an OTLP/HTTP request body within `maxBytes`, before and after decompression: the declared length is checked
// up front, the received bytes while streaming, and the decoded bytes while inflating, so neither a large upload nor
// a gzip bomb can make the receiver buffer more than the limit.
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import { contentEncoding, type Decompression } from './http-media.js';

export type BodyResult =
  | { ok: true; body: Buffer }
  | { ok: false; status: 400 | 413 | 415; reason: string };

function decompressor(encoding: Exclude<Decompression, 'identity'>): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress {
  switch (encoding) {
    case 'gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
  }
}

function tooLarge(what: string, maxBytes: number): BodyResult {
  return { ok: false, status: 413, reason: `${what} exceeds max_request_body_size (${maxBytes} bytes)` };
}

/** `acceptCompressed` false (`accept_compressed_requests`) refuses every Content-Encoding but identity with 415. */
export function readBody(req: IncomingMessage, maxBytes: number, acceptCompressed = true): Promise<BodyResult> {
  const encoding = contentEncoding(req.headers);
  if (encoding === undefined) {
    return Promise.resolve({ ok: false, status: 415, reason: `unsupported Content-Encoding: ${req.headers['content-encoding']}` });
  }
  if (encoding !== 'identity' && !acceptCompressed) {
    return Promise.resolve({ ok: false, status: 415, reason: `compressed requests are not accepted here (accept_compressed_requests: false): Content-Encoding ${encoding}` });
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) return Promise.resolve(tooLarge(`Content-Length ${declared}`, maxBytes));

  return new Promise<BodyResult>((resolve) => {
    const inflater = encoding === 'identity' ? undefined : decompressor(encoding);
    const chunks: Buffer[] = [];
    let received = 0;
    let decoded = 0;
    let settled = false;

    const finish = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      // Unread data is discarded by the flowing request stream; the caller closes the connection on failures.
      inflater?.destroy();
      resolve(result);
    };
    const succeed = (): void =>
      finish({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, decoded) });
    const collect = (chunk: Buffer): void => {
      if (settled) return;
      decoded += chunk.length;
      if (decoded > maxBytes) return finish(tooLarge('decompressed body', maxBytes));
      chunks.push(chunk);
    };

    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      received += chunk.length;
      if (received > maxBytes) return finish(tooLarge('body', maxBytes));
      if (inflater) inflater.write(chunk);
      else collect(chunk);
    });
    req.on('end', () => {
      if (inflater) inflater.end();
      else succeed();
    });
    req.on('close', () => {
      if (!req.complete) finish({ ok: false, status: 400, reason: 'request aborted by the client' });
    });
    req.on('error', (error) => finish({ ok: false, status: 400, reason: `request stream failed: ${error.message}` }));
    if (inflater) {
      inflater.on('data', collect);
      inflater.on('end', succeed);
      inflater.on('error', (error) => finish({ ok: false, status: 400, reason: `corrupt ${encoding} body: ${error.message}` }));
    }
  });
}
