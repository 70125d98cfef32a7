// The actions of processor:attribute on one attribute list as it lies on the wire. The list is read into entries that
// point at the input's bytes; the actions (the same algorithms as actions.ts, which the decode path runs) move,
// re-key, replace and drop entries; the owner message is then written with the new list in place of the old one.
// Actions compare keys only with the keys of the config, so an entry's key is held as its index among those keys
// ("class"), or OTHER for any key the config does not name: an OTHER entry can never change.
import { KeyValue } from '../../../pdata/otlp-schema.js';
import { emptyKeyValueFields, readKeyValue } from '../../../pdata/wire-key-value.js';
import { KEY_VALUE } from '../../../pdata/wire-layout.js';
import { bytesEqual, fieldHead, lengthDelimited, NOT_ON_WIRE, varintSize, WIRE_LEN, type WireReader } from '../../../pdata/wire-reader.js';
import type { WireEdit } from '../../../pdata/wire-edit.js';
import { keyOf, type AttributeActionConfig, type AttributeConfigValue } from './config.js';

const OTHER = -1;

/** An entry as it came: the whole KeyValue field is copied. */
const AS_READ = 0;
/** A KeyValue of the config (insert, update, upsert), encoded once. */
const CONSTANT = 1;
/** A read entry under another key (rename): new key, the read value fields. */
const REKEYED_READ = 2;
/** A config KeyValue under another key (an upsert, then a rename). */
const REKEYED_CONSTANT = 3;

type Step =
  | { op: 'insert' | 'update' | 'upsert'; cls: number; constant: number }
  | { op: 'delete'; cls: number }
  | { op: 'rename'; cls: number; to: number };

/** The actions of one processor, compiled for the wire; undefined from `compileWireActions` when they cannot be. */
export interface WireActions {
  /** Some action adds a key that was absent, so a list without any named key can change. */
  readonly creates: boolean;
  readonly classes: readonly Uint8Array[];
  /** Per class: the KeyValue `key` field (tag, length, UTF-8). */
  readonly keyFields: readonly Uint8Array[];
  /** Per constant: the whole KeyValue content, and its `value` field alone. */
  readonly constantKeyValues: readonly Uint8Array[];
  readonly constantValues: readonly Uint8Array[];
  readonly constantClasses: readonly number[];
  readonly steps: readonly Step[];
}

function anyValueOf(value: AttributeConfigValue): Record<string, unknown> {
  // As actions.ts builds it, so both paths encode the same value.
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
}

/** The actions the byte path can run, or undefined when one of them needs the decoded value (hash). */
export function compileWireActions(configs: readonly AttributeActionConfig[]): WireActions | undefined {
  if (configs.some((c) => c.action === 'hash')) return undefined;
  const keys: string[] = [];
  const classOf = (key: string): number => {
    const at = keys.indexOf(key);
    return at >= 0 ? at : keys.push(key) - 1;
  };
  const constantKeyValues: Uint8Array[] = [];
  const constantValues: Uint8Array[] = [];
  const constantClasses: number[] = [];
  const steps: Step[] = configs.map((config): Step => {
    const cls = classOf(keyOf(config));
    switch (config.action) {
      case 'insert':
      case 'update':
      case 'upsert': {
        const value = anyValueOf(config.value);
        constantKeyValues.push(KeyValue.encode({ key: config.key, value }).finish());
        constantValues.push(KeyValue.encode({ value }).finish());
        constantClasses.push(cls);
        return { op: config.action, cls, constant: constantKeyValues.length - 1 };
      }
      case 'delete':
        return { op: 'delete', cls };
      case 'rename':
        return { op: 'rename', cls, to: classOf(config.destination_key) };
      case 'hash':
        throw new Error('unreachable: hash is refused above');
    }
  });
  const classes = keys.map((key) => new Uint8Array(Buffer.from(key, 'utf8')));
  return {
    creates: configs.some((c) => c.action === 'insert' || c.action === 'upsert'),
    classes,
    keyFields: classes.map((bytes) => lengthDelimited(KEY_VALUE.key, bytes)),
    constantKeyValues,
    constantValues,
    constantClasses,
    steps,
  };
}

/** Grows an Int32Array to hold at least `n`, keeping its content. */
function ensure(array: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  if (n <= array.length) return array;
  const grown = new Int32Array(Math.max(n, array.length * 2));
  grown.set(array);
  return grown;
}

/**
 * One list at a time: `read` an owner message's list, `apply` the actions, then `write` the owner (or `writeNew` for
 * an owner that was absent). Its scratch arrays are reused from list to list.
 */
export class WireListEditor {
  // The KeyValue fields of the owner as read: where each field starts and ends, its value fields, its key's class.
  private readStart = new Int32Array(64);
  private readEnd = new Int32Array(64);
  private valueStart = new Int32Array(64);
  private valueEnd = new Int32Array(64);
  private readClass = new Int32Array(64);
  private readCount = 0;
  // The list after the actions: kind, class and source (read index or constant index) of each entry.
  private kind = new Int32Array(64);
  private cls = new Int32Array(64);
  private source = new Int32Array(64);
  private count = 0;
  private readonly kv = emptyKeyValueFields();
  private readonly firstBytes: Int32Array;
  private readonly lengths: Int32Array;

