// OTLP metrics requests made by the official SDK: sdk-metrics aggregates real instruments (sum, gauge, explicit and
// exponential histograms) and otlp-transformer serializes them, as the SDK's metric exporters would.
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';


class CollectingReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

export interface SdkMetricsRequest {
  protobuf: Uint8Array;
  json: Uint8Array;
  /** Data points in the request. */
  points: number;
  /** Metric names in it. */
  names: string[];
}

/** Records `series` attribute sets on five instruments and serializes one collection. */
export async function sdkMetricsRequest(series = 3): Promise<SdkMetricsRequest> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'otap-engine-test' }),
    readers: [reader],
    views: [{ instrumentName: 'latency.exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('otap-engine-test');
  const counter = meter.createCounter('requests');
  const upDown = meter.createUpDownCounter('queue.depth');
  const histogram = meter.createHistogram('latency');
  const exponential = meter.createHistogram('latency.exp');
  const gauge = meter.createObservableGauge('temperature');
  gauge.addCallback((result) => {
    for (let s = 0; s < series; s++) result.observe(20 + s, { series: s });
  });
  for (let s = 0; s < series; s++) {
    counter.add(s + 1, { series: s });
    upDown.add(-s, { series: s });
    histogram.record(s * 10 + 0.5, { series: s });
    exponential.record(s + 0.25, { series: s });
  }
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return encode(resourceMetrics, series);
}

function encode(resourceMetrics: ResourceMetrics, series: number): SdkMetricsRequest {
  const protobuf = ProtobufMetricsSerializer.serializeRequest(resourceMetrics);
  const json = JsonMetricsSerializer.serializeRequest(resourceMetrics);
  if (!protobuf || !json) throw new Error('otlp-transformer could not serialize the metrics');
  const names = resourceMetrics.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.descriptor.name));
  return { protobuf, json, points: names.length * series, names };
}
