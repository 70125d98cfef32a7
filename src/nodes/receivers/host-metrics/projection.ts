// A snapshot as semantic-convention metrics: names, units, attributes and instrument types as upstream emits them
// (counters are monotonic cumulative sums, usages non-monotonic sums, ratios and readings gauges).
import type { HostMetricsConfig } from './config.js';
import { CounterStarts, seriesKey } from './counters.js';
import type { Attrs, MetricsBuilder } from './otlp-builder.js';
import { CPU_MODES } from './procfs-parse.js';
import { projectProcesses } from './projection-processes.js';
import { A, M } from './semconv.js';
import type { Snapshot } from './source.js';

/** Counter series of families whose members come and go; pruned when their family was scraped. */
const PRUNED = { disk: 'system.disk.', network: 'system.network.', processes: 'process.' } as const;

export function project(s: Snapshot, config: HostMetricsConfig, counters: CounterStarts, b: MetricsBuilder): void {
  const boot = s.bootNs;
  const now = s.nowNs;
  /** Start of a counter series: boot time unless the counter went back. */
  const start = (metric: string, value: number, ...attrs: Array<string | number>): bigint =>
    counters.observe(seriesKey(metric, ...attrs), value, boot, now);

  if (s.cpu) {
    const cpu = s.cpu;
    const m = b.counter(M.cpuTime, 's', 'double');
    for (const mode of CPU_MODES) m.point(cpu[mode], [[A.cpuMode, mode]], start(M.cpuTime, cpu[mode], mode));
  }
  if (s.cpuUtilization) {
    const u = s.cpuUtilization;
    const m = b.gauge(M.cpuUtilization, '1', 'double');
    for (const mode of CPU_MODES) m.point(u[mode], [[A.cpuMode, mode]]);
  }
  if (s.cpuinfo) {
    if (s.cpuinfo.logical > 0) b.upDown(M.cpuLogicalCount, '{cpu}', 'int').point(s.cpuinfo.logical, [], boot);
    if (s.cpuinfo.physical > 0) b.upDown(M.cpuPhysicalCount, '{cpu}', 'int').point(s.cpuinfo.physical, [], boot);
    const f = b.gauge(M.cpuFrequency, 'Hz', 'int');
    s.cpuinfo.frequenciesHz.forEach((hz, i) => f.point(hz, [[A.cpuLogicalNumber, i]]));
  }
  if (s.load) {
    b.gauge(M.load1m, '{thread}', 'double').point(s.load.one);
    b.gauge(M.load5m, '{thread}', 'double').point(s.load.five);
    b.gauge(M.load15m, '{thread}', 'double').point(s.load.fifteen);
  }
  if (s.memory) projectMemory(s, config, b);
  if (s.uptimeSeconds !== undefined) b.gauge(M.uptime, 's', 'double').point(s.uptimeSeconds);
  if (s.paging) {
    const p = s.paging;
    const faults = b.counter(M.pagingFaults, '{fault}', 'int');
    for (const [type, value] of [['minor', p.minorFaults], ['major', p.majorFaults]] as const) {
      faults.point(value, [[A.pagingFaultType, type]], start(M.pagingFaults, value, type));
    }
    // Swapping is counted as major and page-ins/outs as minor, because semconv requires a fault type on each point.
    const ops = b.counter(M.pagingOperations, '{operation}', 'int');
    const rows = [['in', 'major', p.swapIn], ['out', 'major', p.swapOut], ['in', 'minor', p.pageIn], ['out', 'minor', p.pageOut]] as const;
    for (const [direction, type, value] of rows) {
      ops.point(value, [[A.pagingDirection, direction], [A.pagingFaultType, type]], start(M.pagingOperations, value, direction, type));
    }
  }
  if (s.swaps && s.swaps.length > 0) {
    const usage = b.upDown(M.pagingUsage, 'By', 'int');
    const share = b.gauge(M.pagingUtilization, '1', 'double');
    for (const swap of s.swaps) {
      for (const [state, value] of [['used', swap.used], ['free', swap.free]] as const) {
        const attrs: Attrs = [[A.device, swap.device], [A.pagingState, state]];
        usage.point(value, attrs, boot);
        if (swap.size > 0) share.point(value / swap.size, attrs);
      }
    }
  }
  if (s.processes) {
    // procs_blocked has no process.state value in semconv, so only running processes are reported, as upstream.
    b.upDown(M.processCount, '{process}', 'int').point(s.processes.running, [[A.processState, 'running']], boot);
    const created = s.processes.created;
    b.counter(M.processCreated, '{process}', 'int').point(created, [], start(M.processCreated, created));
  }
  if (s.perProcess) projectProcesses(s.perProcess, config.families.processes.process.metrics, config.families.processes.process.labels, counters, b);
  if (s.disks) projectDisks(s, start, b);
  if (s.filesystems) projectFilesystems(s, config.families.filesystem.limit, b);
  if (s.networks) projectNetworks(s, start, b);
  counters.prune([
    ...(s.disks ? [PRUNED.disk] : []),
    ...(s.networks ? [PRUNED.network] : []),
    ...(s.perProcess ? [PRUNED.processes] : []),
  ]);
}

type Start = (metric: string, value: number, ...attrs: Array<string | number>) => bigint;

