// JSON Schemas of the telemetry answers (`/telemetry/metrics?format=json|json_compact`, `/telemetry/logs`), in
// upstream's wire shapes (snake_case; attribute values tagged by type). Mirrors src/state/telemetry-types.ts.
import { ref, type JsonSchema } from './json-schema.js';

const timestamp: JsonSchema = { type: 'string', format: 'date-time' };
const count: JsonSchema = { type: 'integer', minimum: 0 };
const nullableCount: JsonSchema = { type: ['integer', 'null'], minimum: 0 };
const tagged = (name: string, schema: JsonSchema): JsonSchema => ({ type: 'object', required: [name], additionalProperties: false, properties: { [name]: schema } });
const attributes: JsonSchema = { type: 'object', additionalProperties: ref('AttributeValue') };

export const telemetrySchemas: Record<string, JsonSchema> = {
  AttributeValue: {
    description: "Upstream's attribute value: one key naming its type.",
    oneOf: [tagged('String', { type: 'string' }), tagged('Int', { type: 'integer' }), tagged('Double', { type: 'number' }), tagged('Boolean', { type: 'boolean' })],
  },
  MetricsResponse: {
    type: 'object',
    required: ['timestamp', 'metric_sets'],
    additionalProperties: false,
    properties: {
      timestamp,
      metric_sets: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'brief', 'attributes', 'metrics'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', examples: ['engine', 'pipeline', 'otap_engine'] },
            brief: { type: 'string' },
            attributes,
            metrics: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'unit', 'brief', 'instrument', 'value_type', 'value'],
                additionalProperties: false,
                properties: {
                  name: { type: 'string' },
                  unit: { type: 'string' },
                  brief: { type: 'string' },
                  instrument: { enum: ['counter', 'gauge'] },
                  temporality: { enum: ['cumulative'] },
                  value_type: { enum: ['u64', 'f64'] },
                  value: { type: 'number' },
                },
              },
            },
          },
        },
      },
    },
  },
  CompactMetricsResponse: {
    type: 'object',
    required: ['timestamp', 'metric_sets'],
    additionalProperties: false,
    properties: {
      timestamp,
      metric_sets: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'attributes', 'metrics'],
          additionalProperties: false,
          properties: {
            name: { type: 'string' },
            attributes,
            metrics: { type: 'object', description: 'Metric name → value.', additionalProperties: { type: 'number' } },
          },
        },
      },
    },
  },
  LogsResponse: {
    type: 'object',
    required: ['oldest_seq', 'newest_seq', 'next_seq', 'truncated_before_seq', 'dropped_on_ingest', 'dropped_on_retention', 'retained_bytes', 'logs'],
    additionalProperties: false,
    properties: {
      oldest_seq: nullableCount,
      newest_seq: nullableCount,
      next_seq: { ...count, description: 'Pass it as `after` to read what comes next.' },
      truncated_before_seq: { ...nullableCount, description: 'Set when entries after `after` were dropped before this read: the oldest retained one.' },
      dropped_on_ingest: count,
      dropped_on_retention: count,
      retained_bytes: count,
      logs: { type: 'array', items: ref('LogEntry') },
    },
  },
  LogEntry: {
    type: 'object',
    required: ['seq', 'timestamp', 'level', 'target', 'event_name', 'file', 'line', 'rendered', 'contexts'],
    additionalProperties: false,
    properties: {
      seq: count,
      timestamp,
      level: { enum: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] },
      target: { type: 'string', description: 'The component that wrote the line (`controller`, `admin`, `pipeline`, `listeners`, ...).' },
      event_name: { type: 'string', description: 'The line\'s message.' },
      file: { type: 'null' },
      line: { type: 'null' },
      rendered: { type: 'string' },
      contexts: {
        type: 'array',
        items: {
          type: 'object',
          required: ['entity_key', 'schema_name', 'attributes'],
          additionalProperties: false,
          properties: { entity_key: { type: 'string' }, schema_name: { type: ['string', 'null'] }, attributes },
        },
      },
    },
  },
  StreamLogs: {
    description: 'The data of an event `logs` of `GET /api/v1/events`: the log tap is off, or its new lines, oldest first.',
    oneOf: [
      { type: 'object', required: ['tap'], additionalProperties: false, properties: { tap: { const: 'off' } } },
      {
        type: 'object',
        required: ['tap', 'logs', 'truncatedBeforeSeq'],
        additionalProperties: false,
        properties: {
          tap: { const: 'on' },
          logs: { type: 'array', items: ref('LogEntry') },
          truncatedBeforeSeq: { ...nullableCount, description: 'Lines before this one were dropped from the tap before they could be sent.' },
        },
      },
    ],
  },
};
