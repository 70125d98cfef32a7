// processor:attribute on real payloads made by the OpenTelemetry SDK and its own serializers: each action, each
// apply_to target, each signal, value types and action order; results decoded with the engine's schema.
import { createHash } from 'node:crypto';
import { SpanKind, type Attributes } from '@opentelemetry/api';
import type { LogAttributes } from '@opentelemetry/api-logs';
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { validateWithJoi } from '../../src/config/joi-errors.js';
import { attributeProcessor } from '../../src/nodes/processors/attribute/descriptor.js';
import { attributeTransform, createAttributeProcessor } from '../../src/nodes/processors/attribute/processor.js';
import { otlpJsonToProto } from '../../src/pdata/json.js';
import { LogRecord } from '../../src/pdata/otlp-schema.js';
import type { PData, Signal } from '../../src/pipeline/pdata.js';
import { FULL, FULL_ITEMS } from '../pdata/full-requests.js';
import { createTestContext } from '../support/otlp-context.js';
import { decodePData, type Json } from '../support/otlp-decode.js';
import { sdkMetricsRequest } from '../support/otlp-metrics.js';
import { tracesProto } from '../support/otlp-requests.js';

// ---- inputs, made by the SDK ------------------------------------------------------------------------------------

interface LogsSpec {
  resource?: Attributes;
  scope?: Attributes;
  records: LogAttributes[];
}

async function sdkLogs({ resource = { 'service.name': 'svc' }, scope, records }: LogsSpec): Promise<PData> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource: resourceFromAttributes(resource), processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('scope', '1.0.0', scope ? { attributes: scope } : undefined);
  records.forEach((attributes, i) => logger.emit({ body: `record ${i}`, attributes }));
  await provider.forceFlush();
  const payload = ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords());
  await provider.shutdown();
  if (!payload) throw new Error('serializer produced nothing');
  return { signal: 'logs', payload, items: records.length };
}

async function sdkSpans(resource: Attributes, spans: Attributes[]): Promise<PData> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes(resource), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('scope', '1.0.0');
  let previous: ReturnType<typeof tracer.startSpan> | undefined;
  for (const attributes of spans) {
    const links = previous ? [{ context: previous.spanContext(), attributes: { ...attributes } }] : [];
    const span = tracer.startSpan('op', { kind: SpanKind.SERVER, attributes, links });
    span.addEvent('event', { ...attributes });
    span.end();
    previous = span;
  }
  const payload = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans());
  await provider.shutdown();
  if (!payload) throw new Error('serializer produced nothing');
  return { signal: 'traces', payload, items: spans.length };
}

// ---- running the processor -------------------------------------------------------------------------------------

/** Validates `config` with the descriptor (defaults filled) and runs one message through a processor instance. */
async function run(config: Record<string, unknown>, input: PData): Promise<PData> {
  const checked = validateWithJoi<Record<string, unknown>>(attributeProcessor.configSchema, config, []);
  if (!checked.ok) throw new Error(checked.errors.map((e) => e.message).join('; '));
  const instance = createAttributeProcessor('attrs', checked.value);
  if (instance.kind !== 'processor') throw new Error('not a processor');
  const ctx = createTestContext('attrs');
  await instance.node.start?.(ctx);
  await instance.node.process(input, ctx);
  expect(ctx.emitted).toHaveLength(1);
  const out = ctx.emitted[0] as PData;
  expect(out.signal).toBe(input.signal);
  expect(out.items).toBe(input.items);
  return out;
}

const runActions = (actions: Json[], input: PData, apply_to?: string[]): Promise<PData> =>
  run(apply_to ? { actions, apply_to } : { actions }, input);

// ---- reading the output with the engine's schema -----------------------------------------------------------------

type Entry = [key: string, value: Json];

function entries(list: Json[] | undefined): Entry[] {
  return (list ?? []).map((kv) => [kv.key as string, (kv.value ?? {}) as Json]);
}

