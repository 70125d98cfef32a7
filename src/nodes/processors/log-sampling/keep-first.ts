// Keeps the first `keep` log records of an ExportLogsServiceRequest (in document order: resource by resource, scope
// by scope) and drops the rest, on the wire (pdata/wire-walk.ts): the kept bytes are copied as they came and only the
// lengths of the resource and scope that is cut through are rewritten. As processor:filter does, a scope or resource
// the sampling emptied goes with its records, and one that came in without records stays. A request the byte path
// does not walk (NOT_ON_WIRE) is decoded with protobufjs instead, which gives the same result.
import protobuf from 'protobufjs';
import { ExportLogsServiceRequest } from '../../../pdata/otlp-schema.js';
import { SIGNAL_LAYOUTS } from '../../../pdata/wire-layout.js';
import { NotOnWire } from '../../../pdata/wire-reader.js';
import { FIELD, KeepingVisitor, LEVEL, WireWalk, type FieldOutcome } from '../../../pdata/wire-walk.js';

export interface Kept {
  payload: Buffer;
  /** Records in `payload`. */
  kept: number;
}

/** Keeps records while `left` lasts; the walker (pdata/wire-walk.ts) does the rest. */
class KeepFirst extends KeepingVisitor {
  override readonly levels = LEVEL.RECORDS;
  left = 0;

  override record(): FieldOutcome {
    if (this.left === 0) return FIELD.DROP;
    this.left--;
    return FIELD.KEEP;
  }
}

const walk = new WireWalk(SIGNAL_LAYOUTS.logs);
const keepFirst = new KeepFirst();

/** The request with only its first `keep` log records (0 < keep); `path` picks the byte or the decode path. */
export function keepFirstLogRecords(payload: Uint8Array, keep: number, path: 'auto' | 'wire' | 'decode' = 'auto'): Kept {
  if (path !== 'decode') {
    try {
      keepFirst.left = keep;
      const out = walk.walk(payload, keepFirst);
      // Undefined only when nothing was dropped (the request had at most `keep` records): with keep > 0 one is left.
      return { payload: out ?? Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), kept: walk.keptRecords };
    } catch (error) {
      if (!(error instanceof NotOnWire) || path === 'wire') throw error;
    }
  }
  return decoded(payload, keep);
}

interface Request {
  resourceLogs: Array<{ scopeLogs: Array<{ logRecords: unknown[] }> }>;
}

/** The reference path: decode, keep the first records, drop what was emptied, encode. */
function decoded(payload: Uint8Array, keep: number): Kept {
  const r = protobuf.Reader.create(payload);
  r.discardUnknown = false;
  const request = ExportLogsServiceRequest.decode(r) as unknown as Request;
  let left = keep;
  request.resourceLogs = request.resourceLogs.filter((resource) => {
    const had = resource.scopeLogs.reduce((n, s) => n + s.logRecords.length, 0);
    resource.scopeLogs = resource.scopeLogs.filter((scope) => {
      const n = scope.logRecords.length;
      scope.logRecords = scope.logRecords.slice(0, left);
      left -= scope.logRecords.length;
      return n === 0 || scope.logRecords.length > 0;
    });
    return had === 0 || resource.scopeLogs.some((s) => s.logRecords.length > 0);
  });
  return { payload: Buffer.from(ExportLogsServiceRequest.encode(request as never).finish()), kept: keep - left };
}
