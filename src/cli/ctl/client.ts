// The admin API over node:http / node:https (https for an engine whose admin API has TLS: the CA to trust and a client
// certificate for mutual TLS come from files). Only transport problems are thrown (as CtlExit unreachable); every HTTP
// answer comes back as it is, for the command to decide what it means.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { CtlExit, EXIT } from './exit-codes.js';

export interface Answer {
  status: number;
  /** Parsed JSON; undefined for an empty body. */
  body: any;
  location: string | null;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** How long to wait for the answer; a waited operation needs its timeout_secs and some more. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** `127.0.0.1:8080` is taken as `http://127.0.0.1:8080`; a trailing slash is dropped. */
export function normaliseBaseUrl(url: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw new CtlExit(EXIT.usage, `invalid --url ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CtlExit(EXIT.usage, `--url must be http or https, got ${parsed.protocol}`);
  return parsed.href.replace(/\/+$/, '');
}

/** PEM files for an https:// admin API: the CA that issued its certificate, and a client certificate for mTLS. */
export interface TlsFiles {
  cacert?: string;
  cert?: string;
  key?: string;
}

interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
}

export class AdminClient {
  private readonly tls: TlsMaterial;

  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
    tlsFiles: TlsFiles = {},
  ) {
    this.tls = readTlsFiles(tlsFiles);
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    let res: { status: number; location: string | null; text: string };
    try {
      res = await send(url, method, headers, payload, this.tls, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    } catch (error) {
      throw new CtlExit(EXIT.unreachable, `cannot reach the engine at ${this.baseUrl}: ${describeError(error)}`);
    }
    let body: unknown;
    try {
      body = res.text === '' ? undefined : JSON.parse(res.text);
    } catch {
      throw new CtlExit(EXIT.unreachable, `${method} ${url.pathname} answered ${res.status} with a body that is not JSON: is ${this.baseUrl} the engine's admin address?`);
    }
    return { status: res.status, body, location: res.location };
  }
}

function readTlsFiles(files: TlsFiles): TlsMaterial {
  const read = (option: string, file: string | undefined): string | undefined => {
    if (file === undefined || file === '') return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new CtlExit(EXIT.usage, `cannot read ${option} ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  const material: TlsMaterial = {};
  const ca = read('--cacert', files.cacert);
  const cert = read('--cert', files.cert);
  const key = read('--key', files.key);
  if ((cert === undefined) !== (key === undefined)) throw new CtlExit(EXIT.usage, '--cert and --key go together (a client certificate and its key)');
  if (ca !== undefined) material.ca = ca;
  if (cert !== undefined) material.cert = cert;
  if (key !== undefined) material.key = key;
  return material;
}

class TimeoutError extends Error {}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  payload: string | undefined,
  tls: TlsMaterial,
  timeoutMs: number,
): Promise<{ status: number; location: string | null; text: string }> {
  return new Promise((resolve, reject) => {
    const options = { method, headers, ...(url.protocol === 'https:' ? tls : {}) };
    const request = (url.protocol === 'https:' ? https : http).request(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        const location = response.headers.location;
        resolve({ status: response.statusCode ?? 0, location: location ?? null, text: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', reject);
    });
    const timer = setTimeout(() => request.destroy(new TimeoutError()), timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(payload);
  });
}

function describeError(error: unknown): string {
  if (error instanceof TimeoutError) return 'no answer in time';
  const err = error as NodeJS.ErrnoException;
  // A TLS refusal says why (an untrusted certificate: pass --cacert; a required client certificate: --cert/--key).
  if (err.code && err.message && !/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET)$/.test(err.code)) return `${err.code}: ${err.message}`;
  return err.code ?? err.message ?? String(error);
}

/** `/api/v1/groups/G/pipelines/P` with each id encoded. */
export function pipelinePath(ref: PipelineRef, rest = ''): string {
  return `/api/v1/groups/${encodeURIComponent(ref.group)}/pipelines/${encodeURIComponent(ref.pipeline)}${rest}`;
}

export interface PipelineRef {
  group: string;
  pipeline: string;
}
