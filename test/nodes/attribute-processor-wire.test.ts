// processor:attribute's byte path against its decode path, on random requests and random action lists: the same
// request comes out (compared as protobufjs re-encodes it, unknown fields included), the same object when nothing
// changed, and a payload that passes the receiver's scan.
import { describe, expect, it } from 'vitest';
import type { AttributeActionConfig, ApplyTo } from '../../src/nodes/processors/attribute/config.js';
import { attributeTransform, decodeAttributeTransform, wireAttributeTransform } from '../../src/nodes/processors/attribute/processor.js';
import { scanRequest } from '../../src/pdata/wire.js';
import { NotOnWire } from '../../src/pdata/wire-reader.js';
import type { PData, Signal } from '../../src/pipeline/pdata.js';
import { boundaryLogs, canonical, DOUBLES, INTS, KEYS, len, pick, randomRequest, rng, STRINGS, type Rng } from '../support/wire-requests.js';

function randomAction(r: Rng): AttributeActionConfig {
  const key = pick(r, KEYS);
  const kind = pick(r, ['insert', 'update', 'upsert', 'delete', 'rename', 'rename'] as const);
  switch (kind) {
    case 'delete':
      return { action: 'delete', key };
    case 'rename': {
      let newKey = pick(r, KEYS);
      if (newKey === key) newKey = `${key}.renamed`;
      return { action: 'rename', source_key: key, destination_key: newKey };
    }
    default: {
      const value = pick(r, [pick(r, STRINGS), pick(r, INTS), pick(r, DOUBLES), r() < 0.5]);
      return { action: kind, key, value };
    }
  }
}

function randomTargets(r: Rng): ApplyTo[] {
  const all: ApplyTo[] = ['resource', 'scope', 'signal'];
  const chosen = all.filter(() => r() < 0.5);
  return chosen.length > 0 ? chosen : ['signal'];
}

/** Runs both paths on `pdata` and checks they agree; false when the byte path gave the request to the decoder. */
function compare(actions: AttributeActionConfig[], apply_to: ApplyTo[], pdata: PData): boolean {
  const config = { actions, apply_to };
  const byDecode = decodeAttributeTransform(config)(pdata);
  const wire = wireAttributeTransform(config);
  if (wire === undefined) throw new Error('expected actions the byte path runs');
  let byWire: PData;
  try {
    byWire = wire(pdata);
  } catch (error) {
    if (!(error instanceof NotOnWire)) throw error;
    expect(attributeTransform(config)(pdata).payload).toEqual(byDecode.payload);
    return false;
  }
  const context = JSON.stringify({ actions, apply_to });
  expect(byWire === pdata, context).toBe(byDecode === pdata);
  expect(byWire.items).toBe(pdata.items);
  expect(canonical(pdata.signal, byWire.payload).equals(canonical(pdata.signal, byDecode.payload)), context).toBe(true);
  expect(scanRequest(pdata.signal, byWire.payload).ok).toBe(true);
  return true;
}

describe('processor:attribute byte path = decode path', () => {
  it.each(['logs', 'traces', 'metrics'] as const)('%s: 300 random requests and action lists', (signal: Signal) => {
    const r = rng(signal.length * 7919);
    let onWire = 0;
    let changed = 0;
    for (let i = 0; i < 300; i++) {
      const payload = randomRequest(r, signal);
      const scan = scanRequest(signal, payload);
      if (!scan.ok) throw new Error(scan.reason);
      const pdata: PData = { signal, payload, items: scan.items };
      const actions = Array.from({ length: 1 + Math.floor(r() * 4) }, () => randomAction(r));
      const apply_to = randomTargets(r);
      if (compare(actions, apply_to, pdata)) onWire++;
      if (decodeAttributeTransform({ actions, apply_to })(pdata) !== pdata) changed++;
    }
    // The generator repeats a resource or scope only never; every request should stay on the wire.
    expect(onWire).toBe(300);
    expect(changed).toBeGreaterThan(150);
  });

  it('a rename that moves a length across the 1-, 2- and 3-byte varint boundaries', () => {
    const lengths = [];
    for (const around of [127, 16_383]) for (let d = -12; d <= 12; d++) lengths.push(around + d);
    for (let d = -4; d <= 4; d++) lengths.push(2_097_151 + d);
    for (const bodyLength of lengths) {
      for (const [key, newKey] of [
        ['k', 'kkkkkkkk'],
        ['kkkkkkkk', 'k'],
        ['ключ', 'k'],
      ] as const) {
        const pdata: PData = { signal: 'logs', payload: boundaryLogs(bodyLength, key), items: 1 };
        expect(compare([{ action: 'rename', source_key: key, destination_key: newKey }], ['signal'], pdata)).toBe(true);
        expect(compare([{ action: 'delete', key }], ['signal'], pdata)).toBe(true);
        expect(compare([{ action: 'upsert', key: newKey, value: 'w'.repeat(bodyLength % 7) }], ['signal', 'scope', 'resource'], pdata)).toBe(true);
      }
    }
  });

  it('an empty request, and one with only empty containers', () => {
    const insert: AttributeActionConfig[] = [{ action: 'insert', key: 'k', value: 1 }];
    for (const payload of [new Uint8Array(0), len(1, new Uint8Array(0)), len(1, len(2, new Uint8Array(0))), len(1, len(2, len(2, new Uint8Array(0))))]) {
      expect(compare(insert, ['resource', 'scope', 'signal'], { signal: 'logs', payload, items: 0 })).toBe(true);
      expect(compare([{ action: 'rename', source_key: 'k', destination_key: 'j' }], ['signal'], { signal: 'logs', payload, items: 0 })).toBe(true);
    }
  });

  it('hash keeps the decode path: no byte path is built for it', () => {
    expect(wireAttributeTransform({ actions: [{ action: 'rename', source_key: 'a', destination_key: 'b' }, { action: 'hash', key: 'b', algorithm: 'sha256', salt: '' }] })).toBeUndefined();
  });

  it('a resource given twice (the decoder merges them) goes to the decode path, with the same result', () => {
    const kv = (key: string) => len(1, Buffer.concat([len(1, Buffer.from(key)), len(2, len(1, Buffer.from('v')))]));
    const resource = len(1, Buffer.concat([kv('a'), kv('b')]));
    const payload = len(1, Buffer.concat([resource, resource, len(2, new Uint8Array(0))]));
    const pdata: PData = { signal: 'logs', payload, items: 0 };
    expect(compare([{ action: 'upsert', key: 'a', value: 'x' }], ['resource'], pdata)).toBe(false);
  });
});