interface View {
  resources: Entry[][];
  scopes: Entry[][];
  records: Entry[][];
}

const RESOURCE_FIELD: Record<Signal, string> = { logs: 'resourceLogs', traces: 'resourceSpans', metrics: 'resourceMetrics' };
const SCOPE_FIELD: Record<Signal, string> = { logs: 'scopeLogs', traces: 'scopeSpans', metrics: 'scopeMetrics' };
const METRIC_TYPES = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'];

function recordsOf(signal: Signal, scopeItem: Json): Json[] {
  if (signal === 'logs') return scopeItem.logRecords ?? [];
  if (signal === 'traces') return scopeItem.spans ?? [];
  return (scopeItem.metrics ?? []).flatMap((m: Json) => METRIC_TYPES.flatMap((t) => m[t]?.dataPoints ?? []));
}

function view(pdata: PData): View {
  const request = decodePData(pdata);
  const out: View = { resources: [], scopes: [], records: [] };
  for (const r of request[RESOURCE_FIELD[pdata.signal]] ?? []) {
    out.resources.push(entries(r.resource?.attributes));
    for (const s of r[SCOPE_FIELD[pdata.signal]] ?? []) {
      out.scopes.push(entries(s.scope?.attributes));
      for (const record of recordsOf(pdata.signal, s)) out.records.push(entries(record.attributes));
    }
  }
  return out;
}

const str = (stringValue: string): Json => ({ stringValue });
const int = (n: number): Json => ({ intValue: String(n) });
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

// ---- actions -------------------------------------------------------------------------------------------------------

