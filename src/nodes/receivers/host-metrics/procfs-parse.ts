// Pure parsers of the host-wide procfs files, into seconds and bytes. A field a kernel does not have reads as 0; a
// file without its essential lines gives undefined, so that the family reports a read error rather than zeros.
import { allows, type NameMatcher } from './filter.js';

/** USER_HZ: the unit of /proc/stat and /proc/<pid>/stat times. Linux fixes it at 100 on every architecture it exports. */
export const CLOCK_TICKS_PER_SECOND = 100;
const KIB = 1024;
/** /proc/diskstats counts 512-byte sectors whatever the device's own sector size. */
const SECTOR_BYTES = 512;

const num = (text: string | undefined): number => {
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : 0;
};

export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  interrupt: number;
  steal: number;
}
export const CPU_MODES: readonly (keyof CpuTimes)[] = ['user', 'nice', 'system', 'idle', 'iowait', 'interrupt', 'steal'];

export interface StatFile {
  bootTimeSeconds: number | undefined;
  cpu: CpuTimes | undefined;
  procsRunning: number;
  processesCreated: number;
}

export function parseStat(text: string): StatFile {
  const out: StatFile = { bootTimeSeconds: undefined, cpu: undefined, procsRunning: 0, processesCreated: 0 };
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    switch (fields[0]) {
      case 'cpu':
        out.cpu = parseCpuLine(fields.slice(1));
        break;
      case 'btime':
        out.bootTimeSeconds = num(fields[1]);
        break;
      case 'procs_running':
        out.procsRunning = num(fields[1]);
        break;
      case 'processes':
        out.processesCreated = num(fields[1]);
        break;
    }
  }
  return out;
}

// user and nice include guest and guest_nice time (fields 9 and 10); taking them out keeps the modes disjoint.
function parseCpuLine(fields: string[]): CpuTimes | undefined {
  if (fields.length < 4) return undefined;
  const t = Array.from({ length: 10 }, (_, i) => num(fields[i]));
  const [user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice] = t as [number, number, number, number, number, number, number, number, number, number];
  // Sums and differences in whole ticks, then one division: seconds as exact as a double allows.
  const s = (ticks: number): number => ticks / CLOCK_TICKS_PER_SECOND;
  return {
    user: s(Math.max(0, user - guest)),
    nice: s(Math.max(0, nice - guestNice)),
    system: s(system),
    idle: s(idle),
    iowait: s(iowait),
    interrupt: s(irq + softirq),
    steal: s(steal),
  };
}

/** Share of each mode in the time that passed between two readings; undefined if a counter went back or none moved. */
export function cpuUtilization(previous: CpuTimes, current: CpuTimes): CpuTimes | undefined {
  const delta = {} as CpuTimes;
  let total = 0;
  for (const mode of CPU_MODES) {
    const d = current[mode] - previous[mode];
    if (d < 0) return undefined;
    delta[mode] = d;
    total += d;
  }
  if (total <= 0) return undefined;
  for (const mode of CPU_MODES) delta[mode] /= total;
  return delta;
}

export interface CpuInfo {
  logical: number;
  physical: number;
  /** Per logical CPU, in the order of /proc/cpuinfo; empty where the kernel does not report `cpu MHz`. */
  frequenciesHz: number[];
}

export function parseCpuinfo(text: string): CpuInfo {
  let logical = 0;
  const frequenciesHz: number[] = [];
  const cores = new Set<string>();
  let physicalId: string | undefined;
  let coreId: string | undefined;
  const flush = (): void => {
    if (physicalId !== undefined && coreId !== undefined) cores.add(`${physicalId}/${coreId}`);
    physicalId = coreId = undefined;
  };
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'processor') {
      flush();
      logical++;
    } else if (key === 'physical id') physicalId = value;
    else if (key === 'core id') coreId = value;
    else if (key === 'cpu MHz') {
      const mhz = Number(value);
      if (Number.isFinite(mhz)) frequenciesHz.push(Math.round(mhz * 1e6));
    }
  }
  flush();
  return { logical, physical: cores.size > 0 ? cores.size : logical, frequenciesHz };
}

export interface Hugepages {
  total: number;
  free: number;
  reserved: number;
  surplus: number;
  pageSizeBytes: number;
}

export interface Memory {
  total: number;
  /** total − available: what the kernel could not give to a new workload without swapping. */
  used: number;
  free: number;
  /** MemAvailable; undefined on kernels before 3.14, where `used` falls back to free + buffers + cached. */
  available: number | undefined;
  cached: number;
  buffers: number;
  shared: number;
  slabReclaimable: number;
  slabUnreclaimable: number;
  hugepages: Hugepages;
}

