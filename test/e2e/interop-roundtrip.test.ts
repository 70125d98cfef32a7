// Interop: requests that use every OTLP field and value type (resources, scopes, attributes of every type, events,
// links, every metric point type with exemplars) go in over OTLP/HTTP (protobuf and JSON), leave through the engine's
// OTLP/gRPC exporter into the engine's own OTLP/gRPC receiver, and out through its OTLP/HTTP exporter to an independent
// sink. What arrives equals what was sent, field by field; a pass-through never re-encodes, so protobuf arrives as the
// same bytes.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpJsonToProto } from '../../src/pdata/json.js';
import { FULL } from '../pdata/full-requests.js';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';

const SIGNALS = ['logs', 'traces', 'metrics'] as const;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('field-by-field round trip through the engine', () => {
  let sink: OtlpSink;
  let engine: RunningEngine;
  let ingest: string;

  beforeAll(async () => {
    sink = await startOtlpSink();
    const hop = await freePort();
    const one = { policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } } };
    const front = {
      ...one,
      nodes: {
        ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } },
        forward: { type: 'exporter:otlp_grpc', config: { grpc_endpoint: `http://127.0.0.1:${hop}` } },
      },
      connections: [{ from: 'ingest', to: 'forward' }],
    };
    const back = {
      ...one,
      nodes: {
        hop: { type: 'receiver:otlp', config: { protocols: { grpc: { listening_addr: `127.0.0.1:${hop}` } } } },
        out: { type: 'exporter:otlp_http', config: { endpoint: sink.url } },
      },
      connections: [{ from: 'hop', to: 'out' }],
    };
    engine = await startEngine(`version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      front: ${JSON.stringify(front)}\n      back: ${JSON.stringify(back)}\n`);
    await engine.waitRunning('default:back');
    const status = await engine.waitRunning('default:front');
    ingest = `http://${status.listeners[0]!.address}`;
  });
  afterAll(async () => {
    await engine?.stop();
    await sink?.close();
  });

  it.each(SIGNALS)('%s sent as protobuf arrives as the same bytes and the same fields', async (signal) => {
    const encoded = otlpJsonToProto(signal, JSON.stringify(FULL[signal]));
    if (!encoded.ok) throw new Error(encoded.reason);
    const before = sink.received.length;
    const res = await fetch(`${ingest}/v1/${signal === 'traces' ? 'traces' : signal}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: encoded.payload,
    });
    expect(res.status).toBe(200);
    await sink.waitFor(() => sink.received.length > before);
    const arrived = sink.received[before]!;
    expect(arrived.signal).toBe(signal);
    expect(Buffer.from(arrived.payload).equals(Buffer.from(encoded.payload))).toBe(true);
    expect(arrived.json).toEqual(FULL[signal]);
  });

  it.each(SIGNALS)('%s sent as OTLP/JSON arrives with the same fields', async (signal) => {
    const before = sink.received.length;
    const res = await fetch(`${ingest}/v1/${signal}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(FULL[signal]) });
    expect(res.status).toBe(200);
    await sink.waitFor(() => sink.received.length > before);
    expect(sink.received[before]!.json).toEqual(FULL[signal]);
  });
});
