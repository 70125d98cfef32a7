// An OTLP/HTTP sink for tests: a real server on 127.0.0.1:0 that accepts POST /v1/logs, /v1/traces and /v1/metrics
// (protobuf or JSON, optionally gzip), decodes every request and records what arrived, in arrival order.
//
//   const sink = await startOtlpSink();
//   // point an exporter at sink.url (a base URL: `/v1/<signal>` is appended per signal) …
//   await sink.waitFor(() => sink.logs.length >= 100);
//   expect(new Set(sink.logs).size).toBe(sink.logs.length);   // nothing twice
//   await sink.close();
//
// Answers 200 with an empty Export*ServiceResponse unless `respond` says otherwise (to test retries and refusals);
// refused requests are counted in `refused` and not recorded. Malformed requests get 400 and count in `malformed`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import type { Signal } from '../../src/pipeline/pdata.js';
import { otlpJsonToProto, otlpProtoToJson } from '../../src/pdata/json.js';

const ROUTES: Record<string, Signal> = { '/v1/logs': 'logs', '/v1/traces': 'traces', '/v1/metrics': 'metrics' };

export interface OtlpSinkOptions {
  /** Listen on this port (default: a free one), e.g. to bring a sink back where an exporter points. */
  port?: number;
  /** Status for the n-th request (0-based, counting every request); undefined or 200 means accept. */
  respond?: (request: { signal: Signal; index: number }) => { status: number; retryAfterSeconds?: number } | undefined;
}

export interface OtlpSink {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** Log record bodies: string bodies as they are, other values as their OTLP/JSON AnyValue text. */
  logs: string[];
  /** Span names. */
  spans: string[];
  /** One metric name per data point. */
  metrics: string[];
  /** Headers of every accepted request (e.g. to check an Authorization header). */
  headers: http.IncomingHttpHeaders[];
  /** Every accepted request as protobuf bytes and as canonical OTLP/JSON, for field-by-field comparisons. */
  received: Array<{ signal: Signal; payload: Uint8Array; json: Record<string, unknown> }>;
  /** Requests accepted (answered 200). */
  readonly requests: number;
  /** Requests answered with the status `respond` chose. */
  readonly refused: number;
  /** Requests answered 400 because they did not decode. */
  readonly malformed: number;
  /** Polls `check` every 10 ms until it returns true; rejects after `timeoutMs`. */
  waitFor(check: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

function bodyText(body: unknown): string {
  const value = (body ?? {}) as Json;
  return typeof value.stringValue === 'string' ? value.stringValue : JSON.stringify(value);
}

function record(sink: { logs: string[]; spans: string[]; metrics: string[] }, signal: Signal, request: Json): void {
  if (signal === 'logs') {
    for (const rl of list(request.resourceLogs))
      for (const sl of list(rl.scopeLogs)) for (const lr of list(sl.logRecords)) sink.logs.push(bodyText(lr.body));
  } else if (signal === 'traces') {
    for (const rs of list(request.resourceSpans))
      for (const ss of list(rs.scopeSpans)) for (const span of list(ss.spans)) sink.spans.push(String(span.name ?? ''));
  } else {
    for (const rm of list(request.resourceMetrics))
      for (const sm of list(rm.scopeMetrics))
        for (const metric of list(sm.metrics)) {
          for (const kind of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']) {
            const points = list((metric[kind] as Json | undefined)?.dataPoints);
            for (let i = 0; i < points.length; i++) sink.metrics.push(String(metric.name ?? ''));
          }
        }
  }
}

async function readAll(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return /gzip/i.test(req.headers['content-encoding'] ?? '') ? zlib.gunzipSync(raw) : raw;
}

export async function startOtlpSink(options: OtlpSinkOptions = {}): Promise<OtlpSink> {
  const seen = { logs: [] as string[], spans: [] as string[], metrics: [] as string[] };
  const headers: http.IncomingHttpHeaders[] = [];
  const received: OtlpSink['received'] = [];
  let requests = 0;
  let refused = 0;
  let malformed = 0;
  let index = 0;

  const server = http.createServer((req, res) => {
    void (async () => {
      const signal = ROUTES[(req.url ?? '').split('?')[0] ?? ''];
      const json = /json/i.test(req.headers['content-type'] ?? '');
      const reply = (status: number, body: string | Uint8Array, extra: http.OutgoingHttpHeaders = {}): void => {
        res.writeHead(status, { 'Content-Type': json ? 'application/json' : 'application/x-protobuf', ...extra });
        res.end(body);
      };
      if (req.method !== 'POST' || signal === undefined) return reply(404, json ? '{}' : '');
      let body: Buffer;
      try {
        body = await readAll(req);
      } catch {
        malformed++;
        return reply(400, json ? '{"code":3,"message":"bad body"}' : '');
      }
      const choice = options.respond?.({ signal, index: index++ });
      if (choice && choice.status !== 200) {
        refused++;
        const extra = choice.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(choice.retryAfterSeconds) };
        return reply(choice.status, json ? '{"code":14,"message":"refused by test sink"}' : '', extra);
      }
      const proto = json ? otlpJsonToProto(signal, body) : ({ ok: true, payload: body } as const);
      const decoded = proto.ok ? otlpProtoToJson(signal, proto.payload) : proto;
      if (!decoded.ok) {
        malformed++;
        return reply(400, json ? JSON.stringify({ code: 3, message: decoded.reason }) : '');
      }
      record(seen, signal, decoded.json);
      received.push({ signal, payload: proto.ok ? proto.payload : body, json: decoded.json as Record<string, unknown> });
      headers.push(req.headers);
      requests++;
      reply(200, json ? '{}' : '');
    })();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    ...seen,
    headers,
    received,
    get requests() {
      return requests;
    },
    get refused() {
      return refused;
    },
    get malformed() {
      return malformed;
    },
    async waitFor(check, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > until) throw new Error(`sink waited ${timeoutMs} ms (requests: ${requests})`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
