// processor:filter's byte path against its decode path, on random requests and random rules: the same messages come
// out (compared as protobufjs re-encodes them, unknown fields included) with the same item counts, the input object
// itself when nothing was dropped, the same count of filtered items, and payloads that pass the receiver's scan.
import { describe, expect, it } from 'vitest';
import type { FilterKeyValue, FilterProcessorConfig, LogMatchProperties, MatchType, MetricMatchProperties, TraceMatchProperties } from '../../src/nodes/processors/filter/config.js';
import { FilterProcessor, filterSettings, type FilterPath } from '../../src/nodes/processors/filter/processor.js';
import { scanRequest } from '../../src/pdata/wire.js';
import type { PData, Signal } from '../../src/pipeline/pdata.js';
import { createTestContext } from '../support/otlp-context.js';
import { canonical, DOUBLES, INTS, KEYS, len, pick, randomRequest, rng, STRINGS, type Rng } from '../support/wire-requests.js';

/** Patterns that match some of the random strings and keys, for match_type regexp. */
const PATTERNS = ['^G', 'T$', '(?i)post', '^$', 'x{3}', 'op', '^event$', 'met', '^INFO$', 'з'];

function value(r: Rng, match: MatchType): FilterKeyValue['value'] {
  if (match === 'regexp' && r() < 0.6) return pick(r, PATTERNS);
  return pick(r, [pick(r, STRINGS), pick(r, INTS), pick(r, DOUBLES), r() < 0.5, r() < 0.5 ? ['GET'] : { a: 1 }]);
}

function kvs(r: Rng, match: MatchType, p = 0.4): FilterKeyValue[] {
  if (r() > p) return [];
  return Array.from({ length: 1 + Math.floor(r() * 2) }, () => ({ key: pick(r, KEYS), value: value(r, match) }));
}

function texts(r: Rng, match: MatchType, plain: readonly string[], p = 0.3): string[] {
  if (r() > p) return [];
  return Array.from({ length: 1 + Math.floor(r() * 2) }, () => (match === 'regexp' ? pick(r, [...PATTERNS, ...plain]) : pick(r, plain)));
}

function logProps(r: Rng): LogMatchProperties | undefined {
  if (r() < 0.4) return undefined;
  const match_type: MatchType = r() < 0.3 ? 'regexp' : 'strict';
  return {
    match_type,
    resource_attributes: kvs(r, match_type, 0.3),
    record_attributes: kvs(r, match_type),
    severity_texts: texts(r, match_type, ['INFO', 'WARN', '']),
    ...(r() < 0.4 ? { severity_number: { min: Math.floor(r() * 25), match_undefined: r() < 0.5 } } : {}),
    bodies: r() < 0.3 ? Array.from({ length: 1 + Math.floor(r() * 2) }, () => value(r, match_type)) : [],
  };
}

function traceProps(r: Rng): TraceMatchProperties | undefined {
  if (r() < 0.4) return undefined;
  const match_type: MatchType = r() < 0.3 ? 'regexp' : 'strict';
  return {
    match_type,
    resource_attributes: kvs(r, match_type, 0.3),
    span_attributes: kvs(r, match_type),
    span_names: texts(r, match_type, ['op', 'other']),
    event_names: texts(r, match_type, ['event', 'other']),
    event_attributes: kvs(r, match_type, 0.3),
    link_attributes: kvs(r, match_type, 0.3),
  };
}

function metricProps(r: Rng): MetricMatchProperties | undefined {
  if (r() < 0.4) return undefined;
  const match_type: MatchType = r() < 0.3 ? 'regexp' : 'strict';
  return { match_type, metric_names: texts(r, match_type, ['metric', 'other'], 0.8) };
}

function randomConfig(r: Rng): Partial<FilterProcessorConfig> {
  const defined = <T>(include: T | undefined, exclude: T | undefined) => ({ ...(include ? { include } : {}), ...(exclude ? { exclude } : {}) });
  return {
    logs: { ...defined(logProps(r), logProps(r)), log_record: [] },
    traces: defined(traceProps(r), traceProps(r)),
    metrics: defined(metricProps(r), metricProps(r)),
  };
}

