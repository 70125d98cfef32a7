// The admin API over Node's global fetch. Only transport problems are thrown (as CtlExit unreachable); every HTTP
// answer comes back as it is, for the command to decide what it means.
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

export class AdminClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
      text = await res.text();
    } catch (error) {
      throw new CtlExit(EXIT.unreachable, `cannot reach the engine at ${this.baseUrl}: ${describeFetchError(error)}`);
    }
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new CtlExit(EXIT.unreachable, `${method} ${url.pathname} answered ${res.status} with a body that is not JSON: is ${this.baseUrl} the engine's admin address?`);
    }
    return { status: res.status, body, location: res.headers.get('location') };
  }
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  // fetch wraps the socket error (ECONNREFUSED, ENOTFOUND, …) as its cause.
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? String(error);
}

/** `/api/v1/groups/G/pipelines/P` with each id encoded. */
export function pipelinePath(ref: PipelineRef, rest = ''): string {
  return `/api/v1/groups/${encodeURIComponent(ref.group)}/pipelines/${encodeURIComponent(ref.pipeline)}${rest}`;
}

export interface PipelineRef {
  group: string;
  pipeline: string;
}
