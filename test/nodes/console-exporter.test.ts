// exporter:console: upstream's formats and options (pretty with color, unicode and histogram detail; record_json with
// its six options), ours (otlp_json), what each does with real requests, and real output on a process's stdout.
import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { validateWithJoi } from '../../src/config/joi-errors.js';
import { consoleExporter } from '../../src/nodes/exporters/console/descriptor.js';
import { ConsoleExporter } from '../../src/nodes/exporters/console/exporter.js';
import { otlpProtoToJson } from '../../src/pdata/json.js';
import { RICH_TRACES, richLogs, richMetrics, richTraces, SPAN_ID, TRACE_ID } from './fixtures/rich-requests.js';

function exporter(config: Record<string, unknown>): { node: ConsoleExporter; text: () => string } {
  const { value, error } = consoleExporter.configSchema.validate(config);
  if (error) throw error;
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { node: new ConsoleExporter(value, out), text: () => chunks.join('') };
}

function check(config: unknown) {
  return validateWithJoi<Record<string, unknown>>(consoleExporter.configSchema, config, ['config']);
}

describe('exporter:console config', () => {
  it("takes upstream's fields with upstream's defaults", () => {
    const defaults = {
      format: 'pretty',
      color: true,
      unicode: true,
      pretty: { histogram: 'compact' },
      record_json: { timestamp_format: 'rfc3339', body_field: 'body', int64_format: 'number', resource: false, scope: true, otel: false },
    };
    expect(consoleExporter.configSchema.validate({}).value).toEqual(defaults);
    // As upstream's trafficgen-batch-console.yaml and internal-telemetry-logs.yaml write it.
    expect(check({ format: 'pretty' })).toMatchObject({ ok: true, value: defaults, warnings: [] });
    expect(check({ format: 'otlp_json' }).ok).toBe(true);
  });

  it('refuses unknown values and fields, and warns about options of a format not selected', () => {
    const errors = (config: unknown) => {
      const result = check(config);
      return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
    };
    expect(errors({ format: 'json' })).toEqual(['config.format: "format" must be one of [pretty, record_json, otlp_json]']);
    expect(errors({ record_json: { timestamp_format: 'iso' } })).toEqual(['config.record_json.timestamp_format: "timestamp_format" must be one of [rfc3339, unix_nano]']);
    expect(errors({ pretty: { histogram: 'full' } })).toHaveLength(1);
    expect(errors({ verbosity: 'detailed' })).toEqual(['config.verbosity: unknown field "verbosity"']);
    const warned = check({ format: 'record_json', color: false, pretty: { histogram: 'raw' } });
    expect(warned.ok).toBe(true);
    expect(warned.warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      'config.color: "color" has no effect in this engine with format record_json: it applies to format pretty only',
      'config.pretty: "pretty" has no effect in this engine with format record_json: it applies to format pretty only',
    ]);
    expect(check({ record_json: { scope: false } }).warnings.map((w) => w.message)).toEqual([
      '"record_json" has no effect in this engine with format pretty: it applies to format record_json only',
    ]);
  });
});

