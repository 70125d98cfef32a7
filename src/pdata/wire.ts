// Hot path of every receiver: walks the protobuf wire format of an Export*ServiceRequest, checks every field of every
// known message (framing, varints, wire types, UTF-8 of strings, nesting) and counts items, without building a single
// object. A request first gets the fast scan (wire-fast-scan.ts), which accepts or passes; the full scan here decides
// what it passes and names the first fault in the request's order. Its state lives in module variables because the
// scan is synchronous and must not allocate per field; single-byte tags, lengths and varints take a fast path.
import { isUtf8 } from 'node:buffer';
import type { Signal } from './signal.js';
import { KIND, KEY_VALUE_TABLE, REQUEST_TABLES, type MessageTable } from './wire-tables.js';
import { isPlainKeyValue } from './wire-scan-key-value.js';
import { isAsciiRange } from './wire-ascii.js';
import { fastScan, MAX_DEPTH } from './wire-fast-scan.js';

export type ScanResult = { ok: true; items: number } | { ok: false; reason: string };

const K_UNKNOWN = KIND.UNKNOWN;
const K_VARINT = KIND.VARINT;
const K_I64 = KIND.I64;
const K_I32 = KIND.I32;
const K_LEN = KIND.LEN;
const K_MESSAGE = KIND.MESSAGE;
const K_PACKED_VARINT = KIND.PACKED_VARINT;
const K_PACKED_I64 = KIND.PACKED_I64;
const K_PACKED_I32 = KIND.PACKED_I32;
const K_STRING = KIND.STRING;

const EMPTY = new Uint8Array(0);
const TRUNCATED = -1;
const OVERLONG = -2;

let buf: Uint8Array = EMPTY;
let pos = 0;
let items = 0;
let failure = '';

function fail(reason: string): false {
  failure = reason;
  return false;
}

/** Value of the varint at `pos` (exact up to 2^53, enough for tags and lengths), or TRUNCATED / OVERLONG. */
function readVarint(end: number): number {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return TRUNCATED;
    const b = buf[pos++] as number;
    value += (b & 0x7f) * mul;
    if (b < 0x80) return i === 9 && b > 1 ? OVERLONG : value;
    mul *= 128;
  }
  return OVERLONG;
}

function skipVarint(end: number, where: string): boolean {
  if (pos < end && (buf[pos] as number) < 0x80) {
    pos++;
    return true;
  }
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return fail(`${where}: truncated varint`);
    const b = buf[pos++] as number;
    if (b < 0x80) return i === 9 && b > 1 ? fail(`${where}: varint overflows 64 bits`) : true;
  }
  return fail(`${where}: varint longer than 10 bytes`);
}

/** Reads a length prefix that must fit in what is left of the enclosing message; -1 after recording the failure. */
function readLength(end: number, where: string): number {
  let len: number;
  if (pos < end && (buf[pos] as number) < 0x80) len = buf[pos++] as number;
  else len = readVarint(end);
  if (len === TRUNCATED) fail(`${where}: truncated length`);
  else if (len === OVERLONG) fail(`${where}: malformed length varint`);
  else if (len > end - pos) fail(`${where}: length ${len} exceeds the ${end - pos} bytes left`);
  else return len;
  return -1;
}

function skipFixed(end: number, size: number, where: string): boolean {
  if (end - pos < size) return fail(`${where}: truncated ${size * 8}-bit value`);
  pos += size;
  return true;
}

function skipString(end: number, where: string): boolean {
  const len = readLength(end, where);
  if (len < 0) return false;
  const start = pos;
  pos += len;
  if (isAsciiRange(buf, start, pos) || isUtf8(buf.subarray(start, pos))) return true;
  return fail(`${where}: string is not valid UTF-8`);
}

function packed(end: number, wire: number, where: string, scalarWire: number, size: number): boolean {
  if (wire === scalarWire) return size === 0 ? skipVarint(end, where) : skipFixed(end, size, where);
  if (wire !== 2) return fail(`${where}: wire type ${wire}, expected ${scalarWire} or 2`);
  const len = readLength(end, where);
  if (len < 0) return false;
  const stop = pos + len;
  if (size !== 0) {
    if (len % size !== 0) return fail(`${where}: packed length ${len} is not a multiple of ${size}`);
    pos = stop;
    return true;
  }
  while (pos < stop) if (!skipVarint(stop, where)) return false;
  return true;
}

function skipUnknown(end: number, field: number, wire: number, where: string, depth: number): boolean {
  if (field === 0) return fail(`${where}: field number 0`);
  switch (wire) {
    case 0:
      return skipVarint(end, where);
    case 1:
      return skipFixed(end, 8, where);
    case 2: {
      const len = readLength(end, where);
      if (len < 0) return false;
      pos += len;
      return true;
    }
    case 5:
      return skipFixed(end, 4, where);
    case 3:
      return skipGroup(end, field, where, depth);
    default:
      return fail(`${where}: invalid wire type ${wire}`);
  }
}

