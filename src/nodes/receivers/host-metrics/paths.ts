// Where each source lives under the host root. With a root other than `/` (a host's root mounted into a container),
// mounts and network devices are read through pid 1 of that root, the host's init, so that they are the host's
// namespaces and not the reader's own.
import { join } from 'node:path';

export type Source =
  | 'stat'
  | 'cpuinfo'
  | 'meminfo'
  | 'loadavg'
  | 'uptime'
  | 'vmstat'
  | 'swaps'
  | 'diskstats'
  | 'mountinfo'
  | 'netdev'
  | 'machineId'
  | 'dbusMachineId'
  | 'hostname';

export class HostPaths {
  private readonly files: Readonly<Record<Source, string>>;

  constructor(readonly root: string) {
    const hostRoot = root !== '/';
    const at = (relative: string): string => join(root, relative);
    this.files = {
      stat: at('proc/stat'),
      cpuinfo: at('proc/cpuinfo'),
      meminfo: at('proc/meminfo'),
      loadavg: at('proc/loadavg'),
      uptime: at('proc/uptime'),
      vmstat: at('proc/vmstat'),
      swaps: at('proc/swaps'),
      diskstats: at('proc/diskstats'),
      mountinfo: at(hostRoot ? 'proc/1/mountinfo' : 'proc/self/mountinfo'),
      netdev: at(hostRoot ? 'proc/1/net/dev' : 'proc/net/dev'),
      machineId: at('etc/machine-id'),
      dbusMachineId: at('var/lib/dbus/machine-id'),
      hostname: at('proc/sys/kernel/hostname'),
    };
  }

  of(source: Source): string {
    return this.files[source];
  }

  /** A path of the observed host (a mount point) as this process reaches it. */
  host(absolute: string): string {
    return join(this.root, absolute);
  }

  proc(...parts: string[]): string {
    return join(this.root, 'proc', ...parts);
  }

  /** Sectors of a whole disk; sysfs spells a `/` in a device name (`cciss/c0d0`) as `!`. */
  sysBlockSize(device: string): string {
    return join(this.root, 'sys/block', device.replaceAll('/', '!'), 'size');
  }
}
