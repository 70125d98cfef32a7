// receiver:host_metrics config: upstream's fields and defaults, upstream's refusals with their reasons, and the
// host-wide rules checked across the config (one core per pipeline, one receiver per host root).
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validateEngineConfig } from '../../src/config/index.js';
import { hostMetricsReceiver } from '../../src/nodes/receivers/host-metrics/descriptor.js';
import { builtinCatalog } from '../../src/nodes/catalog.js';

const schema = hostMetricsReceiver.configSchema;
const valid = (config: unknown) => {
  const r = schema.validate(config, { abortEarly: false });
  if (r.error) throw r.error;
  return r.value;
};
/** Every error message, with its path. */
const refusals = (config: unknown): string[] =>
  (schema.validate(config, { abortEarly: false }).error?.details ?? []).map((d) => `${d.path.join('.')}: ${d.message}`);

describe('receiver:host_metrics config', () => {
  it('fills upstream defaults: 10s, no initial delay, root /, fail_selected, every family but load, no opt-in metric', () => {
    expect(valid({})).toEqual({
      collection_interval: '10000ms',
      initial_delay: '0ms',
      host_view: { root_path: '/', validation: 'fail_selected' },
      families: {
        cpu: { enabled: true, per_cpu: false, utilization: false },
        memory: { enabled: true, limit: false, shared: false, hugepages: false },
        paging: { enabled: true },
        system: { enabled: true },
        disk: { enabled: true, limit: false },
        filesystem: { enabled: true, include_virtual_filesystems: false, include_remote_filesystems: false, limit: false },
        network: { enabled: true, include_connection_count: false },
        processes: {
          enabled: true,
          mode: 'summary',
          process: {
            max_processes: 100,
            labels: { pid: true, command: true, executable_name: true, executable_path: false, command_line: false, owner: false, cgroup: false, parent_pid: true },
            metrics: { cpu_time: true, cpu_utilization: true, memory_usage: true, memory_virtual: true, disk_io: true, threads: true, uptime: true },
          },
        },
        load: { enabled: false },
      },
    });
  });

  it("takes every field of upstream's README, filters of all three match types included", () => {
    const config = valid({
      collection_interval: '10s',
      initial_delay: '0s',
      host_view: { root_path: '/host', validation: 'warn_selected' },
      families: {
        cpu: { enabled: true, interval: '10s', utilization: true },
        memory: { limit: true, shared: true, hugepages: true },
        disk: { limit: true, exclude: { match_type: 'glob', devices: ['loop*', 'ram*'] } },
        filesystem: {
          limit: true,
          include_virtual_filesystems: false,
          include_remote_filesystems: false,
          exclude_fs_types: { match_type: 'strict', fs_types: ['tmpfs', 'proc', 'sysfs'] },
          include_mount_points: { match_type: 'regexp', mount_points: ['^/(data|var)'] },
        },
        network: { exclude: { match_type: 'strict', interfaces: ['lo'] } },
        processes: { mode: 'summary_and_per_process', process: { include: { names: ['node'] }, max_processes: 5 } },
        load: { enabled: true, interval: '1m' },
      },
    });
    expect(config.families.cpu.interval).toBe('10000ms');
    expect(config.families.load.interval).toBe('60000ms');
    expect(config.families.disk.exclude).toEqual({ match_type: 'glob', devices: ['loop*', 'ram*'] });
    expect(config.families.processes.process.include).toEqual({ names: ['node'], match_type: 'strict' });
  });

  it('accepts the older root_path alone or equal to host_view.root_path', () => {
    expect(valid({ root_path: '/host' }).root_path).toBe('/host');
    expect(valid({ root_path: '/host/', host_view: { root_path: '/host' } }).root_path).toBe('/host/');
  });

  it('refuses what upstream refuses, saying why', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ collection_interval: '0s' }, /^collection_interval: .*must be greater than zero/],
      [{ families: { cpu: { interval: '0ms' } } }, /^families\.cpu\.interval: .*greater than zero/],
      [{ families: { cpu: { per_cpu: true } } }, /^families\.cpu\.per_cpu: .*not supported: per-CPU series/],
      [{ families: { network: { include_connection_count: true } } }, /^families\.network\.include_connection_count: .*not supported/],
      [{ families: { processes: { mode: 'summary_and_per_process', process: { max_processes: 0 } } } }, /^families\.processes\.process\.max_processes: .*greater than zero/],
      [{ families: { processes: { mode: 'summary_and_per_process', process: { labels: { pid: false } } } } }, /^families\.processes\.process\.labels\.pid: .*must be true/],
      [{ families: { processes: { mode: 'summary_and_per_process', process: { labels: { cgroup: true } } } } }, /^families\.processes\.process\.labels\.cgroup: .*not supported yet/],
      [{ families: { disk: { include: { match_type: 'regexp', devices: ['sd[a-'] } } } }, /^families\.disk\.include: .*regexp that does not compile: sd\[a-/],
      [{ families: { disk: { include: { match_type: 'glob' } } } }, /^families\.disk\.include\.devices: .*required/],
      [{ host_view: { root_path: 'host' } }, /^host_view\.root_path: .*absolute/],
      [{ host_view: { root_path: '/host/../etc' } }, /^host_view\.root_path: .*\. or \.\./],
      [{ root_path: '/a', host_view: { root_path: '/b' } }, /^: root_path and host_view\.root_path name different paths/],
      [{ families: { cpu: { enabled: true, frequency: true } } }, /^families\.cpu\.frequency: .*not allowed/],
      [{ host_view: { validation: 'strict' } }, /^host_view\.validation: /],
    ];
    for (const [config, pattern] of cases) expect(refusals(config), JSON.stringify(config)).toEqual([expect.stringMatching(pattern)]);
    const none = Object.fromEntries(['cpu', 'memory', 'paging', 'system', 'disk', 'filesystem', 'network', 'processes'].map((f) => [f, { enabled: false }]));
    expect(refusals({ families: none })).toEqual([expect.stringMatching(/at least one family must be enabled/)]);
  });

  it('holds labels and the process limit to per-process rules only in per-process mode, and intervals only when enabled', () => {
    expect(refusals({ families: { processes: { process: { max_processes: 0, labels: { pid: false, owner: true } } } } })).toEqual([]);
    expect(refusals({ families: { load: { enabled: false, interval: '0s' } } })).toEqual([]);
  });

  it('accepts a leading inline flag group of a Rust regexp', () => {
    expect(refusals({ families: { network: { exclude: { match_type: 'regexp', interfaces: ['(?i)^VETH'] } } } })).toEqual([]);
  });
});

