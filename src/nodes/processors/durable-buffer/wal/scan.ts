// Recovery of one segment a previous process left: read it through with every checksum checked, and say what it
// holds (records, items, their time span) and what could not be read (damaged stretches: a tail torn by a crash, or
// damage in the middle, passed over to the next good record). Nothing is changed on disk.
import { stat } from 'node:fs/promises';
import { SegmentReader } from './segment-reader.js';
import { SEGMENT_HEADER_BYTES } from './segment-file.js';

export interface SegmentScan {
  /** File size when scanned. */
  fileBytes: number;
  /** Where the last readable record ends: data beyond it is a damaged tail. */
  validEnd: number;
  records: number;
  items: number;
  /** Append times of the first and last record read (epoch ms); undefined when none. */
  firstAt: number | undefined;
  lastAt: number | undefined;
  /** Damaged stretches passed over, and their bytes; `tornTail` when the last one runs to the end of the file. */
  damaged: number;
  damagedBytes: number;
  tornTail: boolean;
  /** Why the first damaged stretch could not be read. */
  firstDamage?: string;
  /** Set when the segment cannot be read at all (a damaged header): everything in it is counted as damaged. */
  unreadable?: string;
}

/** Scans `path` from `from` (a record boundary; the header's end for a whole segment). */
export async function scanSegment(path: string, from = SEGMENT_HEADER_BYTES): Promise<SegmentScan> {
  const fileBytes = (await stat(path)).size;
  const scan: SegmentScan = { fileBytes, validEnd: Math.max(from, SEGMENT_HEADER_BYTES), records: 0, items: 0, firstAt: undefined, lastAt: undefined, damaged: 0, damagedBytes: 0, tornTail: false };
  let reader: SegmentReader;
  try {
    reader = await SegmentReader.open(path, from, true);
  } catch (error) {
    return { ...scan, validEnd: 0, damaged: 1, damagedBytes: fileBytes, tornTail: true, unreadable: (error as Error).message };
  }
  try {
    for (;;) {
      const step = await reader.next(fileBytes);
      if (step.kind === 'end') break;
      if (step.kind === 'skipped') {
        scan.damaged++;
        scan.damagedBytes += step.to - step.from;
        scan.firstDamage ??= `${step.reason} at offset ${step.from}`;
        scan.tornTail = step.to >= fileBytes;
        continue;
      }
      scan.records++;
      scan.items += step.record.items;
      scan.firstAt ??= step.record.appendedAt;
      scan.lastAt = step.record.appendedAt;
      scan.validEnd = step.next;
      scan.tornTail = false;
    }
  } finally {
    await reader.close();
  }
  return scan;
}
