// Acceptance (receiver:host_metrics): a real engine scrapes this machine and its metrics reach an OTLP/HTTP sink with
// semconv's names, units, attributes and instrument types, the host as resource; a pipeline that would run the
// receiver on several cores is refused, at start and through the admin API.
import { afterEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { adminClient } from '../support/admin.js';
import { ENGINE_BIN, startEngine, usableCores, writeConfig } from '../support/engine.js';
import type { Json } from '../support/otlp-decode.js';
import { startOtlpSink } from '../support/otlp-sink.js';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ONE_CORE = { resources: { core_allocation: { type: 'core_count', count: 1 } } };
const yamlOf = (spec: unknown): string =>
  `version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify(spec)}\n`;

/** name → [unit, instrument, attribute keys of its first point] */
type Shape = [string, 'counter' | 'updowncounter' | 'gauge', string[]];
const EXPECTED: Record<string, Shape> = {
  'system.cpu.time': ['s', 'counter', ['cpu.mode']],
  'system.cpu.utilization': ['1', 'gauge', ['cpu.mode']],
  'system.cpu.logical.count': ['{cpu}', 'updowncounter', []],
  'system.cpu.physical.count': ['{cpu}', 'updowncounter', []],
  'system.cpu.load_average.1m': ['{thread}', 'gauge', []],
  'system.memory.usage': ['By', 'updowncounter', ['system.memory.state']],
  'system.memory.utilization': ['1', 'gauge', ['system.memory.state']],
  'system.memory.linux.available': ['By', 'updowncounter', []],
  'system.memory.limit': ['By', 'updowncounter', []],
  'system.uptime': ['s', 'gauge', []],
  'system.paging.faults': ['{fault}', 'counter', ['system.paging.fault.type']],
  'system.paging.operations': ['{operation}', 'counter', ['system.paging.direction', 'system.paging.fault.type']],
  'system.process.count': ['{process}', 'updowncounter', ['process.state']],
  'system.process.created': ['{process}', 'counter', []],
  'system.disk.io': ['By', 'counter', ['system.device', 'disk.io.direction']],
  'system.disk.io_time': ['s', 'counter', ['system.device']],
  'system.filesystem.usage': ['By', 'updowncounter', ['system.device', 'system.filesystem.state', 'system.filesystem.type', 'system.filesystem.mode', 'system.filesystem.mountpoint']],
  'system.filesystem.utilization': ['1', 'gauge', ['system.device', 'system.filesystem.state', 'system.filesystem.type', 'system.filesystem.mode', 'system.filesystem.mountpoint']],
  'system.network.io': ['By', 'counter', ['network.interface.name', 'network.io.direction']],
  'system.network.packet.count': ['{packet}', 'counter', ['system.device', 'network.io.direction']],
  'system.network.errors': ['{error}', 'counter', ['network.interface.name', 'network.io.direction']],
};

function shapeOf(m: Json): Shape {
  const data = m.sum ?? m.gauge;
  const kind = m.gauge ? 'gauge' : m.sum.isMonotonic ? 'counter' : 'updowncounter';
  if (m.sum) expect(m.sum.aggregationTemporality, m.name).toBe(2);
  return [m.unit, kind, (data.dataPoints[0].attributes ?? []).map((a: Json) => a.key)];
}

describe('receiver:host_metrics in an engine', () => {
  it("delivers this host's metrics with semconv names, units, attributes and instrument types", async () => {
    const sink = await startOtlpSink();
    cleanups.push(() => sink.close());
    const engine = await startEngine(
      yamlOf({
        policies: ONE_CORE,
        nodes: {
          host: {
            type: 'receiver:host_metrics',
            config: { collection_interval: '300ms', families: { cpu: { utilization: true }, memory: { limit: true }, load: { enabled: true } } },
          },
          out: { type: 'exporter:otlp_http', config: { endpoint: sink.url } },
        },
        connections: [{ from: 'host', to: 'out' }],
      }),
    );
    cleanups.push(() => engine.stop());
    // CPU utilization needs a second scrape.
    await sink.waitFor(() => sink.metrics.includes('system.cpu.utilization'), 20_000);

    const requests = sink.received.map((r) => r.json as Json);
    const metrics = new Map<string, Json>();
    for (const r of requests) for (const m of r.resourceMetrics[0].scopeMetrics[0].metrics) metrics.set(m.name, m);
    for (const [name, shape] of Object.entries(EXPECTED)) {
      expect(metrics.has(name), name).toBe(true);
      expect([name, ...shapeOf(metrics.get(name)!)]).toEqual([name, ...shape]);
    }
    const rm = requests[0]!.resourceMetrics[0];
    const resource = Object.fromEntries(rm.resource.attributes.map((a: Json) => [a.key, a.value.stringValue]));
    expect(resource).toMatchObject({ 'os.type': 'linux', 'host.name': expect.any(String) });
    expect(rm.schemaUrl).toBe('https://opentelemetry.io/schemas/1.41.0');
    expect(rm.scopeMetrics[0].scope).toMatchObject({ name: 'otap-engine/host-metrics' });
  });

  it('refuses to run it on several cores: at start, and when a PUT asks for two', async () => {
    const cores = usableCores();
    if (cores.length < 2) return; // a one-core machine runs every allocation on one core: nothing to refuse
    const spec = (policies: unknown) => ({
      policies,
      nodes: { host: { type: 'receiver:host_metrics', config: {} }, out: { type: 'exporter:noop' } },
      connections: [{ from: 'host', to: 'out' }],
    });
    const refused = await execa(process.execPath, [ENGINE_BIN, '--config', writeConfig(yamlOf(spec(undefined))), '--http-admin-bind', '127.0.0.1:0'], {
      reject: false,
      timeout: 20_000,
    });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/nodes\.host: .*must run in a one-core pipeline, but pipeline default\/main gets \d+ cores \(allocation all_cores\)/);

    const engine = await startEngine(yamlOf(spec(ONE_CORE)));
    cleanups.push(() => engine.stop());
    await engine.waitRunning();
    const put = await adminClient(engine.adminUrl).put('default', 'main', spec({ resources: { core_allocation: { type: 'core_count', count: 2 } } }));
    expect(put.status).toBe(422);
    expect(put.body.details.errors).toEqual([
      expect.objectContaining({ path: 'groups.default.pipelines.main.nodes.host', code: 'HostWideNodeOnManyCores' }),
    ]);
    expect((await engine.pipeline()).runningCores).toBe(1);
  });
});
