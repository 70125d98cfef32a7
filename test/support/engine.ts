// Starts the real `bin/otap-engine` as a child process, the way an operator does, and talks to its admin API.
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineStatus, PipelineStatus } from '../../src/state/status-types.js';

export const ENGINE_BIN = fileURLToPath(new URL('../../bin/otap-engine', import.meta.url));

export interface RunningEngine {
  pid: number;
  /** The file given as `--config`: rewrite it and send SIGHUP to reload. */
  configFile: string;
  adminUrl: string;
  /** Every stdout line so far (JSON log lines and console exporter output). */
  lines: string[];
  /** Everything written to stderr so far (also passed through to the test's own stderr). */
  stderr(): string;
  status(): Promise<EngineStatus>;
  pipeline(key?: string): Promise<PipelineStatus>;
  waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs?: number): Promise<T>;
  waitRunning(key?: string, timeoutMs?: number): Promise<PipelineStatus>;
  signal(sig: NodeJS.Signals): void;
  exited: Promise<{ exitCode: number | undefined; signal: string | undefined }>;
  /** SIGTERM, wait for exit; idempotent. */
  stop(): Promise<number | undefined>;
}

export function writeConfig(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'otap-engine-test-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** PEM files the harness's own calls use with an https:// admin API: the CA to trust, and a client certificate. */
export interface AdminTlsFiles {
  ca: string;
  cert?: string;
  key?: string;
}

/**
 * `adminToken`: the bearer token the harness's own status calls send, for an engine that requires one; `adminTls`: what
 * they trust (and present) when the admin API speaks HTTPS. `adminPort`: a plain-HTTP admin port to bind and poll, for
 * an engine whose own log lines do not reach stdout (routed to its observability pipeline), where the `admin listening`
 * line cannot be read.
 */
export async function startEngine(
  yaml: string,
  args: string[] = [],
  env: Record<string, string> = {},
  options: { adminToken?: string; adminTls?: AdminTlsFiles; cwd?: string; adminPort?: number; configFile?: string } = {},
): Promise<RunningEngine> {
  // `configFile`: start again from the file an earlier engine of the test used (`yaml` is then ignored).
  const configFile = options.configFile ?? writeConfig(yaml);
  // A test that binds the admin API itself (a wildcard address, say) gives the flag; the CLI refuses it twice.
  const bind = `127.0.0.1:${options.adminPort ?? 0}`;
  const bindArgs = args.includes('--http-admin-bind') ? [] : ['--http-admin-bind', bind];
  const child: ResultPromise = execa(process.execPath, [ENGINE_BIN, '--config', configFile, ...bindArgs, ...args], {
    reject: false,
    buffer: false,
    stdin: 'ignore',
    stderr: 'pipe',
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    // A token exported in the developer's shell (for ctl) must not put every test engine behind auth.
    env: { OTAP_ENGINE_ADMIN_TOKEN: '', ...env },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    process.stderr.write(chunk);
  });
  const lines: string[] = [];
  let pending = '';
  let resolveAdmin!: (url: string) => void;
  let rejectAdmin!: (e: Error) => void;
  const admin = new Promise<string>((res, rej) => ((resolveAdmin = res), (rejectAdmin = rej)));
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      lines.push(line);
      if (line.includes('"admin listening"')) {
        const fields = JSON.parse(line) as { address: string; url?: string };
        resolveAdmin(fields.url ?? `http://${fields.address}`);
      }
    }
  });
  const exited = child.then((r) => ({ exitCode: r.exitCode, signal: r.signal }));
  void exited.then((r) =>
    rejectAdmin(new Error(`engine exited before its admin API listened: ${JSON.stringify(r)}\n${lines.join('\n')}\n${stderr}`)),
  );
  if (options.adminPort !== undefined) void pollAdmin(`http://127.0.0.1:${options.adminPort}`, exited).then(resolveAdmin, rejectAdmin);
  const adminUrl = await admin;

  const headers: Record<string, string> = options.adminToken === undefined ? {} : { authorization: `Bearer ${options.adminToken}` };
  const status = async (): Promise<EngineStatus> =>
    adminUrl.startsWith('https:')
      ? ((await httpsGetJson(`${adminUrl}/api/v1/status`, headers, options.adminTls)) as EngineStatus)
      : ((await (await fetch(`${adminUrl}/api/v1/status`, { headers })).json()) as EngineStatus);
  const pipeline = async (key = 'default:main'): Promise<PipelineStatus> => {
    const s = await status();
    const p = s.pipelines[key];
    if (!p) throw new Error(`no pipeline ${key} in status`);
    return p;
  };
  const waitFor = async <T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  let stopping: Promise<number | undefined> | null = null;
  return {
    pid: child.pid!,
    configFile,
    adminUrl,
    lines,
    stderr: () => stderr,
    status,
    pipeline,
    waitFor,
    waitRunning: (key = 'default:main', timeoutMs = 20_000) =>
      waitFor(async () => {
        const p = await pipeline(key);
        return p.deploymentStatus === 'running' ? p : undefined;
      }, `${key} running`, timeoutMs),
    signal: (sig) => void child.kill(sig),
    exited,
    stop: () =>
      (stopping ??= (async () => {
        child.kill('SIGTERM');
        return (await exited).exitCode;
      })()),
  };
}

/** GET over HTTPS with the given trust (fetch cannot be told which CA to trust); resolves with the parsed body. */
export function httpsGetJson(url: string, headers: Record<string, string> = {}, tls?: AdminTlsFiles): Promise<unknown> {
  const material = tls === undefined ? {} : { ca: readFileSync(tls.ca), ...(tls.cert ? { cert: readFileSync(tls.cert) } : {}), ...(tls.key ? { key: readFileSync(tls.key) } : {}) };
  return new Promise((resolve, reject) => {
    const request = https.get(url, { headers, ...material, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error);
        }
      });
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/** True while `pid` is a live process (a zombie waiting for its reaper counts as gone). */
export function processAlive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    const state = readFileSync(stat, 'utf8').replace(/^.*\) /s, '').charAt(0);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Cpus_allowed_list of every thread of `pid`. */
export function threadAffinities(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    return /Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1] ?? '?';
  });
}

/** Cores this test process may use, the same way the engine reads them. */
export function usableCores(): number[] {
  const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  return list.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

/** Resolves with `url` once its livez answers (any status), or rejects when the engine exits first. */
async function pollAdmin(url: string, exited: Promise<unknown>): Promise<string> {
  let gone = false;
  void exited.then(() => (gone = true));
  while (!gone) {
    try {
      await fetch(`${url}/api/v1/livez`);
      return url;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('engine exited before its admin API listened');
}
