// CPU and memory of every instance, sampled by the supervisor with pidusage. pidusage needs two readings of a pid before
// its CPU figure means anything, so a pid is sampled on a fixed interval rather than on each status request.
import pidusage from 'pidusage';

export interface ProcessSample {
  cpuPercent: number;
  rssBytes: number;
}

export class ProcessStats {
  private readonly samples = new Map<number, ProcessSample>();
  private readonly pids = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private sampling = false;

  constructor(private readonly intervalMs = 2000) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  track(pid: number): void {
    this.pids.add(pid);
  }

  untrack(pid: number): void {
    this.pids.delete(pid);
    this.samples.delete(pid);
  }

  get(pid: number | null): ProcessSample {
    return (pid !== null && this.samples.get(pid)) || { cpuPercent: 0, rssBytes: 0 };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    pidusage.clear();
  }

  private async sample(): Promise<void> {
    if (this.sampling || this.pids.size === 0) return;
    this.sampling = true;
    try {
      const pids = [...this.pids];
      // One pid that exited between two samples must not hide the others' figures.
      // pidusage keeps /proc/<pid>/stat open between readings until its history of the pid expires (60 s by default):
      // with instances replaced every few seconds, that is dozens of descriptors on dead pids. Two sampling periods
      // and a half keep the history a CPU figure needs, and let go of a pid soon after it stops being sampled.
      const maxage = Math.ceil(this.intervalMs * 2.5);
      const results = await Promise.allSettled(pids.map((pid) => pidusage(pid, { maxage })));
      results.forEach((result, i) => {
        const pid = pids[i] as number;
        if (result.status === 'fulfilled' && this.pids.has(pid)) {
          this.samples.set(pid, { cpuPercent: Math.round(result.value.cpu * 10) / 10, rssBytes: result.value.memory });
        }
      });
    } finally {
      this.sampling = false;
    }
  }
}