export function parseMeminfo(text: string): Memory | undefined {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([^:]+):\s+(\d+)/.exec(line);
    if (match) kb.set(match[1] as string, Number(match[2]));
  }
  const bytes = (key: string): number => (kb.get(key) ?? 0) * KIB;
  const total = bytes('MemTotal');
  if (total === 0) return undefined;
  const free = bytes('MemFree');
  const buffers = bytes('Buffers');
  const cached = bytes('Cached');
  const available = kb.has('MemAvailable') ? bytes('MemAvailable') : undefined;
  return {
    total,
    used: Math.max(0, total - (available ?? free + buffers + cached)),
    free,
    available,
    cached,
    buffers,
    shared: bytes('Shmem'),
    slabReclaimable: bytes('SReclaimable'),
    slabUnreclaimable: bytes('SUnreclaim'),
    hugepages: {
      total: kb.get('HugePages_Total') ?? 0,
      free: kb.get('HugePages_Free') ?? 0,
      reserved: kb.get('HugePages_Rsvd') ?? 0,
      surplus: kb.get('HugePages_Surp') ?? 0,
      pageSizeBytes: bytes('Hugepagesize'),
    },
  };
}

export function parseUptime(text: string): number | undefined {
  const seconds = Number(text.trim().split(/\s+/)[0]);
  return Number.isFinite(seconds) ? seconds : undefined;
}

export interface LoadAverage {
  one: number;
  five: number;
  fifteen: number;
}

export function parseLoadavg(text: string): LoadAverage | undefined {
  const [one, five, fifteen] = text.trim().split(/\s+/).map(Number);
  if (![one, five, fifteen].every((v) => v !== undefined && Number.isFinite(v))) return undefined;
  return { one: one as number, five: five as number, fifteen: fifteen as number };
}

export interface Paging {
  minorFaults: number;
  majorFaults: number;
  pageIn: number;
  pageOut: number;
  swapIn: number;
  swapOut: number;
}

export function parseVmstat(text: string): Paging {
  const v = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.split(' ');
    if (key) v.set(key, num(value));
  }
  const get = (key: string): number => v.get(key) ?? 0;
  return {
    minorFaults: Math.max(0, get('pgfault') - get('pgmajfault')),
    majorFaults: get('pgmajfault'),
    pageIn: get('pgpgin'),
    pageOut: get('pgpgout'),
    swapIn: get('pswpin'),
    swapOut: get('pswpout'),
  };
}

export interface Swap {
  device: string;
  size: number;
  used: number;
  free: number;
}

export function parseSwaps(text: string): Swap[] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 4 && f[0] !== '')
    .map((f) => {
      const size = num(f[2]) * KIB;
      const used = num(f[3]) * KIB;
      return { device: unescapeOctal(f[0] as string), size, used, free: Math.max(0, size - used) };
    });
}

export interface Disk {
  device: string;
  readOps: number;
  readMerged: number;
  readBytes: number;
  readSeconds: number;
  writeOps: number;
  writeMerged: number;
  writeBytes: number;
  writeSeconds: number;
  ioSeconds: number;
  limitBytes?: number;
}

export function parseDiskstats(text: string, include?: NameMatcher, exclude?: NameMatcher): Disk[] {
  const out: Disk[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    // major minor name, then 11 counters at least (kernels since 2.6); field 12 is I/Os in progress, a gauge.
    if (f.length < 13) continue;
    const device = f[2] as string;
    if (!allows(device, include, exclude)) continue;
    out.push({
      device,
      readOps: num(f[3]),
      readMerged: num(f[4]),
      readBytes: num(f[5]) * SECTOR_BYTES,
      readSeconds: num(f[6]) / 1000,
      writeOps: num(f[7]),
      writeMerged: num(f[8]),
      writeBytes: num(f[9]) * SECTOR_BYTES,
      writeSeconds: num(f[10]) / 1000,
      ioSeconds: num(f[12]) / 1000,
    });
  }
  return out;
}

export interface Interface {
  name: string;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

export function parseNetDev(text: string, include?: NameMatcher, exclude?: NameMatcher): Interface[] {
  const out: Interface[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (!allows(name, include, exclude)) continue;
    const f = line.slice(colon + 1).trim().split(/\s+/);
    if (f.length < 12) continue;
    out.push({
      name,
      rxBytes: num(f[0]),
      rxPackets: num(f[1]),
      rxErrors: num(f[2]),
      rxDropped: num(f[3]),
      txBytes: num(f[8]),
      txPackets: num(f[9]),
      txErrors: num(f[10]),
      txDropped: num(f[11]),
    });
  }
  return out;
}

/** The kernel writes space, tab, newline and backslash in paths as `\040`, `\011`, `\012`, `\134`. */
export function unescapeOctal(text: string): string {
  if (!text.includes('\\')) return text;
  const bytes: number[] = [];
  const raw = Buffer.from(text, 'utf8');
  const isOctal = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x37;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x5c && isOctal(raw[i + 1]) && isOctal(raw[i + 2]) && isOctal(raw[i + 3])) {
      bytes.push(parseInt(raw.toString('latin1', i + 1, i + 4), 8) & 0xff);
      i += 3;
    } else bytes.push(raw[i] as number);
  }
  return Buffer.from(bytes).toString('utf8');
}