describe('exporter:console pretty', () => {
  it('logs: a tree of resource, scope and records, with time, severity, event name, body and attributes', async () => {
    const { node, text } = exporter({ color: false, unicode: false });
    expect(await node.export(richLogs())).toEqual({ kind: 'success' });
    expect(text().split('\n')).toEqual([
      '2025-01-15T10:30:00.000Z  RESOURCE   v1.Resource [service.name=checkout]',
      '2025-01-15T10:30:00.000Z  | SCOPE    lib/1.0 [k=1]',
      '2025-01-15T10:30:00.000Z  | +- INFO  app.start: Starting [endpoint=0.0.0.0:4317, big=9007199254740993, ratio=0.500000, raw=[1, 2]] (2 dropped)',
      '1970-01-01T00:00:00.000Z  | \\- oops {a=true, list=[1, two]}',
      '',
    ]);
  });

  it('color and unicode: ANSI styles and box-drawing characters', async () => {
    const { node, text } = exporter({});
    await node.export(richLogs());
    const lines = text().split('\n');
    expect(lines[0]).toBe('\u001b[2m2025-01-15T10:30:00.000Z\u001b[0m  \u001b[36mRESOURCE\u001b[0m   v1.Resource [service.name=checkout]');
    expect(lines[2]).toContain('\u2502 \u251c\u2500 \u001b[32mINFO \u001b[0m app.start: Starting');
    expect(lines[3]).toContain('\u2502 \u2514\u2500 \u001b[31moops\u001b[0m {a=true');
  });

  it('metrics: resource, scope, metric, aggregation and data points; compact histograms with approximate percentiles', async () => {
    const { node, text } = exporter({ color: false, unicode: false });
    expect(await node.export(richMetrics())).toEqual({ kind: 'success' });
    expect(text().split('\n')).toEqual([
      'RESOURCE [service.name=checkout]',
      '| +- SCOPE name=checkout.metrics version=1.0.0',
      '| | +- METRIC name=requests unit={request}',
      '| | | +- SUM temporality=cumulative monotonic=true',
      '| | | | +- DATA_POINT start_time_unix_nano=100 time_unix_nano=200 value_int=42',
      '| | +- METRIC name=temp description=room temperature',
      '| | | +- GAUGE',
      '| | | | +- DATA_POINT start_time_unix_nano=0 time_unix_nano=200 value_double=21.5 [room=a]',
      `| | | | | +- EXEMPLAR time_unix_nano=150 value_double=21.4 span_id=${SPAN_ID} trace_id=${TRACE_ID}`,
      '| | +- METRIC name=latency unit=ms',
      '| | | +- HISTOGRAM temporality=delta',
      '| | | | +- DATA_POINT start_time_unix_nano=0 time_unix_nano=0 count=10 sum=100 avg=10 p50~=7.5 p90~=15 p99~=15 min=1 max=20',
      '| | +- METRIC name=sizes',
      '| | | +- EXPONENTIAL_HISTOGRAM temporality=cumulative',
      expect.stringMatching(/^\| \| \| \| \+- DATA_POINT start_time_unix_nano=0 time_unix_nano=0 count=4 sum=10 avg=2.5 p50~=1.41421356\d* p90~=2.8284271247\d* p99~=2.8284271247\d* min=0 max=4$/),
      '| | +- METRIC name=rtt',
      '| | | +- SUMMARY',
      '| | | | +- DATA_POINT start_time_unix_nano=0 time_unix_nano=0 count=3 sum=6',
      '| | | | | +- QUANTILE quantile=0.5 value=2',
      '| | | | | +- QUANTILE quantile=1 value=3',
      '',
    ]);
  });

  it('pretty.histogram raw: every bound, bucket and exponential bucket instead of the statistics', async () => {
    const { node, text } = exporter({ color: false, unicode: false, pretty: { histogram: 'raw' } });
    await node.export(richMetrics());
    const lines = text().split('\n');
    expect(lines.slice(11, 17)).toEqual([
      '| | | | +- DATA_POINT start_time_unix_nano=0 time_unix_nano=0 count=10 sum=100 min=1 max=20',
      '| | | | | +- EXPLICIT_BOUND index=0 value=5',
      '| | | | | +- EXPLICIT_BOUND index=1 value=10',
      '| | | | | +- BUCKET_COUNT index=0 count=2',
      '| | | | | +- BUCKET_COUNT index=1 count=5',
      '| | | | | +- BUCKET_COUNT index=2 count=3',
    ]);
    expect(lines).toContain('| | | | +- DATA_POINT start_time_unix_nano=0 time_unix_nano=0 count=4 scale=0 zero_count=1 zero_threshold=0 sum=10 min=0 max=4');
    expect(lines).toContain('| | | | | +- POS_BUCKET offset=0 bucket_index=1 count=2');
  });

  it('traces are not shown: the message is accepted with its items reported rejected, never retried', async () => {
    const { node, text } = exporter({});
    expect(await node.export(richTraces())).toEqual({ kind: 'success', rejectedItems: 1, message: expect.stringMatching(/format pretty does not show traces/) });
    expect(text()).toBe('');
    expect(await node.export({ signal: 'logs', payload: Uint8Array.of(0x0a, 0x09), items: 3 })).toEqual({
      kind: 'success',
      rejectedItems: 3,
      message: expect.stringMatching(/cannot read the message: malformed protobuf/),
    });
  });
});