describe('processor:attribute actions (logs records)', () => {
  const input = () => sdkLogs({ records: [{ env: 'dev', a: 'x' }, { a: 'y' }] });

  it('insert adds the key only where it is absent', async () => {
    const out = await runActions([{ action: 'insert', key: 'env', value: 'prod' }], await input());
    expect(view(out).records).toEqual([
      [['env', str('dev')], ['a', str('x')]],
      [['a', str('y')], ['env', str('prod')]],
    ]);
  });

  it('insert of a key present everywhere changes nothing: the message passes on as it came', async () => {
    const pdata = await input();
    expect(await runActions([{ action: 'insert', key: 'a', value: 'z' }], pdata)).toBe(pdata);
  });

  it('update replaces the value only where the key is present', async () => {
    const out = await runActions([{ action: 'update', key: 'env', value: 'staging' }], await input());
    expect(view(out).records).toEqual([[['env', str('staging')], ['a', str('x')]], [['a', str('y')]]]);
  });

  it('update of an absent key changes nothing, and the message is not even decoded', async () => {
    const pdata = await input();
    expect(await runActions([{ action: 'update', key: 'missing', value: 'v' }], pdata)).toBe(pdata);
  });

  it('upsert replaces where present and adds where absent', async () => {
    const out = await runActions([{ action: 'upsert', key: 'env', value: 'core' }], await input());
    expect(view(out).records).toEqual([
      [['env', str('core')], ['a', str('x')]],
      [['a', str('y')], ['env', str('core')]],
    ]);
  });

  it('delete removes the key and keeps the others in order', async () => {
    const pdata = await sdkLogs({ records: [{ a: '1', password: 'secret', b: '2' }, { b: '3' }] });
    const out = await runActions([{ action: 'delete', key: 'password' }], pdata);
    expect(view(out).records).toEqual([[['a', str('1')], ['b', str('2')]], [['b', str('3')]]]);
  });

  it('delete of an absent key passes the message on untouched', async () => {
    const pdata = await input();
    expect(await runActions([{ action: 'delete', key: 'password' }], pdata)).toBe(pdata);
  });

  it('rename moves the value to new_key in place, where the key is present', async () => {
    const pdata = await sdkLogs({ records: [{ first: 1, 'old.name': 'v', last: 2 }, { other: 'o' }] });
    const out = await runActions([{ action: 'rename', source_key: 'old.name', destination_key: 'new.name' }], pdata);
    expect(view(out).records).toEqual([[['first', int(1)], ['new.name', str('v')], ['last', int(2)]], [['other', str('o')]]]);
  });

  it('rename of an absent key changes nothing', async () => {
    const pdata = await sdkLogs({ records: [{ 'new.name': 'kept' }] });
    expect(await runActions([{ action: 'rename', source_key: 'old.name', destination_key: 'new.name' }], pdata)).toBe(pdata);
  });

  it('rename overwrites an existing new_key', async () => {
    const pdata = await sdkLogs({ records: [{ 'new.name': 'before', 'old.name': 'after' }] });
    const out = await runActions([{ action: 'rename', source_key: 'old.name', destination_key: 'new.name' }], pdata);
    expect(view(out).records).toEqual([[['new.name', str('after')]]]);
  });

  it('hash replaces a scalar by the SHA-256 hex of salt then its bytes, as upstream encodes them; arrays and maps stay', async () => {
    const pdata = await sdkLogs({
      records: [{ 'user.id': 'u-1' }, { 'user.id': 42 }, { 'user.id': -7 }, { 'user.id': 1.5 }, { 'user.id': true }, { 'user.id': ['a', 1] }, { other: 'x' }],
    });
    const out = await runActions([{ action: 'hash', key: 'user.id', salt: 'pepper' }], pdata);
    const le = (write: (b: Buffer) => void): Buffer => {
      const b = Buffer.alloc(8);
      write(b);
      return b;
    };
    const inputs = [Buffer.from('u-1'), le((b) => b.writeBigInt64LE(42n)), le((b) => b.writeBigInt64LE(-7n)), le((b) => b.writeDoubleLE(1.5)), Buffer.from([1])];
    const hashed = inputs.map((bytes) => [['user.id', str(createHash('sha256').update('pepper').update(bytes).digest('hex'))]]);
    const records = view(out).records;
    expect(records.slice(0, 5)).toEqual(hashed);
    expect(records[5]?.[0]?.[1]).toHaveProperty('arrayValue');
    expect(records[6]).toEqual([['other', str('x')]]);
    // Without a salt, the digest of the value alone.
    const unsalted = await runActions([{ action: 'hash', key: 'user.id' }], await sdkLogs({ records: [{ 'user.id': 'u-1' }] }));
    expect(view(unsalted).records).toEqual([[['user.id', str(sha256('u-1'))]]]);
  });

  it('a key repeated in one list (invalid, but seen) is deleted everywhere', async () => {
    const json = {
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: [{ key: 'p', value: str('1') }, { key: 'k' }, { key: 'p', value: str('2') }] }] }] }],
    };
    const encoded = otlpJsonToProto('logs', JSON.stringify(json));
    if (!encoded.ok) throw new Error(encoded.reason);
    const out = await runActions([{ action: 'delete', key: 'p' }], { signal: 'logs', payload: encoded.payload, items: 1 });
    expect(view(out).records).toEqual([[['k', {}]]]);
  });
});

