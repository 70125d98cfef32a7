// receiver:host_metrics as a node: its schedule (families due together, each at its own interval), the start-up
// check of host_view.validation, a host root mounted elsewhere (root_path), backpressure and drain; and the parts a
// live machine cannot show on demand (counter resets, guest time, escaped mount points), from procfs text.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CounterStarts } from '../../src/nodes/receivers/host-metrics/counters.js';
import { hostMetricsReceiver } from '../../src/nodes/receivers/host-metrics/descriptor.js';
import { mountFilters, parseMountinfo } from '../../src/nodes/receivers/host-metrics/filesystems.js';
import { parseMeminfo, parseStat } from '../../src/nodes/receivers/host-metrics/procfs-parse.js';
import { createHostMetricsReceiver, type HostMetricsReceiver } from '../../src/nodes/receivers/host-metrics/receiver.js';
import type { FilesystemFamily } from '../../src/nodes/receivers/host-metrics/config.js';
import { createTestContext, type TestContext } from '../support/otlp-context.js';
import { decodePData, type Json } from '../support/otlp-decode.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(raw: Record<string, unknown>, ctx: TestContext = createTestContext('host')): Promise<[HostMetricsReceiver, TestContext]> {
  const v = hostMetricsReceiver.configSchema.validate(raw);
  if (v.error) throw v.error;
  const receiver = createHostMetricsReceiver('host', v.value).node as HostMetricsReceiver;
  cleanups.push(() => receiver.stop());
  await receiver.start(ctx);
  return [receiver, ctx];
}

const names = (request: Json): string[] => request.resourceMetrics[0].scopeMetrics[0].metrics.map((m: Json) => m.name);
const resourceOf = (request: Json): Record<string, string> =>
  Object.fromEntries(request.resourceMetrics[0].resource.attributes.map((a: Json) => [a.key, a.value.stringValue]));
const only = (family: string) =>
  Object.fromEntries(['cpu', 'memory', 'paging', 'system', 'disk', 'filesystem', 'network', 'processes', 'load'].map((f) => [f, { enabled: f === family }]));

async function waitFor(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A host root with copies of some of this machine's files: what a container sees of its host under /host. */
function fakeRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'host-metrics-root-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    // procfs files report size 0, so copyFileSync would copy nothing: read them, then write.
    writeFileSync(join(root, path), content.startsWith('copy:') ? readFileSync(content.slice(5)) : content);
  }
  return root;
}

