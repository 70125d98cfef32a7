// One unary gRPC call on an HTTP/2 session, as the gRPC-over-HTTP/2 protocol defines it: a POST with one
// length-prefixed message, answered by headers, at most one message and trailers carrying grpc-status. How it ended
// comes back as a CallOutcome, never as an exception; classify.ts maps that to an export outcome.
import http2 from 'node:http2';
import { inflateSync, gunzipSync } from 'node:zlib';
import { describeTransportError } from '../otlp-export-support.js';
import { GrpcCode, type CallOutcome } from './classify.js';

/** Answers are a partial_success at most; anything bigger than gRPC's usual receive limit is refused. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM, NGHTTP2_ENHANCE_YOUR_CALM, NGHTTP2_INADEQUATE_SECURITY } = http2.constants;

export interface UnaryRequest {
  /** Request headers, pseudo-headers included. */
  headers: http2.OutgoingHttpHeaders;
  /** The 5-byte message prefix and the (possibly compressed) message. */
  prefix: Buffer;
  message: Uint8Array;
  /** Epoch ms after which the call is given up as DEADLINE_EXCEEDED; undefined: none. */
  deadline?: number;
}

/** Makes the call; a session that refuses new streams throws (the caller opens another and tries once more). */
export function unaryCall(session: http2.ClientHttp2Session, request: UnaryRequest): Promise<CallOutcome> {
  const stream = session.request(request.headers, { endStream: false });
  return new Promise<CallOutcome>((resolve) => {
    let settled = false;
    let httpStatus: number | undefined;
    let status: http2.IncomingHttpHeaders | undefined;
    let responseEncoding: string | undefined;
    let streamError: Error | undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    const settle = (outcome: CallOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer =
      request.deadline === undefined
        ? undefined
        : setTimeout(() => {
            settle({ kind: 'status', code: GrpcCode.DEADLINE_EXCEEDED, details: 'the call passed its timeout' });
            stream.close(NGHTTP2_CANCEL);
          }, Math.max(0, request.deadline - Date.now()));

    stream.on('response', (headers) => {
      httpStatus = Number(headers[':status']);
      responseEncoding = headerText(headers['grpc-encoding']);
      // Trailers-only: an answer without a message carries its status in the headers.
      if (headers['grpc-status'] !== undefined) status = headers;
    });
    stream.on('trailers', (trailers) => {
      if (trailers['grpc-status'] !== undefined) status = trailers;
    });
    stream.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_RESPONSE_BYTES) {
        settle({ kind: 'status', code: GrpcCode.RESOURCE_EXHAUSTED, details: `the answer is larger than ${MAX_RESPONSE_BYTES} bytes` });
        stream.close(NGHTTP2_CANCEL);
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (error) => (streamError ??= error));
    stream.on('close', () => {
      if (status !== undefined) return settle(fromStatus(status, Buffer.concat(chunks), responseEncoding));
      if (httpStatus !== undefined && httpStatus !== 200) {
        return settle({ kind: 'status', code: codeOfHttpStatus(httpStatus), details: `HTTP status ${httpStatus} without a gRPC status` });
      }
      // The peer reset this stream (RST_STREAM): its code says whether the call may be made again.
      if ((streamError as NodeJS.ErrnoException | undefined)?.code === 'ERR_HTTP2_STREAM_ERROR' && stream.rstCode !== undefined) {
        return settle({ kind: 'status', code: codeOfReset(stream.rstCode), details: `the peer reset the call (HTTP/2 code ${stream.rstCode})` });
      }
      // The connection went before an answer (lost, closed, refused by a GOAWAY): worth sending again elsewhere.
      settle({ kind: 'status', code: GrpcCode.UNAVAILABLE, details: streamError ? describeTransportError(streamError) : 'the connection closed before the peer answered' });
    });
    stream.write(request.prefix);
    stream.end(request.message);
  });
}

function fromStatus(headers: http2.IncomingHttpHeaders, body: Buffer, encoding: string | undefined): CallOutcome {
  const code = Number(headerText(headers['grpc-status']));
  if (!Number.isInteger(code) || code < 0) return { kind: 'status', code: GrpcCode.UNKNOWN, details: 'the peer sent an unreadable grpc-status' };
  if (code !== GrpcCode.OK) {
    const details = decodeMessage(headerText(headers['grpc-message']) ?? '');
    const detailsBin = headerText(headers['grpc-status-details-bin']);
    return { kind: 'status', code, details, ...(detailsBin ? { statusDetails: Buffer.from(detailsBin, 'base64') } : {}) };
  }
  const message = firstMessage(body, encoding);
  return message === undefined
    ? { kind: 'status', code: GrpcCode.INTERNAL, details: 'the answer is not a readable gRPC message' }
    : { kind: 'ok', response: message };
}

/** The first length-prefixed message of the body (an empty one when there is none), decompressed as flagged. */
function firstMessage(body: Buffer, encoding: string | undefined): Buffer | undefined {
  if (body.length === 0) return Buffer.alloc(0);
  if (body.length < 5) return undefined;
  const length = body.readUInt32BE(1);
  if (body.length < 5 + length) return undefined;
  const message = body.subarray(5, 5 + length);
  if ((body[0]! & 1) === 0) return message;
  try {
    const options = { maxOutputLength: MAX_RESPONSE_BYTES };
    if (encoding === 'gzip') return gunzipSync(message, options);
    if (encoding === 'deflate') return inflateSync(message, options);
  } catch {
    return undefined;
  }
  return undefined;
}

/** grpc-message is percent-encoded UTF-8. */
function decodeMessage(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function headerText(value: string | string[] | number | undefined): string | undefined {
  return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
}

/** The gRPC spec's mapping of an HTTP status that came without a gRPC status. */
function codeOfHttpStatus(status: number): number {
  switch (status) {
    case 400:
      return GrpcCode.INTERNAL;
    case 401:
      return GrpcCode.UNAUTHENTICATED;
    case 403:
      return GrpcCode.PERMISSION_DENIED;
    case 404:
      return GrpcCode.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcCode.UNAVAILABLE;
    default:
      return GrpcCode.UNKNOWN;
  }
}

/** A refused stream was never processed, so it is safe to send again; the others as gRPC clients read them. */
function codeOfReset(code: number): number {
  switch (code) {
    case NGHTTP2_REFUSED_STREAM:
      return GrpcCode.UNAVAILABLE;
    case NGHTTP2_CANCEL:
      return GrpcCode.CANCELLED;
    case NGHTTP2_ENHANCE_YOUR_CALM:
      return GrpcCode.RESOURCE_EXHAUSTED;
    case NGHTTP2_INADEQUATE_SECURITY:
      return GrpcCode.PERMISSION_DENIED;
    default:
      return GrpcCode.INTERNAL;
  }
}
