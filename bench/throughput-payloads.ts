// Request bodies for the throughput bench: OTLP/HTTP protobuf logs and traces requests of 512 records each, about 300
// encoded bytes a record, with the attributes a real service sends. Encoded with protobufjs' Writer straight from the
// OTLP field numbers (opentelemetry-proto v1), so they share no code with the engine that decodes them. A seeded
// generator makes every run send the same bytes.
import protobuf from 'protobufjs';

type Writer = protobuf.Writer;

export const RECORDS_PER_REQUEST = 512;

/** The attribute the rename pipelines rename: present on every log record and span. */
export const RENAME = { source_key: 'http.method', destination_key: 'http.request.method' } as const;
/** Severity mix of the log records: 1 in 8 is DEBUG, which `min_severity: INFO` drops. */
export const LOG_DROP_FRACTION = 1 / 8;
/** Spans whose `http.route` is this one (1 in 8) are dropped by the traces filter. */
export const HEALTHZ_ROUTE = '/healthz';
export const SPAN_DROP_FRACTION = 1 / 8;

// Wire types.
const LEN = 2;
const I64 = 1;
const I32 = 5;
const VARINT = 0;
const tag = (w: Writer, field: number, wireType: number) => w.uint32((field << 3) | wireType);

/** A small deterministic generator (xorshift32), so runs are comparable byte for byte. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return {
    int: (n: number) => next() % n,
    pick: <T>(list: readonly T[]) => list[next() % list.length]!,
    bytes: (n: number) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = next() & 0xff;
      return out;
    },
  };
}

type Value = string | number | boolean | { double: number };

function anyValue(w: Writer, field: number, v: Value): void {
  tag(w, field, LEN).fork();
  if (typeof v === 'string') tag(w, 1, LEN).string(v); // AnyValue.string_value
  else if (typeof v === 'boolean') tag(w, 2, VARINT).bool(v); // bool_value
  else if (typeof v === 'number') tag(w, 3, VARINT).int64(v); // int_value
  else tag(w, 4, I64).double(v.double); // double_value
  w.ldelim();
}

function keyValue(w: Writer, field: number, key: string, v: Value): void {
  tag(w, field, LEN).fork();
  tag(w, 1, LEN).string(key); // KeyValue.key
  anyValue(w, 2, v); // KeyValue.value
  w.ldelim();
}

/** fixed64 as two little-endian fixed32 words: exact for nanosecond timestamps, which do not fit a double. */
function fixed64(w: Writer, field: number, value: bigint): void {
  tag(w, field, I64);
  w.fixed32(Number(value & 0xffffffffn)).fixed32(Number(value >> 32n));
}

const SERVICES = ['checkout', 'orders', 'payments', 'inventory'] as const;

function resource(w: Writer, field: number, service: string, instance: number): void {
  tag(w, field, LEN).fork(); // Resource
  keyValue(w, 1, 'service.name', service);
  keyValue(w, 1, 'service.version', '2.14.3');
  keyValue(w, 1, 'service.instance.id', `${service}-7d9f8c6b5-${instance.toString(36).padStart(5, 'x')}`);
  keyValue(w, 1, 'host.name', `ip-10-12-${instance % 7}-${instance % 250}.eu-west-1.compute.internal`);
  keyValue(w, 1, 'deployment.environment', 'prod');
  keyValue(w, 1, 'telemetry.sdk.language', 'java');
  keyValue(w, 1, 'telemetry.sdk.name', 'opentelemetry');
  keyValue(w, 1, 'k8s.namespace.name', 'shop');
  keyValue(w, 1, 'k8s.pod.name', `${service}-7d9f8c6b5-${instance.toString(36)}`);
  w.ldelim();
}

function scope(w: Writer, field: number, name: string): void {
  tag(w, field, LEN).fork(); // InstrumentationScope
  tag(w, 1, LEN).string(name);
  tag(w, 2, LEN).string('1.38.0');
  w.ldelim();
}

const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'] as const;
const ROUTES = ['/api/v1/orders/{id}', '/api/v1/cart/{id}/items', '/api/v1/products', '/api/v1/payments/{id}/capture'] as const;
const STATUSES = [200, 200, 200, 200, 201, 204, 404, 500] as const;

/** Severity of log record `i`: 1 in 8 DEBUG (5), 1 in 8 WARN (13), 1 in 16 ERROR (17), the rest INFO (9). */
function severity(i: number): [number, string] {
  if (i % 8 === 0) return [5, 'DEBUG'];
  if (i % 8 === 1) return [13, 'WARN'];
  if (i % 16 === 2) return [17, 'ERROR'];
  return [9, 'INFO'];
}

