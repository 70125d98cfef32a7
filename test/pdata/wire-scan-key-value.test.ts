// The receiver scan's KeyValue shortcut accepts only what the full scan accepts: on KeyValues of the common shape and
// on random mutations of them, whatever it accepts decodes whole, with known fields only, and holds only ASCII text.
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { KeyValue } from '../../src/pdata/otlp-schema.js';
import { isPlainKeyValue } from '../../src/pdata/wire-scan-key-value.js';
import { rng } from '../support/wire-requests.js';

function plainKeyValues(): Uint8Array[] {
  return [
    KeyValue.encode({ key: 'http.method', value: { stringValue: 'GET' } }).finish(),
    KeyValue.encode({ key: 'n', value: { intValue: -1 } }).finish(),
    KeyValue.encode({ key: 'n', value: { intValue: 300 } }).finish(),
    KeyValue.encode({ key: 'b', value: { boolValue: true } }).finish(),
    KeyValue.encode({ key: 'd', value: { doubleValue: 1.5 } }).finish(),
    KeyValue.encode({ key: 'e', value: {} }).finish(),
    KeyValue.encode({ key: 'k' }).finish(),
    KeyValue.encode({ key: 'ключ', value: { stringValue: 'v' } }).finish(),
    KeyValue.encode({ key: 'k', value: { stringValue: 'x'.repeat(200) } }).finish(),
    KeyValue.encode({ key: 'k', value: { arrayValue: { values: [{ stringValue: 'a' }] } } }).finish(),
  ];
}

describe('receiver scan: the KeyValue shortcut', () => {
  it('accepts the common shapes and leaves the others to the full scan', () => {
    expect(plainKeyValues().map((kv) => isPlainKeyValue(kv, 0, kv.length))).toEqual([true, false, true, true, true, true, true, false, false, false]);
  });

  it('accepts nothing the full scan refuses, over 20,000 mutations', () => {
    const r = rng(42);
    const seeds = plainKeyValues();
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const kv = Uint8Array.from(seeds[Math.floor(r() * seeds.length)] as Uint8Array);
      const flips = 1 + Math.floor(r() * 3);
      for (let f = 0; f < flips; f++) kv[Math.floor(r() * kv.length)] = Math.floor(r() * 256);
      if (!isPlainKeyValue(kv, 0, kv.length)) continue;
      accepted++;
      // Independently of the scan: protobufjs reads it whole, as known fields only, and its text is ASCII.
      const reader = protobuf.Reader.create(kv);
      reader.discardUnknown = false;
      const decoded = KeyValue.decode(reader) as unknown as { key: string; value?: { stringValue?: string }; $unknowns?: unknown[] };
      const hex = Buffer.from(kv).toString('hex');
      expect(decoded.$unknowns, hex).toBeUndefined();
      expect(/^[\x00-\x7f]*$/.test(decoded.key + (decoded.value?.stringValue ?? '')), hex).toBe(true);
    }
    expect(accepted).toBeGreaterThan(1000);
  });
});