const doc = (pipelines: Record<string, unknown>) => ({ version: 'otel_dataflow/v1', groups: { default: { pipelines } } });
const pipe = (receiverConfig: Record<string, unknown> = {}, policies?: unknown) => ({
  ...(policies ? { policies } : {}),
  nodes: {
    host: { type: 'receiver:host_metrics', config: receiverConfig },
    out: { type: 'exporter:noop' },
  },
  connections: [{ from: 'host', to: 'out' }],
});
const ONE_CORE = { resources: { core_allocation: { type: 'core_count', count: 1 } } };
const TWO_CORES = { resources: { core_allocation: { type: 'core_count', count: 2 } } };

describe('receiver:host_metrics in a config', () => {
  it('runs in a one-core pipeline, and in all_cores on an engine that has one core', () => {
    expect(validateEngineConfig(doc({ main: pipe({}, ONE_CORE) }), { catalog: builtinCatalog, availableCores: [0, 1] }).ok).toBe(true);
    expect(validateEngineConfig(doc({ main: pipe() }), { catalog: builtinCatalog, availableCores: [1] }).ok).toBe(true);
  });

  it('refuses a pipeline on several cores where the engine is to run it, naming the node and the fix', () => {
    const r = validateEngineConfig(doc({ main: pipe() }), { catalog: builtinCatalog, availableCores: [0, 1] });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      expect.objectContaining({
        path: 'groups.default.pipelines.main.nodes.host',
        code: 'HostWideNodeOnManyCores',
        message: expect.stringMatching(/one-core pipeline.*gets 2 cores \(allocation all_cores\).*--num-cores 1/),
      }),
    ]);
  });

  it('--validate-and-exit warns about all_cores (it depends on the machine) but refuses an explicit count above one', () => {
    const loose = validateEngineConfig(doc({ main: pipe() }), { catalog: builtinCatalog, availableCores: [0, 1], coreCheck: 'warn' });
    expect(loose.ok).toBe(true);
    expect(loose.warnings).toEqual([expect.objectContaining({ path: 'groups.default.pipelines.main.nodes.host', message: expect.stringMatching(/on this machine/) })]);
    const strict = validateEngineConfig(doc({ main: pipe({}, TWO_CORES) }), { catalog: builtinCatalog, availableCores: [0, 1], coreCheck: 'warn' });
    expect(!strict.ok && strict.errors.map((e) => e.code)).toEqual(['HostWideNodeOnManyCores']);
  });

  it('refuses two receivers on the same host root, in any pipelines; different roots are fine', () => {
    const same = validateEngineConfig(doc({ a: pipe({}, ONE_CORE), b: pipe({ root_path: '/' }, ONE_CORE) }), { catalog: builtinCatalog, availableCores: [0] });
    expect(!same.ok && same.errors.map((e) => [e.path, e.code, e.message])).toEqual([
      ['groups.default.pipelines.a.nodes.host', 'HostWideConflict', 'host root / is also observed by node host of pipeline default/b; keep one'],
      ['groups.default.pipelines.b.nodes.host', 'HostWideConflict', 'host root / is also observed by node host of pipeline default/a; keep one'],
    ]);
    const other = validateEngineConfig(doc({ a: pipe({}, ONE_CORE), b: pipe({ host_view: { root_path: '/host' } }, ONE_CORE) }), { catalog: builtinCatalog, availableCores: [0] });
    expect(other.ok).toBe(true);
  });

  // The receiver node of upstream's configs/host-metrics-otlp.yaml, as it is written there.
  it("takes the receiver of upstream's host-metrics-otlp.yaml, with --num-cores 1 as its comment says", () => {
    const upstream = parseYaml(`
receiver:
  type: urn:otel:receiver:host_metrics
  config:
    collection_interval: 2s
    initial_delay: 0s
`).receiver;
    const r = validateEngineConfig(doc({ main: { ...pipe(), nodes: { receiver: upstream, out: { type: 'exporter:noop' } }, connections: [{ from: 'receiver', to: 'out' }] } }), { catalog: builtinCatalog, availableCores: [0] });
    expect(r.ok && r.warnings).toEqual([]);
    expect(schema.validate(upstream.config).value).toMatchObject({ collection_interval: '2000ms', initial_delay: '0ms' });
  });
});
