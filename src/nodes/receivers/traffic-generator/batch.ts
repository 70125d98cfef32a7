// Turns a template into one fresh batch: a copy of its bytes with the times and ids written. Per item that is a few
// fixed-width writes, so a batch costs one allocation, one memcpy and one call for all its random ids.
import { randomFillSync } from 'node:crypto';
import type { PData } from '../../../pipeline/pdata.js';
import type { Template } from './template.js';

const NS_PER_MS = 1_000_000n;
const TWO_32 = 0x1_0000_0000;

/** Random bytes for the ids of one batch; grown to the largest batch seen. */
let randomPool = Buffer.alloc(0);

function idBytes(template: Template): number {
  let bytes = 0;
  for (const mark of template.part.marks) if (mark.kind !== 'time') bytes += mark.kind === 'traceId' ? 16 : 8;
  return bytes;
}
const idBytesOf = new WeakMap<Template, number>();

/** Copy of `template` with its times set from wall-clock `nowMs` (items 1 ns apart) and fresh random ids. */
export function fillBatch(template: Template, nowMs: number): PData {
  // allocUnsafe and copy: Buffer.from(buffer) zero-fills first and costs many times more for large templates.
  const bytes = template.part.bytes;
  const out = Buffer.allocUnsafe(bytes.length);
  bytes.copy(out);
  writeMarks(template, out, nowMs);
  return { signal: template.signal, payload: out, items: template.items };
}

/** Writes the times and ids of `template` into `out`, a copy of its bytes. */
export function writeMarks(template: Template, out: Buffer, nowMs: number): void {
  let ids = idBytesOf.get(template);
  if (ids === undefined) {
    ids = idBytes(template);
    idBytesOf.set(template, ids);
  }
  if (randomPool.length < ids) randomPool = Buffer.alloc(ids);
  if (ids > 0) randomFillSync(randomPool, 0, ids);
  const now = BigInt(nowMs) * NS_PER_MS;
  const baseLo = Number(now & 0xffffffffn);
  const baseHi = Number(now >> 32n);
  let random = 0;
  for (const mark of template.part.marks) {
    switch (mark.kind) {
      case 'time': {
        const lo = baseLo + mark.item + mark.deltaNs;
        const carry = Math.floor(lo / TWO_32);
        out.writeUInt32LE(lo - carry * TWO_32, mark.offset);
        out.writeUInt32LE(baseHi + carry, mark.offset + 4);
        break;
      }
      case 'traceId':
        randomPool.copy(out, mark.offset, random, random + 16);
        random += 16;
        break;
      case 'spanId':
        randomPool.copy(out, mark.offset, random, random + 8);
        random += 8;
        break;
    }
  }
}
