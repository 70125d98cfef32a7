// exporter:otlp_http with `encoding: json` and `http.compression`, against real HTTP peers on port 0: what the body
// is, the headers that describe it, and how answers in JSON (or gzipped) are read.
import { gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { bodyEncoder } from '../../src/nodes/exporters/otlp-http/body.js';
import { otlpHttpExporter } from '../../src/nodes/exporters/otlp-http/descriptor.js';
import { createOtlpHttpExporter } from '../../src/nodes/exporters/otlp-http/exporter.js';
import { fillBatch } from '../../src/nodes/receivers/traffic-generator/batch.js';
import { syntheticTemplate } from '../../src/nodes/receivers/traffic-generator/synthetic.js';
import { otlpJsonToProto, otlpProtoToJson } from '../../src/pdata/json.js';
import type { Exporter, NodeContext } from '../../src/pipeline/node.js';
import type { PData, Signal } from '../../src/pipeline/pdata.js';
import { logBodies, uniqueLogs } from '../pipeline/helpers/otlp.js';
import { startSink, type Sink } from '../pipeline/helpers/sink.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ctx = { name: 'out', logger: pino({ level: 'silent' }) } as NodeContext;

/** `encoding` is the exporter's own; every other key belongs under `http`. */
async function exporterFor(endpoint: string, config: Record<string, unknown>): Promise<Exporter> {
  const { encoding, ...http } = config;
  const validated = otlpHttpExporter.configSchema.validate({ endpoint, ...(encoding ? { encoding } : {}), http: { timeout: '2s', ...http } });
  if (validated.error) throw validated.error;
  const instance = createOtlpHttpExporter('out', validated.value as Record<string, unknown>);
  if (instance.kind !== 'exporter') throw new Error('not an exporter');
  await instance.node.start(ctx);
  cleanups.push(() => instance.node.stop());
  return instance.node;
}

async function sinkFor(answer?: Sink['answer']): Promise<Sink> {
  const sink = await startSink(answer);
  cleanups.push(() => sink.close());
  return sink;
}

/** A message of every signal: logs from the OpenTelemetry SDK, traces and metrics from the traffic generator. */
function messages(): { pdata: PData; bodies: string[] }[] {
  const logs = uniqueLogs(5, 'enc');
  const generated = (signal: Signal) => fillBatch(syntheticTemplate(signal, 4, { use_trace_context: false }), Date.now());
  return [logs, { pdata: generated('traces'), bodies: [] }, { pdata: generated('metrics'), bodies: [] }];
}

function decoded(signal: Signal, payload: Uint8Array): Record<string, unknown> {
  const json = otlpProtoToJson(signal, payload);
  if (!json.ok) throw new Error(json.reason);
  return json.json;
}

/** The protobuf a JSON body stands for, through the engine's own OTLP/JSON reader. */
function protoOf(signal: Signal, body: Uint8Array): Uint8Array {
  const proto = otlpJsonToProto(signal, body);
  if (!proto.ok) throw new Error(proto.reason);
  return proto.payload;
}

describe('exporter:otlp_http encodings and compression', () => {
  it('defaults to protobuf without compression, with no encoder on the path', () => {
    const { value } = otlpHttpExporter.configSchema.validate({ endpoint: 'http://127.0.0.1:1' });
    expect(value).toMatchObject({ encoding: 'proto', http: { compression: 'none' } });
    expect(otlpHttpExporter.configSchema.validate({ endpoint: 'http://x', encoding: 'protobuf' }).error).toBeDefined();
    expect(otlpHttpExporter.configSchema.validate({ endpoint: 'http://x', http: { compression: 'zstd' } }).error?.message).toMatch(/zstd is not available/);
    expect(bodyEncoder('proto', undefined)).toBeUndefined();
  });

  it('sends OTLP/JSON that reads back as the same records, for every signal', async () => {
    const sink = await sinkFor();
    const out = await exporterFor(sink.url, { encoding: 'json' });
    const sent = messages();
    for (const { pdata } of sent) expect(await out.export(pdata)).toEqual({ kind: 'success' });
    expect(sink.requests.map((r) => r.path)).toEqual(['/v1/logs', '/v1/traces', '/v1/metrics']);
    sent.forEach(({ pdata, bodies }, i) => {
      const request = sink.requests[i]!;
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['content-encoding']).toBeUndefined();
      expect(request.headers['content-length']).toBe(String(request.body.length));
      expect(JSON.parse(request.body.toString('utf8'))).toEqual(decoded(pdata.signal, pdata.payload));
      const back = protoOf(pdata.signal, request.body);
      expect(decoded(pdata.signal, back)).toEqual(decoded(pdata.signal, pdata.payload));
      if (pdata.signal === 'logs') expect(logBodies(back)).toEqual(bodies);
    });
    // Ids are hex and 64-bit integers decimal strings, as OTLP/JSON wants them.
    const span = JSON.parse(sink.requests[1]!.body.toString('utf8')).resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.startTimeUnixNano).toMatch(/^[0-9]+$/);
  });

  it('gzips the protobuf body: it gunzips to the very bytes of the message', async () => {
    const sink = await sinkFor();
    const out = await exporterFor(sink.url, { compression: 'gzip' });
    const sent = messages();
    for (const { pdata } of sent) expect(await out.export(pdata)).toEqual({ kind: 'success' });
    sent.forEach(({ pdata }, i) => {
      const request = sink.requests[i]!;
      expect(request.headers['content-type']).toBe('application/x-protobuf');
      expect(request.headers['content-encoding']).toBe('gzip');
      expect(request.headers['content-length']).toBe(String(request.body.length));
      expect(gunzipSync(request.body).equals(Buffer.from(pdata.payload))).toBe(true);
    });
    // A repetitive message shrinks.
    const big = fillBatch(syntheticTemplate('logs', 500, { use_trace_context: false }), Date.now());
    await out.export(big);
    expect(sink.requests[3]!.body.length).toBeLessThan(big.payload.length / 4);
  });

  it('sends gzipped OTLP/JSON with both headers', async () => {
    const sink = await sinkFor();
    const out = await exporterFor(sink.url, { encoding: 'json', compression: 'gzip', headers: { 'x-tenant': 't1' } });
    const sent = messages();
    for (const { pdata } of sent) expect(await out.export(pdata)).toEqual({ kind: 'success' });
    sent.forEach(({ pdata, bodies }, i) => {
      const request = sink.requests[i]!;
      expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-tenant': 't1' });
      expect(request.headers['content-length']).toBe(String(request.body.length));
      const back = protoOf(pdata.signal, gunzipSync(request.body));
      expect(decoded(pdata.signal, back)).toEqual(decoded(pdata.signal, pdata.payload));
      if (pdata.signal === 'logs') expect(logBodies(back)).toEqual(bodies);
    });
  });

  it('deflates the body when asked: Content-Encoding deflate, the zlib format', async () => {
    const sink = await sinkFor();
    const out = await exporterFor(sink.url, { compression: 'deflate' });
    const { pdata } = uniqueLogs(3);
    expect(await out.export(pdata)).toEqual({ kind: 'success' });
    const request = sink.requests[0]!;
    expect(request.headers['content-encoding']).toBe('deflate');
    expect(inflateSync(request.body).equals(Buffer.from(pdata.payload))).toBe(true);
  });

  it('refuses configured headers that would describe the body or the answer differently', () => {
    for (const name of ['Content-Encoding', 'CONTENT-TYPE', 'Content-Length', 'host', 'Accept', 'accept-encoding']) {
      const error = otlpHttpExporter.configSchema.validate({ endpoint: 'http://x', http: { headers: { [name]: 'v' } } }).error;
      expect(error?.message, name).toMatch(/set by the exporter/);
    }
  });

  it('reads partial_success from JSON answers: typed, untyped after a JSON request, gzipped, proto field names', async () => {
    const json = { 'content-type': 'application/json' };
    const answers = [
      { status: 200, headers: json, body: '{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"too old"}}' },
      // No usable Content-Type: an OTLP/HTTP server answers in the request's, and the request was JSON.
      { status: 200, headers: { 'content-type': '' }, body: '{"partialSuccess":{"rejectedLogRecords":3}}' },
      { status: 200, headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync('{"partialSuccess":{"rejectedLogRecords":"4","errorMessage":"z"}}') },
      { status: 200, headers: json, body: '{"partial_success":{"rejected_log_records":"5","error_message":"snake"}}' },
      { status: 200, headers: json, body: '{}' },
      { status: 200, headers: json, body: 'not json' },
      { status: 400, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync('{"code":3,"message":"bad"}') },
    ];
    const sink = await sinkFor((_r, i) => answers[i] ?? { status: 200 });
    const out = await exporterFor(sink.url, { encoding: 'json' });
    const { pdata } = uniqueLogs(1);
    expect(await out.export(pdata)).toEqual({ kind: 'success', rejectedItems: 2, message: 'too old' });
    expect(await out.export(pdata)).toEqual({ kind: 'success', rejectedItems: 3, message: '' });
    expect(await out.export(pdata)).toEqual({ kind: 'success', rejectedItems: 4, message: 'z' });
    expect(await out.export(pdata)).toEqual({ kind: 'success', rejectedItems: 5, message: 'snake' });
    expect(await out.export(pdata)).toEqual({ kind: 'success' });
    expect(await out.export(pdata)).toEqual({ kind: 'success' });
    expect(await out.export(pdata)).toEqual({ kind: 'failure', reason: 'HTTP 400: {"code":3,"message":"bad"}' });
  });

  it('still reads a protobuf answer after a JSON request when the answer says it is protobuf', async () => {
    const partial = Buffer.from([0x0a, 0x02, 0x08, 0x06]); // partial_success { rejected = 6 }
    const sink = await sinkFor(() => ({ status: 200, body: partial }));
    const out = await exporterFor(sink.url, { encoding: 'json', compression: 'gzip' });
    expect(await out.export(uniqueLogs(1).pdata)).toEqual({ kind: 'success', rejectedItems: 6, message: '' });
  });

  it('answers failure without sending when the message cannot be rendered as JSON', async () => {
    const sink = await sinkFor();
    const out = await exporterFor(sink.url, { encoding: 'json' });
    const result = await out.export({ signal: 'logs', payload: new Uint8Array([0x0a, 0x05, 0x01]), items: 1 });
    expect(result.kind).toBe('failure');
    expect((result as { reason: string }).reason).toMatch(/^cannot render the message as OTLP\/JSON/);
    expect(sink.requests).toHaveLength(0);
  });
});
