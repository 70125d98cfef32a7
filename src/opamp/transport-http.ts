// OpAMP's plain HTTP transport: the agent POSTs an AgentToServer and reads the ServerToAgent in the answer. One request
// at a time; the next one goes after heartbeat_interval (the spec's polling interval), or at once when the agent has
// something new to say or the server asked for it. A failed exchange is retried with backoff and followed by a full
// report, since the server may have missed what came before.
import http from 'node:http';
import https from 'node:https';
import { gunzipSync } from 'node:zlib';
import { sleep } from '../util/backoff.js';
import { ExponentialBackoff } from './backoff.js';
import { decodeServerToAgent, encodeAgentToServer, type ServerToAgent } from './proto.js';
import { MAX_MESSAGE_BYTES, MIN_SEND_GAP_MS, REQUEST_TIMEOUT_MS, USER_AGENT, type TransportContext } from './transport.js';

type Exchange =
  | { kind: 'answer'; message: ServerToAgent }
  /** The server asked to be left alone for a while (429 or 503, with Retry-After when it said how long). */
  | { kind: 'throttled'; reason: string; retryAfterMs?: number }
  | { kind: 'failed'; reason: string };

export async function runHttpTransport(ctx: TransportContext): Promise<void> {
  const { settings, session, connection, changes, signal } = ctx;
  const agent = settings.endpoint.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets: 1 }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const connectBackoff = new ExponentialBackoff(settings.connectRetry);
  const requestBackoff = new ExponentialBackoff(settings.requestRetry);
  session.beginSession();
  let reachable = false;
  try {
    while (!signal.aborted) {
      if (connection.state !== 'connected') connection.connecting();
      changes.clear();
      const exchange = await post(ctx, agent, encodeAgentToServer(session.compose()), signal);
      if (signal.aborted) break;
      reachable = exchange.kind === 'answer';
      if (exchange.kind !== 'answer') {
        const delayMs = exchange.kind === 'throttled' ? (exchange.retryAfterMs ?? requestBackoff.next()) : connectBackoff.next();
        connection.backingOff(exchange.reason, delayMs);
        session.beginSession();
        await sleep(delayMs, signal);
        continue;
      }
      connection.connected();
      connectBackoff.reset();
      const handled = session.handle(exchange.message);
      if (handled.kind === 'unavailable') {
        const delayMs = handled.retryAfterMs ?? requestBackoff.next();
        connection.backingOff('the server answered Unavailable', delayMs);
        session.beginSession();
        await sleep(delayMs, signal);
        continue;
      }
      requestBackoff.reset();
      if (handled.kind === 'ignored') ctx.logger.debug({ reason: handled.reason }, 'opamp: ignored a server message');
      if (handled.kind === 'handled' && handled.replyNow) changes.notify();
      await sleep(MIN_SEND_GAP_MS, signal);
      await changes.wait(settings.heartbeatMs - MIN_SEND_GAP_MS, signal);
    }
    connection.stopping();
    // A last message saying goodbye, if the server was there to hear it; bounded by shutdown_timeout.
    if (reachable) {
      const goodbye = AbortSignal.timeout(settings.shutdownMs);
      await post(ctx, agent, encodeAgentToServer(session.compose({ disconnect: true })), goodbye);
    }
  } finally {
    agent.destroy();
  }
}

async function post(ctx: TransportContext, agent: http.Agent, body: Uint8Array, signal: AbortSignal): Promise<Exchange> {
  const { settings } = ctx;
  let token: string | undefined;
  try {
    token = await settings.token?.();
  } catch (error) {
    return { kind: 'failed', reason: (error as Error).message };
  }
  const headers: http.OutgoingHttpHeaders = {
    'content-type': 'application/x-protobuf',
    'content-length': body.length,
    'user-agent': USER_AGENT,
    'opamp-instance-uid': ctx.session.instanceUid,
    'accept-encoding': 'gzip',
    ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
  };
  const transport = settings.endpoint.protocol === 'https:' ? https : http;
  return new Promise<Exchange>((resolve) => {
    const request = transport.request(
      settings.endpoint,
      { method: 'POST', agent, headers, signal, timeout: REQUEST_TIMEOUT_MS, ...(settings.tls ?? {}) },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_MESSAGE_BYTES) {
            request.destroy();
            resolve({ kind: 'failed', reason: `the answer is larger than ${MAX_MESSAGE_BYTES} bytes` });
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'failed', reason: describeError(error) }));
        response.on('end', () => resolve(answer(response, Buffer.concat(chunks))));
      },
    );
    request.on('timeout', () => request.destroy(Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT' })));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'failed', reason: describeError(error) }));
    request.end(body);
  });
}

function answer(response: http.IncomingMessage, raw: Buffer): Exchange {
  const status = response.statusCode ?? 0;
  if (status === 429 || status === 503) {
    const retryAfterMs = retryAfter(response.headers['retry-after']);
    return { kind: 'throttled', reason: `HTTP ${status}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (status !== 200) return { kind: 'failed', reason: `HTTP ${status}` };
  let bytes: Uint8Array = raw;
  if (/gzip/i.test(response.headers['content-encoding'] ?? '')) {
    try {
      bytes = gunzipSync(raw, { maxOutputLength: MAX_MESSAGE_BYTES });
    } catch (error) {
      return { kind: 'failed', reason: `the gzip answer cannot be read: ${(error as Error).message}` };
    }
  }
  const decoded = decodeServerToAgent(bytes);
  return decoded.ok ? { kind: 'answer', message: decoded.message } : { kind: 'failed', reason: decoded.reason };
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
function retryAfter(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** An error code and message from Node's socket layer; the request's headers (and so a token) are never in them. */
export function describeError(error: NodeJS.ErrnoException): string {
  return error.code ? `${error.code}: ${error.message}` : error.message;
}
