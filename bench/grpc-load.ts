// Load generator of the gRPC forwarding bench, run as its own process (`taskset -c 1 node --import tsx
// bench/grpc-load.ts <config>`, driven over IPC like bench/throughput-load.ts). It sends one pre-encoded, pre-gzipped
// OTLP ExportLogsServiceRequest over N HTTP/2 connections with S unary calls in flight on each (a closed loop: a call
// that ends starts the next one on the same connection). It is node:http2 with the gRPC framing written by hand (one
// 5-byte prefix, `grpc-encoding: gzip`), not a gRPC library, so that the client spends as little of its core as it can.
//
// Protocol (IPC): parent → child `{ type: 'go' }`, `{ type: 'mark' }` (end of warm-up), `{ type: 'stop' }`; child →
// parent `{ type: 'ready', ... }` once every connection is open, `{ type: 'result', report }` after `stop`.
import http2 from 'node:http2';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { encodeLogsRequest, RECORDS_PER_REQUEST } from './throughput-payloads.js';

export interface GrpcLoadConfig {
  host: string;
  port: number;
  connections: number;
  streamsPerConnection: number;
}

export interface GrpcLoadReport {
  elapsedMs: number;
  /** calls that ended (any way) */
  calls: number;
  /** calls answered grpc-status 0 */
  okCalls: number;
  recordsPerSec: number;
  /** calls answered with another grpc-status, by code */
  statuses: Record<string, number>;
  /** calls that ended without a grpc-status (reset, connection lost) */
  errors: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** records answered OK in each whole second of the window */
  perSecond: number[];
  /** CPU of this process over the window, % of one core */
  cpuPercent: number;
  /** the protobuf request, before gzip */
  requestBytes: number;
  /** what goes on the wire: the gzip of it */
  gzippedBytes: number;
  recordsPerRequest: number;
}

type Message = { type: 'go' } | { type: 'mark' } | { type: 'stop' };

const PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

class Stats {
  calls = 0;
  okCalls = 0;
  errors = 0;
  statuses = new Map<string, number>();
  latencies: number[] = [];
  perSecond: number[] = [];
  constructor(readonly origin: number) {}

  ended(status: string | undefined, sentAt: number, now: number): void {
    this.calls++;
    this.latencies.push(now - sentAt);
    if (status === '0') {
      this.okCalls++;
      const second = Math.floor((now - this.origin) / 1000);
      while (this.perSecond.length <= second) this.perSecond.push(0);
      this.perSecond[second]! += RECORDS_PER_REQUEST;
    } else if (status === undefined) this.errors++;
    else this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;

class GrpcLoad {
  running = false;
  stats = new Stats(performance.now());
  private cpuAtMark = process.cpuUsage();
  private sessions: http2.ClientHttp2Session[] = [];
  private readonly frame: Buffer;
  private readonly headers: http2.OutgoingHttpHeaders;
  readonly requestBytes: number;

  constructor(readonly config: GrpcLoadConfig) {
    const request = encodeLogsRequest(0x5eed);
    const gzipped = gzipSync(request);
    const prefix = Buffer.alloc(5);
    prefix[0] = 1; // compressed, with the grpc-encoding below
    prefix.writeUInt32BE(gzipped.length, 1);
    this.frame = Buffer.concat([prefix, gzipped]);
    this.requestBytes = request.length;
    this.headers = {
      ':method': 'POST',
      ':path': PATH,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-encoding': 'gzip',
      'grpc-accept-encoding': 'identity,gzip',
    };
  }

  async open(): Promise<void> {
    const origin = `http://${this.config.host}:${this.config.port}`;
    this.sessions = await Promise.all(
      Array.from(
        { length: this.config.connections },
        () =>
          new Promise<http2.ClientHttp2Session>((resolve, reject) => {
            const session = http2.connect(origin, { settings: { initialWindowSize: 8 * 1024 * 1024 } });
            session.once('connect', () => resolve(session));
            session.once('error', reject);
            session.on('error', () => undefined);
          }),
      ),
    );
  }

  go(): void {
    this.running = true;
    for (const session of this.sessions) for (let i = 0; i < this.config.streamsPerConnection; i++) this.call(session);
  }

  private call(session: http2.ClientHttp2Session): void {
    if (!this.running || session.closed || session.destroyed) return;
    const sentAt = performance.now();
    let status: string | undefined;
    const stream = session.request(this.headers, { endStream: false });
    stream.on('response', (headers) => {
      if (headers['grpc-status'] !== undefined) status = String(headers['grpc-status']);
    });
    stream.on('trailers', (trailers) => {
      if (trailers['grpc-status'] !== undefined) status = String(trailers['grpc-status']);
    });
    stream.on('data', () => undefined);
    stream.on('error', () => undefined);
    stream.on('close', () => {
      this.stats.ended(status, sentAt, performance.now());
      this.call(session);
    });
    stream.end(this.frame);
  }

  mark(): void {
    this.stats = new Stats(performance.now());
    this.cpuAtMark = process.cpuUsage();
  }

  stop(): GrpcLoadReport {
    const now = performance.now();
    const cpu = process.cpuUsage(this.cpuAtMark);
    this.running = false;
    for (const session of this.sessions) session.destroy();
    const s = this.stats;
    const elapsedMs = now - s.origin;
    const sorted = Float64Array.from(s.latencies).sort();
    const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : 0);
    return {
      elapsedMs: round2(elapsedMs),
      calls: s.calls,
      okCalls: s.okCalls,
      recordsPerSec: Math.round((s.okCalls * RECORDS_PER_REQUEST * 1000) / elapsedMs),
      statuses: Object.fromEntries(s.statuses),
      errors: s.errors,
      latencyMs: { p50: round2(at(0.5)), p99: round2(at(0.99)), max: round2(at(1)) },
      perSecond: Array.from({ length: Math.floor(elapsedMs / 1000) }, (_, i) => s.perSecond[i] ?? 0),
      cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 100),
      requestBytes: this.requestBytes,
      gzippedBytes: this.frame.length - 5,
      recordsPerRequest: RECORDS_PER_REQUEST,
    };
  }
}

async function main(): Promise<void> {
  const load = new GrpcLoad(JSON.parse(process.argv[2]!) as GrpcLoadConfig);
  await load.open();
  process.on('message', (msg: Message) => {
    if (msg.type === 'go') load.go();
    else if (msg.type === 'mark') load.mark();
    else if (msg.type === 'stop') {
      const report = load.stop();
      process.send!({ type: 'result', report }, () => process.disconnect());
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', requestBytes: load.requestBytes });
}

await main();
