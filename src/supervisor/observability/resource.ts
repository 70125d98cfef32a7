// The resource of everything the observability pipeline emits, built once at start as upstream builds it: the
// attributes of `engine.telemetry.resource` win over those the detectors find, which win over the engine's own name
// and version. Detectors run in the order configured; a later one wins over an earlier one.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Attributes } from '../../ipc/telemetry.js';

type Detector = (env: NodeJS.ProcessEnv) => Attributes;

const DETECTORS: Readonly<Record<string, Detector>> = {
  service_instance: () => ({ 'service.instance.id': randomUUID() }),
  env: (env) => parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES ?? ''),
  service_name: (env): Attributes => (env.OTEL_SERVICE_NAME ? { 'service.name': env.OTEL_SERVICE_NAME } : {}),
  host: () => {
    const id = readTrimmed('/etc/machine-id');
    return { 'host.name': os.hostname(), 'host.arch': hostArch(os.arch()), ...(id ? { 'host.id': id } : {}) };
  },
  os: () => ({ 'os.type': osType(os.platform()), 'os.version': os.release(), 'os.description': `${os.type()} ${os.release()}` }),
  process: () => ({
    'process.pid': process.pid,
    'process.executable.name': process.title,
    'process.executable.path': process.execPath,
    'process.command_args': [...process.argv],
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    'process.owner': safeUser(),
  }),
  container: (): Attributes => {
    const id = containerId();
    return id ? { 'container.id': id } : {};
  },
};

export function detectResource(detectors: readonly string[], configured: Attributes, env: NodeJS.ProcessEnv = process.env): Attributes {
  const detected: Attributes = {};
  for (const name of detectors) Object.assign(detected, DETECTORS[name]?.(env));
  return { ...buildInfo(), ...detected, ...configured };
}

/** `OTEL_RESOURCE_ATTRIBUTES`: `key=value` pairs separated by commas, values percent-encoded; bad pairs are skipped. */
export function parseResourceAttributes(text: string): Attributes {
  const out: Attributes = {};
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = pair.slice(0, eq).trim();
    try {
      if (key !== '') out[key] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      // A malformed escape: the pair is skipped, as the specification allows.
    }
  }
  return out;
}

function buildInfo(): Attributes {
  const version = packageVersion();
  return { 'service.name': 'otap-engine', ...(version ? { 'service.version': version } : {}) };
}

function packageVersion(): string | undefined {
  try {
    const parsed = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : undefined;
  } catch {
    return undefined;
  }
}

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The container id a cgroup or mount path carries (64 hex digits), when the engine runs in a container. */
function containerId(): string | undefined {
  const cgroup = /([0-9a-f]{64})/.exec(readTrimmed('/proc/self/cgroup') ?? '');
  if (cgroup) return cgroup[1];
  // cgroup v2 shows no id; a container runtime's own mounts (hostname, resolv.conf) name it in their path.
  return /\/containers\/([0-9a-f]{64})\//.exec(readTrimmed('/proc/self/mountinfo') ?? '')?.[1];
}

function hostArch(arch: string): string {
  return ({ x64: 'amd64', ia32: 'x86', ppc64: 'ppc64', s390x: 's390x', arm: 'arm32', arm64: 'arm64' } as Record<string, string>)[arch] ?? arch;
}

function osType(platform: string): string {
  return ({ win32: 'windows', sunos: 'solaris' } as Record<string, string>)[platform] ?? platform;
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return String(process.getuid?.() ?? '');
  }
}
