// The wire scan: exact item counts for every signal and data point type, unknown fields skipped, every kind of
// malformed input refused with a reason, and, over thousands of truncated and corrupted requests, never a throw and
// never an "ok" for bytes the schema cannot decode.
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { SIGNALS, type Signal } from '../../src/pipeline/pdata.js';
import { otlpJsonToProto } from '../../src/pdata/json.js';
import { REQUEST_TYPES } from '../../src/pdata/otlp-schema.js';
import { scanRequest } from '../../src/pdata/wire.js';
import { FULL, FULL_ITEMS } from './full-requests.js';

function encoded(signal: Signal): Uint8Array {
  const r = otlpJsonToProto(signal, JSON.stringify(FULL[signal]));
  if (!r.ok) throw new Error(r.reason);
  return r.payload;
}

/** Items counted on the decoded object, the slow and obvious way. */
function decodedItems(signal: Signal, bytes: Uint8Array): number {
  const m = REQUEST_TYPES[signal].toObject(REQUEST_TYPES[signal].decode(bytes), { arrays: true }) as any;
  let n = 0;
  if (signal === 'logs') for (const r of m.resourceLogs) for (const s of r.scopeLogs ?? []) n += (s.logRecords ?? []).length;
  if (signal === 'traces') for (const r of m.resourceSpans) for (const s of r.scopeSpans ?? []) n += (s.spans ?? []).length;
  if (signal === 'metrics')
    for (const r of m.resourceMetrics)
      for (const s of r.scopeMetrics ?? [])
        for (const metric of s.metrics ?? [])
          for (const k of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']) n += (metric[k]?.dataPoints ?? []).length;
  return n;
}

const w = () => protobuf.Writer.create();
/** ExportLogsServiceRequest { resource_logs { scope_logs { log_records: <record> } } } around raw record bytes. */
function logsAround(record: Uint8Array): Uint8Array {
  const scope = w().uint32((2 << 3) | 2).bytes(record).finish();
  const rl = w().uint32((2 << 3) | 2).bytes(scope).finish();
  return w().uint32((1 << 3) | 2).bytes(rl).finish();
}

describe('scanRequest', () => {
  for (const signal of SIGNALS) {
    it(`counts the items of a full ${signal} request`, () => {
      expect(scanRequest(signal, encoded(signal))).toEqual({ ok: true, items: FULL_ITEMS[signal] });
    });
  }

  it('counts an empty request as zero items, and items across many resources and scopes', () => {
    expect(scanRequest('logs', new Uint8Array(0))).toEqual({ ok: true, items: 0 });
    const one = encoded('logs');
    const many = Buffer.concat([one, one, one]); // concatenated requests merge their repeated fields
    expect(scanRequest('logs', many)).toEqual({ ok: true, items: 6 });
  });

  it('skips unknown fields of every wire type, groups included', () => {
    const record = w()
      .uint32((1 << 3) | 1).fixed64(1)
      .uint32((100 << 3) | 0).uint64(300)
      .uint32((101 << 3) | 1).fixed64(2)
      .uint32((102 << 3) | 2).string('future')
      .uint32((103 << 3) | 5).fixed32(3)
      .uint32((104 << 3) | 3).uint32((1 << 3) | 0).uint32(5).uint32((104 << 3) | 4)
      .finish();
    expect(scanRequest('logs', logsAround(record))).toEqual({ ok: true, items: 1 });
  });

  it('accepts UTF-8 strings of every length and width', () => {
    for (const text of ['', 'a', 'é', '✓'.repeat(3), 'x'.repeat(37) + '𝄞', 'ascii only, and rather long: ' + 'y'.repeat(100)]) {
      const record = w().uint32((3 << 3) | 2).string(text).finish();
      expect(scanRequest('logs', logsAround(record))).toEqual({ ok: true, items: 1 });
    }
  });

  it('accepts repeated scalars packed and unpacked', () => {
    const point = (packed: boolean) => {
      const p = w();
      if (packed) p.uint32((6 << 3) | 2).fork().fixed64(1).fixed64(2).ldelim();
      else p.uint32((6 << 3) | 1).fixed64(1).uint32((6 << 3) | 1).fixed64(2);
      return p.finish();
    };
    for (const packed of [true, false]) {
      const histogram = w().uint32((1 << 3) | 2).bytes(point(packed)).finish();
      const metric = w().uint32((9 << 3) | 2).bytes(histogram).finish();
      const sm = w().uint32((2 << 3) | 2).bytes(metric).finish();
      const rm = w().uint32((2 << 3) | 2).bytes(sm).finish();
      const req = w().uint32((1 << 3) | 2).bytes(rm).finish();
      expect(scanRequest('metrics', req)).toEqual({ ok: true, items: 1 });
    }
  });

  it.each([
    ['a varint longer than 10 bytes', logsAround(Buffer.from([0x38, ...Array(10).fill(0xff), 0x01])), /varint longer than 10 bytes/],
    ['a varint overflowing 64 bits', logsAround(Buffer.from([0x38, ...Array(9).fill(0xff), 0x02])), /overflows 64 bits/],
    ['a truncated varint', logsAround(Buffer.from([0x38, 0xff])), /truncated varint/],
    ['a truncated fixed64', logsAround(Buffer.from([0x09, 1, 2, 3])), /truncated 64-bit value/],
    ['a length beyond the message', Buffer.from([0x0a, 0x05, 0x12, 0x01]), /length 5 exceeds the 2 bytes left/],
    ['a truncated tag', Buffer.from([0x80]), /truncated tag/],
    ['field number 0', Buffer.from([0x02, 0x00]), /field number 0/],
    ['a message field as a varint', Buffer.from([0x08, 0x01]), /ExportLogsServiceRequest\.1: wire type 0, expected 2/],
    ['a fixed64 field as a varint', logsAround(Buffer.from([0x08, 0x01])), /LogRecord\.1: wire type 0, expected 1/],
    ['a string field as fixed32', logsAround(Buffer.from([0x1d, 1, 2, 3, 4])), /LogRecord\.3: wire type 5, expected 2/],
    ['wire type 7', logsAround(Buffer.from([0xff, 0x0f])), /invalid wire type 7/],
    ['a stray end-group', logsAround(Buffer.from([0xa4, 0x06])), /invalid wire type 4/],
    ['a string that is not UTF-8', logsAround(Buffer.from([0x1a, 0x02, 0xc3, 0x28])), /LogRecord: string is not valid UTF-8/],
    ['a long string ending in a lone surrogate', logsAround(Buffer.from([0x1a, 43, ...Buffer.from('x'.repeat(40)), 0xed, 0xa0, 0x80])), /not valid UTF-8/],
    ['an unterminated group', logsAround(Buffer.from([0xa3, 0x06, 0x08, 0x01])), /unterminated group/],
  ])('refuses %s', (_, bytes, reason) => {
    const r = scanRequest('logs', bytes);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('refuses a packed fixed64 whose length is not a multiple of 8', () => {
    const point = w().uint32((6 << 3) | 2).bytes(Buffer.alloc(7)).finish();
    const histogram = w().uint32((1 << 3) | 2).bytes(point).finish();
    const metric = w().uint32((9 << 3) | 2).bytes(histogram).finish();
    const req = w().uint32((1 << 3) | 2).fork().uint32((2 << 3) | 2).fork().uint32((2 << 3) | 2).bytes(metric).ldelim().ldelim().finish();
    expect(scanRequest('metrics', req)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a multiple of 8/) });
  });

  it('refuses nesting deeper than 100 messages', () => {
    let value: Uint8Array = w().uint32((1 << 3) | 2).string('leaf').finish(); // AnyValue{string_value}
    for (let i = 0; i < 60; i++) {
      const array = w().uint32((1 << 3) | 2).bytes(value).finish(); // ArrayValue{values}
      value = w().uint32((5 << 3) | 2).bytes(array).finish(); // AnyValue{array_value}
    }
    const record = w().uint32((5 << 3) | 2).bytes(value).finish();
    expect(scanRequest('logs', logsAround(record))).toMatchObject({ ok: false, reason: expect.stringMatching(/nesting deeper than 100/) });
  });
});

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function checkAgainstSchema(signal: Signal, bytes: Uint8Array): boolean {
  const scan = scanRequest(signal, bytes); // must not throw
  if (!scan.ok) return false;
  // Soundness: what the scan accepts, the schema decodes, with the same count.
  expect(scan.items).toBe(decodedItems(signal, bytes));
  return true;
}

describe('scanRequest on damaged input', () => {
  for (const signal of SIGNALS) {
    it(`never throws and never accepts undecodable bytes: every truncation of a ${signal} request`, () => {
      const bytes = encoded(signal);
      let accepted = 0;
      for (let end = 0; end < bytes.length; end++) if (checkAgainstSchema(signal, bytes.subarray(0, end))) accepted++;
      // Only cuts at the end of a top-level field leave a valid (shorter) request.
      expect(accepted).toBeLessThan(bytes.length / 10);
    });

    it(`never throws and never accepts undecodable bytes: 3000 random corruptions of a ${signal} request`, () => {
      const random = prng(signal.length * 7919);
      const original = encoded(signal);
      let refused = 0;
      for (let i = 0; i < 3000; i++) {
        const bytes = Buffer.from(original);
        const flips = 1 + Math.floor(random() * 4);
        for (let f = 0; f < flips; f++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        if (!checkAgainstSchema(signal, bytes)) refused++;
      }
      expect(refused).toBeGreaterThan(0);
    });
  }
});
