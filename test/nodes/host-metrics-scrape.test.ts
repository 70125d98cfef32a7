// receiver:host_metrics scrapes this machine: every value is checked against what the test reads itself from /proc,
// statfs and sysfs, and every metric has semconv's name, unit, attributes and instrument type.
import { readFileSync, statfsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostMetricsReceiver } from '../../src/nodes/receivers/host-metrics/descriptor.js';
import { CounterStarts } from '../../src/nodes/receivers/host-metrics/counters.js';
import { MetricsBuilder } from '../../src/nodes/receivers/host-metrics/otlp-builder.js';
import { project } from '../../src/nodes/receivers/host-metrics/projection.js';
import { HostSource } from '../../src/nodes/receivers/host-metrics/source.js';
import type { FamilyName, HostMetricsConfig } from '../../src/nodes/receivers/host-metrics/config.js';
import { decodePData, type Json } from '../support/otlp-decode.js';

function configOf(raw: Record<string, unknown>): HostMetricsConfig {
  const r = hostMetricsReceiver.configSchema.validate(raw);
  if (r.error) throw r.error;
  return r.value as HostMetricsConfig;
}

/** A scraper over this machine: each call scrapes the given families once and returns the metrics by name. */
function scraper(raw: Record<string, unknown> = {}) {
  const config = configOf(raw);
  const source = new HostSource(config);
  const counters = new CounterStarts();
  return async (...families: FamilyName[]): Promise<Map<string, Json>> => {
    const outcome = await source.scrape(new Set(families));
    if (outcome.kind !== 'ok') throw new Error(outcome.errors.join('; '));
    expect(outcome.errors).toEqual([]);
    const b = new MetricsBuilder(outcome.snapshot.nowNs);
    project(outcome.snapshot, config, counters, b);
    const request = decodePData(b.encode([], { name: 't', version: '' }));
    const metrics: Json[] = request.resourceMetrics[0].scopeMetrics[0].metrics;
    return new Map(metrics.map((m) => [m.name, m]));
  };
}

const points = (m: Json | undefined): Json[] => (m?.sum ?? m?.gauge)?.dataPoints ?? [];
const value = (p: Json): number => (p.asDouble !== undefined ? p.asDouble : Number(p.asInt ?? 0));
const attr = (p: Json, key: string): unknown => {
  const v = p.attributes?.find((a: Json) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : undefined);
};
const byAttr = (m: Json | undefined, key: string): Map<unknown, number> => new Map(points(m).map((p) => [attr(p, key), value(p)]));
const keysOf = (p: Json): string[] => (p.attributes ?? []).map((a: Json) => a.key);

/** Instrument type as semconv names it. */
function instrument(m: Json): string {
  if (m.gauge) return 'gauge';
  expect(m.sum.aggregationTemporality).toBe(2); // cumulative
  return m.sum.isMonotonic ? 'counter' : 'updowncounter';
}

const meminfo = (): Map<string, number> =>
  new Map(readFileSync('/proc/meminfo', 'utf8').trim().split('\n').map((l) => {
    const [k, v] = l.split(/:\s+/);
    return [k as string, Number.parseInt(v as string, 10) * (v?.endsWith('kB') ? 1024 : 1)];
  }));
const bootNs = (): bigint => BigInt(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1]!) * 1_000_000_000n;
const MiB = 1024 * 1024;

