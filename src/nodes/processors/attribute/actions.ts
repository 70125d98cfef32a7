// The actions of processor:attribute, each compiled once into a closure over one attribute list.
// Actions never mutate a KeyValue or AnyValue they find: they replace list slots. So the KeyValues made from the config
// can be shared by every record (frozen), and a later action cannot change an earlier one's shared object.
import { createHash } from 'node:crypto';
import { keyOf, type AttributeActionConfig, type AttributeConfigValue } from './config.js';
import type { AnyValue, KeyValue } from './values.js';

/** Applies one action to one attribute list in place; true when the list changed. */
export type ListAction = (attrs: KeyValue[]) => boolean;

export interface CompiledActions {
  /** Runs every action in order; true when the list changed. */
  apply: (attrs: KeyValue[]) => boolean;
  /** Some action adds a key that was absent (insert, upsert): an empty or missing list can change. */
  creates: boolean;
  /**
   * Keys that an action needs present, when no action creates one. An action can only apply if its key was in the
   * request or an earlier action put it there, and only an action that applied puts a key there: so if none of these
   * appears anywhere in the request's bytes, no action applies and the request need not be decoded.
   */
  requiredKeys: readonly string[];
}

function anyValueOf(value: AttributeConfigValue): AnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
}

function constantKeyValue(key: string, value: AttributeConfigValue): KeyValue {
  return Object.freeze({ key, value: Object.freeze(anyValueOf(value)) });
}

function indexOfKey(attrs: KeyValue[], key: string): number {
  for (let i = 0; i < attrs.length; i++) if ((attrs[i] as KeyValue).key === key) return i;
  return -1;
}

/** Removes every entry with `key` without allocating; true when one was there. */
function removeKey(attrs: KeyValue[], key: string): boolean {
  let kept = 0;
  const n = attrs.length;
  for (let i = 0; i < n; i++) {
    const kv = attrs[i] as KeyValue;
    if (kv.key === key) continue;
    if (kept !== i) attrs[kept] = kv;
    kept++;
  }
  if (kept === n) return false;
  attrs.length = kept;
  return true;
}

/** Replaces every entry with key `from`, starting at `first` (OTLP forbids repeated keys, but a sender may repeat one). */
function replaceFrom(attrs: KeyValue[], first: number, from: string, make: (old: KeyValue) => KeyValue): void {
  for (let i = first; i < attrs.length; i++) {
    const old = attrs[i] as KeyValue;
    if (old.key === from) attrs[i] = make(old);
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The bytes upstream hashes for a scalar value: UTF-8 of a string, one byte 0/1 of a bool, the 8 little-endian bytes
 * of an int (two's complement) or a double, a byte string as it is; undefined for an empty value, an array or a map,
 * which are left alone.
 */
export function hashInput(value: AnyValue | null | undefined): Buffer | undefined {
  if (value == null) return undefined;
  if (hasOwn.call(value, 'stringValue') && value.stringValue != null) return Buffer.from(value.stringValue, 'utf8');
  if (hasOwn.call(value, 'boolValue') && value.boolValue != null) return Buffer.from([value.boolValue ? 1 : 0]);
  if (hasOwn.call(value, 'intValue') && value.intValue != null) {
    const out = Buffer.alloc(8);
    const v = value.intValue;
    if (typeof v === 'number') out.writeBigInt64LE(BigInt(v));
    else {
      out.writeInt32LE(v.low | 0, 0);
      out.writeInt32LE(v.high | 0, 4);
    }
    return out;
  }
  if (hasOwn.call(value, 'doubleValue') && value.doubleValue != null) {
    const out = Buffer.alloc(8);
    out.writeDoubleLE(value.doubleValue);
    return out;
  }
  if (hasOwn.call(value, 'bytesValue') && value.bytesValue != null) return Buffer.from(value.bytesValue);
  return undefined;
}

/** SHA-256 of salt then value, as lowercase hex; the last input is remembered, since runs of one value are common. */
function saltedSha256(salt: string): (input: Buffer) => string {
  const saltBytes = Buffer.from(salt, 'utf8');
  let lastIn: Buffer | undefined;
  let lastOut = '';
  return (input) => {
    if (lastIn === undefined || !input.equals(lastIn)) {
      lastOut = createHash('sha256').update(saltBytes).update(input).digest('hex');
      lastIn = input;
    }
    return lastOut;
  };
}

function compileOne(config: AttributeActionConfig): ListAction {
  const key = keyOf(config);
  switch (config.action) {
    case 'insert': {
      const kv = constantKeyValue(key, config.value);
      return (attrs) => {
        if (indexOfKey(attrs, key) >= 0) return false;
        attrs.push(kv);
        return true;
      };
    }
    case 'update': {
      const kv = constantKeyValue(key, config.value);
      const make = (): KeyValue => kv;
      return (attrs) => {
        const at = indexOfKey(attrs, key);
        if (at < 0) return false;
        replaceFrom(attrs, at, key, make);
        return true;
      };
    }
    case 'upsert': {
      const kv = constantKeyValue(key, config.value);
      const make = (): KeyValue => kv;
      return (attrs) => {
        const at = indexOfKey(attrs, key);
        if (at < 0) attrs.push(kv);
        else replaceFrom(attrs, at, key, make);
        return true;
      };
    }
    case 'delete':
      return (attrs) => removeKey(attrs, key);
    case 'rename': {
      const newKey = config.destination_key;
      const make = (old: KeyValue): KeyValue => ({ key: newKey, value: old.value });
      return (attrs) => {
        if (indexOfKey(attrs, key) < 0) return false;
        removeKey(attrs, newKey);
        replaceFrom(attrs, 0, key, make);
        return true;
      };
    }
    case 'hash': {
      const digest = saltedSha256(config.salt);
      return (attrs) => {
        let changed = false;
        for (let i = indexOfKey(attrs, key); i >= 0 && i < attrs.length; i++) {
          const old = attrs[i] as KeyValue;
          if (old.key !== key) continue;
          const input = hashInput(old.value);
          if (input === undefined) continue;
          attrs[i] = { key, value: { stringValue: digest(input) } };
          changed = true;
        }
        return changed;
      };
    }
  }
}

export function compileActions(configs: readonly AttributeActionConfig[]): CompiledActions {
  const actions = configs.map(compileOne);
  const count = actions.length;
  const creates = configs.some((c) => c.action === 'insert' || c.action === 'upsert');
  const apply =
    count === 1
      ? (actions[0] as ListAction)
      : (attrs: KeyValue[]): boolean => {
          let changed = false;
          for (let i = 0; i < count; i++) if ((actions[i] as ListAction)(attrs)) changed = true;
          return changed;
        };
  return { apply, creates, requiredKeys: creates ? [] : [...new Set(configs.map(keyOf))] };
}
