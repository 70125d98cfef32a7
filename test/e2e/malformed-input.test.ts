// Acceptance: malformed protobuf, malformed JSON, a wrong content type, an oversize body and truncated gzip get the
// OTLP-specified 4xx answer from a running engine, and its instances keep serving (same pids, next request accepted).
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { encodeLogsRequest } from '../support/otlp-load.js';

describe('malformed OTLP/HTTP requests', () => {
  let engine: RunningEngine;
  let url: string;
  let pids: number[];

  beforeAll(async () => {
    engine = await startEngine(`
version: otel_dataflow/v1
groups:
  default:
    pipelines:
      main:
        nodes:
          ingest: { type: receiver:otlp, config: { protocols: { http: { listening_addr: 127.0.0.1:0, max_request_body_size: 4KiB } } } }
          out: { type: exporter:noop }
        connections:
          - { from: ingest, to: out }
`);
    const status = await engine.waitRunning();
    url = `http://${status.listeners[0]!.address}/v1/logs`;
    pids = status.instances.map((i) => i.pid!);
  });
  afterAll(async () => {
    await engine?.stop();
  });

  const post = (body: Uint8Array | string, headers: Record<string, string>) => fetch(url, { method: 'POST', body, headers });
  const good = encodeLogsRequest(['fine']);
  const gzipped = zlib.gzipSync(good);

  it.each([
    ['malformed protobuf', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), { 'content-type': 'application/x-protobuf' }, 400],
    ['malformed JSON', '{"resourceLogs": [', { 'content-type': 'application/json' }, 400],
    ['wrong content type', 'hello', { 'content-type': 'text/plain' }, 415],
    ['oversize body', new Uint8Array(64 * 1024), { 'content-type': 'application/x-protobuf' }, 413],
    ['truncated gzip', gzipped.subarray(0, gzipped.length - 6), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }, 400],
  ] as const)('%s gets %s… and the instance keeps serving', async (_what, body, headers, expected) => {
    const res = await post(body as Uint8Array | string, { ...headers });
    expect(res.status).toBe(expected);
    await res.arrayBuffer();
    const ok = await post(good, { 'content-type': 'application/x-protobuf' });
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    const status = await engine.pipeline();
    expect(status.instances.map((i) => i.pid)).toEqual(pids);
    expect(status.instances.every((i) => i.restarts === 0 && i.phase === 'running')).toBe(true);
  });
});