  constructor(private readonly actions: WireActions) {
    this.firstBytes = Int32Array.from(actions.classes, (b) => (b.length > 0 ? (b[0] as number) : -1));
    this.lengths = Int32Array.from(actions.classes, (b) => b.length);
  }

  /** After `read`: fields of the owner whose tag is one of its `childTags` (nested messages with lists of their own). */
  children = 0;

  /**
   * Reads the attribute list (field `field`) of the owner message [start, end). True when the actions might change
   * it: a key of the config is in it, or an action creates keys. Counts the fields tagged `childTags` on the way.
   */
  read(reader: WireReader, start: number, end: number, field: number, childTags?: readonly number[]): boolean {
    const listTag = field * 8 + WIRE_LEN;
    let children = 0;
    const classes = this.actions.classes;
    const firstBytes = this.firstBytes;
    const lengths = this.lengths;
    const kv = this.kv;
    let named = false;
    let n = 0;
    reader.pos = start;
    while (reader.pos < end) {
      const fieldStart = reader.pos;
      const tag = reader.varint(end);
      if (tag !== listTag) {
        if (childTags !== undefined && childTags.includes(tag)) children++;
        reader.skip(tag % 8, end);
        continue;
      }
      const stop = reader.lengthEnd(end);
      readKeyValue(reader, stop, kv);
      if (n === this.readStart.length) this.growRead(n + 1);
      this.readStart[n] = fieldStart;
      this.readEnd[n] = stop;
      this.valueStart[n] = kv.valueContiguous ? kv.valueStart : -2;
      this.valueEnd[n] = kv.valueEnd;
      let found = OTHER;
      const buf = reader.buf;
      const keyStart = kv.keyStart;
      const keyLength = kv.keyLength;
      const first = keyLength > 0 ? (buf[keyStart] as number) : -1;
      for (let c = 0; c < classes.length; c++) {
        if (lengths[c] === keyLength && firstBytes[c] === first && bytesEqual(buf, keyStart, keyLength, classes[c] as Uint8Array)) {
          found = c;
          break;
        }
      }
      this.readClass[n] = found;
      if (found !== OTHER) named = true;
      n++;
    }
    this.readCount = n;
    this.children = children;
    return named || this.actions.creates;
  }

  /** An empty list, for an owner absent from the request (only a creating action can fill it). */
  readNothing(): void {
    this.readCount = 0;
    this.children = 0;
  }

  private growRead(n: number): void {
    this.readStart = ensure(this.readStart, n);
    this.readEnd = ensure(this.readEnd, n);
    this.valueStart = ensure(this.valueStart, n);
    this.valueEnd = ensure(this.valueEnd, n);
    this.readClass = ensure(this.readClass, n);
  }

  private reserve(n: number): void {
    this.kind = ensure(this.kind, n);
    this.cls = ensure(this.cls, n);
    this.source = ensure(this.source, n);
  }

  /** Runs every action on the list read last; true when one of them changed it (as actions.ts counts change). */
  apply(): boolean {
    const n = this.readCount;
    this.reserve(n + this.actions.steps.length);
    for (let i = 0; i < n; i++) {
      this.kind[i] = AS_READ;
      this.cls[i] = this.readClass[i] as number;
      this.source[i] = i;
    }
    this.count = n;
    let changed = false;
    for (const step of this.actions.steps) if (this.step(step)) changed = true;
    return changed;
  }

  private indexOf(cls: number): number {
    for (let i = 0; i < this.count; i++) if (this.cls[i] === cls) return i;
    return -1;
  }

  private push(kind: number, cls: number, source: number): void {
    const at = this.count++;
    this.kind[at] = kind;
    this.cls[at] = cls;
    this.source[at] = source;
  }

  private replaceFrom(first: number, cls: number, constant: number): void {
    for (let i = first; i < this.count; i++) {
      if (this.cls[i] !== cls) continue;
      this.kind[i] = CONSTANT;
      this.source[i] = constant;
    }
  }

  private remove(cls: number): boolean {
    let kept = 0;
    const n = this.count;
    for (let i = 0; i < n; i++) {
      if (this.cls[i] === cls) continue;
      if (kept !== i) {
        this.kind[kept] = this.kind[i] as number;
        this.cls[kept] = this.cls[i] as number;
        this.source[kept] = this.source[i] as number;
      }
      kept++;
    }
    this.count = kept;
    return kept !== n;
  }

