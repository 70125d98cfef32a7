// Per-process metrics (processes.mode: summary_and_per_process). Each process's series start at the process's own
// start time; the labels chosen in `process.labels` tell the series apart (pid is required for that).
import type { ProcessLabels, ProcessMetricSwitches } from './config.js';
import { seriesKey, type CounterStarts } from './counters.js';
import type { Attrs, MetricsBuilder } from './otlp-builder.js';
import type { ProcessSample } from './processes.js';
import { A, M } from './semconv.js';

function labelsOf(p: ProcessSample, labels: ProcessLabels): Attrs {
  const out: Array<[string, string | number]> = [];
  if (labels.pid) out.push([A.pid, p.pid]);
  if (labels.command) out.push([A.command, p.command]);
  if (labels.executable_name) out.push([A.executableName, p.executableName]);
  if (labels.parent_pid) out.push([A.parentPid, p.parentPid]);
  return out;
}

export function projectProcesses(
  processes: readonly ProcessSample[],
  metrics: ProcessMetricSwitches,
  labels: ProcessLabels,
  counters: CounterStarts,
  b: MetricsBuilder,
): void {
  const now = b.nowNs;
  const rows = processes.map((p) => ({ p, attrs: labelsOf(p, labels), id: `${p.pid}@${p.startNs}` }));
  /** A process's counters start when it did, unless one went back. */
  const start = (metric: string, value: number, id: string, part: string, p: ProcessSample): bigint =>
    counters.observe(seriesKey(metric, id, part), value, p.startNs, now);

  if (metrics.cpu_time) {
    const m = b.counter(M.procCpuTime, 's', 'double');
    for (const { p, attrs, id } of rows) {
      m.point(p.userSeconds, [...attrs, [A.cpuMode, 'user']], start(M.procCpuTime, p.userSeconds, id, 'user', p));
      m.point(p.systemSeconds, [...attrs, [A.cpuMode, 'system']], start(M.procCpuTime, p.systemSeconds, id, 'system', p));
    }
  }
  if (metrics.cpu_utilization) {
    const m = b.gauge(M.procCpuUtilization, '1', 'double');
    for (const { p, attrs } of rows) {
      if (p.userUtilization !== undefined) m.point(p.userUtilization, [...attrs, [A.cpuMode, 'user']]);
      if (p.systemUtilization !== undefined) m.point(p.systemUtilization, [...attrs, [A.cpuMode, 'system']]);
    }
  }
  if (metrics.memory_usage) {
    const m = b.upDown(M.procMemoryUsage, 'By', 'int');
    for (const { p, attrs } of rows) m.point(p.rssBytes, attrs, p.startNs);
  }
  if (metrics.memory_virtual) {
    const m = b.upDown(M.procMemoryVirtual, 'By', 'int');
    for (const { p, attrs } of rows) m.point(p.virtualBytes, attrs, p.startNs);
  }
  if (metrics.disk_io) {
    const m = b.counter(M.procDiskIo, 'By', 'int');
    for (const { p, attrs, id } of rows) {
      if (p.readBytes !== undefined) m.point(p.readBytes, [...attrs, [A.diskDirection, 'read']], start(M.procDiskIo, p.readBytes, id, 'read', p));
      if (p.writeBytes !== undefined) m.point(p.writeBytes, [...attrs, [A.diskDirection, 'write']], start(M.procDiskIo, p.writeBytes, id, 'write', p));
    }
  }
  if (metrics.threads) {
    const m = b.upDown(M.procThreads, '{thread}', 'int');
    for (const { p, attrs } of rows) m.point(p.threads, attrs, p.startNs);
  }
  if (metrics.uptime) {
    const m = b.gauge(M.procUptime, 's', 'double');
    for (const { p, attrs } of rows) m.point(p.uptimeSeconds, attrs);
  }
}
