// One record of the write-ahead log: one message (an OTLP export request as it travels between nodes), framed so that a
// reader can tell a whole, intact record from a torn or damaged one.
//
//   offset  size  field
//        0     4  magic 0x4F574C52 ("RLWO" little-endian): where a record starts, so a reader can find the next one
//        4     4  body length (bytes after this 12-byte header)
//        8     4  CRC-32 of the body length field and the body (zlib's crc32)
//       12     1  format version (1)
//       13     1  signal: 1 logs, 2 traces, 3 metrics
//       14     2  reserved (0)
//       16     4  items (log records, spans or data points)
//       20     8  appended at, epoch ms (float64), for max_age
//       28     …  the payload: the protobuf bytes as received, unchanged
//
// The header is built apart from the payload, and both are written with one writev: the payload is never copied.
// Integers are little-endian.
import { crc32 } from 'node:zlib';
import type { Signal } from '../../../../pipeline/pdata.js';

export const RECORD_MAGIC = 0x4f574c52;
const VERSION = 1;
export const RECORD_HEADER_BYTES = 12;
const BODY_HEADER_BYTES = 16;
/** Bytes a record takes on disk besides its payload. */
export const RECORD_OVERHEAD_BYTES = RECORD_HEADER_BYTES + BODY_HEADER_BYTES;
/** No message is this large (receivers cap requests far lower); a length above it is damage, not data. */
export const MAX_BODY_BYTES = 1024 * 1024 * 1024;

const SIGNAL_CODES: Readonly<Record<Signal, number>> = { logs: 1, traces: 2, metrics: 3 };
const SIGNALS_BY_CODE: readonly (Signal | undefined)[] = [undefined, 'logs', 'traces', 'metrics'];

export interface WalRecord {
  signal: Signal;
  items: number;
  appendedAt: number;
  payload: Uint8Array;
}

/** The 28 bytes written in front of `payload`; the CRC covers both. */
export function encodeRecordHeader(signal: Signal, items: number, appendedAt: number, payload: Uint8Array): Buffer {
  const head = Buffer.allocUnsafe(RECORD_OVERHEAD_BYTES);
  head.writeUInt32LE(RECORD_MAGIC, 0);
  head.writeUInt32LE(BODY_HEADER_BYTES + payload.byteLength, 4);
  head.writeUInt8(VERSION, 12);
  head.writeUInt8(SIGNAL_CODES[signal], 13);
  head.writeUInt16LE(0, 14);
  head.writeUInt32LE(items >>> 0, 16);
  head.writeDoubleLE(appendedAt, 20);
  const crc = crc32(payload, crc32(head.subarray(RECORD_HEADER_BYTES), crc32(head.subarray(4, 8))));
  head.writeUInt32LE(crc, 8);
  return head;
}

export type RecordParse =
  /** A whole record; the next one starts at `next`. */
  | { kind: 'record'; record: WalRecord; next: number }
  /** `buffer` ends inside a record that the file holds whole: read at least `bytes` from the record's start. */
  | { kind: 'short'; bytes: number }
  /** Not a record, or a damaged one: torn by a crash, overwritten, or flipped bits. */
  | { kind: 'damaged'; reason: string };

/**
 * Parses the record at `at` of `buffer`, which holds the file's bytes from file offset `base`; `fileEnd` is where the
 * file's data ends, so that a length running past it is known to be damage, not a short read. `verify` checks the CRC
 * (data this process wrote itself and reads back from the page cache is trusted without it).
 */
export function parseRecord(buffer: Buffer, at: number, base: number, fileEnd: number, verify: boolean): RecordParse {
  const available = buffer.byteLength - at;
  const inFile = fileEnd - (base + at);
  if (inFile < RECORD_OVERHEAD_BYTES) return { kind: 'damaged', reason: `${inFile} bytes left, too few for a record` };
  if (available < RECORD_HEADER_BYTES) return { kind: 'short', bytes: RECORD_OVERHEAD_BYTES };
  if (buffer.readUInt32LE(at) !== RECORD_MAGIC) return { kind: 'damaged', reason: 'no record starts here' };
  const bodyLength = buffer.readUInt32LE(at + 4);
  if (bodyLength < BODY_HEADER_BYTES || bodyLength > MAX_BODY_BYTES) return { kind: 'damaged', reason: `impossible record length ${bodyLength}` };
  const total = RECORD_HEADER_BYTES + bodyLength;
  if (total > inFile) return { kind: 'damaged', reason: `record of ${total} bytes runs past the end of the data (${inFile} bytes left)` };
  if (total > available) return { kind: 'short', bytes: total };
  const body = buffer.subarray(at + RECORD_HEADER_BYTES, at + total);
  if (verify) {
    const expected = buffer.readUInt32LE(at + 8);
    if (crc32(body, crc32(buffer.subarray(at + 4, at + 8))) !== expected) return { kind: 'damaged', reason: 'checksum mismatch' };
  }
  const signal = SIGNALS_BY_CODE[body.readUInt8(1)];
  if (body.readUInt8(0) !== VERSION || signal === undefined) return { kind: 'damaged', reason: 'unknown record version or signal' };
  return {
    kind: 'record',
    record: { signal, items: body.readUInt32LE(4), appendedAt: body.readDoubleLE(8), payload: body.subarray(BODY_HEADER_BYTES) },
    next: at + total,
  };
}

const MAGIC_BYTES = Buffer.from([0x52, 0x4c, 0x57, 0x4f]);

/** The first offset at or after `from` in `buffer` where a record could start (its magic), or -1. */
export function findNextMagic(buffer: Buffer, from: number): number {
  return buffer.indexOf(MAGIC_BYTES, from);
}
