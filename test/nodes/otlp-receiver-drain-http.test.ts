// Draining receiver:otlp over HTTP/1.1: it stops admitting politely, answering what is in flight with
// `Connection: close` and closing keep-alive connections that stay idle. With routing switched to a new receiver
// first (what the supervisor does), keep-alive clients move over without a single failed request.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type ReceiverHarness } from '../support/otlp-harness.js';
import { handOver, type Handover } from '../support/otlp-handover.js';
import { logsProto } from '../support/otlp-requests.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function started(protocols?: Parameters<typeof startReceiver>[0]): Promise<ReceiverHarness> {
  const h = await startReceiver(protocols);
  cleanup.push(() => h.close());
  return h;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a POST whose body is only half sent; `finish()` sends the rest and resolves with the response. */
function halfSentRequest(url: string, agent: http.Agent) {
  const body = Buffer.from(logsProto(['in flight']));
  let resolveResponse!: (res: { status: number; headers: http.IncomingHttpHeaders }) => void;
  const response = new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((r) => (resolveResponse = r));
  const req = http.request(`${url}/v1/logs`, {
    method: 'POST',
    agent,
    headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length },
  });
  req.on('response', (res) => {
    res.resume();
    res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, headers: res.headers }));
  });
  const error = new Promise<Error>((r) => req.on('error', r));
  req.write(body.subarray(0, 10));
  return {
    error,
    finish(): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
      req.end(body.subarray(10));
      return response;
    },
  };
}

describe('receiver:otlp drain over HTTP/1.1', () => {
  it('answers the request in flight with Connection: close, closes idle connections, then resolves', async () => {
    const h = await started({ http: {} });
    const agent = new http.Agent({ keepAlive: true });
    cleanup.push(() => agent.destroy());

    // An idle keep-alive connection: its one request is answered, the agent keeps the socket for later.
    const idleClosed = new Promise<void>((resolve) => {
      const req = http.request(`${h.httpUrl}/v1/logs`, { method: 'POST', agent, headers: { 'Content-Type': 'application/x-protobuf' } });
      req.on('socket', (socket) => socket.on('close', () => resolve()));
      req.on('response', (res) => res.resume());
      req.end(logsProto(['before']));
    });
    await h.ctx.waitForItems(1);

    const inFlight = halfSentRequest(h.httpUrl, agent);
    await sleep(100); // the server has parsed the headers and is reading the body
    let drained = false;
    const drain = h.receiver.drain(Date.now() + 5_000).then(() => (drained = true));
    await idleClosed;
    await sleep(50);
    expect(drained).toBe(false);
    const res = await inFlight.finish();
    expect(res.status).toBe(200);
    expect(res.headers.connection).toBe('close');
    await drain;
    expect(h.ctx.items()).toBe(2);
  });

  it('serves a connection that raced the routing switch, telling it to close', async () => {
    const h = await started({ http: {} });
    await h.receiver.drain(Date.now() + 1_000);
    const res = await fetch(`${h.httpUrl}/v1/logs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: logsProto(['late']),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
  });

  it('closes every connection at the deadline', async () => {
    const h = await started({ http: {} });
    const agent = new http.Agent({ keepAlive: true });
    cleanup.push(() => agent.destroy());
    const stuck = halfSentRequest(h.httpUrl, agent);
    await sleep(100);
    const began = Date.now();
    await h.receiver.drain(began + 300);
    expect(Date.now() - began).toBeGreaterThanOrEqual(290);
    expect((await stuck.error).message).toMatch(/socket hang up|ECONNRESET/);
  });

  it('moves keep-alive clients to the new receiver without a failed request', async () => {
    const oldGen = await started({ http: {} });
    const newGen = await started({ http: {} });
    let serving = oldGen.receiver;
    const listener: Handover = await handOver(() => serving, 'otlp/http');
    cleanup.push(() => listener.close());
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    cleanup.push(() => agent.destroy());

    let stop = false;
    const failures: string[] = [];
    let ok = 0;
    const client = async (id: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await fetchVia(agent, `http://${listener.address}/v1/logs`, logsProto([`c${id}-${i}`]));
          if (res === 200) ok++;
          else failures.push(`status ${res}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    await oldGen.ctx.waitForItems(200);
    serving = newGen.receiver;
    await oldGen.receiver.drain(Date.now() + 5_000);
    await newGen.ctx.waitForItems(200);
    stop = true;
    await Promise.all(clients);
    expect(failures).toEqual([]);
    expect(oldGen.ctx.items() + newGen.ctx.items()).toBe(ok);
  });
});

function fetchVia(agent: http.Agent, url: string, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/x-protobuf' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}
