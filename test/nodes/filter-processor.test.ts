// processor:filter on its own, fed requests the OpenTelemetry SDK made and its own serializers encoded.
import type { AttributeValue } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { filterProcessor } from '../../src/nodes/processors/filter/descriptor.js';
import { createFilterProcessor, FilterProcessor } from '../../src/nodes/processors/filter/processor.js';
import { otlpProtoToJson } from '../../src/pdata/json.js';
import { ExportLogsServiceRequest } from '../../src/pdata/otlp-schema.js';
import { scanRequest } from '../../src/pdata/wire.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { createTestContext, type TestContext } from '../support/otlp-context.js';
import { sdkMetricsRequest } from '../support/otlp-metrics.js';

type Attributes = Record<string, AttributeValue>;

interface LogSpec {
  body: string;
  severity?: SeverityNumber;
  attributes?: Attributes;
  /** Instrumentation scope name; records of one resource and scope share a ScopeLogs. */
  scope?: string;
}

/** One ExportLogsServiceRequest: one ResourceLogs per group, in order, made by the SDK. */
function sdkLogs(groups: Array<{ resource: Attributes; records: LogSpec[] }>): PData {
  const all: ReadableLogRecord[] = [];
  for (const group of groups) {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes(group.resource),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    for (const r of group.records) {
      provider.getLogger(r.scope ?? 'scope').emit({
        body: r.body,
        ...(r.severity === undefined ? {} : { severityNumber: r.severity }),
        ...(r.attributes ? { attributes: r.attributes } : {}),
      });
    }
    all.push(...exporter.getFinishedLogRecords());
  }
  const payload = ProtobufLogsSerializer.serializeRequest(all);
  if (!payload) throw new Error('serializer produced nothing');
  return { signal: 'logs', payload, items: all.length };
}

function sdkTraces(groups: Array<{ resource: Attributes; spans: Array<{ name: string; attributes?: Attributes }> }>): PData {
  const all: ReadableSpan[] = [];
  for (const group of groups) {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes(group.resource),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('scope');
    for (const s of group.spans) tracer.startSpan(s.name, s.attributes ? { attributes: s.attributes } : {}).end();
    all.push(...exporter.getFinishedSpans());
  }
  const payload = ProtobufTraceSerializer.serializeRequest(all);
  if (!payload) throw new Error('serializer produced nothing');
  return { signal: 'traces', payload, items: all.length };
}

async function sdkMetrics(series: number): Promise<PData> {
  const request = await sdkMetricsRequest(series);
  return { signal: 'metrics', payload: request.protobuf, items: request.points };
}

/** Validates a config as the supervisor does (defaults filled), then builds the processor from it. */
function filter(config: Record<string, unknown>): FilterProcessor {
  const { value, error } = filterProcessor.configSchema.validate(config);
  if (error) throw error;
  const instance = createFilterProcessor('filter', value as Record<string, unknown>);
  if (instance.kind !== 'processor' || !(instance.node instanceof FilterProcessor)) throw new Error('not a filter');
  return instance.node;
}

async function run(node: FilterProcessor, ...inputs: PData[]): Promise<TestContext> {
  const ctx = createTestContext('filter');
  for (const pdata of inputs) await node.process(pdata, ctx);
  return ctx;
}

function json(pdata: PData | undefined): any {
  if (!pdata) throw new Error('nothing emitted');
  const r = otlpProtoToJson(pdata.signal, pdata.payload);
  if (!r.ok) throw new Error(r.reason);
  return r.json;
}

/** Checks the emitted message's `items` against a wire scan of its payload, and returns it. */
function only(ctx: TestContext): PData {
  expect(ctx.emitted).toHaveLength(1);
  const out = ctx.emitted[0] as PData;
  expect(scanRequest(out.signal, out.payload)).toEqual({ ok: true, items: out.items });
  return out;
}

function bodies(pdata: PData): string[] {
  return json(pdata).resourceLogs.flatMap((rl: any) =>
    rl.scopeLogs.flatMap((sl: any) => sl.logRecords.map((r: any) => r.body.stringValue)),
  );
}

function spanNames(pdata: PData): string[] {
  return json(pdata).resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => s.name)));
}

