// receiver:otlp with wait_for_result passes a downstream peer's partial success on to its client: the official
// OpenTelemetry JS SDK exporters (http/protobuf, http/json, gRPC) report the rejected count and the message they got.
// Real pipeline runtime: receiver:otlp → exporter:otlp_http → a real OTLP/HTTP peer answering partial_success.
import { diag, DiagLogLevel } from '@opentelemetry/api';
import protobuf from 'protobufjs/minimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { otlpReceiver } from '../../src/nodes/receivers/otlp/descriptor.js';
import type { Receiver } from '../../src/pipeline/node.js';
import { PipelineRuntime } from '../../src/pipeline/runtime.js';
import { resolveBuiltinFactory } from '../../src/nodes/implementations.js';
import { captureLogs, until } from '../pipeline/helpers/logs.js';
import { edge, node, pipeline } from '../pipeline/helpers/pipeline.js';
import { startSink } from '../pipeline/helpers/sink.js';
import { handOver } from '../support/otlp-handover.js';
import { SDK_PROTOCOLS, sdkLogs, sdkTraces } from '../support/otlp-sdk.js';
import { logsJson, logsProto } from '../support/otlp-requests.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  diag.disable();
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An Export*ServiceResponse whose partial_success rejects `rejected` items (the three signals share the shape). */
function partialSuccess(rejected: number, message: string): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).fork().uint32(1 << 3).int64(rejected).uint32((2 << 3) | 2).string(message).ldelim();
  return w.finish();
}

/**
 * receiver:otlp (wait_for_result) → [batch] → exporter:otlp_http → a peer that answers every request with a partial
 * success rejecting `rejected` items.
 */
async function pipelineToPartialPeer(rejected: number, options: { waitForResult?: boolean; batch?: boolean } = {}) {
  const sink = await startSink(() => ({ status: 200, body: partialSuccess(rejected, 'too old for this peer') }));
  const receiverConfig = otlpReceiver.configSchema.validate({
    protocols: {
      http: { listening_addr: '127.0.0.1:0', wait_for_result: options.waitForResult ?? true },
      grpc: { listening_addr: '127.0.0.1:0', wait_for_result: options.waitForResult ?? true },
    },
  });
  if (receiverConfig.error) throw receiverConfig.error;
  const nodes = [
    node('ingest', 'receiver', 'otlp', receiverConfig.value as Record<string, unknown>),
    node('out', 'exporter', 'otlp_http', { endpoint: sink.url, http: { timeout: '2s' } }),
  ];
  const edges = [edge('ingest', 'out')];
  if (options.batch) {
    nodes.splice(1, 0, node('batch', 'processor', 'batch', { otlp: { min_size: 6, sizer: 'items' }, max_batch_duration: '10s' }));
    edges.splice(0, 1, edge('ingest', 'batch'), edge('batch', 'out'));
  }
  const logs = captureLogs();
  const runtime = await PipelineRuntime.build(pipeline(nodes, edges), { logger: logs.logger, resolveFactory: resolveBuiltinFactory });
  cleanups.push(() => runtime.stop(), () => sink.close());
  await runtime.start();
  const serving = { accept: (listenerId: string, socket: import('node:net').Socket) => runtime.accept(listenerId, socket) } as Receiver;
  const http = await handOver(serving, 'ingest/http');
  const grpc = await handOver(serving, 'ingest/grpc');
  // Closed after the runtime stopped: a listener waits for the connections it handed over, which the receiver ends.
  cleanups.unshift(() => http.close(), () => grpc.close());
  return { runtime, sink, httpUrl: `http://${http.address}`, grpcUrl: `http://${grpc.address}` };
}

