// OpAMP's WebSocket transport (with `ws`): one long-lived connection on which the agent sends its reports (at once when
// something changed, else every heartbeat_interval) and the server pushes whenever it likes. A connection that fails,
// or closes before a real exchange, is retried with the connect backoff; on stop the agent says goodbye (agent_disconnect,
// then a close frame) within shutdown_timeout.
import WebSocket from 'ws';
import { sleep } from '../util/backoff.js';
import { ExponentialBackoff } from './backoff.js';
import { frameForWebSocket, unframeFromWebSocket } from './proto.js';
import { describeError } from './transport-http.js';
import { MAX_MESSAGE_BYTES, MIN_SEND_GAP_MS, REQUEST_TIMEOUT_MS, USER_AGENT, type TransportContext } from './transport.js';

type Opened = { ok: true; socket: WebSocket } | { ok: false; reason: string };

type Conversation =
  | { ended: 'stopped' }
  | { ended: 'closed'; reason: string; sent: number; received: number }
  | { ended: 'unavailable'; retryAfterMs?: number };

export async function runWebSocketTransport(ctx: TransportContext): Promise<void> {
  const { settings, connection, signal } = ctx;
  const connectBackoff = new ExponentialBackoff(settings.connectRetry);
  const requestBackoff = new ExponentialBackoff(settings.requestRetry);
  while (!signal.aborted) {
    connection.connecting();
    const opened = await open(ctx);
    if (signal.aborted) {
      if (opened.ok) opened.socket.terminate();
      break;
    }
    let delayMs: number;
    let reason: string;
    if (!opened.ok) {
      delayMs = connectBackoff.next();
      reason = opened.reason;
    } else {
      connection.connected();
      const talk = await converse(ctx, opened.socket);
      if (talk.ended === 'stopped') break;
      if (talk.ended === 'unavailable') {
        delayMs = talk.retryAfterMs ?? requestBackoff.next();
        reason = 'the server answered Unavailable';
      } else {
        requestBackoff.reset();
        // A connection the server drops at once would otherwise be re-opened in a tight loop: only a real exchange
        // (more than the first message each way) earns the short delay again.
        if (talk.sent > 1 && talk.received > 1) connectBackoff.reset();
        delayMs = connectBackoff.next();
        reason = talk.reason;
      }
    }
    connection.backingOff(reason, delayMs);
    await sleep(delayMs, signal);
  }
  connection.stopping();
}

async function open(ctx: TransportContext): Promise<Opened> {
  const { settings, signal } = ctx;
  let token: string | undefined;
  try {
    token = await settings.token?.();
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const socket = new WebSocket(settings.endpoint, {
    headers: { 'user-agent': USER_AGENT, ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) },
    handshakeTimeout: REQUEST_TIMEOUT_MS,
    maxPayload: MAX_MESSAGE_BYTES,
    ...(settings.tls ?? {}),
  });
  return new Promise<Opened>((resolve) => {
    const onAbort = () => {
      socket.terminate();
      resolve({ ok: false, reason: 'stopped' });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('open', () => {
      signal.removeEventListener('abort', onAbort);
      resolve({ ok: true, socket });
    });
    // Also the answer to a refused upgrade (`Unexpected server response: 401`): a status, never our headers.
    socket.once('error', (error: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      resolve({ ok: false, reason: describeError(error) });
    });
  });
}

function converse(ctx: TransportContext, socket: WebSocket): Promise<Conversation> {
  const { settings, session, changes, signal, logger } = ctx;
  const conversation = new AbortController();
  let sent = 0;
  let received = 0;
  let stopping = false;
  session.beginSession();
  return new Promise<Conversation>((resolve) => {
    const finish = (result: Conversation) => {
      if (conversation.signal.aborted) return;
      conversation.abort();
      signal.removeEventListener('abort', goodbye);
      resolve(result);
    };
    const drop = (reason: string) => {
      socket.terminate();
      finish(stopping ? { ended: 'stopped' } : { ended: 'closed', reason, sent, received });
    };
    const send = (disconnect = false) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      // A server that keeps the connection but stops reading would make the send buffer grow without end.
      if (socket.bufferedAmount > MAX_MESSAGE_BYTES) return drop('the server stopped reading');
      changes.clear();
      socket.send(frameForWebSocket(session.compose({ disconnect })));
      sent += 1;
    };

    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      received += 1;
      if (!isBinary) return drop('the server sent a text message (OpAMP messages are binary)');
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      const decoded = unframeFromWebSocket(bytes);
      if (!decoded.ok) return drop(decoded.reason);
      const handled = session.handle(decoded.message);
      if (handled.kind === 'ignored') logger.debug({ reason: handled.reason }, 'opamp: ignored a server message');
      else if (handled.kind === 'unavailable') {
        socket.terminate();
        finish({ ended: 'unavailable', ...(handled.retryAfterMs !== undefined ? { retryAfterMs: handled.retryAfterMs } : {}) });
      } else if (handled.replyNow) changes.notify();
    });
    socket.on('close', (code: number) =>
      finish(stopping ? { ended: 'stopped' } : { ended: 'closed', reason: `the connection closed (code ${code})`, sent, received }),
    );
    socket.on('error', (error: NodeJS.ErrnoException) => drop(describeError(error)));

    // On stop: the last report with agent_disconnect, then a close frame; a server that does not answer the close in
    // time is cut off. The conversation ends when the socket has closed either way.
    const goodbye = () => {
      stopping = true;
      if (socket.readyState !== WebSocket.OPEN) return finish({ ended: 'stopped' });
      const until = setTimeout(() => socket.terminate(), settings.shutdownMs);
      socket.once('close', () => clearTimeout(until));
      send(true);
      socket.close(1000, 'agent shutting down');
    };
    signal.addEventListener('abort', goodbye, { once: true });

    // The first message reports everything; then one whenever a report changed, or after a heartbeat interval.
    void (async () => {
      send();
      while (!conversation.signal.aborted) {
        await sleep(MIN_SEND_GAP_MS, conversation.signal);
        await changes.wait(settings.heartbeatMs - MIN_SEND_GAP_MS, conversation.signal);
        if (!conversation.signal.aborted) send();
      }
    })();
  });
}
