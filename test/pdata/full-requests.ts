// One request per signal that uses every field and every value type of OTLP, written in canonical OTLP/JSON (what
// otlpProtoToJson produces: 64-bit integers as strings, enums as numbers, ids as hex, other bytes as base64, no
// implicit-presence field at its default). Items: 2 log records, 2 spans, 9 metric data points.

const anyValues = [
  { key: 'string', value: { stringValue: 'text ✓' } },
  { key: 'bool.true', value: { boolValue: true } },
  { key: 'bool.false', value: { boolValue: false } },
  { key: 'int', value: { intValue: '-42' } },
  { key: 'int.zero', value: { intValue: '0' } },
  { key: 'int.max', value: { intValue: '9223372036854775807' } },
  { key: 'int.min', value: { intValue: '-9223372036854775808' } },
  { key: 'double', value: { doubleValue: 3.25 } },
  { key: 'double.nan', value: { doubleValue: 'NaN' } },
  { key: 'double.inf', value: { doubleValue: 'Infinity' } },
  { key: 'double.-inf', value: { doubleValue: '-Infinity' } },
  { key: 'bytes', value: { bytesValue: 'AAEC/w==' } },
  {
    key: 'array',
    value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, { arrayValue: { values: [{ boolValue: true }] } }, {}] } },
  },
  { key: 'kvlist', value: { kvlistValue: { values: [{ key: 'inner', value: { doubleValue: 0.5 } }, { key: 'empty' }] } } },
  { key: 'empty', value: {} },
];

const resource = {
  attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }, ...anyValues],
  droppedAttributesCount: 1,
  entityRefs: [{ schemaUrl: 'https://opentelemetry.io/schemas/1.30.0', type: 'service', idKeys: ['service.name'], descriptionKeys: ['service.version'] }],
};
const scope = { name: 'scope', version: '1.2.3', attributes: [{ key: 'scope.attr', value: { intValue: '7' } }], droppedAttributesCount: 2 };
const SCHEMA = 'https://opentelemetry.io/schemas/1.26.0';
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

export const fullLogs = {
  resourceLogs: [
    {
      resource,
      schemaUrl: SCHEMA,
      scopeLogs: [
        {
          scope,
          schemaUrl: SCHEMA,
          logRecords: [
            {
              timeUnixNano: '1700000000000000001',
              observedTimeUnixNano: '18446744073709551615',
              severityNumber: 17,
              severityText: 'ERROR',
              body: { kvlistValue: { values: anyValues } },
              attributes: anyValues,
              droppedAttributesCount: 3,
              flags: 1,
              traceId: TRACE_ID,
              spanId: SPAN_ID,
              eventName: 'app.event',
            },
            { body: { stringValue: 'second' } },
          ],
        },
      ],
    },
  ],
};

export const fullTraces = {
  resourceSpans: [
    {
      resource,
      schemaUrl: SCHEMA,
      scopeSpans: [
        {
          scope,
          schemaUrl: SCHEMA,
          spans: [
            {
              traceId: TRACE_ID,
              spanId: SPAN_ID,
              traceState: 'vendor=value',
              parentSpanId: 'eee19b7ec3c1b173',
              flags: 769,
              name: 'GET /items',
              kind: 2,
              startTimeUnixNano: '1700000000000000000',
              endTimeUnixNano: '1700000000500000000',
              attributes: anyValues,
              droppedAttributesCount: 4,
              events: [{ timeUnixNano: '1700000000100000000', name: 'event', attributes: anyValues.slice(0, 3), droppedAttributesCount: 5 }],
              droppedEventsCount: 6,
              links: [
                { traceId: TRACE_ID, spanId: 'eee19b7ec3c1b175', traceState: 'k=v', attributes: anyValues.slice(3, 5), droppedAttributesCount: 7, flags: 256 },
              ],
              droppedLinksCount: 8,
              status: { message: 'failed', code: 2 },
            },
            { traceId: TRACE_ID, spanId: 'eee19b7ec3c1b176', name: 'child', kind: 5, status: {} },
          ],
        },
      ],
    },
  ],
};

const exemplars = [
  { filteredAttributes: anyValues.slice(0, 2), timeUnixNano: '1700000000000000003', asDouble: 1.5, spanId: SPAN_ID, traceId: TRACE_ID },
  { timeUnixNano: '1700000000000000004', asInt: '-9' },
];
const times = { startTimeUnixNano: '1700000000000000000', timeUnixNano: '1700000060000000000' };

export const fullMetrics = {
  resourceMetrics: [
    {
      resource,
      schemaUrl: SCHEMA,
      scopeMetrics: [
        {
          scope,
          schemaUrl: SCHEMA,
          metrics: [
            {
              name: 'gauge',
              description: 'a gauge',
              unit: '1',
              metadata: [{ key: 'meta', value: { stringValue: 'data' } }],
              gauge: {
                dataPoints: [
                  { attributes: anyValues.slice(0, 1), ...times, asDouble: -2.5, exemplars, flags: 1 },
                  { ...times, asInt: '0' },
                ],
              },
            },
            {
              name: 'sum',
              sum: { dataPoints: [{ ...times, asInt: '9223372036854775807' }, { ...times, asDouble: 0 }], aggregationTemporality: 2, isMonotonic: true },
            },
            {
              name: 'histogram',
              unit: 'ms',
              histogram: {
                aggregationTemporality: 1,
                dataPoints: [
                  {
                    attributes: anyValues.slice(2, 4),
                    ...times,
                    count: '6',
                    sum: 0,
                    bucketCounts: ['1', '0', '5'],
                    explicitBounds: [0, 10.5],
                    exemplars,
                    flags: 1,
                    min: -1,
                    max: 0,
                  },
                  { ...times },
                ],
              },
            },
            {
              name: 'exponential',
              exponentialHistogram: {
                aggregationTemporality: 2,
                dataPoints: [
                  {
                    ...times,
                    count: '20',
                    sum: 123.25,
                    scale: -3,
                    zeroCount: '2',
                    positive: { offset: -2, bucketCounts: ['1', '18446744073709551615'] },
                    negative: { offset: 3, bucketCounts: ['4'] },
                    flags: 1,
                    exemplars,
                    min: -7,
                    max: 99,
                    zeroThreshold: 1e-9,
                  },
                  { ...times, positive: {}, negative: {} },
                ],
              },
            },
            {
              name: 'summary',
              summary: {
                dataPoints: [
                  { attributes: anyValues.slice(5, 7), ...times, count: '3', sum: 4.5, quantileValues: [{ quantile: 0.5, value: 1.5 }, { quantile: 1 }], flags: 1 },
                ],
              },
            },
          ],
        },
      ],
    },
  ],
};

export const FULL = { logs: fullLogs, traces: fullTraces, metrics: fullMetrics } as const;
export const FULL_ITEMS = { logs: 2, traces: 2, metrics: 9 } as const;
