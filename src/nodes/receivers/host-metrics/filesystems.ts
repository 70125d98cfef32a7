// The filesystem family: mounts from mountinfo, filtered, then one statfs each. statfs can hang on an unhealthy remote
// or FUSE mount and Node cannot cancel it: it would hold a libuv pool thread (shared with every fs call of the
// instance) for as long as it hangs. So at most one statfs is in flight, each waits at most 100 ms and the family at
// most 1 s; while a hung call is still out, later mounts and scrapes fail fast instead of piling up more threads.
import { statfs } from 'node:fs';
import type { FilesystemFamily } from './config.js';
import { allows, compileFilter, type NameMatcher } from './filter.js';
import { unescapeOctal } from './procfs-parse.js';

const STATFS_TIMEOUT_MS = 100;
const FAMILY_BUDGET_MS = 1_000;

const VIRTUAL_TYPES = new Set([
  'autofs', 'bpf', 'binfmt_misc', 'cgroup', 'cgroup2', 'configfs', 'debugfs', 'devpts', 'devtmpfs', 'efivarfs',
  'fusectl', 'hugetlbfs', 'mqueue', 'nsfs', 'overlay', 'proc', 'pstore', 'ramfs', 'rpc_pipefs', 'securityfs',
  'selinuxfs', 'squashfs', 'sysfs', 'tmpfs', 'tracefs',
]);
const REMOTE_TYPES = new Set(['fuse', 'fuseblk', 'nfs', 'nfs4', 'cifs', 'smb3', '9p']);

export const isVirtualFsType = (type: string): boolean => VIRTUAL_TYPES.has(type);
export const isRemoteFsType = (type: string): boolean => REMOTE_TYPES.has(type) || type.startsWith('fuse.');

export interface Mount {
  device: string;
  mountpoint: string;
  type: string;
  mode: 'ro' | 'rw';
}

export interface FilesystemUsage extends Mount {
  used: number;
  free: number;
  reserved: number;
  total: number;
}

export interface MountFilters {
  includeVirtual: boolean;
  includeRemote: boolean;
  devices: [NameMatcher | undefined, NameMatcher | undefined];
  types: [NameMatcher | undefined, NameMatcher | undefined];
  mountpoints: [NameMatcher | undefined, NameMatcher | undefined];
}

export function mountFilters(family: FilesystemFamily): MountFilters {
  return {
    includeVirtual: family.include_virtual_filesystems,
    includeRemote: family.include_remote_filesystems,
    devices: [
      compileFilter(family.include_devices?.devices, family.include_devices?.match_type ?? 'strict'),
      compileFilter(family.exclude_devices?.devices, family.exclude_devices?.match_type ?? 'strict'),
    ],
    types: [
      compileFilter(family.include_fs_types?.fs_types, family.include_fs_types?.match_type ?? 'strict'),
      compileFilter(family.exclude_fs_types?.fs_types, family.exclude_fs_types?.match_type ?? 'strict'),
    ],
    mountpoints: [
      compileFilter(family.include_mount_points?.mount_points, family.include_mount_points?.match_type ?? 'strict'),
      compileFilter(family.exclude_mount_points?.mount_points, family.exclude_mount_points?.match_type ?? 'strict'),
    ],
  };
}

/** `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue` (proc(5)). */
export function parseMountinfo(text: string, filters: MountFilters): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const pre = line.slice(0, dash).split(' ');
    const post = line.slice(dash + 3).split(' ');
    const [mountpoint, options] = [pre[4], pre[5]];
    const [type, source] = [post[0], post[1]];
    if (mountpoint === undefined || options === undefined || !type || source === undefined) continue;
    if (!filters.includeVirtual && isVirtualFsType(type)) continue;
    if (!filters.includeRemote && isRemoteFsType(type)) continue;
    if (!allows(type, ...filters.types)) continue;
    const device = unescapeOctal(source);
    if (!allows(device, ...filters.devices)) continue;
    const point = unescapeOctal(mountpoint);
    if (!allows(point, ...filters.mountpoints)) continue;
    out.push({ device, mountpoint: point, type, mode: options.split(',').includes('ro') ? 'ro' : 'rw' });
  }
  return out;
}

type StatfsOutcome =
  | { kind: 'ok'; total: number; free: number; available: number }
  | { kind: 'failed'; reason: string };

/** statfs with a timeout and at most one call in flight (see the top of this file). */
export class Statfs {
  private pending: Promise<unknown> | undefined;

  async stat(path: string, timeoutMs: number): Promise<StatfsOutcome> {
    if (this.pending) return { kind: 'failed', reason: `statfs ${path}: an earlier statfs has not returned yet` };
    const call = new Promise<StatfsOutcome>((resolve) => {
      statfs(path, (error, s) => {
        if (error) return resolve({ kind: 'failed', reason: `statfs ${path}: ${error.message}` });
        resolve({ kind: 'ok', total: s.blocks * s.bsize, free: s.bfree * s.bsize, available: s.bavail * s.bsize });
      });
    });
    const pending = call.finally(() => {
      if (this.pending === pending) this.pending = undefined;
    });
    this.pending = pending;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<StatfsOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'failed', reason: `statfs ${path} timed out after ${timeoutMs} ms` }), timeoutMs);
    });
    const outcome = await Promise.race([call, timedOut]);
    clearTimeout(timer);
    return outcome;
  }
}

export interface FilesystemsResult {
  filesystems: FilesystemUsage[];
  errors: string[];
}

/** Usage of every mount; a mount that fails is left out and its reason returned. `hostPath` maps a mountpoint. */
export async function readFilesystems(mounts: Mount[], statfsCalls: Statfs, hostPath: (p: string) => string): Promise<FilesystemsResult> {
  const started = performance.now();
  const out: FilesystemsResult = { filesystems: [], errors: [] };
  for (const mount of mounts) {
    const left = FAMILY_BUDGET_MS - (performance.now() - started);
    if (left <= 0) {
      out.errors.push(`filesystem family ran out of its ${FAMILY_BUDGET_MS} ms budget at ${mount.mountpoint}`);
      break;
    }
    const s = await statfsCalls.stat(hostPath(mount.mountpoint), Math.min(left, STATFS_TIMEOUT_MS));
    if (s.kind === 'failed') {
      out.errors.push(s.reason);
      continue;
    }
    // `free` is what an unprivileged user can still write; blocks kept for root are `reserved`.
    out.filesystems.push({
      ...mount,
      used: Math.max(0, s.total - s.free),
      free: s.available,
      reserved: Math.max(0, s.free - s.available),
      total: s.total,
    });
  }
  return out;
}
