// `data_source: synthetic`: small, realistic, deterministic messages, cheap to make. Record i of a batch is a
// function of i alone (bodies, severities and attribute values cycle), so a batch is encoded once per size and resource
// set; only times and ids change between fresh batches. Attribute and metric names follow the semantic conventions.
import type { Signal } from '../../../pipeline/pdata.js';
import type { TrafficConfig } from './config.js';
import {
  attribute,
  double,
  fixed32,
  fixed64Value,
  id,
  message,
  packedDouble,
  packedFixed64,
  packedVarint,
  sint32,
  string,
  time,
  uvarint,
  bool,
  type Part,
  type Scalar,
} from './parts.js';
import { items, request, type Template } from './template.js';

export type SyntheticOptions = Pick<
  TrafficConfig,
  'log_body_size_bytes' | 'num_log_attributes' | 'use_trace_context' | 'num_metric_attributes' | 'num_data_points_per_metric'
>;

const RESOURCE: ReadonlyArray<readonly [string, string]> = [
  ['service.name', 'load-generator'],
  ['service.version', '1.0.0'],
  ['service.instance.id', 'instance-001'],
];

/** The resource of a batch: the fixed attributes, then the rotation's set for this batch. */
export function syntheticResource(extra: Readonly<Record<string, string>> | undefined): Array<readonly [string, Scalar]> {
  return extra === undefined ? [...RESOURCE] : [...RESOURCE, ...Object.entries(extra)];
}

const THREADS = ['main', 'worker-1', 'worker-2', 'worker-3', 'io-0', 'io-1', 'scheduler', 'gc'];
const STATUS_CODES = [200, 200, 200, 204, 301, 400, 404, 500];
const VALUES = [
  '/v1/orders/checkout',
  '/v2/users/settings',
  'orders.internal.example.net',
  'cache-03.example.net',
  '1f0e7d6c-5b4a-4938-8271-605f4e3d2c1b',
  'req-7a6b5c4d',
  'shop.checkout.PaymentStep',
  'src/orders/handler.ts',
  'connection reset while reading the response header',
  'quota exceeded for tenant free-tier, retrying in 30s',
  'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
  'SELECT id, total FROM orders WHERE customer_id = $1 LIMIT 20',
  'eu-west-1',
  'checkout-7d9f8c-x2k4q',
  'application/x-protobuf',
  'ok',
];
const LOG_ATTRIBUTES = [
  'thread.id', 'thread.name', 'code.function.name', 'code.file.path', 'code.line.number', 'user.id', 'session.id',
  'http.request.method', 'http.response.status_code', 'http.route', 'url.path', 'server.address', 'server.port',
  'client.address', 'db.system.name', 'db.operation.name', 'messaging.system', 'rpc.method', 'cloud.region',
  'k8s.namespace.name', 'k8s.pod.name', 'container.name', 'host.name', 'deployment.environment.name',
  'service.namespace', 'error.type', 'feature_flag.key', 'network.protocol.name', 'os.type', 'process.pid',
];
const INT_ATTRIBUTES = new Set(['code.line.number', 'server.port', 'process.pid']);

/** Attribute `a` of record `i`: a few names have typed values, the rest cycle through string values. */
function attributeValue(name: string | undefined, a: number, i: number): Scalar {
  if (name === 'thread.id') return i % 16;
  if (name === 'thread.name') return THREADS[i % THREADS.length] as string;
  if (name === 'http.response.status_code') return STATUS_CODES[i % STATUS_CODES.length] as number;
  if (name === 'http.request.method') return ['GET', 'POST', 'PUT', 'DELETE'][i % 4] as string;
  if (name !== undefined && INT_ATTRIBUTES.has(name)) return 1000 + ((i * 7) % 500);
  return VALUES[(a * 7 + i) % VALUES.length] as string;
}

function attributes(field: number, names: readonly string[], count: number, overflow: string, i: number): Part[] {
  return Array.from({ length: count }, (_, a) => {
    const name = names[a];
    return attribute(field, name ?? `${overflow}_${a}`, attributeValue(name, a, i));
  });
}