/** Legacy groups are legal for unknown fields; skip to the matching end-group tag. */
function skipGroup(end: number, field: number, where: string, depth: number): boolean {
  if (depth >= MAX_DEPTH) return fail(`${where}: nesting deeper than ${MAX_DEPTH}`);
  for (;;) {
    const tag = readVarint(end);
    if (tag < 0) return fail(`${where}: unterminated group`);
    const inner = Math.floor(tag / 8);
    const wire = tag % 8;
    if (inner === 0) return fail(`${where}: field number 0`);
    if (wire === 4) return inner === field ? true : fail(`${where}: mismatched end-group`);
    if (!skipUnknown(end, inner, wire, where, depth + 1)) return false;
  }
}

function wrongWire(table: MessageTable, field: number, wire: number, want: number): false {
  return fail(`${table.name}.${field}: wire type ${wire}, expected ${want}`);
}

function scanMessage(end: number, table: MessageTable, depth: number): boolean {
  const kinds = table.kinds;
  const known = kinds.length;
  const where = table.name;
  const bytes = buf; // a local: no reload of the module binding per field
  while (pos < end) {
    let field: number;
    let wire: number;
    const first = bytes[pos] as number;
    if (first < 0x80) {
      pos++;
      field = first >>> 3;
      wire = first & 7;
    } else {
      const tag = readVarint(end);
      if (tag < 0) return fail(`${where}: ${tag === TRUNCATED ? 'truncated' : 'malformed'} tag`);
      if (tag > 0xffffffff) return fail(`${where}: tag out of range`);
      field = Math.floor(tag / 8);
      wire = tag % 8;
    }
    // Field 0 is in no table: it takes the unknown fields' path, which refuses it.
    const kind = field < known ? (kinds[field] as number) : K_UNKNOWN;
    switch (kind) {
      case K_MESSAGE: {
        if (wire !== 2) return wrongWire(table, field, wire, 2);
        const len = readLength(end, where);
        if (len < 0) return false;
        const child = table.children[field] as MessageTable;
        if (child.counted) items++;
        if (depth + 1 >= MAX_DEPTH) return fail(`${child.name}: nesting deeper than ${MAX_DEPTH}`);
        if (child === KEY_VALUE_TABLE && isPlainKeyValue(buf, pos, pos + len)) {
          pos += len;
          break;
        }
        if (!scanMessage(pos + len, child, depth + 1)) return false;
        break;
      }
      case K_STRING:
        if (wire !== 2) return wrongWire(table, field, wire, 2);
        if (!skipString(end, where)) return false;
        break;
      case K_LEN: {
        if (wire !== 2) return wrongWire(table, field, wire, 2);
        const len = readLength(end, where);
        if (len < 0) return false;
        pos += len;
        break;
      }
      case K_VARINT:
        if (wire !== 0) return wrongWire(table, field, wire, 0);
        if (!skipVarint(end, where)) return false;
        break;
      case K_I64:
        if (wire !== 1) return wrongWire(table, field, wire, 1);
        if (!skipFixed(end, 8, where)) return false;
        break;
      case K_I32:
        if (wire !== 5) return wrongWire(table, field, wire, 5);
        if (!skipFixed(end, 4, where)) return false;
        break;
      case K_PACKED_VARINT:
        if (!packed(end, wire, where, 0, 0)) return false;
        break;
      case K_PACKED_I64:
        if (!packed(end, wire, where, 1, 8)) return false;
        break;
      case K_PACKED_I32:
        if (!packed(end, wire, where, 5, 4)) return false;
        break;
      default:
        if (!skipUnknown(end, field, wire, where, depth)) return false;
    }
  }
  return true;
}

/**
 * Validates `bytes` as the Export*ServiceRequest of `signal` and counts its items: log records, spans, or metric data
 * points of every type. Unknown fields are skipped (forward compatibility); known fields must have their wire type.
 */
export function scanRequest(signal: Signal, bytes: Uint8Array): ScanResult {
  const table = REQUEST_TABLES[signal];
  const fast = fastScan(bytes, table);
  return fast >= 0 ? { ok: true, items: fast } : fullScan(bytes, table);
}

/** The full scan alone: it decides every request the fast scan passes on, and names the fault of a refused one. */
export function fullScan(bytes: Uint8Array, table: MessageTable): ScanResult {
  buf = bytes;
  pos = 0;
  items = 0;
  failure = '';
  const ok = scanMessage(bytes.length, table, 0);
  buf = EMPTY; // never keep a caller's request alive
  return ok ? { ok: true, items } : { ok: false, reason: failure };
}
