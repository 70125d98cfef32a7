// Keeps the first `keep` log records of an ExportLogsServiceRequest (in document order: resource by resource, scope
// by scope) and drops the rest, on the wire: the kept bytes are copied as they came and only the lengths of the
// resource and scope that is cut through are rewritten. As processor:filter does, a scope or resource the sampling
// emptied goes with its records, and one that came in without records stays. A request the byte path does not walk
// (NOT_ON_WIRE) is decoded with protobufjs instead, which gives the same result.
import protobuf from 'protobufjs';
import { ExportLogsServiceRequest } from '../../../pdata/otlp-schema.js';
import { WireEdit } from '../../../pdata/wire-edit.js';
import { SIGNAL_LAYOUTS } from '../../../pdata/wire-layout.js';
import { NotOnWire, NOT_ON_WIRE, WIRE_LEN, WireReader } from '../../../pdata/wire-reader.js';

const LOGS = SIGNAL_LAYOUTS.logs;
const reader = new WireReader();
const edit = new WireEdit();

export interface Kept {
  payload: Buffer;
  /** Records in `payload`. */
  kept: number;
}

/** The request with only its first `keep` log records (0 < keep); `path` picks the byte or the decode path. */
export function keepFirstLogRecords(payload: Uint8Array, keep: number, path: 'auto' | 'wire' | 'decode' = 'auto'): Kept {
  if (path !== 'decode') {
    try {
      return onWire(payload, keep);
    } catch (error) {
      if (!(error instanceof NotOnWire) || path === 'wire') throw error;
    } finally {
      reader.release();
      edit.release();
    }
  }
  return decoded(payload, keep);
}

function onWire(payload: Uint8Array, keep: number): Kept {
  reader.reset(payload);
  edit.begin(payload);
  const state = { left: keep };
  const scope: Visit = (s, t, cs, ce) => container(s, t, cs, ce, LOGS.records, state, undefined);
  walk(0, payload.length, LOGS.resources, (s, t, cs, ce) => container(s, t, cs, ce, LOGS.scopes, state, scope));
  return { payload: edit.finish(), kept: keep - state.left };
}

type Visit = (start: number, tagEnd: number, contentStart: number, contentEnd: number) => void;

/** Copies every field of [from, end) but the length-delimited `field`s, which go to `visit`. */
function walk(from: number, end: number, field: number, visit: Visit): void {
  reader.pos = from;
  while (reader.pos < end) {
    const start = reader.pos;
    const tag = reader.varint(end);
    if (tag >>> 3 === field) {
      if ((tag & 7) !== WIRE_LEN) throw NOT_ON_WIRE;
      const tagEnd = reader.pos;
      const contentEnd = reader.lengthEnd(end);
      visit(start, tagEnd, reader.pos, contentEnd);
      reader.pos = contentEnd;
    } else {
      reader.skip(tag & 7, end);
      edit.copy(start, reader.pos);
    }
  }
}

/**
 * A resource (`child` = its scopes) or a scope (`child` = its records; `inner` undefined): kept whole, dropped whole,
 * or cut through, with a new length.
 */
function container(
  start: number,
  tagEnd: number,
  contentStart: number,
  contentEnd: number,
  child: number,
  state: { left: number },
  inner: Visit | undefined,
): void {
  const records = countRecords(contentStart, contentEnd, child, inner !== undefined);
  if (records === 0 || records <= state.left) {
    edit.copy(start, contentEnd);
    state.left -= records;
    return;
  }
  if (state.left === 0) return;
  edit.copy(start, tagEnd);
  const length = edit.openLength();
  walk(contentStart, contentEnd, child, (s, t, cs, ce) => {
    if (inner) return inner(s, t, cs, ce);
    if (state.left === 0) return;
    edit.copy(s, ce);
    state.left--;
  });
  edit.closeLength(length);
}

/** Log records in a scope's content, or in a resource's (`nested`: through its scopes). Leaves `reader.pos` alone. */
function countRecords(from: number, end: number, field: number, nested: boolean): number {
  const saved = reader.pos;
  let count = 0;
  reader.pos = from;
  while (reader.pos < end) {
    const tag = reader.varint(end);
    if (tag >>> 3 === field && (tag & 7) === WIRE_LEN) {
      const contentEnd = reader.lengthEnd(end);
      if (nested) count += countRecords(reader.pos, contentEnd, LOGS.records, false);
      reader.pos = contentEnd;
    } else if (tag >>> 3 === field) throw NOT_ON_WIRE;
    else reader.skip(tag & 7, end);
    if (!nested && tag >>> 3 === field) count++;
  }
  reader.pos = saved;
  return count;
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