describe('receiver:host_metrics as a node', () => {
  it('scrapes at once, then each family at its own interval, due families in one request with the host as resource', async () => {
    const [receiver, ctx] = await start({
      collection_interval: '1m',
      families: { ...only('memory'), memory: { interval: '50ms' }, system: { enabled: true, interval: '1m' } },
    });
    await waitFor(() => ctx.emitted.length >= 3, 'three scrapes');
    const requests = ctx.emitted.map(decodePData);
    expect(names(requests[0]!)).toEqual(expect.arrayContaining(['system.memory.usage', 'system.uptime']));
    for (const later of requests.slice(1)) expect(names(later)).not.toContain('system.uptime');
    const resource = resourceOf(requests[0]!);
    expect(resource['os.type']).toBe('linux');
    expect(resource['host.arch']).toBe(process.arch === 'x64' ? 'amd64' : expect.any(String));
    expect(requests[0]!.resourceMetrics[0].schemaUrl).toBe('https://opentelemetry.io/schemas/1.41.0');
    expect(requests[0]!.resourceMetrics[0].scopeMetrics[0].scope.name).toBe('otap-engine/host-metrics');
    expect(ctx.emitted.every((p) => p.signal === 'metrics' && p.items > 0)).toBe(true);
    expect(receiver.stats()).toMatchObject({ scrapes_failed: 0, send_failures: 0, partial_errors: 0 });
  });

  it('waits initial_delay before the first scrape, and drain stops the schedule', async () => {
    const [late, lateCtx] = await start({ initial_delay: '1m' });
    await late.drain(Date.now() + 1_000);
    expect(lateCtx.emitted).toEqual([]);
    const [receiver, ctx] = await start({ collection_interval: '20ms', families: only('memory') });
    await waitFor(() => ctx.emitted.length >= 1, 'a scrape');
    await receiver.drain(Date.now() + 1_000);
    const after = ctx.emitted.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(ctx.emitted.length).toBe(after);
  });

  it('drops a scrape the full pipeline refuses and counts it; the next one goes through', async () => {
    const ctx = createTestContext('host');
    ctx.full = true;
    const [receiver] = await start({ collection_interval: '20ms', families: only('memory') }, ctx);
    await waitFor(() => receiver.stats().send_failures >= 1, 'a refused send');
    ctx.full = false;
    await waitFor(() => ctx.emitted.length >= 1, 'a scrape after the pipeline drained');
    expect(receiver.stats().batches_sent).toBeGreaterThanOrEqual(1);
  });

  it('reads a host root mounted elsewhere: its files, its identity, its pid 1 namespaces', async () => {
    const root = fakeRoot({
      'proc/stat': 'copy:/proc/stat',
      'proc/meminfo': 'copy:/proc/meminfo',
      'proc/1/net/dev': 'Inter-|   Receive\n face |bytes\n  hosteth0: 100 2 0 0 0 0 0 0 300 4 0 0 0 0 0 0\n',
      'proc/1/mountinfo': '26 1 254:0 / / rw,relatime - ext4 /dev/hostdisk rw\n',
      'proc/sys/kernel/hostname': 'the-host\n',
      'etc/machine-id': 'abc123\n',
    });
    const [, ctx] = await start({ host_view: { root_path: root }, families: { ...only('memory'), network: { enabled: true }, filesystem: { enabled: true } } });
    await waitFor(() => ctx.emitted.length >= 1, 'a scrape');
    const request = decodePData(ctx.emitted[0]!);
    expect(resourceOf(request)).toMatchObject({ 'host.name': 'the-host', 'host.id': 'abc123' });
    const metrics: Json[] = request.resourceMetrics[0].scopeMetrics[0].metrics;
    const io = metrics.find((m) => m.name === 'system.network.io')!;
    expect(io.sum.dataPoints.map((p: Json) => [p.attributes[0].value.stringValue, p.asInt])).toEqual([['hosteth0', '100'], ['hosteth0', '300']]);
    const fs = metrics.find((m) => m.name === 'system.filesystem.usage')!;
    // The mount point is reported as the host knows it; statfs ran on <root>/.
    expect(fs.sum.dataPoints[0].attributes.find((a: Json) => a.key === 'system.device').value.stringValue).toBe('/dev/hostdisk');
    expect(fs.sum.dataPoints[0].attributes.find((a: Json) => a.key === 'system.filesystem.mountpoint').value.stringValue).toBe('/');
  });

  it('host_view.validation: fail_selected refuses to start naming what is missing; warn_selected switches it off; none tries', async () => {
    const root = fakeRoot({ 'proc/stat': 'copy:/proc/stat', 'proc/meminfo': 'copy:/proc/meminfo' });
    const families = { ...only('memory'), cpu: { enabled: true } };
    await expect(start({ host_view: { root_path: root }, families })).rejects.toThrow(
      new RegExp(`fail_selected.*cpu: cannot read ${root}/proc/cpuinfo: ENOENT`),
    );
    const [, ctx] = await start({ host_view: { root_path: root, validation: 'warn_selected' }, families });
    await waitFor(() => ctx.emitted.length >= 1, 'a scrape');
    expect(names(decodePData(ctx.emitted[0]!)).some((n) => n.startsWith('system.cpu'))).toBe(false);
    expect(ctx.logs.some((l) => /switched off/.test(String(l.msg)) && JSON.stringify(l.families) === '["cpu"]')).toBe(true);

    const [receiver] = await start({ host_view: { root_path: root, validation: 'none' }, families: only('network') });
    await waitFor(() => receiver.stats().scrapes_failed >= 1, 'a failed scrape');
    expect(receiver.stats().batches_sent).toBe(0);
  });
});

