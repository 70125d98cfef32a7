// How a message's protobuf bytes become a request body. The default (protobuf, uncompressed) sends them as they are
// and has no encoder at all; OTLP/JSON renders them once through the engine's schema; compression runs on zlib's
// thread pool.
import { otlpProtoToJson } from '../../../pdata/json.js';
import type { PData } from '../../../pipeline/pdata.js';
import { compress, type CompressionMethod } from '../compress.js';

export type Encoding = 'proto' | 'json';

export type EncodedBody = { ok: true; body: Uint8Array } | { ok: false; reason: string };
export type BodyEncoder = (pdata: PData) => Promise<EncodedBody>;

export const CONTENT_TYPES: Record<Encoding, string> = {
  proto: 'application/x-protobuf',
  json: 'application/json',
};

/** The encoder for a configuration, or undefined when the payload is the body (protobuf, uncompressed). */
export function bodyEncoder(encoding: Encoding, compression: CompressionMethod | undefined): BodyEncoder | undefined {
  if (encoding === 'proto' && compression === undefined) return undefined;
  const json = encoding === 'json';
  return async (pdata) => {
    let body: Uint8Array = pdata.payload;
    if (json) {
      const rendered = otlpProtoToJson(pdata.signal, body);
      // A message that does not decode will not decode on a retry either.
      if (!rendered.ok) return { ok: false, reason: `cannot render the message as OTLP/JSON: ${rendered.reason}` };
      body = Buffer.from(JSON.stringify(rendered.json), 'utf8');
    }
    if (compression !== undefined) {
      try {
        body = await compress(compression, body);
      } catch (error) {
        return { ok: false, reason: `cannot compress the body (${compression}): ${(error as Error).message}` };
      }
    }
    return { ok: true, body };
  };
}