/** `metric name: series` of every data point. */
function points(pdata: PData): string[] {
  const out: string[] = [];
  for (const rm of json(pdata).resourceMetrics)
    for (const sm of rm.scopeMetrics)
      for (const m of sm.metrics) {
        const data = m.gauge ?? m.sum ?? m.histogram ?? m.exponentialHistogram ?? m.summary;
        for (const p of data.dataPoints) out.push(`${m.name}:${p.attributes.find((a: any) => a.key === 'series').value.intValue}`);
      }
  return out;
}

const severities = sdkLogs([
  {
    resource: { 'service.name': 'api' },
    records: [
      { body: 'trace', severity: SeverityNumber.TRACE },
      { body: 'debug4', severity: SeverityNumber.DEBUG4 },
      { body: 'info', severity: SeverityNumber.INFO },
      { body: 'unspecified' },
      { body: 'warn', severity: SeverityNumber.WARN },
      { body: 'error2', severity: SeverityNumber.ERROR2 },
      { body: 'fatal', severity: SeverityNumber.FATAL },
    ],
  },
]);

/** Two services; in `api`, two scopes. */
const mixed = (): PData =>
  sdkLogs([
    {
      resource: { 'service.name': 'api', 'deployment.environment': 'prod' },
      records: [
        { body: 'api-get', attributes: { 'http.method': 'GET', 'http.status': 200 }, scope: 'http' },
        { body: 'api-post', attributes: { 'http.method': 'POST', 'http.status': 500 }, scope: 'http' },
        { body: 'api-db', attributes: { 'db.system': 'pg', 'retry': true }, scope: 'db' },
      ],
    },
    {
      resource: { 'service.name': 'worker', 'deployment.environment': 'prod' },
      records: [
        { body: 'worker-get', attributes: { 'http.method': 'GET', 'http.status': 200 } },
        { body: 'worker-ratio', attributes: { ratio: 0.5, 'http.status': 500 } },
      ],
    },
  ]);

