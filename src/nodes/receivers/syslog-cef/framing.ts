// TCP framing (RFC 6587): messages end at a newline, as upstream frames them, or are octet-counted (`LEN SP MSG`, as
// rsyslog and syslog-ng send with TLS or `framing octet-counted`), which upstream does not read. A frame is octet
// counted when it starts with a length (a non-zero digit, at most 8 digits), a space and `<` (a syslog PRI), so plain
// text that merely starts with a number stays newline framed. As upstream: a line longer than MAX_MESSAGE_SIZE
// (newline included) is cut into pieces of that size, each its own message, and the newline is not part of the
// message. An octet-counted message longer than that is cut and the rest of it skipped.
import { MAX_MESSAGE_SIZE } from './intake.js';

export interface Frame {
  bytes: Buffer;
  truncated: boolean;
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const LT = 0x3c;
const ZERO = 0x30;
const NINE = 0x39;
const MAX_LENGTH_DIGITS = 8;
const EMPTY = Buffer.alloc(0);

export class SyslogFramer {
  private pending: Buffer = EMPTY;
  /** Bytes of an oversized octet-counted message still to skip. */
  private skipping = 0;
  /** After an octet-counted frame, one line ending (some senders add one) is not an empty message. */
  private afterCounted = false;

  constructor(private readonly maxMessage = MAX_MESSAGE_SIZE) {}

  /** Bytes held for a frame not complete yet. */
  get buffered(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
  }

  /** The next complete frame, or undefined until more bytes arrive. */
  next(): Frame | undefined {
    if (this.skipping > 0) {
      const skipped = Math.min(this.skipping, this.pending.length);
      this.skipping -= skipped;
      this.consume(skipped);
      if (this.skipping > 0) return undefined;
    }
    if (this.afterCounted && this.pending.length > 0) {
      // A lone CR may be the first half of CR LF: wait for the next byte.
      if (this.pending[0] === CR && this.pending.length < 2) return undefined;
      this.afterCounted = false;
      if (this.pending[0] === LF) this.consume(1);
      else if (this.pending[0] === CR && this.pending[1] === LF) this.consume(2);
    }
    if (this.pending.length === 0) return undefined;
    const counted = this.octetCount();
    if (counted === 'wait') return undefined;
    if (counted !== undefined) return this.countedFrame(counted);
    return this.lineFrame();
  }

  /** At end of stream: what is left, as upstream takes a last line without newline. */
  finish(): Frame | undefined {
    if (this.skipping > 0 || this.pending.length === 0) return undefined;
    const bytes = this.pending;
    this.pending = EMPTY;
    return { bytes, truncated: false };
  }

  private lineFrame(): Frame | undefined {
    const window = Math.min(this.pending.length, this.maxMessage);
    const newline = this.pending.subarray(0, window).indexOf(LF);
    if (newline >= 0) {
      const bytes = this.pending.subarray(0, newline);
      this.consume(newline + 1);
      return { bytes, truncated: false };
    }
    if (this.pending.length < this.maxMessage) return undefined;
    const bytes = this.pending.subarray(0, this.maxMessage);
    this.consume(this.maxMessage);
    return { bytes, truncated: true };
  }

  /** { length, header } of an octet-counted frame, 'wait' while that cannot be told yet, undefined for a line. */
  private octetCount(): { length: number; header: number } | 'wait' | undefined {
    const p = this.pending;
    if (p[0] === undefined || p[0] <= ZERO || p[0] > NINE) return undefined;
    let length = 0;
    let i = 0;
    for (; i < p.length && i <= MAX_LENGTH_DIGITS; i++) {
      const b = p[i] as number;
      if (b < ZERO || b > NINE) break;
      length = length * 10 + (b - ZERO);
    }
    if (i > MAX_LENGTH_DIGITS) return undefined;
    if (i === p.length || i + 1 === p.length) return p.indexOf(LF) >= 0 ? undefined : 'wait';
    return p[i] === SP && p[i + 1] === LT ? { length, header: i + 1 } : undefined;
  }

  private countedFrame({ length, header }: { length: number; header: number }): Frame | undefined {
    const kept = Math.min(length, this.maxMessage);
    if (this.pending.length < header + kept) return undefined;
    const bytes = this.pending.subarray(header, header + kept);
    this.consume(header + kept);
    this.skipping = length - kept;
    this.afterCounted = true;
    return { bytes, truncated: kept < length };
  }

  private consume(n: number): void {
    this.pending = n >= this.pending.length ? EMPTY : this.pending.subarray(n);
  }
}
