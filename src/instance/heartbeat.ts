// Periodic heartbeat: the instance's own CPU share and memory plus its node counters. Heartbeats may be dropped;
// lifecycle events never are, so nothing depends on a single heartbeat arriving.
import type { InstanceMessage } from '../ipc/messages.js';
import type { NodeCounters } from '../pipeline/counter-types.js';

export function startHeartbeat(
  intervalMs: number,
  counters: () => Record<string, NodeCounters>,
  send: (message: InstanceMessage) => void,
): () => void {
  let lastCpu = process.cpuUsage();
  let lastAt = process.hrtime.bigint();
  const beat = () => {
    const now = process.hrtime.bigint();
    const cpu = process.cpuUsage(lastCpu);
    const elapsedUs = Number(now - lastAt) / 1000;
    lastCpu = process.cpuUsage();
    lastAt = now;
    const cpuPercent = elapsedUs > 0 ? Math.round(((cpu.user + cpu.system) / elapsedUs) * 1000) / 10 : 0;
    send({ type: 'heartbeat', cpuPercent, rssBytes: process.memoryUsage.rss(), nodes: counters() });
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
