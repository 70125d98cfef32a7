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
  severityText?: string;
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
        ...(r.severityText === undefined ? {} : { severityText: r.severityText }),
        ...(r.attributes ? { attributes: r.attributes } : {}),
      });
    }
    all.push(...exporter.getFinishedLogRecords());
  }
  const payload = ProtobufLogsSerializer.serializeRequest(all);
  if (!payload) throw new Error('serializer produced nothing');
  return { signal: 'logs', payload, items: all.length };
}

interface SpanSpec {
  name: string;
  attributes?: Attributes;
  events?: Array<{ name: string; attributes?: Attributes }>;
  /** Attributes of a link to the span before. */
  link?: Attributes;
}

function sdkTraces(groups: Array<{ resource: Attributes; spans: SpanSpec[] }>): PData {
  const all: ReadableSpan[] = [];
  for (const group of groups) {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes(group.resource),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('scope');
    let previous: ReturnType<typeof tracer.startSpan> | undefined;
    for (const s of group.spans) {
      const links = s.link && previous ? [{ context: previous.spanContext(), attributes: s.link }] : [];
      const span = tracer.startSpan(s.name, { ...(s.attributes ? { attributes: s.attributes } : {}), links });
      for (const e of s.events ?? []) span.addEvent(e.name, e.attributes);
      span.end();
      previous = span;
    }
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

const include = (props: Record<string, unknown>) => ({ include: props });
const exclude = (props: Record<string, unknown>) => ({ exclude: props });

describe('processor:filter logs', () => {
  it('severity_number: keeps records at or above min; match_undefined keeps those without a severity', async () => {
    expect(bodies(only(await run(filter({ logs: include({ severity_number: { min: 13 } }) }), severities)))).toEqual(['warn', 'error2', 'fatal']);
    const withUndefined = filter({ logs: include({ severity_number: { min: 'WARN', match_undefined: true } }) });
    expect(bodies(only(await run(withUndefined, severities)))).toEqual(['unspecified', 'warn', 'error2', 'fatal']);
    expect(bodies(only(await run(filter({ logs: exclude({ severity_number: { min: 17 } }) }), severities)))).toEqual(['trace', 'debug4', 'info', 'unspecified', 'warn']);
  });

  it('severity_texts and bodies: one must equal (strict) or match (regexp)', async () => {
    const texts = sdkLogs([
      {
        resource: {},
        records: [
          { body: 'checkout started', severityText: 'INFO' },
          { body: 'failed to write to socket', severityText: 'WARN' },
          { body: 'disk full', severityText: 'ERROR' },
        ],
      },
    ]);
    expect(bodies(only(await run(filter({ logs: include({ severity_texts: ['WARN', 'ERROR'] }) }), texts)))).toEqual(['failed to write to socket', 'disk full']);
    expect(bodies(only(await run(filter({ logs: include({ match_type: 'regexp', severity_texts: ['^W'] }) }), texts)))).toEqual(['failed to write to socket']);
    expect(bodies(only(await run(filter({ logs: include({ bodies: ['checkout started'] }) }), texts)))).toEqual(['checkout started']);
    expect(bodies(only(await run(filter({ logs: exclude({ match_type: 'regexp', bodies: ['(?i)FAIL|full$'] }) }), texts)))).toEqual(['checkout started']);
    // A text and a body rule together: both must hold for the record's own fields to match.
    expect(bodies(only(await run(filter({ logs: include({ severity_texts: ['WARN', 'INFO'], bodies: ['disk full', 'checkout started'] }) }), texts)))).toEqual(['checkout started']);
  });

  it('record_attributes: one is enough (upstream example: two keys); values compare by type', async () => {
    const out = only(await run(filter({ logs: include({ record_attributes: [{ key: 'http.method', value: 'POST' }, { key: 'retry', value: true }] }) }), mixed()));
    expect(bodies(out)).toEqual(['api-post', 'api-db']);
    const byNumber = only(await run(filter({ logs: include({ record_attributes: [{ key: 'http.status', value: 500 }] }) }), mixed()));
    expect(bodies(byNumber)).toEqual(['api-post', 'worker-ratio']);
    const notText = await run(filter({ logs: include({ record_attributes: [{ key: 'http.status', value: '500' }] }) }), mixed());
    expect(notText.emitted).toEqual([]);
    const regexp = only(await run(filter({ logs: include({ match_type: 'regexp', record_attributes: [{ key: 'http.method', value: '^P' }] }) }), mixed()));
    expect(bodies(regexp)).toEqual(['api-post']);
  });

  it('resource_attributes: every one must be on the resource; an emptied resource goes', async () => {
    const out = only(await run(filter({ logs: include({ resource_attributes: [{ key: 'service.name', value: 'api' }, { key: 'deployment.environment', value: 'prod' }] }) }), mixed()));
    expect(bodies(out)).toEqual(['api-get', 'api-post', 'api-db']);
    expect(json(out).resourceLogs).toHaveLength(1);
    const none = await run(filter({ logs: include({ resource_attributes: [{ key: 'service.name', value: 'api' }, { key: 'deployment.environment', value: 'dev' }] }) }), mixed());
    expect(none.emitted).toEqual([]);
  });

  it('exclude drops a record when any group it defines matches, as upstream inverts each group', async () => {
    const node = filter({ logs: exclude({ resource_attributes: [{ key: 'service.name', value: 'worker' }], record_attributes: [{ key: 'db.system', value: 'pg' }] }) });
    expect(bodies(only(await run(node, mixed())))).toEqual(['api-get', 'api-post']);
    expect(node.stats()).toEqual({ filtered: 3, bySignal: { logs: 3, traces: 0, metrics: 0 } });
  });

  it('include and exclude together: kept when the include keeps it and the exclude does not drop it', async () => {
    const node = filter({
      logs: {
        include: { record_attributes: [{ key: 'http.method', value: 'GET' }, { key: 'http.method', value: 'POST' }] },
        exclude: { resource_attributes: [{ key: 'service.name', value: 'worker' }] },
      },
    });
    expect(bodies(only(await run(node, mixed())))).toEqual(['api-get', 'api-post']);
  });
});

describe('processor:filter traces and metrics', () => {
  const spans = () =>
    sdkTraces([
      {
        resource: { 'deployment.environment': 'prod' },
        spans: [
          { name: 'checkout-warn', attributes: { component: 'web' }, events: [{ name: 'checkout-event', attributes: { success: true } }] },
          { name: 'payment-error', attributes: { component: 'db' }, events: [{ name: 'payment-event', attributes: { success: false } }], link: { correlation: false } },
          { name: 'plain' },
        ],
      },
    ]);

  it('span_names, span_attributes, events (name and attributes of one event) and links', async () => {
    expect(spanNames(only(await run(filter({ traces: include({ span_names: ['checkout-warn', 'plain'] }) }), spans())))).toEqual(['checkout-warn', 'plain']);
    expect(spanNames(only(await run(filter({ traces: exclude({ span_attributes: [{ key: 'component', value: 'db' }] }) }), spans())))).toEqual(['checkout-warn', 'plain']);
    expect(spanNames(only(await run(filter({ traces: include({ event_names: ['payment-event'] }) }), spans())))).toEqual(['payment-error']);
    const sameEvent = filter({ traces: include({ event_names: ['checkout-event'], event_attributes: [{ key: 'success', value: false }] }) });
    expect((await run(sameEvent, spans())).emitted).toEqual([]);
    expect(spanNames(only(await run(filter({ traces: exclude({ link_attributes: [{ key: 'correlation', value: false }] }) }), spans())))).toEqual(['checkout-warn', 'plain']);
    expect(spanNames(only(await run(filter({ traces: include({ match_type: 'regexp', span_names: ['-(warn|error)$'] }) }), spans())))).toEqual(['checkout-warn', 'payment-error']);
  });

  it('metric_names: whole metrics are kept or dropped, their data points counted as items', async () => {
    const input = await sdkMetrics(2);
    const names = [...new Set(points(input).map((p) => p.split(':')[0]))];
    expect(names.length).toBeGreaterThan(1);
    const [first, ...rest] = names as [string, ...string[]];
    const kept = only(await run(filter({ metrics: include({ metric_names: [first] }) }), input));
    expect(points(kept)).toEqual([`${first}:0`, `${first}:1`]);
    const node = filter({ metrics: exclude({ match_type: 'regexp', metric_names: [`^${first.replace(/\./g, '\\.')}$`] }) });
    const out = only(await run(node, input));
    expect([...new Set(points(out).map((p) => p.split(':')[0]))]).toEqual(rest);
    expect(node.stats().bySignal.metrics).toBe(2);
  });
});

describe('processor:filter on the whole', () => {
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

  it('passes a signal without rules on without decoding: the same object, the same bytes', async () => {
    const node = filter({ logs: include({ severity_number: { min: 17 } }) });
    const traces: PData = { signal: 'traces', payload: Uint8Array.of(0xde, 0xad, 0xbe, 0xef), items: 2 };
    const metrics: PData = { signal: 'metrics', payload: Uint8Array.of(0xff), items: 1 };
    const ctx = await run(node, traces, metrics);
    expect(ctx.emitted[0]).toBe(traces);
    expect(ctx.emitted[1]).toBe(metrics);
    const none = filter({});
    const logs = mixed();
    expect((await run(none, logs)).emitted[0]).toBe(logs);
  });

  it('a message it looked into but dropped nothing from goes on unchanged, not re-encoded', async () => {
    const logs = mixed();
    const ctx = await run(filter({ logs: exclude({ record_attributes: [{ key: 'absent', value: 'x' }] }) }), logs);
    expect(ctx.emitted[0]).toBe(logs);
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
    const out = only(await run(filter({ logs: include({ severity_number: { min: 9 } }) }), { signal: 'logs', payload, items: 2 }));
    const request = json(out);
    expect(request.resourceLogs).toHaveLength(2);
    expect(request.resourceLogs[1].scopeLogs.map((sl: any) => sl.scope.name)).toEqual(['kept']);
    expect(out.items).toBe(1);
  });

  it('a request it must look into but cannot decode fails (the runtime counts it as failed)', async () => {
    const node = filter({ logs: include({ severity_number: { min: 13 } }) });
    const bad: PData = { signal: 'logs', payload: Uint8Array.of(0x0a, 0x05, 0x01), items: 1 };
    await expect(async () => node.process(bad, createTestContext())).rejects.toThrow(/processor:filter: cannot decode the logs request/);
  });
});
