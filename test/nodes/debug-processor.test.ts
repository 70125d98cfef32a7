// processor:debug: upstream's config (verbosity, mode, signals, output, filters, sampling) checked with reasons, what
// each option shows for real requests, that the data always goes on unchanged, and its outputs: stdout-like stream,
// file, and output ports inside the real pipeline runtime.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { validateWithJoi } from '../../src/config/joi-errors.js';
import { otlpProtoToJson } from '../../src/pdata/json.js';
import { debugProcessor } from '../../src/nodes/processors/debug/descriptor.js';
import { StreamOutput } from '../../src/nodes/processors/debug/output.js';
import { DebugProcessor } from '../../src/nodes/processors/debug/processor.js';
import { Ack } from '../../src/pipeline/ack.js';
import { PipelineRuntime } from '../../src/pipeline/runtime.js';
import { until } from '../pipeline/helpers/logs.js';
import { logBodies } from '../pipeline/helpers/otlp.js';
import { edge, node, pipeline } from '../pipeline/helpers/pipeline.js';
import { resolver, ScriptedExporter, TestReceiver } from '../pipeline/helpers/test-nodes.js';
import { createTestContext } from '../support/otlp-context.js';
import { pdataOf, RICH_LOGS, richLogs, richMetrics, richTraces } from './fixtures/rich-requests.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function validated(config: Record<string, unknown>): Record<string, unknown> {
  const { value, error } = debugProcessor.configSchema.validate(config);
  if (error) throw error;
  return value as Record<string, unknown>;
}

/** A debug processor writing to a captured stream, started on a test context. */
async function debug(config: Record<string, unknown>) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  const node = new DebugProcessor('dbg', validated(config) as never, new StreamOutput(out));
  const ctx = createTestContext('dbg');
  await node.start(ctx);
  return { node, ctx, text: () => text };
}

describe('processor:debug config', () => {
  it("takes upstream's fields with upstream's defaults, and every upstream config as written", () => {
    expect(validated({})).toEqual({ verbosity: 'normal', mode: 'batch', signals: ['metrics', 'logs', 'spans'], filters: [], sampling: { type: 'no_sampling' } });
    const upstream = [
      { verbosity: 'basic', mode: 'signal' },
      { verbosity: 'basic', signals: [] },
      { verbosity: 'basic' },
      { verbosity: 'detailed', mode: 'batch', signals: ['metrics'] },
      { verbosity: 'detailed', mode: 'signal', signals: ['logs'], output: '/tmp/user_events_debug.log' },
      { verbosity: 'detailed', mode: 'signal' },
      { verbosity: 'detailed', output: '/tmp/debug1.log' },
      {
        verbosity: 'basic',
        filters: [{ predicate: { field: 'attribute', value: [{ key: 'service.name', value: 'service_name' }] }, mode: 'exclude' }],
        sampling: { type: 'zap_sampling', sampling_initial: 2, sampling_thereafter: 5, sampling_interval: 2 },
        output: ['logging_port'],
      },
    ];
    for (const config of upstream) expect(validateWithJoi(debugProcessor.configSchema, config, ['config'])).toMatchObject({ ok: true, warnings: [] });
    expect(validated({ output: null })).toMatchObject({ output: null });
    expect(debugProcessor.outputPorts?.(validated({ output: ['logging_port'] }))).toEqual(['default', 'logging_port']);
    expect(debugProcessor.outputPorts?.(validated({ output: '/tmp/x.log' }))).toEqual(['default']);
  });

  it('refuses what upstream refuses, and warns about a predicate that can match nothing', () => {
    const check = (config: unknown) => validateWithJoi(debugProcessor.configSchema, config, ['config']);
    const errors = (config: unknown) => {
      const result = check(config);
      return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
    };
    expect(errors({ verbosity: 'loud' })).toEqual(['config.verbosity: "verbosity" must be one of [basic, normal, detailed]']);
    expect(errors({ signals: ['traces'] })).toEqual(['config.signals[0]: "[0]" must be one of [metrics, logs, spans]']);
    expect(errors({ sampling: { type: 'zap_sampling', sampling_initial: 1, sampling_thereafter: 1 } })).toEqual(['config.sampling.sampling_interval: "sampling_interval" is required']);
    expect(errors({ sampling: { every: 3 } })).toHaveLength(2);
    expect(errors({ output: [] })).toHaveLength(1);
    expect(errors({ filters: [{ predicate: { field: 'body', value: [] }, mode: 'include' }] })).toHaveLength(1);
    const warned = check({ filters: [{ predicate: { field: 'attribute', value: 'x' }, mode: 'include' }] });
    expect(warned.ok && warned.warnings.map((w) => w.message)).toEqual([
      '"predicate" matches no record: attributes are compared with a list of key and value pairs only (as upstream)',
    ]);
  });
});

