// Load generator of the throughput bench, run as its own process (`taskset -c 1 node --import tsx
// bench/throughput-load.ts`, driven over IPC). It pre-encodes a set of OTLP/HTTP protobuf requests and sends them over
// N keep-alive connections, one request in flight per connection (a closed loop: as fast as the server answers). The
// HTTP/1.1 client is a few lines over net.Socket: each request is one pre-built buffer (head + body) written at once,
// and answers are parsed only as far as the status code, Content-Length and `Connection: close`; node:http's client
// would spend the core this process has on objects per request.
//
// Protocol (IPC): parent → child `{ type: 'go' }` starts the load, `{ type: 'mark' }` ends the warm-up (counters and
// latencies restart), `{ type: 'stop' }` stops it; child → parent `{ type: 'ready', ... }` once the requests are encoded
// and every connection is open, `{ type: 'result', ... }` after `stop`.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { RECORDS_PER_REQUEST, requestSet, type BenchSignal } from './throughput-payloads.js';

export interface LoadConfig {
  host: string;
  port: number;
  signal: BenchSignal;
  connections: number;
  /** Distinct pre-encoded requests the connections cycle through. */
  distinctRequests: number;
}

export interface LoadReport {
  /** ms between `mark` and `stop` on this process's clock */
  elapsedMs: number;
  requests: number;
  /** answered 2xx */
  okRequests: number;
  /** records in requests answered 2xx */
  okRecords: number;
  recordsPerSec: number;
  bytesPerSec: number;
  /** answers by non-2xx status code */
  non2xx: Record<string, number>;
  /** connection errors, resets and closes with a request in flight (the request is not counted as answered) */
  errors: number;
  reconnects: number;
  /** latency of answered requests (any status), ms */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** records answered 2xx in each whole second of the window */
  perSecond: number[];
  /** CPU of this process over the window, % of one core */
  cpuPercent: number;
  requestBytes: number;
  recordsPerRequest: number;
}

type Message = { type: 'go' } | { type: 'mark' } | { type: 'stop' };

const CRLF2 = Buffer.from('\r\n\r\n');

class Stats {
  requests = 0;
  okRequests = 0;
  okRecords = 0;
  okBytes = 0;
  errors = 0;
  reconnects = 0;
  non2xx = new Map<number, number>();
  latencies = new Float64Array(1 << 16);
  count = 0;
  perSecond: number[] = [];
  constructor(readonly origin: number) {}

  answered(status: number, sentAt: number, now: number, records: number, bytes: number): void {
    this.requests++;
    if (this.count === this.latencies.length) {
      const grown = new Float64Array(this.latencies.length * 2);
      grown.set(this.latencies);
      this.latencies = grown;
    }
    this.latencies[this.count++] = now - sentAt;
    if (status >= 200 && status < 300) {
      this.okRequests++;
      this.okRecords += records;
      this.okBytes += bytes;
      const second = Math.floor((now - this.origin) / 1000);
      while (this.perSecond.length <= second) this.perSecond.push(0);
      this.perSecond[second]! += records;
    } else {
      this.non2xx.set(status, (this.non2xx.get(status) ?? 0) + 1);
    }
  }
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

class Connection {
  private socket: net.Socket | undefined;
  private pending: Buffer | undefined;
  private sentAt = 0;
  private sentBytes = 0;
  private inFlight = false;
  private next: number;

