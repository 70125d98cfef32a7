// opentelemetry/proto/metrics/v1/metrics.proto.
import type { INamespace } from 'protobufjs';
import { enumeration, message, namespace } from './define.js';

const KV = 'opentelemetry.proto.common.v1.KeyValue';

export const metricsV1: INamespace = namespace(['metrics', 'v1'], {
  MetricsData: message({ resourceMetrics: ['ResourceMetrics', 1, 'repeated'] }),
  ResourceMetrics: message({
    resource: ['opentelemetry.proto.resource.v1.Resource', 1],
    scopeMetrics: ['ScopeMetrics', 2, 'repeated'],
    schemaUrl: ['string', 3],
  }),
  ScopeMetrics: message({
    scope: ['opentelemetry.proto.common.v1.InstrumentationScope', 1],
    metrics: ['Metric', 2, 'repeated'],
    schemaUrl: ['string', 3],
  }),
  Metric: message(
    {
      name: ['string', 1],
      description: ['string', 2],
      unit: ['string', 3],
      gauge: ['Gauge', 5],
      sum: ['Sum', 7],
      histogram: ['Histogram', 9],
      exponentialHistogram: ['ExponentialHistogram', 10],
      summary: ['Summary', 11],
      metadata: [KV, 12, 'repeated'],
    },
    { data: ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] },
  ),
  Gauge: message({ dataPoints: ['NumberDataPoint', 1, 'repeated'] }),
  Sum: message({
    dataPoints: ['NumberDataPoint', 1, 'repeated'],
    aggregationTemporality: ['AggregationTemporality', 2],
    isMonotonic: ['bool', 3],
  }),
  Histogram: message({
    dataPoints: ['HistogramDataPoint', 1, 'repeated'],
    aggregationTemporality: ['AggregationTemporality', 2],
  }),
  ExponentialHistogram: message({
    dataPoints: ['ExponentialHistogramDataPoint', 1, 'repeated'],
    aggregationTemporality: ['AggregationTemporality', 2],
  }),
  Summary: message({ dataPoints: ['SummaryDataPoint', 1, 'repeated'] }),
  AggregationTemporality: enumeration({
    AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
    AGGREGATION_TEMPORALITY_DELTA: 1,
    AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
  }),
  DataPointFlags: enumeration({ DATA_POINT_FLAGS_DO_NOT_USE: 0, DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK: 1 }),
  NumberDataPoint: message(
    {
      attributes: [KV, 7, 'repeated'],
      startTimeUnixNano: ['fixed64', 2],
      timeUnixNano: ['fixed64', 3],
      asDouble: ['double', 4],
      asInt: ['sfixed64', 6],
      exemplars: ['Exemplar', 5, 'repeated'],
      flags: ['uint32', 8],
    },
    { value: ['asDouble', 'asInt'] },
  ),
  HistogramDataPoint: message({
    attributes: [KV, 9, 'repeated'],
    startTimeUnixNano: ['fixed64', 2],
    timeUnixNano: ['fixed64', 3],
    count: ['fixed64', 4],
    sum: ['double', 5, 'optional'],
    bucketCounts: ['fixed64', 6, 'repeated'],
    explicitBounds: ['double', 7, 'repeated'],
    exemplars: ['Exemplar', 8, 'repeated'],
    flags: ['uint32', 10],
    min: ['double', 11, 'optional'],
    max: ['double', 12, 'optional'],
  }),
  ExponentialHistogramDataPoint: message(
    {
      attributes: [KV, 1, 'repeated'],
      startTimeUnixNano: ['fixed64', 2],
      timeUnixNano: ['fixed64', 3],
      count: ['fixed64', 4],
      sum: ['double', 5, 'optional'],
      scale: ['sint32', 6],
      zeroCount: ['fixed64', 7],
      positive: ['Buckets', 8],
      negative: ['Buckets', 9],
      flags: ['uint32', 10],
      exemplars: ['Exemplar', 11, 'repeated'],
      min: ['double', 12, 'optional'],
      max: ['double', 13, 'optional'],
      zeroThreshold: ['double', 14],
    },
    {},
    { Buckets: message({ offset: ['sint32', 1], bucketCounts: ['uint64', 2, 'repeated'] }) },
  ),
  SummaryDataPoint: message(
    {
      attributes: [KV, 7, 'repeated'],
      startTimeUnixNano: ['fixed64', 2],
      timeUnixNano: ['fixed64', 3],
      count: ['fixed64', 4],
      sum: ['double', 5],
      quantileValues: ['ValueAtQuantile', 6, 'repeated'],
      flags: ['uint32', 8],
    },
    {},
    { ValueAtQuantile: message({ quantile: ['double', 1], value: ['double', 2] }) },
  ),
  Exemplar: message(
    {
      filteredAttributes: [KV, 7, 'repeated'],
      timeUnixNano: ['fixed64', 2],
      asDouble: ['double', 3],
      asInt: ['sfixed64', 6],
      spanId: ['bytes', 4],
      traceId: ['bytes', 5],
    },
    { value: ['asDouble', 'asInt'] },
  ),
});
