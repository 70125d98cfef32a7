// The unit's settings that the engine's behaviour depends on, read from the file an operator installs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseUnit, timeSpanSecs, unitPath, valueOf, valuesOf } from './helpers.js';

const unit = parseUnit(readFileSync(unitPath, 'utf8'));
const service = (key: string): string | undefined => valueOf(unit, 'Service', key);

describe('otap-engine.service directives', () => {
  it('reports readiness through systemd-notify, a child of the main process', () => {
    expect(service('Type')).toBe('notify');
    expect(service('NotifyAccess')).toBe('all');
  });

  it('runs node on the installed engine with the config from /etc/otap-engine', () => {
    expect(service('Environment')).toBe('OTAP_ENGINE_CONFIG=/etc/otap-engine/config.yaml');
    expect(service('ExecStart')).toBe(
      '/usr/bin/node /opt/otap-engine/bin/otap-engine --config ${OTAP_ENGINE_CONFIG} --state-dir /var/lib/otap-engine/state --log-format json',
    );
  });

  it('reloads with SIGHUP to the main process after validating the config', () => {
    const reload = valuesOf(unit, 'Service', 'ExecReload');
    expect(reload.at(-1)).toBe('/bin/kill -HUP $MAINPID');
    expect(reload[0]).toContain('--validate-and-exit');
  });

  it('stops by SIGTERM to the supervisor alone, then kills the rest of the cgroup after a deadline beyond the drain', () => {
    expect(service('KillMode')).toBe('mixed');
    expect(service('KillSignal') ?? 'SIGTERM').toBe('SIGTERM');
    expect(timeSpanSecs(service('TimeoutStopSec') ?? '0')).toBeGreaterThan(60);
    expect(service('SendSIGKILL') ?? 'yes').toBe('yes');
  });

  it('restarts on failure but not on an invalid config, and survives an OOM-killed instance', () => {
    expect(service('Restart')).toBe('on-failure');
    expect(service('RestartPreventExitStatus')?.split(/\s+/)).toContain('2');
    expect(service('OOMPolicy')).toBe('continue');
  });

  it('runs as a dedicated user with its own state and runtime directories', () => {
    expect(service('User')).toBe('otap-engine');
    expect(service('StateDirectory')).toBe('otap-engine otap-engine/state');
    // The state dir holds the committed config: only the service user may read it.
    expect(service('StateDirectoryMode')).toBe('0700');
    expect(service('RuntimeDirectory')).toBe('otap-engine');
    expect(service('SyslogIdentifier')).toBe('otap-engine');
  });

  it('is hardened', () => {
    const expected: Record<string, string> = {
      NoNewPrivileges: 'yes', ProtectSystem: 'strict', ProtectHome: 'yes', PrivateTmp: 'yes', PrivateDevices: 'yes',
      ProtectKernelTunables: 'yes', ProtectKernelModules: 'yes', ProtectKernelLogs: 'yes', ProtectControlGroups: 'yes',
      RestrictAddressFamilies: 'AF_UNIX AF_INET AF_INET6', RestrictNamespaces: 'yes', LockPersonality: 'yes',
      SystemCallArchitectures: 'native', SystemCallErrorNumber: 'EPERM',
      CapabilityBoundingSet: '', AmbientCapabilities: '',
    };
    for (const [key, value] of Object.entries(expected)) expect({ key, value: service(key) }).toEqual({ key, value });
  });

  it('leaves W^X off, because V8 JIT-compiles into executable memory', () => {
    expect(service('MemoryDenyWriteExecute')).toBe('no');
  });

  it('keeps CPU pinning possible: no affinity restriction, sched_setaffinity not filtered out', () => {
    for (const key of ['CPUAffinity', 'AllowedCPUs', 'CPUSchedulingPolicy']) expect(service(key)).toBeUndefined();
    const filters = valuesOf(unit, 'Service', 'SystemCallFilter');
    expect(filters[0]).toBe('@system-service');
    const denied = filters.filter((f) => f.startsWith('~')).flatMap((f) => f.slice(1).split(/\s+/));
    expect(denied).not.toContain('@resources');
    expect(denied).not.toContain('sched_setaffinity');
  });

  it('raises the limits an engine with many connections and instances needs', () => {
    expect(Number(service('LimitNOFILE'))).toBeGreaterThanOrEqual(65_536);
    expect(Number(service('TasksMax'))).toBeGreaterThanOrEqual(4_096);
  });

  it('documents the opt-in for ports below 1024', () => {
    const text = readFileSync(unitPath, 'utf8');
    expect(text).toMatch(/^#\s+CapabilityBoundingSet=CAP_NET_BIND_SERVICE$/m);
    expect(text).toMatch(/^#\s+AmbientCapabilities=CAP_NET_BIND_SERVICE$/m);
  });

  it('is enabled by multi-user.target', () => {
    expect(valueOf(unit, 'Install', 'WantedBy')).toBe('multi-user.target');
  });
});