describe('processor:filter', () => {
  it('signals: drops a whole signal without decoding it, and passes the others on as they came', async () => {
    const node = filter({ signals: { logs: false, metrics: false } });
    // Not a request at all: a filter that looked inside would throw.
    const garbage: PData = { signal: 'logs', payload: Uint8Array.of(0xff, 0xff, 0xff), items: 4 };
    const metrics = await sdkMetrics(2);
    const traces = sdkTraces([{ resource: { 'service.name': 'api' }, spans: [{ name: 'a' }, { name: 'b' }] }]);
    const ctx = await run(node, garbage, metrics, traces);
    expect(ctx.emitted).toEqual([traces]);
    expect(ctx.emitted[0]).toBe(traces);
    expect(node.stats()).toEqual({ filtered: 4 + metrics.items, bySignal: { logs: 4, traces: 0, metrics: metrics.items } });
  });

  it('logs.min_severity: drops records below the level and keeps those without a severity', async () => {
    const node = filter({ logs: { min_severity: 'WARN' } });
    const out = only(await run(node, severities));
    expect(bodies(out)).toEqual(['unspecified', 'warn', 'error2', 'fatal']);
    expect(out.items).toBe(4);
    expect(node.stats().filtered).toBe(3);
  });

  it('logs.drop_unspecified_severity: also drops records without a severity', async () => {
    const node = filter({ logs: { min_severity: 'INFO', drop_unspecified_severity: true } });
    const out = only(await run(node, severities));
    expect(bodies(out)).toEqual(['info', 'warn', 'error2', 'fatal']);
    expect(out.items).toBe(4);
    // On its own it drops only the records without a severity.
    const alone = only(await run(filter({ logs: { drop_unspecified_severity: true } }), severities));
    expect(bodies(alone)).toEqual(['trace', 'debug4', 'info', 'warn', 'error2', 'fatal']);
  });

  it('logs.min_severity: a request left with nothing is not sent on', async () => {
    const node = filter({ logs: { min_severity: 'FATAL', drop_unspecified_severity: true } });
    const lows = sdkLogs([{ resource: { 'service.name': 'api' }, records: [{ body: 'a', severity: SeverityNumber.ERROR4 }, { body: 'b' }] }]);
    const ctx = await run(node, lows);
    expect(ctx.emitted).toEqual([]);
    expect(node.stats().bySignal.logs).toBe(2);
  });

  it('include.attributes: keeps only the records whose attributes all match, by type', async () => {
    const node = filter({ include: { attributes: [{ key: 'http.method', value: 'GET' }, { key: 'http.status', value: 200 }] } });
    const out = only(await run(node, mixed()));
    expect(bodies(out)).toEqual(['api-get', 'worker-get']);
    // The `db` scope lost its only record and is gone; `http` stays.
    expect(json(out).resourceLogs.map((rl: any) => rl.scopeLogs.map((sl: any) => sl.scope.name))).toEqual([['http'], ['scope']]);
    // A string never matches an int attribute, nor a number a string one.
    const typed = await run(filter({ include: { attributes: [{ key: 'http.status', value: '200' }] } }), mixed());
    expect(typed.emitted).toEqual([]);
    // Bools and doubles match their own kind.
    expect(bodies(only(await run(filter({ include: { attributes: [{ key: 'retry', value: true }] } }), mixed())))).toEqual(['api-db']);
    expect(bodies(only(await run(filter({ include: { attributes: [{ key: 'ratio', value: 0.5 }] } }), mixed())))).toEqual(['worker-ratio']);
  });

  it('include.attributes: applies to spans and to metric data points (int attributes)', async () => {
    const traces = sdkTraces([
      { resource: { 'service.name': 'api' }, spans: [{ name: 'keep', attributes: { route: '/a' } }, { name: 'drop', attributes: { route: '/b' } }] },
    ]);
    const spans = only(await run(filter({ include: { attributes: [{ key: 'route', value: '/a' }] } }), traces));
    expect(spanNames(spans)).toEqual(['keep']);
    expect(spans.items).toBe(1);

    const metrics = await sdkMetrics(3);
    const node = filter({ include: { attributes: [{ key: 'series', value: 1 }] } });
    const out = only(await run(node, metrics));
    expect(out.items).toBe(5);
    expect(points(out).every((p) => p.endsWith(':1'))).toBe(true);
    expect(node.stats().bySignal.metrics).toBe(10);
  });

  it('include.resource_attributes: keeps only the records of matching resources; other resources are removed', async () => {
    const node = filter({ include: { resource_attributes: [{ key: 'service.name', value: 'worker' }] } });
    const out = only(await run(node, mixed()));
    expect(bodies(out)).toEqual(['worker-get', 'worker-ratio']);
    expect(json(out).resourceLogs).toHaveLength(1);
    expect(json(out).resourceLogs[0].resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'worker' } });
    // Both kinds together: a record of a matching resource with matching attributes.
    const both = filter({
      include: { resource_attributes: [{ key: 'service.name', value: 'api' }], attributes: [{ key: 'http.status', value: 500 }] },
    });
    expect(bodies(only(await run(both, mixed())))).toEqual(['api-post']);
  });

  it('exclude: drops the records that match and keeps the rest', async () => {
    const node = filter({ exclude: { attributes: [{ key: 'http.status', value: 500 }] } });
    const out = only(await run(node, mixed()));
    expect(bodies(out)).toEqual(['api-get', 'api-db', 'worker-get']);
    expect(out.items).toBe(3);
    expect(node.stats().filtered).toBe(2);
    // By resource: the whole resource goes.
    const byResource = filter({ exclude: { resource_attributes: [{ key: 'service.name', value: 'api' }] } });
    const rest = only(await run(byResource, mixed()));
    expect(bodies(rest)).toEqual(['worker-get', 'worker-ratio']);
    expect(json(rest).resourceLogs).toHaveLength(1);
    // Metric data points: one series out of three.
    const metrics = only(await run(filter({ exclude: { attributes: [{ key: 'series', value: 0 }] } }), await sdkMetrics(3)));
    expect(metrics.items).toBe(10);
    expect(points(metrics).some((p) => p.endsWith(':0'))).toBe(false);
  });

  it('include and exclude together: kept when the include matches and the exclude does not', async () => {
    const node = filter({
      include: { resource_attributes: [{ key: 'deployment.environment', value: 'prod' }] },
      exclude: { attributes: [{ key: 'http.method', value: 'GET' }] },
    });
    const out = only(await run(node, mixed()));
    expect(bodies(out)).toEqual(['api-post', 'api-db', 'worker-ratio']);
    // With a severity floor too: the three rules all apply.
    const graded = sdkLogs([
      {
        resource: { 'service.name': 'api' },
        records: [
          { body: 'low', severity: SeverityNumber.DEBUG, attributes: { team: 'a' } },
          { body: 'keep', severity: SeverityNumber.ERROR, attributes: { team: 'a' } },
          { body: 'noisy', severity: SeverityNumber.ERROR, attributes: { team: 'a', noisy: true } },
          { body: 'other', severity: SeverityNumber.ERROR, attributes: { team: 'b' } },
        ],
      },
    ]);
    const three = filter({
      logs: { min_severity: 'WARN' },
      include: { attributes: [{ key: 'team', value: 'a' }] },
      exclude: { attributes: [{ key: 'noisy', value: true }] },
    });
    expect(bodies(only(await run(three, graded)))).toEqual(['keep']);
  });

  it('passes a signal it cannot drop from on without decoding: the same object, the same bytes', async () => {
    // Only a severity rule: traces and metrics cannot lose anything.
    const node = filter({ logs: { min_severity: 'ERROR' } });
    const traces: PData = { signal: 'traces', payload: Uint8Array.of(0xde, 0xad, 0xbe, 0xef), items: 2 };
    const metrics: PData = { signal: 'metrics', payload: Uint8Array.of(0xff), items: 1 };
    const ctx = await run(node, traces, metrics);
    expect(ctx.emitted).toHaveLength(2);
    expect(ctx.emitted[0]).toBe(traces);
    expect(ctx.emitted[0]?.payload).toBe(traces.payload);
    expect(ctx.emitted[1]).toBe(metrics);
    // The default config cannot drop anything at all.
    const none = filter({});
    const logs = mixed();
    const all = await run(none, logs, traces);
    expect(all.emitted[0]).toBe(logs);
    expect(all.emitted[1]).toBe(traces);
    expect(none.stats().filtered).toBe(0);
  });

  it('a message it looked into but dropped nothing from goes on unchanged, not re-encoded', async () => {
    const node = filter({ logs: { min_severity: 'TRACE' }, exclude: { attributes: [{ key: 'absent', value: 'x' }] } });
    const logs = mixed();
    const ctx = await run(node, logs);
    expect(ctx.emitted).toHaveLength(1);
    expect(ctx.emitted[0]).toBe(logs);
    expect(ctx.emitted[0]?.payload).toBe(logs.payload);
  });

  it('keeps containers that came in empty, and removes only those it emptied', async () => {
    const payload = ExportLogsServiceRequest.encode({
      resourceLogs: [
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'empty' } }] }, scopeLogs: [] },
        {
          scopeLogs: [
            { scope: { name: 'dropped' }, logRecords: [{ severityNumber: 1, body: { stringValue: 'x' } }] },
            { scope: { name: 'kept' }, logRecords: [{ severityNumber: 17, body: { stringValue: 'y' } }] },
          ],
        },
      ],
    }).finish();
    const out = only(await run(filter({ logs: { min_severity: 'INFO' } }), { signal: 'logs', payload, items: 2 }));
    const request = json(out);
    expect(request.resourceLogs).toHaveLength(2);
    expect(request.resourceLogs[1].scopeLogs.map((sl: any) => sl.scope.name)).toEqual(['kept']);
    expect(out.items).toBe(1);
  });

  it('a request it must look into but cannot decode fails (the runtime counts it as failed)', async () => {
    const node = filter({ logs: { min_severity: 'WARN' } });
    const bad: PData = { signal: 'logs', payload: Uint8Array.of(0x0a, 0x05, 0x01), items: 1 };
    await expect(async () => node.process(bad, createTestContext())).rejects.toThrow(/processor:filter: cannot decode the logs request/);
  });

  it('config schema: fills defaults and refuses matches without a condition and unknown levels', () => {
    expect(filterProcessor.configSchema.validate({}).value).toEqual({
      signals: { logs: true, traces: true, metrics: true },
      logs: { drop_unspecified_severity: false },
    });
    const { error } = filterProcessor.configSchema.validate(
      { include: {}, exclude: { attributes: [] }, logs: { min_severity: 'NOTICE' } },
      { abortEarly: false },
    );
    expect(error?.details.map((d) => d.path.join('.'))).toEqual(['logs.min_severity', 'include', 'exclude.attributes']);
    expect(filterProcessor.configSchema.validate({ include: { attributes: [{ key: 'k', value: [1] }] } }).error).toBeDefined();
    expect(filterProcessor.outputPorts).toBeUndefined();
  });
});
