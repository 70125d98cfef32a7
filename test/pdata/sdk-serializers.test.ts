// An independent check of the schema and of the JSON mapping: the OpenTelemetry SDK's own serializers
// (otlp-transformer) encode the same telemetry as protobuf and as OTLP/JSON; decoding the protobuf with our schema
// and converting the JSON with our mapping must give the same request, with the counts our wire scan finds.
import { describe, expect, it } from 'vitest';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { otlpJsonToProto, otlpProtoToJson } from '../../src/pdata/json.js';
import { scanRequest } from '../../src/pdata/wire.js';
import type { Signal } from '../../src/pipeline/pdata.js';
import { sdkMetricsRequest } from '../support/otlp-metrics.js';

const resource = resourceFromAttributes({ 'service.name': 'svc', 'host.cores': 2, 'tags': ['a', 'b'] });
const attributes = { s: 'text', i: 42, d: 1.5, b: false, list: [1, 2, 3] };

function viaProto(signal: Signal, bytes: Uint8Array | undefined) {
  const r = otlpProtoToJson(signal, bytes!);
  if (!r.ok) throw new Error(r.reason);
  return r.json;
}

function viaJson(signal: Signal, bytes: Uint8Array | undefined) {
  const proto = otlpJsonToProto(signal, bytes!);
  if (!proto.ok) throw new Error(proto.reason);
  return viaProto(signal, proto.payload);
}

describe('agreement with the SDK serializers', () => {
  it('logs', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
    const logger = provider.getLogger('scope', '2.0.0');
    logger.emit({ body: 'plain', severityNumber: SeverityNumber.INFO, severityText: 'INFO', attributes });
    logger.emit({ body: { nested: { deep: [1, 'two'] } }, eventName: 'app.event', timestamp: 1_700_000_000_123 });
    await provider.forceFlush();
    const records = exporter.getFinishedLogRecords();
    const proto = ProtobufLogsSerializer.serializeRequest(records);
    const json = JsonLogsSerializer.serializeRequest(records);
    expect(scanRequest('logs', proto!)).toEqual({ ok: true, items: 2 });
    const decoded = viaProto('logs', proto);
    expect(viaJson('logs', json)).toEqual(decoded);
    const log = (decoded as any).resourceLogs[0].scopeLogs[0].logRecords[1];
    expect(log.eventName).toBe('app.event');
    expect(log.timeUnixNano).toBe('1700000000123000000');
    await provider.shutdown();
  });

  it('traces', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('scope', '2.0.0');
    const parent = tracer.startSpan('parent', { kind: SpanKind.SERVER, attributes });
    parent.addEvent('event', { k: 'v' });
    parent.setStatus({ code: SpanStatusCode.ERROR, message: 'bad' });
    const child = tracer.startSpan('child', { kind: SpanKind.CLIENT, links: [{ context: parent.spanContext(), attributes: { l: 1 } }] });
    child.end();
    parent.end();
    const spans = exporter.getFinishedSpans();
    const proto = ProtobufTraceSerializer.serializeRequest(spans);
    const json = JsonTraceSerializer.serializeRequest(spans);
    expect(scanRequest('traces', proto!)).toEqual({ ok: true, items: 2 });
    const decoded = viaProto('traces', proto);
    expect(viaJson('traces', json)).toEqual(decoded);
    const [c, p] = (decoded as any).resourceSpans[0].scopeSpans[0].spans;
    expect(p.traceId).toBe(parent.spanContext().traceId);
    expect(c.links[0].spanId).toBe(parent.spanContext().spanId);
    expect(p.status).toEqual({ code: 2, message: 'bad' });
    await provider.shutdown();
  });

  it('metrics', async () => {
    const request = await sdkMetricsRequest(4);
    expect(scanRequest('metrics', request.protobuf)).toEqual({ ok: true, items: request.points });
    expect(viaJson('metrics', request.json)).toEqual(viaProto('metrics', request.protobuf));
  });
});