describe('processor:debug shows', () => {
  it('basic: the counts of each message, and the data goes on as it came', async () => {
    const { node, ctx, text } = await debug({ verbosity: 'basic' });
    const inputs = [richLogs(), richMetrics(), richTraces()];
    for (const pdata of inputs) await node.process(pdata, ctx);
    expect(ctx.emitted).toEqual(inputs);
    expect(ctx.emitted[0]).toBe(inputs[0]);
    expect(text().split('\n')).toEqual([
      '[dbg] logs: 1 resource, 2 log records, 1 event',
      '[dbg] metrics: 1 resource, 5 metrics, 5 data points',
      '[dbg] traces: 1 resource, 1 span, 1 event, 1 link',
      '',
    ]);
  });

  it('normal (default): one line per resource, scope and record', async () => {
    const { node, ctx, text } = await debug({});
    await node.process(richLogs(), ctx);
    await node.process(richMetrics(), ctx);
    expect(text().split('\n')).toEqual([
      '[dbg] logs: 1 resource, 2 log records, 1 event',
      'ResourceLogs #0 [service.name=checkout] schema_url=https://example.com/resource',
      '  ScopeLogs #0 lib 1.0 [k=1] schema_url=https://example.com/scope',
      '    LogRecord #0 2025-01-15T10:30:00.000000001Z INFO app.start: Starting [endpoint=0.0.0.0:4317, big=9007199254740993, ratio=0.500000, raw=[1, 2]]',
      '    LogRecord #1 oops {a=true, list=[1, two]}',
      '[dbg] metrics: 1 resource, 5 metrics, 5 data points',
      'ResourceMetrics #0 [service.name=checkout]',
      '  ScopeMetrics #0 checkout.metrics 1.0.0',
      '    Metric #0 requests (sum, {request}) 42',
      '    Metric #1 temp (gauge) [room=a] 21.5',
      '    Metric #2 latency (histogram, ms) count=10 sum=100 min=1 max=20',
      '    Metric #3 sizes (exponential histogram) count=4 sum=10 scale=0 zero_count=1',
      '    Metric #4 rtt (summary) count=3 sum=6 q0.5=2 q1=3',
      '',
    ]);
  });

  it('detailed: every field of every record', async () => {
    const { node, ctx, text } = await debug({ verbosity: 'detailed', signals: ['spans'] });
    await node.process(richTraces(), ctx);
    const lines = text().split('\n');
    expect(lines).toEqual(expect.arrayContaining(['    Span #0', '      kind: server', '      status: error: boom', '        http.status_code: 200', '      Event #0', '        name: retry', '      Link #0']));
    // The data goes on with the same bytes (and an acknowledgement of the processor's own riding along).
    expect(ctx.emitted[0]?.payload).toEqual(richTraces().payload);
  });

  it('mode signal: each record on its own; signals: only the signals listed (none with [])', async () => {
    const { node, ctx, text } = await debug({ mode: 'signal', signals: ['logs'] });
    await node.process(richLogs(), ctx);
    await node.process(richMetrics(), ctx);
    expect(text().split('\n')).toEqual([
      '[dbg] logs: 1 resource, 2 log records, 1 event',
      'LogRecord #0 2025-01-15T10:30:00.000000001Z INFO app.start: Starting [endpoint=0.0.0.0:4317, big=9007199254740993, ratio=0.500000, raw=[1, 2]]',
      'LogRecord #1 oops {a=true, list=[1, two]}',
      '',
    ]);
    expect(ctx.emitted).toHaveLength(2);
    const silent = await debug({ signals: [] });
    await silent.node.process(richLogs(), silent.ctx);
    expect(silent.text()).toBe('');
    expect(silent.ctx.emitted).toHaveLength(1);
  });

  it('filters: include keeps, exclude drops the records with a matching attribute (metrics by their data points), in order', async () => {
    const exclude = await debug({ mode: 'signal', filters: [{ predicate: { field: 'attribute', value: [{ key: 'room', value: 'a' }] }, mode: 'exclude' }] });
    await exclude.node.process(richMetrics(), exclude.ctx);
    expect(exclude.text()).not.toContain('temp');
    expect(exclude.text()).toContain('requests');
    const include = await debug({
      mode: 'signal',
      filters: [
        { predicate: { field: 'attribute', value: [{ key: 'big', value: 9007199254740992 }, { key: 'ratio', value: 0.5 }] }, mode: 'include' },
        { predicate: { field: 'attribute', value: [{ key: 'endpoint', value: 'elsewhere' }] }, mode: 'exclude' },
      ],
    });
    await include.node.process(richLogs(), include.ctx);
    expect(include.text().split('\n').filter((l) => l.startsWith('LogRecord'))).toEqual([expect.stringMatching(/^LogRecord #0 .* app\.start: Starting/)]);
    // What goes on is never filtered.
    expect(include.ctx.emitted[0]?.items).toBe(2);
  });

  it('sampling zap_sampling: in each window, the first sampling_initial reports, then every sampling_thereafter-th', async () => {
    const { node, ctx, text } = await debug({ sampling: { type: 'zap_sampling', sampling_initial: 2, sampling_thereafter: 3, sampling_interval: 3600 } });
    for (let i = 0; i < 10; i++) await node.process(pdataOf('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: `m${i}` } }] }] }] }, 1), ctx);
    const shown = text()
      .split('\n')
      .filter((l) => l.startsWith('    LogRecord'))
      .map((l) => l.split(' ').pop());
    expect(shown).toEqual(['m0', 'm1', 'm4', 'm7']);
    // The counts are not sampled.
    expect(text().split('\n').filter((l) => l.startsWith('[dbg] logs:'))).toHaveLength(10);
    expect(ctx.emitted).toHaveLength(10);
  });
});

describe('processor:debug outputs', () => {
  it('output: a file path appends to that file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otap-debug-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'debug.log');
    await writeFile(path, 'before\n');
    const node = new DebugProcessor('dbg', validated({ verbosity: 'basic', output: path }) as never);
    const ctx = createTestContext('dbg');
    await node.start(ctx);
    await node.process(richLogs(), ctx);
    await node.stop();
    expect(await readFile(path, 'utf8')).toBe('before\n[dbg] logs: 1 resource, 2 log records, 1 event\n');
    await expect(new DebugProcessor('dbg', validated({ output: join(dir, 'missing', 'x.log') }) as never).start(ctx)).rejects.toThrow(/cannot open its output file .*ENOENT/);
  });

  /** in → dbg → main (default port) and dbg["shown"] → shown. */
  async function withPorts(config: Record<string, unknown>, connectShown = true) {
    const receiver = new TestReceiver();
    const outs = { main: new ScriptedExporter(), shown: new ScriptedExporter() };
    const spec = pipeline(
      [node('in', 'receiver', 'test'), node('dbg', 'processor', 'debug', validated(config)), node('main', 'exporter', 'test'), node('shown', 'exporter', 'test')],
      [edge('in', 'dbg'), edge('dbg', 'main'), ...(connectShown ? [edge('dbg', 'shown', 'shown')] : [edge('dbg', 'shown', 'other')])],
    );
    const runtime = await PipelineRuntime.build(spec, { logger: pino({ level: 'silent' }), resolveFactory: resolver({ in: receiver, ...outs }) });
    cleanups.push(() => runtime.stop());
    return { runtime, receiver, outs };
  }

  it('output: ports receive what is shown as data (each record alone in mode signal); the data goes on through the other ports', async () => {
    const { runtime, receiver, outs } = await withPorts({ mode: 'signal', output: ['shown'], filters: [{ predicate: { field: 'attribute', value: [{ key: 'endpoint', value: '0.0.0.0:4317' }] }, mode: 'exclude' }] });
    await runtime.start();
    const twoLogs = pdataOf('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'a' } }, { body: { stringValue: 'b' } }] }] }] }, 2);
    await receiver.emit(twoLogs);
    await receiver.emit(richLogs());
    await until(() => outs.main.exported.length === 2 && outs.shown.exported.length === 3, 5000, 'data and what was shown');
    expect(outs.main.exported[0]?.payload).toBe(twoLogs.payload);
    expect(outs.shown.exported.slice(0, 2).map((p) => [p.items, logBodies(p.payload)])).toEqual([
      [1, ['a']],
      [1, ['b']],
    ]);
    // The rich message's first record was filtered out: only its second one was shown, with its resource and scope.
    const third = otlpProtoToJson('logs', outs.shown.exported[2]!.payload);
    expect(third.ok && third.json).toEqual({
      resourceLogs: [{ ...RICH_LOGS.resourceLogs[0], scopeLogs: [{ ...RICH_LOGS.resourceLogs[0]!.scopeLogs[0], logRecords: [RICH_LOGS.resourceLogs[0]!.scopeLogs[0]!.logRecords[1]] }] }],
    });
  });

  it('an output port with no connection keeps the node from starting', async () => {
    const { runtime } = await withPorts({ output: ['shown'] }, false);
    await expect(runtime.start()).rejects.toThrow(/output ports not connected: shown/);
  });

  it('detailed: tells when the data was acknowledged downstream, or refused', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const receiver = new TestReceiver();
    const exporter = new ScriptedExporter();
    exporter.answer = (pdata) => (pdata.items === 1 ? { kind: 'failure', reason: 'refused by the peer' } : { kind: 'success' });
    const spec = pipeline([node('in', 'receiver', 'test'), node('dbg', 'processor', 'debug'), node('out', 'exporter', 'test')], [edge('in', 'dbg'), edge('dbg', 'out')]);
    const runtime = await PipelineRuntime.build(spec, {
      logger: pino({ level: 'silent' }),
      resolveFactory: async (urn) =>
        urn === 'urn:otel:processor:debug'
          ? (name) => ({ kind: 'processor', node: new DebugProcessor(name, validated({ verbosity: 'detailed', signals: [] }) as never, new StreamOutput(out)) })
          : resolver({ in: receiver, out: exporter })(urn),
    });
    cleanups.push(() => runtime.stop());
    await runtime.start();
    const ack = new Ack(2);
    await receiver.emit({ ...richLogs(), acks: [ack] });
    ack.release();
    await receiver.emit(richTraces());
    await until(() => text.split('\n').length >= 3, 5000, 'two outcomes');
    expect(text.split('\n')).toEqual([expect.stringMatching(/^\[dbg\] ACK received after \d+\.\d ms$/), expect.stringMatching(/^\[dbg\] NACK received after \d+\.\d ms: .*refused by the peer/), '']);
    // The receiver's own acknowledgement is untouched.
    expect(await ack.settled).toEqual({ ok: true });
  });
});