describe('exporter:console record_json', () => {
  it('one JSON object per log record, with scope and without resource by default; int64 as exact JSON integers', async () => {
    const { node, text } = exporter({ format: 'record_json' });
    expect(await node.export(richLogs())).toEqual({ kind: 'success' });
    const lines = text().split('\n');
    expect(lines[0]).toBe(
      `{"timestamp":"2025-01-15T10:30:00.000000001Z","observed_timestamp":"2025-01-15T10:30:00.500000000Z","severity_number":9,"body":"Starting","event_name":"app.start","attributes":{"endpoint":"0.0.0.0:4317","big":9007199254740993,"ratio":0.5,"raw":"AQI="},"scope":{"name":"lib","version":"1.0","attributes":{"k":1}},"trace_id":"${TRACE_ID}","span_id":"${SPAN_ID}","trace_flags":1}`,
    );
    expect(JSON.parse(lines[1]!)).toEqual({ severity_number: 17, severity_text: 'oops', body: { a: true, list: [1, 'two'] }, attributes: {}, scope: { name: 'lib', version: '1.0', attributes: { k: 1 } } });
    expect(lines[2]).toBe('');
  });

  it('timestamp_format, body_field, int64_format, resource, scope and otel each change the record', async () => {
    const { node, text } = exporter({
      format: 'record_json',
      record_json: { timestamp_format: 'unix_nano', body_field: 'message', int64_format: 'string', resource: true, scope: false, otel: true },
    });
    await node.export(richLogs());
    expect(JSON.parse(text().split('\n')[0]!)).toEqual({
      timestamp: '1736937000000000001',
      observed_timestamp: '1736937000500000000',
      severity_number: 9,
      message: 'Starting',
      event_name: 'app.start',
      attributes: { endpoint: '0.0.0.0:4317', big: '9007199254740993', ratio: 0.5, raw: 'AQI=' },
      resource: { 'service.name': 'checkout' },
      trace_id: TRACE_ID,
      span_id: SPAN_ID,
      trace_flags: 1,
      otel: { dropped_attributes_count: 2, resource_schema_url: 'https://example.com/resource', scope_schema_url: 'https://example.com/scope' },
    });
  });

  it('shows logs only: metrics and traces are accepted with their items reported rejected', async () => {
    const { node, text } = exporter({ format: 'record_json' });
    expect(await node.export(richMetrics())).toEqual({ kind: 'success', rejectedItems: 5, message: 'format record_json shows logs only; select pretty to see metrics' });
    expect(text()).toBe('');
  });
});

describe('exporter:console otlp_json (ours)', () => {
  it('each message as one line of OTLP/JSON, every signal', async () => {
    const { node, text } = exporter({ format: 'otlp_json' });
    const traces = richTraces();
    expect(await node.export(traces)).toEqual({ kind: 'success' });
    const expected = otlpProtoToJson('traces', traces.payload);
    expect(expected.ok && JSON.parse(text())).toEqual(expected.ok ? expected.json : undefined);
    expect(JSON.parse(text()).resourceSpans[0].scopeSpans[0].spans[0].name).toBe(RICH_TRACES.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name);
  });
});

describe('exporter:console on a real stdout', () => {
  it('writes to the process stdout', async () => {
    const script = `
      import { createConsoleExporter } from './src/nodes/exporters/console/exporter.ts';
      import { consoleExporter } from './src/nodes/exporters/console/descriptor.ts';
      import { logsProto } from './test/support/otlp-requests.ts';
      const { node } = createConsoleExporter('stdout-test', consoleExporter.configSchema.validate({ color: false }).value);
      await node.export({ signal: 'logs', payload: logsProto(['x']), items: 1 });
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd() });
    expect(stdout).toMatch(/ RESOURCE {3}v1\.Resource \[service\.name=test\]\n.*SCOPE {4}test\n.* INFO  x\n$/);
  });
});