/** The partial successes the SDK exporters reported (they log them through the OpenTelemetry diag logger). */
function sdkPartialSuccesses(): Array<Record<string, unknown>> {
  const seen: Array<Record<string, unknown>> = [];
  const ignore = () => undefined;
  diag.setLogger(
    {
      warn: (message: string, ...args: unknown[]) => {
        if (message.includes('Partial Success')) seen.push(JSON.parse(String(args[0])) as Record<string, unknown>);
      },
      error: ignore,
      info: ignore,
      debug: ignore,
      verbose: ignore,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  return seen;
}

const MESSAGE = 'node "out": the peer rejected 2 of 5 items: too old for this peer';

describe('receiver:otlp partial success', () => {
  for (const protocol of SDK_PROTOCOLS) {
    it(`tells a ${protocol} client how many log records a peer downstream rejected, and why`, async () => {
      const { httpUrl, grpcUrl, runtime } = await pipelineToPartialPeer(2);
      const reported = sdkPartialSuccesses();
      const sdk = sdkLogs(protocol, protocol === 'grpc' ? grpcUrl : httpUrl);
      for (let i = 0; i < 5; i++) sdk.logger.emit({ body: `log ${i}` });
      await sdk.flush();
      await sdk.shutdown();
      expect(reported).toHaveLength(1);
      // int64 reaches the SDK as a string in OTLP/JSON and as a number from protobuf.
      expect({ ...reported[0], rejectedLogRecords: Number(reported[0]?.rejectedLogRecords) }).toEqual({ rejectedLogRecords: 2, errorMessage: MESSAGE });
      expect(runtime.counters().out).toMatchObject({ itemsSent: 3, itemsDropped: 2 });
    });
  }

  it('names the rejected items of each signal: spans for traces', async () => {
    const { httpUrl } = await pipelineToPartialPeer(1);
    const reported = sdkPartialSuccesses();
    const sdk = sdkTraces('http/json', httpUrl);
    for (let i = 0; i < 3; i++) sdk.tracer.startSpan(`span ${i}`).end();
    await sdk.flush();
    await sdk.shutdown();
    expect(reported).toEqual([{ rejectedSpans: '1', errorMessage: 'node "out": the peer rejected 1 of 3 items: too old for this peer' }]);
  });

  it('answers an empty success when nothing was rejected, and when the client does not wait for the result', async () => {
    const all = await pipelineToPartialPeer(0);
    const proto = await fetch(`${all.httpUrl}/v1/logs`, { method: 'POST', body: logsProto(['a', 'b']), headers: { 'Content-Type': 'application/x-protobuf' } });
    expect([proto.status, (await proto.arrayBuffer()).byteLength]).toEqual([200, 0]);
    const json = await fetch(`${all.httpUrl}/v1/logs`, { method: 'POST', body: JSON.stringify(logsJson(['c'])), headers: { 'Content-Type': 'application/json' } });
    expect([json.status, await json.text()]).toEqual([200, '{}']);

    const notWaiting = await pipelineToPartialPeer(2, { waitForResult: false });
    const early = await fetch(`${notWaiting.httpUrl}/v1/logs`, { method: 'POST', body: JSON.stringify(logsJson(['d', 'e', 'f'])), headers: { 'Content-Type': 'application/json' } });
    // Answered before the export: there is nothing to tell yet.
    expect([early.status, await early.text()]).toEqual([200, '{}']);
    await until(() => notWaiting.runtime.counters().out?.itemsDropped === 2, 5000, 'the rejection counted downstream');
  });

  it('never tells a client of more rejected items than it sent when a batch merged its request with others', async () => {
    // One batch of 6 items from two requests of 3; the peer rejects 4 of the batch and cannot say whose.
    const { httpUrl } = await pipelineToPartialPeer(4, { batch: true });
    const send = (bodies: string[]) =>
      fetch(`${httpUrl}/v1/logs`, { method: 'POST', body: JSON.stringify(logsJson(bodies)), headers: { 'Content-Type': 'application/json' } }).then((r) => r.json());
    const answers = await Promise.all([send(['a', 'b', 'c']), send(['d', 'e', 'f'])]);
    const message = 'node "out": the peer rejected 4 of 6 items: too old for this peer';
    expect(answers).toEqual([
      { partialSuccess: { rejectedLogRecords: '3', errorMessage: message } },
      { partialSuccess: { rejectedLogRecords: '3', errorMessage: message } },
    ]);
  });
});
