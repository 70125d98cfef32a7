// The requests a traffic generator sends: one template per (signal, batch size), encoded once. Field numbers are
// those of the OTLP protos (see src/pdata/schema); a test decodes the result with the schema.
import type { Signal } from '../../../pipeline/pdata.js';
import {
  concat,
  fixed32,
  fixed64,
  forItem,
  id,
  message,
  seqString,
  string,
  stringAttribute,
  uvarint,
  type Part,
} from './parts.js';

export interface Template {
  signal: Signal;
  items: number;
  part: Part;
}

const SEVERITY_INFO = 9;
const SPAN_KIND_SERVER = 2;
const SPAN_DURATION_NS = 1_000_000;

function logRecord(source: string): Part {
  return concat([
    fixed64(1, 'time'), // time_unix_nano
    fixed64(11, 'time'), // observed_time_unix_nano
    uvarint(2, SEVERITY_INFO), // severity_number
    string(3, 'INFO'), // severity_text
    message(5, seqString(1, `${source} log `)), // body: AnyValue{string_value}
    stringAttribute(6, 'generator', source), // attributes
    fixed32(8, 1), // flags: sampled
    id(9, 'traceId'),
    id(10, 'spanId'),
  ]);
}

function span(source: string): Part {
  return concat([
    id(1, 'traceId'),
    id(2, 'spanId'),
    seqString(5, `${source} span `), // name
    uvarint(6, SPAN_KIND_SERVER), // kind
    fixed64(7, 'time'), // start_time_unix_nano
    fixed64(8, 'time', SPAN_DURATION_NS), // end_time_unix_nano
    stringAttribute(9, 'generator', source), // attributes
  ]);
}

function dataPoint(): Part {
  return concat([
    message(7, string(1, 'seq'), message(2, seqString(1, ''))), // attributes: KeyValue{seq: AnyValue{string_value}}
    fixed64(2, 'time'), // start_time_unix_nano
    fixed64(3, 'time'), // time_unix_nano
    fixed64(6, 'seqInt'), // as_int
  ]);
}

function resource(source: string): Part {
  return message(1, stringAttribute(1, 'service.name', 'otap-traffic-generator'), stringAttribute(1, 'generator', source));
}

const scope = message(1, string(1, 'otap-engine/traffic-generator'), string(2, '0.1.0'));

function repeatedItems(items: number, build: (item: number) => Part): Part[] {
  return Array.from({ length: items }, (_, i) => forItem(build(i), i));
}

/** `source` names the generator in every item (body, span name, attribute) so downstream can tell sources apart. */
export function buildTemplate(signal: Signal, items: number, source: string): Template {
  let part: Part;
  switch (signal) {
    case 'logs':
      // ExportLogsServiceRequest.resource_logs → ResourceLogs.scope_logs → ScopeLogs.log_records
      part = message(1, resource(source), message(2, scope, ...repeatedItems(items, () => message(2, logRecord(source)))));
      break;
    case 'traces':
      part = message(1, resource(source), message(2, scope, ...repeatedItems(items, () => message(2, span(source)))));
      break;
    case 'metrics': {
      // Metric{name, gauge: Gauge{data_points}}: one gauge whose data points are the items.
      const gauge = message(5, ...repeatedItems(items, () => message(1, dataPoint())));
      const metric = message(2, string(1, 'traffic_generator.sequence'), string(3, '1'), gauge);
      part = message(1, resource(source), message(2, scope, metric));
      break;
    }
  }
  return { signal, items, part };
}