describe('processor:attribute values and order', () => {
  it('writes strings, integers (int_value), other numbers (double_value) and booleans', async () => {
    const pdata = await sdkLogs({ records: [{}] });
    const out = await runActions(
      [
        { action: 'insert', key: 's', value: 'text' },
        { action: 'insert', key: 'empty', value: '' },
        { action: 'insert', key: 'i', value: 42 },
        { action: 'insert', key: 'neg', value: -3 },
        { action: 'insert', key: 'zero', value: 0 },
        { action: 'insert', key: 'd', value: 2.5 },
        { action: 'insert', key: 't', value: true },
        { action: 'insert', key: 'f', value: false },
        { action: 'insert', key: 'numeric.text', value: '5' },
      ],
      pdata,
    );
    expect(view(out).records).toEqual([
      [
        ['s', str('text')],
        ['empty', str('')],
        ['i', int(42)],
        ['neg', int(-3)],
        ['zero', int(0)],
        ['d', { doubleValue: 2.5 }],
        ['t', { boolValue: true }],
        ['f', { boolValue: false }],
        ['numeric.text', str('5')],
      ],
    ]);
  });

  it('runs every action on each list; with no key in two actions their order does not matter', async () => {
    const pdata = await sdkLogs({ records: [{ 'old.name': 'v', 'user.id': 'u', password: 'p' }] });
    const actions = [
      { action: 'rename', source_key: 'old.name', destination_key: 'new.name' },
      { action: 'update', key: 'env', value: 'never' },
      { action: 'delete', key: 'password' },
      { action: 'hash', key: 'user.id' },
      { action: 'upsert', key: 'team', value: 'core' },
    ];
    const expected = [[['new.name', str('v')], ['user.id', str(sha256('u'))], ['team', str('core')]]];
    expect(view(await runActions(actions, pdata)).records).toEqual(expected);
    expect(view(await runActions([...actions].reverse(), pdata)).records).toEqual(expected);
  });

  it('a key found only outside attribute lists (a body) leaves the message as it came', async () => {
    const pdata = await sdkLogs({ records: [{ a: 'record 0 mentions password' }] });
    expect(await runActions([{ action: 'delete', key: 'password' }], pdata)).toBe(pdata);
  });
});

// ---- apply_to --------------------------------------------------------------------------------------------------

describe('processor:attribute apply_to', () => {
  const input = () => sdkLogs({ resource: { 'service.name': 'svc', env: 'r' }, scope: { env: 's' }, records: [{ env: 'l' }] });
  const upsert = [{ action: 'upsert', key: 'env', value: 'x' }];

  it("defaults to the signal's own attributes only", async () => {
    const v = view(await runActions(upsert, await input()));
    expect(v).toEqual({
      resources: [[['service.name', str('svc')], ['env', str('r')]]],
      scopes: [[['env', str('s')]]],
      records: [[['env', str('x')]]],
    });
  });

  it('resource: the resource attributes only', async () => {
    const v = view(await runActions(upsert, await input(), ['resource']));
    expect(v).toEqual({
      resources: [[['service.name', str('svc')], ['env', str('x')]]],
      scopes: [[['env', str('s')]]],
      records: [[['env', str('l')]]],
    });
  });

  it('scope: the instrumentation scope attributes only', async () => {
    const v = view(await runActions(upsert, await input(), ['scope']));
    expect(v).toEqual({
      resources: [[['service.name', str('svc')], ['env', str('r')]]],
      scopes: [[['env', str('x')]]],
      records: [[['env', str('l')]]],
    });
  });

  it('all three together', async () => {
    const v = view(await runActions([{ action: 'delete', key: 'env' }], await input(), ['resource', 'scope', 'signal']));
    expect(v).toEqual({ resources: [[['service.name', str('svc')]]], scopes: [[]], records: [[]] });
  });

  it('an insert gives a resource or scope that was absent from the request one', async () => {
    const pdata: PData = { signal: 'traces', payload: tracesProto(['a', 'b']), items: 2 };
    expect(view(pdata).resources).toEqual([[]]);
    const v = view(await runActions([{ action: 'insert', key: 'env', value: 'prod' }], pdata, ['resource', 'scope']));
    expect(v).toEqual({ resources: [[['env', str('prod')]]], scopes: [[['env', str('prod')]]], records: [[], []] });
  });
});

// ---- signals -------------------------------------------------------------------------------------------------------

