// Every request the console makes goes through here, to the engine that served the page (relative URLs only), with
// the admin token when one was entered. The token lives in sessionStorage: gone when the tab closes, never in a cookie.
import type { ApiAnswer } from './types.js';

const TOKEN_KEY = 'otap-engine.admin-token';

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = storedToken();
  return token === null ? extra : { ...extra, Authorization: `Bearer ${token}` };
}

/** Thrown by calls answered 401: the page goes back to asking for the token. */
export class Unauthorized extends Error {}

export async function call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const init: RequestInit = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }), cache: 'no-store' };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON: the text itself is the answer to show.
  }
  if (response.status === 401) throw new Unauthorized(typeof parsed === 'object' && parsed !== null && 'message' in parsed ? String(parsed.message) : 'unauthorized');
  return { status: response.status, body: parsed };
}

export function pipelinePath(group: string, pipeline: string): string {
  return `/api/v1/groups/${encodeURIComponent(group)}/pipelines/${encodeURIComponent(pipeline)}`;
}

export interface StreamHandlers {
  onEvent(event: string, data: unknown): void;
  onOpen(): void;
}

/**
 * Reads `GET /api/v1/events` (server-sent events) with fetch, because EventSource cannot send an Authorization header.
 * Resolves when the stream ends; rejects with Unauthorized on 401 and with other errors on network failure.
 */
export async function readEvents(handlers: StreamHandlers, signal: AbortSignal): Promise<void> {
  const response = await fetch('/api/v1/events', { headers: headers({ Accept: 'text/event-stream' }), cache: 'no-store', signal });
  if (response.status === 401) throw new Unauthorized('unauthorized');
  if (!response.ok || response.body === null) throw new Error(`the event stream answered ${response.status}`);
  handlers.onOpen();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    pending += value;
    let end: number;
    while ((end = pending.indexOf('\n\n')) >= 0) {
      const block = pending.slice(0, end);
      pending = pending.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length === 0) continue;
      try {
        handlers.onEvent(event, JSON.parse(data.join('\n')));
      } catch (error) {
        console.error('console: bad event', event, error);
      }
    }
  }
}
