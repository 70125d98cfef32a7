// A thin admin API client for tests: every call returns status, headers and parsed JSON body.
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** `token`: sent as `Authorization: Bearer <token>` on every call, for an engine whose admin API requires one. */
export function adminClient(baseUrl: string, token?: string) {
  const auth: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const call = async <T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    call,
    put: (group: string, pipeline: string, spec: unknown, query = 'wait=true&timeout_secs=60', extra: Record<string, unknown> = {}) =>
      call('PUT', `/groups/${group}/pipelines/${pipeline}?${query}`, { pipeline: spec, ...extra }),
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body),
    del: (path: string) => call('DELETE', path),
    /** Polls a rollout or shutdown until it leaves its running states. */
    async settle(path: string, timeoutMs = 60_000): Promise<any> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const { body } = await call('GET', path);
        if (!['pending', 'running', 'rolling_back'].includes(body.state)) return body;
        if (Date.now() > until) throw new Error(`${path} still ${body.state}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
