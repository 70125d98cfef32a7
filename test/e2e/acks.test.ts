// End-to-end acknowledgement: a receiver with `wait_for_result` answers only once the exporters acknowledged the data:
// 200 after it reached the sink, 503 (retryable) when the exporter could not deliver it, 200 for data a filter dropped
// on purpose; a retrying exporter holds the client's answer until the peer is back, and nothing arrives twice.
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { startOtlpSink, type OtlpSink, type OtlpSinkOptions } from '../support/otlp-sink.js';
import { encodeLogsRequest } from '../support/otlp-load.js';

function config(sinkUrl: string, extra: { filter?: boolean } = {}): string {
  const nodes: Record<string, unknown> = {
    ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0', wait_for_result: true } } } },
    batch: { type: 'processor:batch', config: { otlp: { min_size: 1000, sizer: 'items' }, max_batch_duration: '150ms' } },
    out: { type: 'exporter:otlp_http', config: { endpoint: sinkUrl, http: { timeout: '2s' } } },
  };
  const connections = [{ from: 'ingest', to: 'batch' }, { from: 'batch', to: 'out' }];
  if (extra.filter) {
    const drop = [{ key: 'drop', value: true }];
    nodes.keep = { type: 'processor:filter', config: { logs: { exclude: { record_attributes: drop } }, traces: { exclude: { span_attributes: drop } } } };
    connections.splice(0, 1, { from: 'ingest', to: 'keep' }, { from: 'keep', to: 'batch' });
  }
  const spec = { policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } }, nodes, connections };
  return `version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify(spec)}\n`;
}

describe('wait_for_result', () => {
  let engine: RunningEngine | undefined;
  let sink: OtlpSink | undefined;
  afterEach(async () => {
    await engine?.stop();
    await sink?.close();
    engine = undefined;
    sink = undefined;
  });

  async function boot(sinkOptions: OtlpSinkOptions = {}, extra: { filter?: boolean } = {}): Promise<string> {
    sink = await startOtlpSink(sinkOptions);
    engine = await startEngine(config(sink.url, extra));
    const status = await engine.waitRunning();
    return `http://${status.listeners[0]!.address}/v1/logs`;
  }

  const post = (url: string, body: Uint8Array) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });

  it('answers 200 only after the data reached the sink', async () => {
    const url = await boot();
    const res = await post(url, encodeLogsRequest(['acked-1', 'acked-2']));
    // Checked at the moment the answer arrives: the batch (150 ms) and the export happened before it.
    expect(sink!.logs).toEqual(['acked-1', 'acked-2']);
    expect(res.status).toBe(200);
  });

  it('answers 503 with Retry-After when the exporter could not deliver', async () => {
    const url = await boot({ respond: () => ({ status: 400 }) });
    const res = await post(url, encodeLogsRequest(['refused-by-peer']));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(JSON.stringify(await res.text())).toContain('not delivered');
    expect(sink!.refused).toBeGreaterThan(0);
  });

  it('answers 200 for data a filter dropped on purpose', async () => {
    const url = await boot({}, { filter: true });
    const res = await post(url, encodeLogsRequest([{ body: 'dropped', flags: { drop: true } }, 'kept']));
    expect(res.status).toBe(200);
    expect(sink!.logs).toEqual(['kept']);
    const onlyDropped = await post(url, encodeLogsRequest([{ body: 'dropped-alone', flags: { drop: true } }]));
    expect(onlyDropped.status).toBe(200);
    expect(sink!.logs).toEqual(['kept']);
  });

  it('holds the answer while the exporter retries, then answers 200 with the data delivered once', async () => {
    let refusals = 3;
    const url = await boot({ respond: () => (refusals-- > 0 ? { status: 503, retryAfterSeconds: 0 } : undefined) });
    const res = await post(url, encodeLogsRequest(['retried']));
    expect(res.status).toBe(200);
    expect(sink!.refused).toBe(3);
    expect(sink!.logs).toEqual(['retried']);
  });
});