/** One ExportLogsServiceRequest: one resource, one scope, `records` log records. */
export function encodeLogsRequest(seed: number, records = RECORDS_PER_REQUEST): Buffer {
  const r = rng(seed);
  const w = protobuf.Writer.create();
  const t0 = BigInt(Date.now()) * 1_000_000n;
  tag(w, 1, LEN).fork(); // ExportLogsServiceRequest.resource_logs
  resource(w, 1, r.pick(SERVICES), seed);
  tag(w, 2, LEN).fork(); // ResourceLogs.scope_logs
  scope(w, 1, 'com.example.shop.http');
  for (let i = 0; i < records; i++) {
    const [sevNumber, sevText] = severity(i);
    const method = r.pick(METHODS);
    const route = r.pick(ROUTES);
    const status = r.pick(STATUSES);
    const id = 10_000 + r.int(90_000);
    const user = `u-${100_000 + r.int(900_000)}`;
    const ms = 1 + r.int(400);
    const t = t0 + BigInt(i) * 1_000_000n + BigInt(r.int(1_000_000));
    tag(w, 2, LEN).fork(); // ScopeLogs.log_records
    fixed64(w, 1, t); // LogRecord.time_unix_nano
    fixed64(w, 11, t + 150_000n); // observed_time_unix_nano
    tag(w, 2, VARINT).int32(sevNumber); // severity_number
    tag(w, 3, LEN).string(sevText); // severity_text
    anyValue(w, 5, `${method} ${route.replace('{id}', String(id))} ${status} in ${ms} ms for ${user}`); // body
    keyValue(w, 6, RENAME.source_key, method); // attributes
    keyValue(w, 6, 'http.route', route);
    keyValue(w, 6, 'http.status_code', status);
    keyValue(w, 6, 'client.address', `10.${r.int(256)}.${r.int(256)}.${r.int(256)}`);
    keyValue(w, 6, 'enduser.id', user);
    keyValue(w, 6, 'duration_ms', { double: ms + r.int(1000) / 1000 });
    tag(w, 8, I32).fixed32(1); // flags (sampled)
    tag(w, 9, LEN).bytes(r.bytes(16)); // trace_id
    tag(w, 10, LEN).bytes(r.bytes(8)); // span_id
    w.ldelim();
  }
  w.ldelim();
  w.ldelim();
  return Buffer.from(w.finish());
}

/** One ExportTraceServiceRequest: one resource, one scope, `spans` server spans; 1 in 8 is a health check. */
export function encodeTracesRequest(seed: number, spans = RECORDS_PER_REQUEST): Buffer {
  const r = rng(seed);
  const w = protobuf.Writer.create();
  const t0 = BigInt(Date.now()) * 1_000_000n;
  tag(w, 1, LEN).fork(); // ExportTraceServiceRequest.resource_spans
  resource(w, 1, r.pick(SERVICES), seed);
  tag(w, 2, LEN).fork(); // ResourceSpans.scope_spans
  scope(w, 1, 'io.opentelemetry.tomcat-10.0');
  for (let i = 0; i < spans; i++) {
    const method = r.pick(METHODS);
    const route = i % 8 === 3 ? HEALTHZ_ROUTE : r.pick(ROUTES);
    const status = r.pick(STATUSES);
    const id = 10_000 + r.int(90_000);
    const start = t0 + BigInt(i) * 1_000_000n + BigInt(r.int(1_000_000));
    const duration = BigInt(50_000 + r.int(400_000_000));
    tag(w, 2, LEN).fork(); // ScopeSpans.spans
    tag(w, 1, LEN).bytes(r.bytes(16)); // Span.trace_id
    tag(w, 2, LEN).bytes(r.bytes(8)); // span_id
    tag(w, 4, LEN).bytes(r.bytes(8)); // parent_span_id
    tag(w, 5, LEN).string(`${method} ${route}`); // name
    tag(w, 6, VARINT).int32(2); // kind: SERVER
    fixed64(w, 7, start); // start_time_unix_nano
    fixed64(w, 8, start + duration); // end_time_unix_nano
    keyValue(w, 9, RENAME.source_key, method); // attributes
    keyValue(w, 9, 'http.route', route);
    keyValue(w, 9, 'url.path', route.replace('{id}', String(id)));
    keyValue(w, 9, 'http.status_code', status);
    keyValue(w, 9, 'server.address', 'shop.example.com');
    keyValue(w, 9, 'client.address', `10.${r.int(256)}.${r.int(256)}.${r.int(256)}`);
    tag(w, 15, LEN).fork(); // status
    tag(w, 3, VARINT).int32(status >= 500 ? 2 : 0); // Status.code
    w.ldelim();
    tag(w, 16, I32).fixed32(1); // flags
    w.ldelim();
  }
  w.ldelim();
  w.ldelim();
  return Buffer.from(w.finish());
}

export type BenchSignal = 'logs' | 'traces';

/** `count` distinct requests of one signal (different seeds), what the load cycles through. */
export function requestSet(signal: BenchSignal, count: number): Buffer[] {
  const encode = signal === 'logs' ? encodeLogsRequest : encodeTracesRequest;
  return Array.from({ length: count }, (_, i) => encode(0x5eed + i * 7919));
}
