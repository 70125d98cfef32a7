// Turns a template into one batch: a copy of its bytes with the placeholders filled in. Per item that is a few
// fixed-width writes (times, ids, sequence number, `gen.key` digits), so a batch costs one allocation and a memcpy.
// With few distinct `gen.key` phases the copy is taken from a variant that already holds the keys.
import { randomFillSync } from 'node:crypto';
import type { PData } from '../../../pipeline/pdata.js';
import { SEQ_DIGITS } from './parts.js';
import { MAX_VARIANTS, type KeyMarks, type Template } from './template.js';

const NS_PER_MS = 1_000_000n;
const TWO_32 = 0x1_0000_0000;

/** 8 random bytes per batch: ids differ between batches, generators and processes without a random call per item. */
const salt = Buffer.alloc(8);

function writeU64(out: Buffer, offset: number, lo: number, hi: number): void {
  out.writeUInt32LE(lo >>> 0, offset);
  out.writeUInt32LE(hi >>> 0, offset + 4);
}

/** Item i of a batch whose first item has key `phase` gets key (phase + i) mod cardinality, as ASCII digits. */
export function writeKeys(out: Buffer, keys: KeyMarks, phase: number): void {
  const { offsets, width, cardinality } = keys;
  let key = phase;
  for (let i = 0; i < offsets.length; i++) {
    let rest = key;
    for (let at = (offsets[i] as number) + width - 1; at >= (offsets[i] as number); at--) {
      const digit = rest % 10;
      out[at] = 48 + digit;
      rest = (rest - digit) / 10;
    }
    if (++key === cardinality) key = 0;
  }
}

/** A fresh copy of the template's bytes with the `gen.key` values of a batch starting at `firstSeq` in place. */
function keyedCopy(template: Template, firstSeq: number): Buffer {
  const keys = template.keys;
  if (!keys) return Buffer.from(template.part.bytes);
  const phase = firstSeq % keys.cardinality;
  const variant = keys.variants?.get(phase);
  if (variant) return Buffer.from(variant);
  const out = Buffer.from(template.part.bytes);
  writeKeys(out, keys, phase);
  if (keys.variants && keys.variants.size < MAX_VARIANTS) keys.variants.set(phase, Buffer.from(out));
  return out;
}

/** Fills `template` for items numbered `firstSeq`, `firstSeq + 1`, … at wall-clock time `nowMs`. */
export function fillBatch(template: Template, firstSeq: number, nowMs: number): PData {
  const out = keyedCopy(template, firstSeq);
  const now = BigInt(nowMs) * NS_PER_MS;
  const baseLo = Number(now & 0xffffffffn);
  const baseHi = Number(now >> 32n);
  randomFillSync(salt);
  for (const mark of template.part.marks) {
    const seq = firstSeq + mark.item;
    switch (mark.kind) {
      case 'time': {
        // Items of a batch are 1 ns apart so that timestamps stay distinct.
        const lo = baseLo + mark.item + mark.deltaNs;
        writeU64(out, mark.offset, lo % TWO_32, baseHi + Math.floor(lo / TWO_32));
        break;
      }
      case 'traceId':
        salt.copy(out, mark.offset);
        writeU64(out, mark.offset + 8, seq % TWO_32, Math.floor(seq / TWO_32));
        break;
      case 'spanId':
        out.writeUInt32LE(seq % TWO_32, mark.offset);
        salt.copy(out, mark.offset + 4, 0, 4);
        break;
      case 'seq':
        out.write(String(seq).padStart(SEQ_DIGITS, '0'), mark.offset, SEQ_DIGITS, 'latin1');
        break;
      case 'seqInt':
        writeU64(out, mark.offset, seq % TWO_32, Math.floor(seq / TWO_32));
        break;
      case 'key':
        break; // written by keyedCopy
    }
  }
  return { signal: template.signal, payload: out, items: template.items };
}
