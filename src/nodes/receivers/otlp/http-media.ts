// Content negotiation of OTLP/HTTP: the request's media type decides how the body is decoded and how the answer,
// success or error, is encoded.
import type { IncomingHttpHeaders } from 'node:http';

export type WireEncoding = 'protobuf' | 'json';

export const CONTENT_TYPE: Readonly<Record<WireEncoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** The encoding named by Content-Type (parameters such as charset ignored), or undefined when unsupported. */
export function requestEncoding(headers: IncomingHttpHeaders): WireEncoding | undefined {
  const raw = headers['content-type'];
  if (raw === undefined) return undefined;
  const media = raw.split(';', 1)[0]?.trim().toLowerCase();
  if (media === 'application/x-protobuf' || media === 'application/protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return undefined;
}

export type Decompression = 'identity' | 'gzip' | 'deflate' | 'br';

/** The body's Content-Encoding, or undefined when we cannot decode it (answered 415). */
export function contentEncoding(headers: IncomingHttpHeaders): Decompression | undefined {
  const raw = (headers['content-encoding'] ?? '').trim().toLowerCase();
  switch (raw) {
    case '':
    case 'identity':
      return 'identity';
    case 'gzip':
    case 'x-gzip':
      return 'gzip';
    case 'deflate':
      return 'deflate';
    case 'br':
      return 'br';
    default:
      return undefined;
  }
}