describe('processor:attribute signals', () => {
  it('traces: the signal is span attributes and those of their events and links', async () => {
    const pdata = await sdkSpans({ 'service.name': 'svc' }, [{ 'user.id': 'a', keep: 1 }, { 'user.id': 'b' }]);
    const out = await runActions(
      [
        { action: 'hash', key: 'user.id' },
        { action: 'insert', key: 'team', value: 'core' },
      ],
      pdata,
    );
    expect(view(out).records).toEqual([
      [['user.id', str(sha256('a'))], ['keep', int(1)], ['team', str('core')]],
      [['user.id', str(sha256('b'))], ['team', str('core')]],
    ]);
    const spans = decodePData(out).resourceSpans[0].scopeSpans[0].spans;
    expect(entries(spans[0].events[0].attributes)).toEqual([['user.id', str(sha256('a'))], ['keep', int(1)], ['team', str('core')]]);
    expect(entries(spans[1].events[0].attributes)).toEqual([['user.id', str(sha256('b'))], ['team', str('core')]]);
    expect(entries(spans[1].links[0].attributes)).toEqual([['user.id', str(sha256('b'))], ['team', str('core')]]);
  });

  it('traces: resource attributes', async () => {
    const pdata = await sdkSpans({ 'service.name': 'svc', 'host.name': 'h1' }, [{}]);
    const out = await runActions([{ action: 'rename', source_key: 'host.name', destination_key: 'host' }], pdata, ['resource']);
    expect(view(out).resources).toEqual([[['service.name', str('svc')], ['host', str('h1')]]]);
  });

  it('metrics: every data point of gauge, sum, histogram and exponential histogram', async () => {
    const request = await sdkMetricsRequest(2);
    const pdata: PData = { signal: 'metrics', payload: request.protobuf, items: request.points };
    const out = await runActions(
      [
        { action: 'rename', source_key: 'series', destination_key: 'series.id' },
        { action: 'upsert', key: 'env', value: 'prod' },
      ],
      pdata,
    );
    const metrics = decodePData(out).resourceMetrics[0].scopeMetrics[0].metrics as Json[];
    const types = new Set(metrics.flatMap((m) => METRIC_TYPES.filter((t) => m[t])));
    expect(types).toEqual(new Set(['gauge', 'sum', 'histogram', 'exponentialHistogram']));
    for (const metric of metrics) {
      const points = METRIC_TYPES.flatMap((t) => metric[t]?.dataPoints ?? []) as Json[];
      expect(points.map((p) => entries(p.attributes))).toEqual([
        [['series.id', int(0)], ['env', str('prod')]],
        [['series.id', int(1)], ['env', str('prod')]],
      ]);
    }
    expect(view(out).resources).toEqual([[['service.name', str('otap-engine-test')]]]);
  });

  it('metrics: resource and scope attributes', async () => {
    const request = await sdkMetricsRequest(1);
    const pdata: PData = { signal: 'metrics', payload: request.protobuf, items: request.points };
    const v = view(await runActions([{ action: 'insert', key: 'env', value: 'prod' }], pdata, ['resource', 'scope']));
    expect(v.resources).toEqual([[['service.name', str('otap-engine-test')], ['env', str('prod')]]]);
    expect(v.scopes).toEqual([[['env', str('prod')]]]);
    expect(v.records.every((r) => r.length === 1 && r[0]?.[0] === 'series')).toBe(true);
  });

  it.each(['logs', 'traces', 'metrics'] as const)('%s: every other field of a request that uses all of OTLP is kept', async (signal) => {
    const encoded = otlpJsonToProto(signal, JSON.stringify(FULL[signal]));
    if (!encoded.ok) throw new Error(encoded.reason);
    const out = await runActions([{ action: 'insert', key: 'added', value: 1 }], { signal, payload: encoded.payload, items: FULL_ITEMS[signal] });
    const expected = structuredClone(FULL[signal]) as Json;
    const added = { key: 'added', value: { intValue: '1' } };
    // structuredClone keeps objects shared in FULL shared (one exemplar list in several points): add once to each.
    const seen = new Set<Json>();
    const add = (owner: Json, field = 'attributes'): void => {
      if (seen.has(owner)) return;
      seen.add(owner);
      owner[field] = [...(owner[field] ?? []), added];
    };
    for (const r of expected[RESOURCE_FIELD[signal]]) {
      for (const s of r[SCOPE_FIELD[signal]]) {
        for (const record of recordsOf(signal, s)) {
          add(record);
          // The signal's nested lists too: span events and links, data point exemplars.
          for (const nested of [...(record.events ?? []), ...(record.links ?? [])]) add(nested);
          for (const exemplar of record.exemplars ?? []) add(exemplar, 'filteredAttributes');
        }
        for (const metric of s.metrics ?? []) add(metric, 'metadata');
      }
    }
    expect(decodePData(out)).toEqual(expected);
  });
});

