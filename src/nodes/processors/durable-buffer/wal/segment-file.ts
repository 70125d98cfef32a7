// A segment is one file of the log: a 32-byte header, then records (record.ts) one after the other. Segments are
// named by a sequence number, zero-padded so that names sort in the order they were written.
//
//   offset  size  field
//        0     8  "OTAPWAL" and format version 1
//        8     8  sequence number (uint64)
//       16     8  created at, epoch ms (float64)
//       24     4  reserved (0)
//       28     4  CRC-32 of bytes 0..28
import { crc32 } from 'node:zlib';

export const SEGMENT_HEADER_BYTES = 32;
const SEGMENT_MAGIC = Buffer.from('OTAPWAL\u0001', 'latin1');
const NAME = /^(\d{16})\.wal$/;

export function segmentName(seq: number): string {
  return `${String(seq).padStart(16, '0')}.wal`;
}

/** The sequence number of a segment file name, or undefined for any other file. */
export function segmentSeq(name: string): number | undefined {
  const match = NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

export function encodeSegmentHeader(seq: number, createdAt: number): Buffer {
  const head = Buffer.alloc(SEGMENT_HEADER_BYTES);
  SEGMENT_MAGIC.copy(head, 0);
  head.writeBigUInt64LE(BigInt(seq), 8);
  head.writeDoubleLE(createdAt, 16);
  head.writeUInt32LE(crc32(head.subarray(0, 28)), 28);
  return head;
}

export type SegmentHeader = { ok: true; seq: number; createdAt: number } | { ok: false; reason: string };

export function parseSegmentHeader(head: Buffer): SegmentHeader {
  if (head.byteLength < SEGMENT_HEADER_BYTES) return { ok: false, reason: 'shorter than a segment header' };
  if (!head.subarray(0, 8).equals(SEGMENT_MAGIC)) return { ok: false, reason: 'not a segment of this log format' };
  if (crc32(head.subarray(0, 28)) !== head.readUInt32LE(28)) return { ok: false, reason: 'segment header checksum mismatch' };
  return { ok: true, seq: Number(head.readBigUInt64LE(8)), createdAt: head.readDoubleLE(16) };
}