const BODIES = [
  'order 4711 placed by customer 42: 3 items, total 59.90 EUR, paid by card',
  'user 1093 signed in through single sign-on after a second factor check',
  'cache refresh of the product catalogue took 182 ms and replaced 2311 entries',
  'query on orders scanned 12000 rows and returned 20 in 23 ms',
  'payment provider answered 502; the request will be retried in 4 s',
  'configuration reloaded from the key-value store: 12 keys changed',
  'health check passed: database, cache and queue all reachable',
  'request to /v2/orders refused: shipping address missing',
  'session of user 38 expired after 30 minutes without activity',
  'export job finished: 128450 rows written to object storage in 47 s',
  'rate limit reached for client 9284: 1001 requests in the last minute',
  'connection pool exhausted: 100 of 100 in use, 23 callers waiting',
  'upload of invoice-2031.pdf finished: 2.8 MB, scanned, no threat found',
  'feature flag new-checkout evaluated to on for the beta segment',
  'background job DataExport retried 2 times before it succeeded',
  'circuit breaker to the inventory service opened after 15 failures',
];
const SEVERITIES: ReadonlyArray<readonly [number, string]> = [
  [9, 'INFO'],
  [13, 'WARN'],
  [17, 'ERROR'],
];
/** Records keep the same body every this many: enough variety for a realistic compression ratio. */
const BODY_POOL = 512;

/** Body of record i when bodies are `size` bytes: a unique prefix, then built-in messages, cut to size. */
export function sizedBody(size: number, i: number): string {
  const slot = i % BODY_POOL;
  let body = `msg=${String(slot).padStart(4, '0')}`;
  for (let t = slot; body.length < size; t++) body += ` ${BODIES[t % BODIES.length]}`;
  return body.slice(0, size);
}

function logRecord(options: SyntheticOptions, i: number): Part {
  // 16 in 20 records are INFO, 3 WARN, 1 ERROR.
  const [severity, severityText] = SEVERITIES[i % 20 < 16 ? 0 : i % 20 < 19 ? 1 : 2] as readonly [number, string];
  const size = options.log_body_size_bytes;
  const body = size === 0 ? [] : [message(5, string(1, size == null ? (BODIES[i % BODIES.length] as string) : sizedBody(size, i)))];
  return message(
    2,
    time(1), // time_unix_nano
    time(11), // observed_time_unix_nano
    uvarint(2, severity),
    string(3, severityText),
    ...body,
    ...attributes(6, LOG_ATTRIBUTES, options.num_log_attributes ?? 2, 'attr', i),
    ...(options.use_trace_context ? [fixed32(8, 1), id(9, 'traceId'), id(10, 'spanId')] : []),
  );
}

const SPAN_ATTRIBUTES: ReadonlyArray<readonly [string, Scalar]> = [
  ['http.request.method', 'GET'],
  ['url.full', 'http://example.com/api'],
  ['http.response.status_code', 200],
  ['http.route', '/api'],
];
const SPAN_DURATION_NS = 10_000;

function span(): Part {
  return message(
    2,
    id(1, 'traceId'),
    id(2, 'spanId'),
    string(5, 'HTTP GET'),
    uvarint(6, 2), // SPAN_KIND_SERVER
    time(7),
    time(8, SPAN_DURATION_NS),
    ...SPAN_ATTRIBUTES.map(([k, v]) => attribute(9, k, v)),
  );
}

