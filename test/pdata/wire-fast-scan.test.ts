// The receiver's fast scan never accepts what the full scan refuses, and counts what it accepts as the full scan does;
// it accepts every valid request of the shapes clients send (so the full scan runs only for refusals and legacy
// groups). Compared on random valid requests of every signal, on every truncation and on random corruptions.
import { describe, expect, it } from 'vitest';
import { SIGNALS, type Signal } from '../../src/pipeline/pdata.js';
import { otlpJsonToProto } from '../../src/pdata/json.js';
import { fastScan } from '../../src/pdata/wire-fast-scan.js';
import { REQUEST_TABLES } from '../../src/pdata/wire-tables.js';
import { fullScan, scanRequest } from '../../src/pdata/wire.js';
import { len, randomRequest, rng } from '../support/wire-requests.js';
import { FULL } from './full-requests.js';

function encoded(signal: Signal): Uint8Array {
  const r = otlpJsonToProto(signal, JSON.stringify(FULL[signal]));
  if (!r.ok) throw new Error(r.reason);
  return r.payload;
}

/** The fast scan's answer, checked against the full scan's: returns whether the fast scan accepted. */
function agrees(signal: Signal, bytes: Uint8Array): boolean {
  const table = REQUEST_TABLES[signal];
  const fast = fastScan(bytes, table);
  const full = fullScan(bytes, table);
  if (fast >= 0) expect(full, Buffer.from(bytes).toString('hex')).toEqual({ ok: true, items: fast });
  expect(scanRequest(signal, bytes)).toEqual(full);
  return fast >= 0;
}

describe('the fast scan against the full scan', () => {
  for (const signal of SIGNALS) {
    it(`accepts every valid ${signal} request, with the full scan's count: the full request and 500 random ones`, () => {
      expect(agrees(signal, encoded(signal))).toBe(true);
      const r = rng(signal.length * 31);
      for (let i = 0; i < 500; i++) expect(agrees(signal, randomRequest(r, signal)), `request ${i}`).toBe(true);
    });

    it(`accepts nothing the full scan refuses: every truncation and 3000 random corruptions of a ${signal} request`, () => {
      const original = encoded(signal);
      let accepted = 0;
      for (let end = 0; end < original.length; end++) if (agrees(signal, original.subarray(0, end))) accepted++;
      const r = rng(signal.length * 7919);
      for (let i = 0; i < 3000; i++) {
        const bytes = Buffer.from(original);
        const flips = 1 + Math.floor(r() * 4);
        for (let f = 0; f < flips; f++) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
        if (agrees(signal, bytes)) accepted++;
      }
      expect(accepted).toBeGreaterThan(0);
    });
  }

  it('leaves a legacy group to the full scan, which accepts it', () => {
    // LogRecord { unknown field 104 as a group holding a varint }.
    const record = Uint8Array.from([0xc3, 0x06, 0x08, 0x05, 0xc4, 0x06]);
    const request = len(1, len(2, len(2, record)));
    expect(fastScan(request, REQUEST_TABLES.logs)).toBe(-1);
    expect(scanRequest('logs', request)).toEqual({ ok: true, items: 1 });
  });

  it('refuses nesting the full scan refuses, and accepts the deepest it accepts', () => {
    const nested = (levels: number) => {
      let value = len(1, Buffer.from('leaf')); // AnyValue { string_value }
      for (let i = 0; i < levels; i++) value = len(5, len(1, value)); // AnyValue { array_value { values } }
      return len(1, len(2, len(2, len(5, value)))); // request → resource_logs → scope_logs → log_records → body
    };
    let deepest = 0;
    for (let levels = 40; levels < 60; levels++) {
      const request = nested(levels);
      const accepted = agrees('logs', request);
      expect(accepted).toBe(fullScan(request, REQUEST_TABLES.logs).ok);
      if (accepted) deepest = levels;
    }
    expect(deepest).toBeGreaterThan(40);
    expect(deepest).toBeLessThan(59);
  });
});