describe('receiver:host_metrics on this machine', () => {
  it('reports CPU time per mode from /proc/stat, non-negative, from boot, and rising while the CPU works', async () => {
    const scrape = scraper({ families: { cpu: { utilization: true } } });
    const first = await scrape('cpu');
    const cpu = first.get('system.cpu.time')!;
    expect([cpu.unit, instrument(cpu)]).toEqual(['s', 'counter']);
    expect([...byAttr(cpu, 'cpu.mode').keys()]).toEqual(['user', 'nice', 'system', 'idle', 'iowait', 'interrupt', 'steal']);
    expect(points(cpu).every((p) => value(p) >= 0 && BigInt(p.startTimeUnixNano) === bootNs())).toBe(true);
    // The same total as the kernel's cpu line (guest time is already inside user and nice), at 100 ticks a second.
    const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = (m: Json) => points(m).reduce((s, p) => s + value(p), 0);
    expect(Math.abs(total(cpu) - ticks.reduce((a, b) => a + b, 0) / 100)).toBeLessThan(5);

    const busyUntil = performance.now() + 60;
    while (performance.now() < busyUntil); // work, so user or system time must move
    const second = await scrape('cpu');
    const busy = (m: Map<unknown, number>) => (m.get('user') ?? 0) + (m.get('system') ?? 0);
    expect(busy(byAttr(second.get('system.cpu.time'), 'cpu.mode'))).toBeGreaterThan(busy(byAttr(cpu, 'cpu.mode')));
    // Utilization needs two readings: none on the first scrape, shares that add up to 1 on the second.
    expect(first.has('system.cpu.utilization')).toBe(false);
    const shares = points(second.get('system.cpu.utilization'));
    expect(shares).toHaveLength(7);
    expect(shares.reduce((s, p) => s + value(p), 0)).toBeCloseTo(1, 6);

    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    expect(value(points(second.get('system.cpu.logical.count'))[0]!)).toBe(cpuinfo.match(/^processor\s*:/gm)!.length);
    expect(instrument(second.get('system.cpu.logical.count')!)).toBe('updowncounter');
  });

  it("reports memory as upstream defines it: used = MemTotal − MemAvailable, each state beside /proc/meminfo's", async () => {
    const scrape = scraper({ families: { memory: { limit: true, shared: true } } });
    const before = meminfo();
    const m = await scrape('memory');
    const usage = byAttr(m.get('system.memory.usage'), 'system.memory.state');
    const total = before.get('MemTotal')!;
    expect([...usage.keys()]).toEqual(['used', 'free', 'cached', 'buffers']);
    expect(Math.abs(usage.get('used')! - (total - before.get('MemAvailable')!))).toBeLessThan(256 * MiB);
    expect(Math.abs(usage.get('free')! - before.get('MemFree')!)).toBeLessThan(256 * MiB);
    expect(Math.abs(usage.get('cached')! - before.get('Cached')!)).toBeLessThan(256 * MiB);
    const available = value(points(m.get('system.memory.linux.available'))[0]!);
    expect(usage.get('used')! + available).toBe(total);
    expect(value(points(m.get('system.memory.limit'))[0]!)).toBe(total);
    for (const p of points(m.get('system.memory.utilization'))) expect(value(p)).toBeCloseTo(usage.get(attr(p, 'system.memory.state'))! / total, 9);
    expect([m.get('system.memory.usage')!.unit, instrument(m.get('system.memory.usage')!)]).toEqual(['By', 'updowncounter']);
    expect([...byAttr(m.get('system.memory.linux.slab.usage'), 'system.memory.linux.slab.state').keys()]).toEqual(['reclaimable', 'unreclaimable']);
    expect(m.has('system.memory.linux.hugepages.limit')).toBe(false); // hugepages is opt-in
  });

  it('reports / with the sizes statfs gives and the device and type of its mount', async () => {
    const scrape = scraper({ families: { filesystem: { limit: true } } });
    const m = await scrape('filesystem');
    const root = points(m.get('system.filesystem.usage')).filter((p) => attr(p, 'system.filesystem.mountpoint') === '/');
    const s = statfsSync('/');
    const mount = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === '/')!;
    const [type, device] = mount.split(' - ')[1]!.split(' ');
    expect(root.map((p) => attr(p, 'system.filesystem.state'))).toEqual(['used', 'free', 'reserved']);
    expect(root.every((p) => attr(p, 'system.device') === device && attr(p, 'system.filesystem.type') === type)).toBe(true);
    expect(root.every((p) => keysOf(p).join() === 'system.device,system.filesystem.state,system.filesystem.type,system.filesystem.mode,system.filesystem.mountpoint')).toBe(true);
    const sum = root.reduce((n, p) => n + value(p), 0);
    expect(sum).toBe(s.blocks * s.bsize);
    expect(sum).toBeGreaterThan(0);
    expect(Math.abs(value(root[1]!) - s.bavail * s.bsize)).toBeLessThan(256 * MiB);
    const limit = points(m.get('system.filesystem.limit')).find((p) => attr(p, 'system.filesystem.mountpoint') === '/')!;
    expect(value(limit)).toBe(s.blocks * s.bsize);
    // Virtual filesystems are left out by default.
    expect(points(m.get('system.filesystem.usage')).some((p) => ['proc', 'sysfs', 'tmpfs'].includes(attr(p, 'system.filesystem.type') as string))).toBe(false);
  });

  it('reports every interface of /proc/net/dev with counters that only grow', async () => {
    const netdev = () => new Map(readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).filter((l) => l.includes(':')).map((l) => {
      const [name, rest] = l.split(':');
      return [name!.trim(), rest!.trim().split(/\s+/).map(Number)];
    }));
    const before = netdev();
    const m = await scraper()('network');
    const io = m.get('system.network.io')!;
    expect([io.unit, instrument(io)]).toEqual(['By', 'counter']);
    expect(new Set(points(io).map((p) => attr(p, 'network.interface.name')))).toEqual(new Set(before.keys()));
    for (const p of points(io)) {
      const [rx, , , , , , , , tx] = before.get(attr(p, 'network.interface.name') as string)!;
      expect(value(p)).toBeGreaterThanOrEqual(attr(p, 'network.io.direction') === 'receive' ? rx! : tx!);
    }
    for (const name of ['system.network.packet.count', 'system.network.packet.dropped', 'system.network.errors']) {
      expect(points(m.get(name)).every((p) => value(p) >= 0)).toBe(true);
    }
    // semconv puts the interface in system.device on packet.count only.
    expect(keysOf(points(m.get('system.network.packet.count'))[0]!)).toEqual(['system.device', 'network.io.direction']);
    expect(keysOf(points(m.get('system.network.errors'))[0]!)).toEqual(['network.interface.name', 'network.io.direction']);
    const filtered = await scraper({ families: { network: { exclude: { interfaces: ['lo'] } } } })('network');
    expect(points(filtered.get('system.network.io')).some((p) => attr(p, 'network.interface.name') === 'lo')).toBe(false);
  });

  it('reports load, uptime, paging, process counts and disks beside what /proc says', async () => {
    const scrape = scraper({ families: { load: { enabled: true }, disk: { exclude: { match_type: 'glob', devices: ['loop*'] } } } });
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    const created = Number(/^processes (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1]);
    const m = await scrape('load', 'system', 'paging', 'processes', 'disk');
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
    for (const [i, name] of ['system.cpu.load_average.1m', 'system.cpu.load_average.5m', 'system.cpu.load_average.15m'].entries()) {
      const metric = m.get(name)!;
      expect([metric.unit, instrument(metric)]).toEqual(['{thread}', 'gauge']);
      expect(value(points(metric)[0]!)).toBeGreaterThanOrEqual(0);
      expect(Math.abs(value(points(metric)[0]!) - load[i]!)).toBeLessThan(2);
    }
    expect(value(points(m.get('system.uptime'))[0]!) - uptime).toBeGreaterThanOrEqual(0);
    expect(value(points(m.get('system.uptime'))[0]!) - uptime).toBeLessThan(5);
    expect([...byAttr(m.get('system.paging.faults'), 'system.paging.fault.type').keys()]).toEqual(['minor', 'major']);
    expect(points(m.get('system.paging.operations')).map((p) => `${attr(p, 'system.paging.direction')}/${attr(p, 'system.paging.fault.type')}`)).toEqual(['in/major', 'out/major', 'in/minor', 'out/minor']);
    expect(value(points(m.get('system.process.count'))[0]!)).toBeGreaterThanOrEqual(1);
    expect(value(points(m.get('system.process.created'))[0]!)).toBeGreaterThanOrEqual(created);
    const disks = readFileSync('/proc/diskstats', 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/)[2]!);
    const seen = new Set(points(m.get('system.disk.io')).map((p) => attr(p, 'system.device')));
    expect(seen).toEqual(new Set(disks.filter((d) => !d.startsWith('loop'))));
    expect(instrument(m.get('system.disk.io_time')!)).toBe('counter');
    expect(m.get('system.disk.operations')!.unit).toBe('{operation}');
  });

  it('reports this very process per process, when asked, with its pid, command and memory', async () => {
    const scrape = scraper({ families: { processes: { mode: 'summary_and_per_process', process: { include: { names: ['node'] }, max_processes: 100_000 } } } });
    await scrape('processes');
    const m = await scrape('processes');
    const mine = (name: string) => points(m.get(name)).filter((p) => attr(p, 'process.pid') === process.pid);
    const rss = mine('process.memory.usage');
    expect(rss).toHaveLength(1);
    expect(value(rss[0]!)).toBeGreaterThan(10 * MiB);
    expect(attr(rss[0]!, 'process.executable.name')).toBe('node');
    expect(attr(rss[0]!, 'process.parent_pid')).toBe(process.ppid);
    expect(mine('process.cpu.time').map((p) => attr(p, 'cpu.mode'))).toEqual(['user', 'system']);
    expect(mine('process.cpu.utilization')).toHaveLength(2); // a second scrape has a previous reading
    expect(value(mine('process.thread.count')[0]!)).toBeGreaterThanOrEqual(1);
    expect(value(mine('process.uptime')[0]!)).toBeCloseTo(process.uptime(), -1);
  });
});