type MetricKind = 'counter' | 'updown' | 'gauge' | 'histogram' | 'exponential' | 'summary';
const METRICS: ReadonlyArray<readonly [string, string, MetricKind]> = [
  ['http.server.request.count', '{request}', 'counter'],
  ['http.client.request.count', '{request}', 'counter'],
  ['db.client.operation.count', '{operation}', 'counter'],
  ['messaging.client.sent.messages', '{message}', 'counter'],
  ['http.server.active_requests', '{request}', 'updown'],
  ['db.client.connection.count', '{connection}', 'updown'],
  ['process.cpu.utilization', '1', 'gauge'],
  ['process.memory.usage', 'By', 'gauge'],
  ['system.cpu.load_average.1m', '1', 'gauge'],
  ['http.server.request.duration', 'ms', 'histogram'],
  ['db.client.operation.duration', 'ms', 'histogram'],
  ['rpc.server.duration', 'ms', 'histogram'],
  ['messaging.process.duration', 'ms', 'exponential'],
  ['rpc.client.duration', 'ms', 'exponential'],
  ['runtime.gc.pause_duration', 'ms', 'summary'],
  ['http.server.response.duration', 'ms', 'summary'],
];
const METRIC_ATTRIBUTES = ['http.request.method', 'http.route', 'http.response.status_code', 'server.address', 'server.port', 'network.protocol.name', 'cloud.region', 'host.name'];
/** The OpenTelemetry SDKs' default explicit bucket boundaries. */
const BOUNDS = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
const BUCKETS = [
  [4, 30, 110, 190, 170, 80, 35, 12, 6, 3, 1, 1, 0, 0, 0, 0],
  [150, 120, 60, 12, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  [0, 1, 2, 6, 11, 24, 40, 75, 110, 80, 45, 20, 9, 4, 1, 0],
];
const GAUGES = [0.42, 1.5, 37.25, 256, 0.97, 4096, 0.08, 12.5];
const QUANTILES = [0, 0.5, 0.9, 0.99, 1];
const START_DELTA_NS = -10_000;

function numberPoint(p: number, j: number, attrs: number, monotonic: boolean): Part {
  const value = monotonic ? (p + 1) * 10 + j : (GAUGES[p % GAUGES.length] as number);
  return message(1, time(2, START_DELTA_NS), time(3), double(4, value), ...attributes(7, METRIC_ATTRIBUTES, attrs, 'metric_attr', p));
}

function histogramPoint(p: number, attrs: number): Part {
  const buckets = BUCKETS[p % BUCKETS.length] as number[];
  const count = buckets.reduce((a, b) => a + b, 0);
  const sum = buckets.reduce((a, c, b) => a + c * (BOUNDS[Math.min(b, BOUNDS.length - 1)] as number), 0);
  return message(1, time(2, START_DELTA_NS), time(3), fixed64Value(4, count), double(5, sum), packedFixed64(6, buckets), packedDouble(7, BOUNDS), ...attributes(9, METRIC_ATTRIBUTES, attrs, 'metric_attr', p), double(11, 0), double(12, 10000));
}

function exponentialPoint(p: number, attrs: number): Part {
  const buckets = BUCKETS[p % BUCKETS.length]?.slice(0, 8) as number[];
  const count = buckets.reduce((a, b) => a + b, 0) + 2;
  return message(1, ...attributes(1, METRIC_ATTRIBUTES, attrs, 'metric_attr', p), time(2, START_DELTA_NS), time(3), fixed64Value(4, count), double(5, count * 12.5), sint32(6, 3), fixed64Value(7, 2), message(8, sint32(1, (p % 3) - 1), packedVarint(2, buckets)));
}

function summaryPoint(p: number, attrs: number): Part {
  const scale = (p % 4) + 1;
  const quantiles = QUANTILES.map((q) => message(6, double(1, q), double(2, Math.round(q * 100 * scale) / 10)));
  return message(1, time(2, START_DELTA_NS), time(3), fixed64Value(4, (p + 1) * 100), double(5, (p + 1) * 480.5), ...quantiles, ...attributes(7, METRIC_ATTRIBUTES, attrs, 'metric_attr', p));
}

function metric(options: SyntheticOptions, i: number): Part {
  const [name, unit, kind] = METRICS[i % METRICS.length] as readonly [string, string, MetricKind];
  const dp = options.num_data_points_per_metric ?? 1;
  const attrs = options.num_metric_attributes ?? 3;
  // Point j of metric i varies with both, so points of one metric differ and so do metrics of one name.
  const points = (make: (p: number, j: number) => Part): Part[] => Array.from({ length: dp }, (_, j) => make(i * 31 + j, j));
  const header = [string(1, name), string(2, `${name} (synthetic)`), string(3, unit)];
  switch (kind) {
    case 'counter':
      return message(2, ...header, message(7, ...points((p, j) => numberPoint(p, j, attrs, true)), uvarint(2, 2), bool(3, true)));
    case 'updown':
      return message(2, ...header, message(7, ...points((p, j) => numberPoint(p, j, attrs, false)), uvarint(2, 1), bool(3, false)));
    case 'gauge':
      return message(2, ...header, message(5, ...points((p, j) => numberPoint(p, j, attrs, false))));
    case 'histogram':
      return message(2, ...header, message(9, ...points((p) => histogramPoint(p, attrs)), uvarint(2, 1)));
    case 'exponential':
      return message(2, ...header, message(10, ...points((p) => exponentialPoint(p, attrs)), uvarint(2, 1)));
    case 'summary':
      return message(2, ...header, message(11, ...points((p) => summaryPoint(p, attrs))));
  }
}

/** A synthetic message of `count` signals, with `extra` merged into its resource. */
export function syntheticTemplate(signal: Signal, count: number, options: SyntheticOptions, extra?: Readonly<Record<string, string>>): Template {
  const resource = syntheticResource(extra);
  switch (signal) {
    case 'logs':
      return { signal, signals: count, items: count, part: request(resource, items(count, (i) => logRecord(options, i))) };
    case 'traces':
      return { signal, signals: count, items: count, part: request(resource, items(count, () => span())) };
    case 'metrics':
      return {
        signal,
        signals: count,
        items: count * (options.num_data_points_per_metric ?? 1),
        part: request(resource, items(count, (i) => metric(options, i))),
      };
  }
}
