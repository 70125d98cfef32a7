// `data_source: semantic_conventions`: spans from the registry's span groups, metrics from its metric groups and log
// records from its event groups, cycling through the groups (see semconv-catalogue.ts for where the registry comes
// from). Signal i of a batch is group i modulo their number, attribute values its examples in turn.
import type { Signal } from '../../../pipeline/pdata.js';
import { attribute, double, id, message, string, time, uvarint, type Part, type Scalar } from './parts.js';
import { EVENT_GROUPS, METRIC_GROUPS, SPAN_GROUPS, type CatalogueAttribute, type Example } from './semconv-catalogue.js';
import { items, request, type Template } from './template.js';

const RESOURCE: ReadonlyArray<readonly [string, Scalar]> = [['traffic_generator', 'v1']];
const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
const SPAN_DURATION_NS = 10_000;
const SEVERITY_INFO = 9;

function example(attr: CatalogueAttribute, i: number): Scalar {
  const examples = attr.slice(1) as Example[];
  return examples[i % examples.length] as Scalar;
}

function attributes(field: number, attrs: readonly CatalogueAttribute[], i: number): Part[] {
  return attrs.map((a) => attribute(field, a[0], example(a, i)));
}

function span(i: number): Part {
  const group = SPAN_GROUPS[i % SPAN_GROUPS.length] as (typeof SPAN_GROUPS)[number];
  const round = Math.floor(i / SPAN_GROUPS.length);
  return message(
    2,
    id(1, 'traceId'),
    id(2, 'spanId'),
    string(5, group.id),
    uvarint(6, SPAN_KIND[group.kind]),
    time(7),
    time(8, SPAN_DURATION_NS),
    ...attributes(9, group.attributes, round),
    ...group.events.map((name) => message(11, time(1), string(2, name))),
  );
}

function metric(i: number): Part {
  const group = METRIC_GROUPS[i % METRIC_GROUPS.length] as (typeof METRIC_GROUPS)[number];
  const attrs = attributes(7, group.attributes, Math.floor(i / METRIC_GROUPS.length));
  const header = [string(1, group.name), string(2, group.brief), string(3, group.unit)];
  // One data point of value 1 per metric; AGGREGATION_TEMPORALITY_UNSPECIFIED (0) is left out, as protobuf does.
  const numberPoint = message(1, time(3), double(4, 1), ...attrs);
  switch (group.instrument) {
    case 'counter':
      return message(2, ...header, message(7, numberPoint, uvarint(3, 1)));
    case 'updowncounter':
      return message(2, ...header, message(7, numberPoint));
    case 'gauge':
      return message(2, ...header, message(5, numberPoint));
    case 'histogram': {
      // HistogramDataPoint keeps its attributes in field 9.
      const point = message(1, time(3), ...attributes(9, group.attributes, Math.floor(i / METRIC_GROUPS.length)));
      return message(2, ...header, message(9, point));
    }
  }
}

function logRecord(i: number): Part {
  const group = EVENT_GROUPS[i % EVENT_GROUPS.length] as (typeof EVENT_GROUPS)[number];
  return message(
    2,
    time(1),
    uvarint(2, SEVERITY_INFO),
    message(5, string(1, '')), // body: the registry's events carry none here
    ...attributes(6, group.attributes, Math.floor(i / EVENT_GROUPS.length)),
    time(11),
    string(12, group.name), // event_name
  );
}

export function semconvTemplate(signal: Signal, count: number): Template {
  switch (signal) {
    case 'logs':
      return { signal, signals: count, items: count, part: request(RESOURCE, items(count, logRecord)) };
    case 'traces':
      return { signal, signals: count, items: count, part: request(RESOURCE, items(count, span)) };
    case 'metrics':
      return { signal, signals: count, items: count, part: request(RESOURCE, items(count, metric)) };
  }
}