  constructor(
    private readonly gen: LoadGenerator,
    index: number,
  ) {
    this.next = index % gen.requests.length;
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.gen.config.host, port: this.gen.config.port });
      socket.setNoDelay(true);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.on('error', () => undefined); // 'close' follows and does the accounting
        resolve();
      });
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      socket.on('close', () => this.onClose(socket));
      this.socket = socket;
      this.pending = undefined;
    });
  }

  send(): void {
    if (!this.gen.running || this.inFlight || this.socket === undefined) return;
    const request = this.gen.requests[this.next]!;
    this.next = (this.next + 1) % this.gen.requests.length;
    this.inFlight = true;
    this.sentBytes = request.length;
    this.sentAt = performance.now();
    this.socket.write(request);
  }

  private onData(chunk: Buffer): void {
    let data = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const headEnd = data.indexOf(CRLF2);
      if (headEnd < 0) break;
      const head = data.toString('latin1', 0, headEnd);
      const status = Number(head.slice(9, 12));
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? -1);
      if (length < 0) {
        // Every server here answers with a Content-Length; anything else is an error and ends the connection.
        this.socket?.destroy();
        return;
      }
      const total = headEnd + 4 + length;
      if (data.length < total) break;
      data = data.subarray(total);
      const close = /\r\nconnection:\s*close/i.test(head);
      this.complete(status);
      if (close) {
        this.socket?.destroy();
        return;
      }
    }
    this.pending = data.length > 0 ? data : undefined;
  }

  private complete(status: number): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    this.gen.stats.answered(status, this.sentAt, performance.now(), RECORDS_PER_REQUEST, this.sentBytes);
    this.send();
  }

  private onClose(socket: net.Socket): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    if (this.inFlight) {
      this.inFlight = false;
      this.gen.stats.errors++;
    }
    if (!this.gen.running) return;
    this.gen.stats.reconnects++;
    setTimeout(() => {
      if (!this.gen.running) return;
      this.open().then(
        () => this.send(),
        () => this.onClose(socket),
      );
    }, 10);
  }

  close(): void {
    this.socket?.destroy();
  }
}

class LoadGenerator {
  readonly requests: Buffer[];
  readonly connections: Connection[];
  running = false;
  stats = new Stats(performance.now());
  private cpuAtMark = process.cpuUsage();

  constructor(readonly config: LoadConfig) {
    const host = `${config.host}:${config.port}`;
    this.requests = requestSet(config.signal, config.distinctRequests).map((body) =>
      Buffer.concat([
        Buffer.from(
          `POST /v1/${config.signal} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${body.length}\r\n\r\n`,
          'latin1',
        ),
        body,
      ]),
    );
    this.connections = Array.from({ length: config.connections }, (_, i) => new Connection(this, i));
  }

  async open(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.open()));
  }

  go(): void {
    this.running = true;
    for (const c of this.connections) c.send();
  }

  mark(): void {
    this.stats = new Stats(performance.now());
    this.cpuAtMark = process.cpuUsage();
  }

  stop(): LoadReport {
    const now = performance.now();
    const cpu = process.cpuUsage(this.cpuAtMark);
    this.running = false;
    for (const c of this.connections) c.close();
    const s = this.stats;
    const elapsedMs = now - s.origin;
    const sorted = s.latencies.slice(0, s.count).sort();
    let sum = 0;
    for (const x of sorted) sum += x;
    const wholeSeconds = Math.floor(elapsedMs / 1000);
    return {
      elapsedMs: round2(elapsedMs),
      requests: s.requests,
      okRequests: s.okRequests,
      okRecords: s.okRecords,
      recordsPerSec: Math.round((s.okRecords * 1000) / elapsedMs),
      bytesPerSec: Math.round((s.okBytes * 1000) / elapsedMs),
      non2xx: Object.fromEntries([...s.non2xx].map(([k, v]) => [String(k), v])),
      errors: s.errors,
      reconnects: s.reconnects,
      latencyMs: {
        p50: round2(percentile(sorted, 0.5)),
        p90: round2(percentile(sorted, 0.9)),
        p99: round2(percentile(sorted, 0.99)),
        max: round2(sorted.length ? sorted[sorted.length - 1]! : 0),
        mean: round2(sorted.length ? sum / sorted.length : 0),
      },
      perSecond: Array.from({ length: wholeSeconds }, (_, i) => s.perSecond[i] ?? 0),
      cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 100),
      requestBytes: Math.round(this.requests.reduce((n, r) => n + r.length, 0) / this.requests.length),
      recordsPerRequest: RECORDS_PER_REQUEST,
    };
  }
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]!) as LoadConfig;
  const gen = new LoadGenerator(config);
  await gen.open();
  process.on('message', (msg: Message) => {
    if (msg.type === 'go') gen.go();
    else if (msg.type === 'mark') gen.mark();
    else if (msg.type === 'stop') {
      const report = gen.stop();
      process.send!({ type: 'result', report }, () => process.disconnect());
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', requestBytes: gen.requests[0]!.length });
}

await main();