function projectMemory(s: Snapshot, config: HostMetricsConfig, b: MetricsBuilder): void {
  const mem = s.memory!;
  const boot = s.bootNs;
  const states = [['used', mem.used], ['free', mem.free], ['cached', mem.cached], ['buffers', mem.buffers]] as const;
  const usage = b.upDown(M.memoryUsage, 'By', 'int');
  const share = b.gauge(M.memoryUtilization, '1', 'double');
  for (const [state, value] of states) {
    usage.point(value, [[A.memoryState, state]], boot);
    share.point(value / mem.total, [[A.memoryState, state]]);
  }
  if (mem.available !== undefined) b.upDown(M.memoryAvailable, 'By', 'int').point(mem.available, [], boot);
  const slab = b.upDown(M.memorySlabUsage, 'By', 'int');
  slab.point(mem.slabReclaimable, [[A.slabState, 'reclaimable']], boot);
  slab.point(mem.slabUnreclaimable, [[A.slabState, 'unreclaimable']], boot);
  const family = config.families.memory;
  if (family.limit) b.upDown(M.memoryLimit, 'By', 'int').point(mem.total, [], boot);
  if (family.shared) b.upDown(M.memoryShared, 'By', 'int').point(mem.shared, [], boot);
  if (!family.hugepages) return;
  const h = mem.hugepages;
  b.upDown(M.hugepagesLimit, '{page}', 'int').point(h.total, [], boot);
  b.upDown(M.hugepagesPageSize, 'By', 'int').point(h.pageSizeBytes, [], boot);
  b.upDown(M.hugepagesReserved, '{page}', 'int').point(h.reserved, [], boot);
  b.upDown(M.hugepagesSurplus, '{page}', 'int').point(h.surplus, [], boot);
  const used = Math.max(0, h.total - h.free);
  const pages = b.upDown(M.hugepagesUsage, '{page}', 'int');
  const pageShare = b.gauge(M.hugepagesUtilization, '1', 'double');
  for (const [state, value] of [['used', used], ['free', h.free]] as const) {
    pages.point(value, [[A.hugepagesState, state]], boot);
    if (h.total > 0) pageShare.point(value / h.total, [[A.hugepagesState, state]]);
  }
}

function projectDisks(s: Snapshot, start: Start, b: MetricsBuilder): void {
  const disks = s.disks!;
  const limit = b.upDown(M.diskLimit, 'By', 'int');
  for (const d of disks) if (d.limitBytes !== undefined) limit.point(d.limitBytes, [[A.device, d.device]], s.bootNs);
  const perDirection = (name: string, unit: string, kind: 'int' | 'double', read: (d: (typeof disks)[number]) => [number, number]): void => {
    const m = b.counter(name, unit, kind);
    for (const d of disks) {
      const [r, w] = read(d);
      m.point(r, [[A.device, d.device], [A.diskDirection, 'read']], start(name, r, d.device, 'read'));
      m.point(w, [[A.device, d.device], [A.diskDirection, 'write']], start(name, w, d.device, 'write'));
    }
  };
  perDirection(M.diskIo, 'By', 'int', (d) => [d.readBytes, d.writeBytes]);
  perDirection(M.diskOperations, '{operation}', 'int', (d) => [d.readOps, d.writeOps]);
  const ioTime = b.counter(M.diskIoTime, 's', 'double');
  for (const d of disks) ioTime.point(d.ioSeconds, [[A.device, d.device]], start(M.diskIoTime, d.ioSeconds, d.device));
  perDirection(M.diskOperationTime, 's', 'double', (d) => [d.readSeconds, d.writeSeconds]);
  perDirection(M.diskMerged, '{operation}', 'int', (d) => [d.readMerged, d.writeMerged]);
}

function projectFilesystems(s: Snapshot, limit: boolean, b: MetricsBuilder): void {
  const usage = b.upDown(M.filesystemUsage, 'By', 'int');
  const share = b.gauge(M.filesystemUtilization, '1', 'double');
  const limits = b.upDown(M.filesystemLimit, 'By', 'int');
  for (const fs of s.filesystems!) {
    const where: Attrs = [[A.fsType, fs.type], [A.fsMode, fs.mode], [A.fsMountpoint, fs.mountpoint]];
    const total = fs.used + fs.free + fs.reserved;
    for (const [state, value] of [['used', fs.used], ['free', fs.free], ['reserved', fs.reserved]] as const) {
      const attrs: Attrs = [[A.device, fs.device], [A.fsState, state], ...where];
      usage.point(value, attrs, s.bootNs);
      if (total > 0) share.point(value / total, attrs);
    }
    if (limit) limits.point(fs.total, [[A.device, fs.device], ...where], s.bootNs);
  }
}

function projectNetworks(s: Snapshot, start: Start, b: MetricsBuilder): void {
  const nets = s.networks!;
  type Pair = (n: (typeof nets)[number]) => readonly [number, number];
  // semconv names the interface system.device on packet.count and network.interface.name on the others.
  const rows = [
    [M.networkIo, 'By', A.interface, ((n) => [n.rxBytes, n.txBytes]) as Pair],
    [M.networkPackets, '{packet}', A.device, ((n) => [n.rxPackets, n.txPackets]) as Pair],
    [M.networkDropped, '{packet}', A.interface, ((n) => [n.rxDropped, n.txDropped]) as Pair],
    [M.networkErrors, '{error}', A.interface, ((n) => [n.rxErrors, n.txErrors]) as Pair],
  ] as const;
  for (const [name, unit, nameAttr, values] of rows) {
    const m = b.counter(name, unit, 'int');
    for (const n of nets) {
      const [rx, tx] = values(n);
      m.point(rx, [[nameAttr, n.name], [A.networkDirection, 'receive']], start(name, rx, n.name, 'receive'));
      m.point(tx, [[nameAttr, n.name], [A.networkDirection, 'transmit']], start(name, tx, n.name, 'transmit'));
    }
  }
}
