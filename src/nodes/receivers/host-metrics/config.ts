// The validated config of receiver:host_metrics (field names, defaults and units are upstream's). Kept apart from the
// joi schema in descriptor.ts so that the implementation imports only types.

export type MatchType = 'strict' | 'glob' | 'regexp';
export type ValidationMode = 'fail_selected' | 'warn_selected' | 'none';
export type ProcessMode = 'summary' | 'summary_and_per_process';

/** A list of names and how they match; which key holds the names depends on the filter (devices, fs_types, …). */
export interface DeviceFilter {
  devices: string[];
  match_type: MatchType;
}
export interface InterfaceFilter {
  interfaces: string[];
  match_type: MatchType;
}
export interface FsTypeFilter {
  fs_types: string[];
  match_type: MatchType;
}
export interface MountPointFilter {
  mount_points: string[];
  match_type: MatchType;
}
export interface ProcessNameFilter {
  names: string[];
  match_type: MatchType;
}

/** Durations are canonical strings (`10000ms`); a family without `interval` uses `collection_interval`. */
export interface FamilyBase {
  enabled: boolean;
  interval?: string;
}

export interface CpuFamily extends FamilyBase {
  per_cpu: boolean;
  utilization: boolean;
}
export interface MemoryFamily extends FamilyBase {
  limit: boolean;
  shared: boolean;
  hugepages: boolean;
}
export interface DiskFamily extends FamilyBase {
  limit: boolean;
  include?: DeviceFilter;
  exclude?: DeviceFilter;
}
export interface FilesystemFamily extends FamilyBase {
  include_virtual_filesystems: boolean;
  include_remote_filesystems: boolean;
  limit: boolean;
  include_devices?: DeviceFilter;
  exclude_devices?: DeviceFilter;
  include_fs_types?: FsTypeFilter;
  exclude_fs_types?: FsTypeFilter;
  include_mount_points?: MountPointFilter;
  exclude_mount_points?: MountPointFilter;
}
export interface NetworkFamily extends FamilyBase {
  include?: InterfaceFilter;
  exclude?: InterfaceFilter;
  include_connection_count: boolean;
}

export interface ProcessLabels {
  pid: boolean;
  command: boolean;
  executable_name: boolean;
  executable_path: boolean;
  command_line: boolean;
  owner: boolean;
  cgroup: boolean;
  parent_pid: boolean;
}
export interface ProcessMetricSwitches {
  cpu_time: boolean;
  cpu_utilization: boolean;
  memory_usage: boolean;
  memory_virtual: boolean;
  disk_io: boolean;
  threads: boolean;
  uptime: boolean;
}
export interface ProcessesFamily extends FamilyBase {
  mode: ProcessMode;
  process: {
    include?: ProcessNameFilter;
    exclude?: ProcessNameFilter;
    max_processes: number;
    labels: ProcessLabels;
    metrics: ProcessMetricSwitches;
  };
}

export interface Families {
  cpu: CpuFamily;
  memory: MemoryFamily;
  paging: FamilyBase;
  system: FamilyBase;
  disk: DiskFamily;
  filesystem: FilesystemFamily;
  network: NetworkFamily;
  processes: ProcessesFamily;
  load: FamilyBase;
}

export type FamilyName = keyof Families;
export const FAMILY_NAMES: readonly FamilyName[] = [
  'cpu',
  'memory',
  'paging',
  'system',
  'disk',
  'filesystem',
  'network',
  'processes',
  'load',
];

export interface HostMetricsConfig {
  collection_interval: string;
  initial_delay: string;
  /** Older spelling of `host_view.root_path`; both may be set only to the same path. */
  root_path?: string;
  host_view: { root_path: string; validation: ValidationMode };
  families: Families;
}

/** The host root the receiver reads, from `root_path` or `host_view.root_path`, normalised (`/host/` → `/host`). */
export function effectiveRootPath(config: Pick<HostMetricsConfig, 'root_path' | 'host_view'>): string {
  const raw = config.root_path ?? config.host_view.root_path;
  const parts = raw.split('/').filter((p) => p !== '');
  return `/${parts.join('/')}`;
}