// ---- the transform on its own ---------------------------------------------------------------------------------------

describe('processor:attribute transform', () => {
  it('refuses (throws on) a payload that does not decode, so it is counted as failed instead of passed on', () => {
    const transform = attributeTransform({ actions: [{ action: 'insert', key: 'k', value: 'v' }] });
    expect(() => transform({ signal: 'logs', payload: new Uint8Array([0x0a, 0x05, 0x01]), items: 1 })).toThrow();
  });

  it('without insert or upsert, does not decode a payload in whose bytes no action key occurs', () => {
    const transform = attributeTransform({
      actions: [
        { action: 'delete', key: 'password' },
        { action: 'rename', source_key: 'old', destination_key: 'new' },
      ],
    });
    // Not a valid request: decoding it would throw, so passing it on shows it was never decoded.
    const undecodable: PData = { signal: 'logs', payload: new Uint8Array([0x0a, 0x05, 0x01]), items: 1 };
    expect(transform(undecodable)).toBe(undecodable);
    const mentioning: PData = { signal: 'logs', payload: Buffer.concat([Buffer.from([0x0a, 0x20]), Buffer.from('password')]), items: 1 };
    expect(() => transform(mentioning)).toThrow();
  });

  it('keeps fields the schema does not know (a newer OTLP), in the request and in a record', () => {
    const lengthDelimited = (field: number, bytes: Uint8Array): Buffer => Buffer.concat([Buffer.from([(field << 3) | 2, bytes.length]), bytes]);
    const unknownInRecord = Buffer.from([0xf8, 0x06, 0x05]); // field 111, varint 5
    const unknownInRequest = Buffer.from([0x98, 0x06, 0x07]); // field 99, varint 7
    const record = Buffer.concat([LogRecord.encode({ attributes: [{ key: 'a', value: { stringValue: '1' } }] }).finish(), unknownInRecord]);
    const payload = Buffer.concat([lengthDelimited(1, lengthDelimited(2, lengthDelimited(2, record))), unknownInRequest]);
    const out = attributeTransform({ actions: [{ action: 'upsert', key: 'a', value: '2' }] })({ signal: 'logs', payload, items: 1 });
    const bytes = Buffer.from(out.payload);
    expect(view(out).records).toEqual([[['a', str('2')]]]);
    expect(bytes.indexOf(unknownInRecord)).toBeGreaterThan(0);
    expect(bytes.subarray(-3).equals(unknownInRequest)).toBe(true);
  });

  it('builds a new PData and leaves the input payload as it was', async () => {
    const pdata = await sdkLogs({ records: [{ a: '1' }] });
    const before = Buffer.from(pdata.payload);
    const out = attributeTransform({ actions: [{ action: 'upsert', key: 'a', value: '2' }] })(pdata);
    expect(out).not.toBe(pdata);
    expect(Buffer.from(pdata.payload).equals(before)).toBe(true);
    expect(view(out).records).toEqual([[['a', str('2')]]]);
  });

  it('shares nothing between messages: the second run starts from its own input', async () => {
    const transform = attributeTransform({
      actions: [
        { action: 'insert', key: 'k', value: 'v' },
        { action: 'rename', source_key: 'k', destination_key: 'renamed' },
      ],
    });
    const first = transform(await sdkLogs({ records: [{}] }));
    const second = transform(await sdkLogs({ records: [{}] }));
    expect(view(first).records).toEqual([[['renamed', str('v')]]]);
    expect(view(second).records).toEqual([[['renamed', str('v')]]]);
  });
});