describe('host metrics from procfs text', () => {
  it('takes guest time out of user and nice, and irq and softirq together as interrupt', () => {
    const stat = parseStat('cpu  1000 200 300 4000 50 60 70 80 100 20\nbtime 1700000000\nprocs_running 3\nprocesses 999\n');
    expect(stat.cpu).toEqual({ user: 9, nice: 1.8, system: 3, idle: 40, iowait: 0.5, interrupt: 1.3, steal: 0.8 });
    expect([stat.bootTimeSeconds, stat.procsRunning, stat.processesCreated]).toEqual([1700000000, 3, 999]);
  });

  it('counts free + buffers + cached as available on a kernel without MemAvailable', () => {
    const m = parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n')!;
    expect([m.used, m.available]).toEqual([600 * 1024, undefined]);
    expect(parseMeminfo('nothing useful\n')).toBeUndefined();
  });

  it('unescapes mount points, reads ro, and filters virtual, remote, types, devices and mount points', () => {
    const text = [
      '1 0 8:1 / / rw,relatime - ext4 /dev/sda1 rw',
      '2 1 8:2 / /mnt/my\\040disk ro,relatime - xfs /dev/sdb1 rw',
      '3 1 0:5 / /proc rw - proc proc rw',
      '4 1 0:6 / /net rw - nfs4 server:/x rw',
      '5 1 0:7 / /home/u/.cache/doc rw - fuse.portal portal rw',
    ].join('\n');
    const family = (extra: Partial<FilesystemFamily> = {}) => mountFilters({ enabled: true, include_virtual_filesystems: false, include_remote_filesystems: false, limit: false, ...extra });
    expect(parseMountinfo(text, family())).toEqual([
      { device: '/dev/sda1', mountpoint: '/', type: 'ext4', mode: 'rw' },
      { device: '/dev/sdb1', mountpoint: '/mnt/my disk', type: 'xfs', mode: 'ro' },
    ]);
    expect(parseMountinfo(text, family({ include_virtual_filesystems: true, include_remote_filesystems: true })).map((m) => m.type)).toEqual(['ext4', 'xfs', 'proc', 'nfs4', 'fuse.portal']);
    expect(parseMountinfo(text, family({ exclude_fs_types: { fs_types: ['xfs'], match_type: 'strict' } })).map((m) => m.mountpoint)).toEqual(['/']);
    expect(parseMountinfo(text, family({ include_mount_points: { mount_points: ['/mnt/*'], match_type: 'glob' } })).map((m) => m.device)).toEqual(['/dev/sdb1']);
    expect(parseMountinfo(text, family({ exclude_devices: { devices: ['sda'], match_type: 'regexp' } })).map((m) => m.device)).toEqual(['/dev/sdb1']);
  });

  it('starts a counter at boot, restarts it where it went back, and forgets series that are gone', () => {
    const c = new CounterStarts();
    expect(c.observe('system.network.io|eth0', 100, 10n, 50n)).toBe(10n);
    c.prune(['system.network.']);
    expect(c.observe('system.network.io|eth0', 150, 10n, 60n)).toBe(10n);
    c.prune(['system.network.']);
    expect(c.observe('system.network.io|eth0', 5, 10n, 70n)).toBe(70n); // reset seen at 70
    c.prune(['system.network.']);
    expect(c.observe('system.network.io|eth0', 9, 10n, 80n)).toBe(70n);
    c.prune(['system.network.']);
    c.prune(['system.network.']); // eth0 not seen in this scrape: forgotten
    expect(c.observe('system.network.io|eth0', 1, 10n, 90n)).toBe(10n);
  });
});