  private step(step: Step): boolean {
    switch (step.op) {
      case 'insert':
        if (this.indexOf(step.cls) >= 0) return false;
        this.push(CONSTANT, step.cls, step.constant);
        return true;
      case 'update': {
        const at = this.indexOf(step.cls);
        if (at < 0) return false;
        this.replaceFrom(at, step.cls, step.constant);
        return true;
      }
      case 'upsert': {
        const at = this.indexOf(step.cls);
        if (at < 0) this.push(CONSTANT, step.cls, step.constant);
        else this.replaceFrom(at, step.cls, step.constant);
        return true;
      }
      case 'delete':
        return this.remove(step.cls);
      case 'rename': {
        if (this.indexOf(step.cls) < 0) return false;
        this.remove(step.to);
        for (let i = 0; i < this.count; i++) {
          if (this.cls[i] !== step.cls) continue;
          const kind = this.kind[i];
          this.kind[i] = kind === AS_READ ? REKEYED_READ : kind === CONSTANT ? REKEYED_CONSTANT : (kind as number);
          this.cls[i] = step.to;
        }
        return true;
      }
    }
  }

  /** Bytes of the KeyValue content of entry `i` (for a rebuilt entry), or -1 for one copied as read. */
  private contentSize(i: number): number {
    const source = this.source[i] as number;
    switch (this.kind[i]) {
      case AS_READ:
        return -1;
      case CONSTANT:
        return (this.actions.constantKeyValues[source] as Uint8Array).length;
      case REKEYED_READ: {
        const valueStart = this.valueStart[source] as number;
        // Values split by another field cannot be copied as one range; such a KeyValue is not worth a third path.
        if (valueStart === -2) throw NOT_ON_WIRE;
        const valueBytes = valueStart < 0 ? 0 : (this.valueEnd[source] as number) - valueStart;
        return (this.actions.keyFields[this.cls[i] as number] as Uint8Array).length + valueBytes;
      }
      default:
        return (this.actions.keyFields[this.cls[i] as number] as Uint8Array).length + (this.actions.constantValues[source] as Uint8Array).length;
    }
  }

  /** Bytes of the new list, each entry with its field tag (`listTag` bytes long) and length. */
  private listSize(listTagSize: number): number {
    let size = 0;
    for (let i = 0; i < this.count; i++) {
      const content = this.contentSize(i);
      if (content < 0) {
        const source = this.source[i] as number;
        size += (this.readEnd[source] as number) - (this.readStart[source] as number);
      } else size += listTagSize + varintSize(content) + content;
    }
    return size;
  }

  /** Writes the entries of the list after `apply`, each as a field `listTag`: the list alone, without its owner. */
  writeList(edit: WireEdit, listTag: Uint8Array): void {
    const actions = this.actions;
    for (let i = 0; i < this.count; i++) {
      const source = this.source[i] as number;
      const content = this.contentSize(i);
      if (content < 0) {
        edit.copy(this.readStart[source] as number, this.readEnd[source] as number);
        continue;
      }
      edit.bytes(listTag);
      edit.varint(content);
      switch (this.kind[i]) {
        case CONSTANT:
          edit.bytes(actions.constantKeyValues[source] as Uint8Array);
          break;
        case REKEYED_READ:
          edit.bytes(actions.keyFields[this.cls[i] as number] as Uint8Array);
          if ((this.valueStart[source] as number) >= 0) edit.copy(this.valueStart[source] as number, this.valueEnd[source] as number);
          break;
        default:
          edit.bytes(actions.keyFields[this.cls[i] as number] as Uint8Array);
          edit.bytes(actions.constantValues[source] as Uint8Array);
      }
    }
  }

  /**
   * Writes the owner message read last: its field's tag (input [tagStart, tagEnd)), a new length, then its content
   * [start, end) with the new list in place of the first list field (or last, when there was none). The owner's other
   * fields stay as they were, in their order; the decoder reads a list split by other fields as one list anyway.
   */
  write(edit: WireEdit, tagStart: number, tagEnd: number, start: number, end: number, listTag: Uint8Array): void {
    const n = this.readCount;
    const oldList = n === 0 ? 0 : this.readBytes();
    edit.copy(tagStart, tagEnd);
    edit.varint(end - start - oldList + this.listSize(listTag.length));
    if (n === 0) {
      edit.copy(start, end);
      this.writeList(edit, listTag);
      return;
    }
    edit.copy(start, this.readStart[0] as number);
    this.writeList(edit, listTag);
    for (let i = 1; i < n; i++) edit.copy(this.readEnd[i - 1] as number, this.readStart[i] as number);
    edit.copy(this.readEnd[n - 1] as number, end);
  }

  /** Writes a new owner message, field `ownerField` of its parent, holding only the list. */
  writeNew(edit: WireEdit, ownerField: number, listTag: Uint8Array): void {
    const size = this.listSize(listTag.length);
    edit.bytes(fieldHead(ownerField, size));
    this.writeList(edit, listTag);
  }

  private readBytes(): number {
    let size = 0;
    for (let i = 0; i < this.readCount; i++) size += (this.readEnd[i] as number) - (this.readStart[i] as number);
    return size;
  }
}
