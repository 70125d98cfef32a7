// The receiver's first scan of a request: the checks of the full scan (wire.ts) in one loop, without recursion, every
// piece of state in a local that V8 can keep in a register, and strings noted for a batched check (wire-ascii.ts). It
// answers only "accepted, with this many items" or "not here": a request it does not accept, or whose shape it leaves
// to the full scan (a legacy group), gets the full scan, which decides and names the fault. So it may refuse more than
// the full scan does, never accept more.
import { KIND, KEY_VALUE_TABLE, type MessageTable } from './wire-tables.js';
import { plainKeyValueText } from './wire-scan-key-value.js';
import { beginStrings, endStrings, noteString } from './wire-ascii.js';

const K_VARINT = KIND.VARINT;
const K_I64 = KIND.I64;
const K_I32 = KIND.I32;
const K_MESSAGE = KIND.MESSAGE;
const K_PACKED_VARINT = KIND.PACKED_VARINT;
const K_PACKED_I64 = KIND.PACKED_I64;
const K_PACKED_I32 = KIND.PACKED_I32;
const K_STRING = KIND.STRING;
const K_UNKNOWN = KIND.UNKNOWN;

/** Protobuf's reference implementations' recursion limit: a message this deep (the request is at 0) is refused. */
export const MAX_DEPTH = 100;
const NOT_HERE = -1;

/** Where each enclosing message ends, and its table, while the loop is inside a nested one. */
const enclosingEnds = new Float64Array(MAX_DEPTH);
const enclosingTables: MessageTable[] = new Array<MessageTable>(MAX_DEPTH);

/** Where the varint that readLongVarint or skipLongVarint read ends. */
let varintEnd = 0;

/** A varint of more than one byte at p (tags and lengths: exact up to 2^53), or NOT_HERE if truncated or malformed. */
function readLongVarint(bytes: Uint8Array, p: number, end: number): number {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (p >= end) return NOT_HERE;
    const b = bytes[p++] as number;
    value += (b & 0x7f) * mul;
    if (b < 0x80) {
      varintEnd = p;
      return i === 9 && b > 1 ? NOT_HERE : value;
    }
    mul *= 128;
  }
  return NOT_HERE;
}

/** Skips the varint at p: false if truncated, longer than 10 bytes or over 64 bits. */
function skipLongVarint(bytes: Uint8Array, p: number, end: number): boolean {
  for (let i = 0; i < 10; i++) {
    if (p >= end) return false;
    const b = bytes[p++] as number;
    if (b < 0x80) {
      varintEnd = p;
      return i < 9 || b <= 1;
    }
  }
  return false;
}

/** Items of the request `bytes` (its table `root`), or -1: then only the full scan can say. */
export function fastScan(bytes: Uint8Array, root: MessageTable): number {
  beginStrings(bytes);
  const items = walk(bytes, root);
  // Always ended: the strings' check lets go of the request.
  return endStrings() ? items : NOT_HERE;
}

function walk(bytes: Uint8Array, root: MessageTable): number {
  let p = 0;
  let items = 0;
  let depth = 0;
  let end = bytes.length;
  let table = root;
  let kinds = table.kinds;
  for (;;) {
    if (p >= end) {
      if (depth === 0) return items;
      depth--;
      end = enclosingEnds[depth] as number;
      table = enclosingTables[depth] as MessageTable;
      kinds = table.kinds;
      continue;
    }
    let field: number;
    let wire: number;
    const first = bytes[p] as number;
    if (first < 0x80) {
      p++;
      field = first >>> 3;
      wire = first & 7;
    } else {
      const tag = readLongVarint(bytes, p, end);
      if (tag < 0 || tag > 0xffffffff) return NOT_HERE;
      p = varintEnd;
      field = Math.floor(tag / 8);
      wire = tag % 8;
    }
    const kind = field < kinds.length ? (kinds[field] as number) : K_UNKNOWN;
    if (wire !== 2) {
      switch (kind) {
        case K_VARINT:
        case K_PACKED_VARINT:
          if (wire !== 0) return NOT_HERE;
          break;
        case K_I64:
        case K_PACKED_I64:
          if (wire !== 1) return NOT_HERE;
          break;
        case K_I32:
        case K_PACKED_I32:
          if (wire !== 5) return NOT_HERE;
          break;
        case K_UNKNOWN:
          // Groups (3) and the invalid wire types are the full scan's.
          if (field === 0 || (wire !== 0 && wire !== 1 && wire !== 5)) return NOT_HERE;
          break;
        default:
          return NOT_HERE;
      }
      if (wire === 0) {
        if (p < end && (bytes[p] as number) < 0x80) p++;
        else if (skipLongVarint(bytes, p, end)) p = varintEnd;
        else return NOT_HERE;
      } else {
        const size = wire === 1 ? 8 : 4;
        if (end - p < size) return NOT_HERE;
        p += size;
      }
      continue;
    }
    if (field === 0 || kind === K_VARINT || kind === K_I64 || kind === K_I32) return NOT_HERE;
    let len: number;
    if (p < end && (bytes[p] as number) < 0x80) len = bytes[p++] as number;
    else {
      len = readLongVarint(bytes, p, end);
      if (len < 0) return NOT_HERE;
      p = varintEnd;
    }
    if (len > end - p) return NOT_HERE;
    const stop = p + len;
    switch (kind) {
      case K_MESSAGE: {
        const child = table.children[field] as MessageTable;
        if (child.counted) items++;
        if (depth + 1 >= MAX_DEPTH) return NOT_HERE;
        if (child === KEY_VALUE_TABLE) {
          const textEnd = plainKeyValueText(bytes, p, stop);
          if (textEnd >= 0) {
            if (!noteString(p + 2, textEnd)) return NOT_HERE;
            p = stop;
            break;
          }
        }
        enclosingEnds[depth] = end;
        enclosingTables[depth] = table;
        depth++;
        end = stop;
        table = child;
        kinds = table.kinds;
        break;
      }
      case K_STRING:
        if (!noteString(p, stop)) return NOT_HERE;
        p = stop;
        break;
      case K_PACKED_VARINT:
        while (p < stop) {
          if ((bytes[p] as number) < 0x80) p++;
          else if (skipLongVarint(bytes, p, stop)) p = varintEnd;
          else return NOT_HERE;
        }
        break;
      case K_PACKED_I64:
        if (len % 8 !== 0) return NOT_HERE;
        p = stop;
        break;
      case K_PACKED_I32:
        if (len % 4 !== 0) return NOT_HERE;
        p = stop;
        break;
      default:
        // `bytes` and unknown fields: any content.
        p = stop;
    }
  }
}
