// The usage sections of exporter:perf's report: this instance's CPU and memory, the host's CPU and memory, what this
// instance read and wrote on disk, and the host's network traffic. Each is read from the kernel when a report is due and
// compared with the previous reading, so rates cover exactly the report's interval. Linux `/proc` files are read where
// Node has no API; where a file is missing (another OS, a locked-down container) the section says it is unavailable.
import { readFile } from 'node:fs/promises';
import { cpus, freemem, totalmem } from 'node:os';

export interface UsageSelection {
  self: boolean;
  cpu: boolean;
  mem: boolean;
  disk: boolean;
  io: boolean;
}

export type Section = Record<string, unknown>;

export interface UsageReport {
  process?: Section;
  cpu?: Section;
  memory?: Section;
  disk?: Section;
  network?: Record<string, Section> | Section;
}

interface CpuTimes {
  busy: number;
  total: number;
}

interface Previous {
  atMs: number;
  processCpuMicros: number;
  hostCpu: CpuTimes;
  disk: { read: number; written: number } | undefined;
  network: Map<string, number[]> | undefined;
}

const UNAVAILABLE = (file: string): Section => ({ unavailable: `${file} cannot be read on this system` });

/** Per second over `elapsedMs`, one decimal. */
function perSecond(delta: number, elapsedMs: number): number {
  return elapsedMs > 0 ? Math.round((delta * 10_000) / elapsedMs) / 10 : 0;
}

function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part * 1000) / whole) / 10 : 0;
}

function hostCpuTimes(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** `/proc/self/io`: bytes this process caused to be read from and written to storage. */
async function diskCounters(): Promise<{ read: number; written: number } | undefined> {
  const text = await readOptional('/proc/self/io');
  if (text === undefined) return undefined;
  const field = (name: string): number => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { read: field('read_bytes'), written: field('write_bytes') };
}

const NETWORK_FIELDS = ['bytes_received', 'packets_received', 'errors_received', 'bytes_sent', 'packets_sent', 'errors_sent'] as const;

/** `/proc/net/dev`: per interface, the six counters of NETWORK_FIELDS. */
async function networkCounters(): Promise<Map<string, number[]> | undefined> {
  const text = await readOptional('/proc/net/dev');
  if (text === undefined) return undefined;
  const counters = new Map<string, number[]>();
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const v = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    // Receive: bytes packets errs …(8 columns); transmit: bytes packets errs …
    counters.set(line.slice(0, colon).trim(), [v[0] ?? 0, v[1] ?? 0, v[2] ?? 0, v[8] ?? 0, v[9] ?? 0, v[10] ?? 0]);
  }
  return counters;
}

async function memAvailable(): Promise<number> {
  const text = await readOptional('/proc/meminfo');
  const kb = text === undefined ? undefined : /^MemAvailable:\s+(\d+) kB$/m.exec(text)?.[1];
  return kb === undefined ? freemem() : Number(kb) * 1024;
}

async function virtualBytes(): Promise<number | undefined> {
  const text = await readOptional('/proc/self/status');
  const kb = text === undefined ? undefined : /^VmSize:\s+(\d+) kB$/m.exec(text)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

export class UsageSampler {
  private previous: Previous | undefined;

  constructor(private readonly selection: UsageSelection) {}

  get enabled(): boolean {
    const s = this.selection;
    return s.self || s.cpu || s.mem || s.disk || s.io;
  }

  /** The first reading only sets the baseline: its rates cover the time since `start()`. */
  async start(): Promise<void> {
    if (this.enabled) this.previous = await this.read();
  }

  async report(): Promise<UsageReport> {
    if (!this.enabled) return {};
    const before = this.previous ?? (await this.read());
    const now = await this.read();
    this.previous = now;
    const elapsedMs = now.atMs - before.atMs;
    const out: UsageReport = {};
    const s = this.selection;
    if (s.self) {
      const memory = process.memoryUsage();
      const virtual = await virtualBytes();
      out.process = {
        // 100 is one core busy for the whole interval.
        cpu_percent: percent((now.processCpuMicros - before.processCpuMicros) / 1000, elapsedMs),
        rss_bytes: memory.rss,
        heap_used_bytes: memory.heapUsed,
        ...(virtual === undefined ? {} : { virtual_bytes: virtual }),
      };
    }
    if (s.cpu) {
      // 100 is every core of the host busy.
      out.cpu = { global_percent: percent(now.hostCpu.busy - before.hostCpu.busy, now.hostCpu.total - before.hostCpu.total) };
    }
    if (s.mem) {
      const total = totalmem();
      const available = await memAvailable();
      out.memory = { total_bytes: total, available_bytes: available, used_percent: percent(total - available, total) };
    }
    if (s.disk) out.disk = diskSection(before.disk, now.disk, elapsedMs);
    if (s.io) out.network = networkSection(before.network, now.network, elapsedMs);
    return out;
  }

  private async read(): Promise<Previous> {
    const s = this.selection;
    const usage = process.cpuUsage();
    return {
      atMs: performance.now(),
      processCpuMicros: usage.user + usage.system,
      hostCpu: s.cpu ? hostCpuTimes() : { busy: 0, total: 0 },
      disk: s.disk ? await diskCounters() : undefined,
      network: s.io ? await networkCounters() : undefined,
    };
  }
}

function diskSection(
  before: { read: number; written: number } | undefined,
  now: { read: number; written: number } | undefined,
  elapsedMs: number,
): Section {
  if (now === undefined) return UNAVAILABLE('/proc/self/io');
  const base = before ?? now;
  return {
    read_bytes_per_sec: perSecond(now.read - base.read, elapsedMs),
    written_bytes_per_sec: perSecond(now.written - base.written, elapsedMs),
    total_read_bytes: now.read,
    total_written_bytes: now.written,
  };
}

function networkSection(
  before: Map<string, number[]> | undefined,
  now: Map<string, number[]> | undefined,
  elapsedMs: number,
): Record<string, Section> | Section {
  if (now === undefined) return UNAVAILABLE('/proc/net/dev');
  const out: Record<string, Section> = {};
  for (const [name, counters] of now) {
    const base = before?.get(name) ?? counters;
    const section: Section = {};
    NETWORK_FIELDS.forEach((field, i) => {
      section[`${field}_per_sec`] = perSecond((counters[i] ?? 0) - (base[i] ?? 0), elapsedMs);
      section[`total_${field}`] = counters[i] ?? 0;
    });
    out[name] = section;
  }
  return out;
}
