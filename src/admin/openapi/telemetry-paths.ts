// Paths of the engine's own telemetry: metrics in upstream's formats, and the in-memory log tap.
import { ref } from './json-schema.js';
import { errorResponses, jsonContent, jsonResponse, type OpenApiObject } from './responses.js';

const metricsParameters: OpenApiObject[] = [
  {
    name: 'format',
    in: 'query',
    required: false,
    description: "Upstream's formats: Prometheus text (the default), `json` (each metric with its metadata), `json_compact` (name → value) or InfluxDB `line_protocol`.",
    schema: { enum: ['prometheus', 'json', 'json_compact', 'line_protocol'], default: 'prometheus' },
  },
  {
    name: 'keep_all_zeroes',
    in: 'query',
    required: false,
    description: 'Keep metric sets whose values are all zero (left out by default, as upstream).',
    schema: { type: 'boolean', default: false },
  },
  {
    name: 'reset',
    in: 'query',
    required: false,
    description: 'Only `false`: counters here are cumulative and shared by every reader, so they are never reset (`true` answers 400).',
    schema: { type: 'boolean', default: false },
  },
];

function metrics(operationId: string, summary: string): OpenApiObject {
  return {
    get: {
      tags: ['status'],
      operationId,
      summary,
      description:
        'Per pipeline, core, generation and node counters, per instance resources, operations and admin request latencies. ' +
        'In the JSON formats they are grouped into metric sets: `engine` and `pipeline` (upstream\'s names: `cpu.utilization`, ' +
        '`memory.rss`) and `otap_engine` (the Prometheus families, one set per label set; histograms as `_count` and `_sum`).',
      parameters: metricsParameters,
      responses: {
        '200': {
          description: 'In the format asked for.',
          content: {
            'text/plain; version=0.0.4': { schema: { type: 'string', description: 'Prometheus text, or line protocol with `format=line_protocol`.' } },
            ...jsonContent({ oneOf: [ref('MetricsResponse'), ref('CompactMetricsResponse')] }),
          },
        },
        ...errorResponses(['InvalidQueryParameter']),
      },
    },
  };
}

export const telemetryPaths: Record<string, OpenApiObject> = {
  '/api/v1/metrics': metrics('getMetrics', 'Metrics (the same as /telemetry/metrics)'),
  '/api/v1/telemetry/metrics': metrics('getTelemetryMetrics', 'Metrics'),
  '/api/v1/telemetry/logs': {
    get: {
      tags: ['status'],
      operationId: 'getTelemetryLogs',
      summary: 'Recent engine log lines (the in-memory log tap)',
      description:
        'Needs `engine.telemetry.logs.tap.enabled: true`. Keeps the supervisor\'s lines and its admin API\'s, and the lines ' +
        'instances send to the supervisor (provider `its`), bounded by `max_entries` and `max_bytes`.',
      parameters: [
        { name: 'after', in: 'query', required: false, description: 'Only entries with a greater `seq` (the previous answer\'s `next_seq`); without it, the newest.', schema: { type: 'integer', minimum: 0 } },
        { name: 'limit', in: 'query', required: false, description: 'At most this many entries (clamped to 1-1000).', schema: { type: 'integer', minimum: 0, default: 100 } },
      ],
      responses: {
        '200': jsonResponse('The entries and the tap\'s counters.', ref('LogsResponse')),
        ...errorResponses(['InvalidQueryParameter', 'LogTapDisabled']),
      },
    },
  },
};