async function run(config: Partial<FilterProcessorConfig>, path: FilterPath, pdata: PData) {
  const node = new FilterProcessor(filterSettings(config), path);
  const ctx = createTestContext('filter');
  await node.process(pdata, ctx);
  return { emitted: ctx.emitted as PData[], stats: node.stats() };
}

async function compare(config: Partial<FilterProcessorConfig>, pdata: PData): Promise<number> {
  const context = JSON.stringify(config);
  const byDecode = await run(config, 'decode', pdata);
  const byWire = await run(config, 'wire', pdata);
  expect(byWire.stats, context).toEqual(byDecode.stats);
  expect(byWire.emitted.length, context).toBe(byDecode.emitted.length);
  const [wireOut] = byWire.emitted;
  const [decodeOut] = byDecode.emitted;
  if (wireOut === undefined || decodeOut === undefined) return byDecode.stats.filtered;
  expect(wireOut === pdata, context).toBe(decodeOut === pdata);
  expect(wireOut.items, context).toBe(decodeOut.items);
  expect(canonical(pdata.signal, wireOut.payload).equals(canonical(pdata.signal, decodeOut.payload)), context).toBe(true);
  expect(scanRequest(pdata.signal, wireOut.payload), context).toEqual({ ok: true, items: wireOut.items });
  return byDecode.stats.filtered;
}

describe('processor:filter byte path = decode path', () => {
  it.each(['logs', 'traces', 'metrics'] as const)('%s: 300 random requests and rules', async (signal: Signal) => {
    const r = rng(signal.length * 104_729);
    let filtered = 0;
    let emptied = 0;
    for (let i = 0; i < 300; i++) {
      const payload = randomRequest(r, signal);
      const scan = scanRequest(signal, payload);
      if (!scan.ok) throw new Error(scan.reason);
      const pdata: PData = { signal, payload, items: scan.items };
      const config = randomConfig(r);
      const dropped = await compare(config, pdata);
      if (dropped > 0) filtered++;
      if (dropped > 0 && dropped === pdata.items) emptied++;
    }
    // Enough cases that drop something, and some that drop everything.
    expect(filtered).toBeGreaterThan(50);
    expect(emptied).toBeGreaterThan(5);
  });

  it('empty containers: those that came empty stay, those the filter emptied go', async () => {
    const record = (severity: number) => len(2, Uint8Array.from([0x10, severity]));
    const payload = Buffer.concat([
      len(1, new Uint8Array(0)),
      len(1, len(2, new Uint8Array(0))),
      len(1, Buffer.concat([len(2, new Uint8Array(0)), len(2, record(1)), len(2, Buffer.concat([record(1), record(17)]))])),
    ]);
    const pdata: PData = { signal: 'logs', payload, items: 3 };
    const atLeastInfo: LogMatchProperties = { match_type: 'strict', resource_attributes: [], record_attributes: [], severity_texts: [], bodies: [], severity_number: { min: 9, match_undefined: false } };
    expect(await compare({ logs: { include: atLeastInfo, log_record: [] } }, pdata)).toBe(2);
  });

  it('a metric with two data fields (the decoder keeps the last) goes to the decode path, with the same result', async () => {
    const point = len(1, len(7, Buffer.concat([len(1, Buffer.from('k')), len(2, Buffer.concat([Buffer.from([0x18]), Buffer.from([1])]))])));
    const metric = Buffer.concat([len(5, point), len(7, point)]);
    const pdata: PData = { signal: 'metrics', payload: len(1, len(2, len(2, metric))), items: 2 };
    const config: Partial<FilterProcessorConfig> = { metrics: { exclude: { match_type: 'strict', metric_names: [''] } } };
    await expect(run(config, 'wire', pdata)).rejects.toThrow(/wire editor/);
    const auto = await run(config, 'auto', pdata);
    const decoded = await run(config, 'decode', pdata);
    expect(auto.stats).toEqual(decoded.stats);
    expect(auto.emitted.length).toBe(decoded.emitted.length);
  });
});
