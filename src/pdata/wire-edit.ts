// An edit of protobuf bytes without decoding them: the walker of a processor records, in document order, which byte
// ranges of the input to keep, which constant bytes to insert, and which length prefixes to write; `finish` then
// allocates the output once and writes it. A length-delimited message whose content changed gets its prefix from
// `openLength`/`closeLength`, so the walker never needs to know a message's new size before walking it; and a walker
// that finds nothing changed inside a message rewinds to before it (`mark`/`rewind`) and keeps it as one range.
import { varintSize, writeVarint } from './wire-reader.js';

const NO_INPUT = Buffer.alloc(0);

const OP_COPY = 0;
const OP_VARINT = 1;
const OP_BYTES = 2;
/** Each op is three int32s: code, a, b. COPY: input [a, b). VARINT: value a (b: output size when it was opened). BYTES: blob a. */
const OP_INTS = 3;
/** Below this, a loop copies faster than a native call. */
const NATIVE_COPY_FROM = 48;

export class WireEdit {
  private ops = new Int32Array(OP_INTS * 1024);
  private blobs: Uint8Array[] = [];
  private input: Buffer = Buffer.alloc(0);
  /** Ints of `ops` in use. */
  private opsMark = 0;
  /** Output bytes so far: how content lengths are measured. */
  private sizeMark = 0;
  /**
   * Open marks, three ints each: ops in use, output size, and the end of the last op then. A copy may extend the op
   * before a mark (ranges that touch are joined), so rewinding restores that end too.
   */
  private marks = new Int32Array(3 * 32);
  private markDepth = 0;

  begin(input: Uint8Array): void {
    this.input = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    this.opsMark = 0;
    this.sizeMark = 0;
    this.markDepth = 0;
    this.blobs.length = 0;
  }

  /** Forgets the input and the inserted bytes, so that nothing stays alive between requests. */
  release(): void {
    this.input = NO_INPUT;
    this.blobs.length = 0;
  }

  /** Remembers the output as it is now; returns the handle for `rewind` or `commit`. Marks nest. */
  mark(): number {
    const depth = this.markDepth;
    if (depth + 3 > this.marks.length) {
      const grown = new Int32Array(this.marks.length * 2);
      grown.set(this.marks);
      this.marks = grown;
    }
    const at = this.opsMark;
    this.marks[depth] = at;
    this.marks[depth + 1] = this.sizeMark;
    this.marks[depth + 2] = at > 0 ? (this.ops[at - 1] as number) : 0;
    this.markDepth = depth + 3;
    return depth;
  }

  /** Forgets everything written since `mark` returned `handle` (and the marks taken since). */
  rewind(handle: number): void {
    const at = this.marks[handle] as number;
    this.opsMark = at;
    this.sizeMark = this.marks[handle + 1] as number;
    if (at > 0) this.ops[at - 1] = this.marks[handle + 2] as number;
    this.markDepth = handle;
  }

  /** Keeps everything written since `mark` returned `handle`. */
  commit(handle: number): void {
    this.markDepth = handle;
  }

  private push(code: number, a: number, b: number): void {
    let ops = this.ops;
    const at = this.opsMark;
    if (at + OP_INTS > ops.length) {
      const grown = new Int32Array(ops.length * 2);
      grown.set(ops);
      this.ops = ops = grown;
    }
    ops[at] = code;
    ops[at + 1] = a;
    ops[at + 2] = b;
    this.opsMark = at + OP_INTS;
  }

  /** Keeps input bytes [start, end); joins the previous kept range when they touch. */
  copy(start: number, end: number): void {
    if (end <= start) return;
    const last = this.opsMark - OP_INTS;
    const ops = this.ops;
    if (last >= 0 && ops[last] === OP_COPY && ops[last + 2] === start) ops[last + 2] = end;
    else this.push(OP_COPY, start, end);
    this.sizeMark += end - start;
  }

  /** Inserts constant bytes (built once, at config time). */
  bytes(blob: Uint8Array): void {
    if (blob.length === 0) return;
    this.push(OP_BYTES, this.blobs.length, 0);
    this.blobs.push(blob);
    this.sizeMark += blob.length;
  }

  varint(value: number): void {
    this.push(OP_VARINT, value, 0);
    this.sizeMark += varintSize(value);
  }

  /** Reserves the length prefix of the content that follows; returns a handle for `closeLength`. */
  openLength(): number {
    const handle = this.opsMark;
    this.push(OP_VARINT, 0, this.sizeMark);
    return handle;
  }

  /** Sets the prefix opened at `handle` to the length of everything written since. */
  closeLength(handle: number): void {
    const length = this.sizeMark - (this.ops[handle + 2] as number);
    this.ops[handle + 1] = length;
    this.sizeMark += varintSize(length);
  }

  /** The edited bytes. */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.sizeMark);
    const input = this.input;
    const ops = this.ops;
    const blobs = this.blobs;
    let at = 0;
    for (let i = 0; i < this.opsMark; i += OP_INTS) {
      const a = ops[i + 1] as number;
      switch (ops[i]) {
        case OP_COPY: {
          const b = ops[i + 2] as number;
          if (b - a >= NATIVE_COPY_FROM) at += input.copy(out, at, a, b);
          else for (let j = a; j < b; j++) out[at++] = input[j] as number;
          break;
        }
        case OP_VARINT:
          at = writeVarint(out, at, a);
          break;
        default: {
          const blob = blobs[a] as Uint8Array;
          if (blob.length >= NATIVE_COPY_FROM) out.set(blob, at);
          else for (let j = 0; j < blob.length; j++) out[at + j] = blob[j] as number;
          at += blob.length;
        }
      }
    }
    if (at !== out.length) throw new Error(`wire edit: wrote ${at} bytes, measured ${out.length}`);
    return out;
  }
}
