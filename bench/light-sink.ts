// A light OTLP/HTTP logs sink for benchmarks. It shares the bench process (and core) with the load generator, so it
// does the least it can: walk the protobuf to the log bodies (ExportLogsServiceRequest.resource_logs(1) →
// scope_logs(2) → log_records(2) → body(5) → string_value(1)) without decoding anything else, count each body and
// answer 200 with an empty body. The test sink (test/support/otlp-sink.ts) decodes every request to OTLP/JSON, which
// costs the load generator CPU it needs.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';

export interface LightSink {
  /** Base URL, `http://127.0.0.1:<port>`; the exporter appends `/v1/logs`. */
  url: string;
  /** Times a body arrived. */
  times(body: string): number;
  /** Every body that arrived at least once, with the times it did. */
  arrivals(): Iterable<[string, number]>;
  /** Records arrived, duplicates included. */
  readonly records: number;
  readonly requests: number;
  /** Requests that did not parse (answered 400). */
  readonly malformed: number;
  /** Resolves once no record arrived for `quietMs`, or after `timeoutMs`. */
  quiet(quietMs: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

type Reader = protobuf.Reader;

/** Calls `fn(start, end)` for every length-delimited `field` between the reader's position and `end`. */
function each(r: Reader, end: number, field: number, fn: (start: number, end: number) => void): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === field && (tag & 7) === 2) {
      const len = r.uint32();
      const start = r.pos;
      fn(start, start + len);
      r.pos = start + len;
    } else {
      r.skipType(tag & 7);
    }
  }
}

/** Calls `onBody(start, end)` with the byte range of every string log body in an ExportLogsServiceRequest. */
export function logBodies(buf: Buffer, onBody: (start: number, end: number) => void): void {
  const r = protobuf.Reader.create(buf);
  each(r, buf.length, 1, (_, rl) =>
    each(r, rl, 2, (_s, sl) => each(r, sl, 2, (_l, lr) => each(r, lr, 5, (_b, av) => each(r, av, 1, onBody)))),
  );
}

/**
 * Bodies of the form `<prefix>-<n>` (what the load sends) are counted by n in a byte array, read straight from the
 * request bytes: no string, no map entry per record, so the sink adds little work and little garbage to the core it
 * shares with the load. Any other body is kept as a string.
 */
export async function startLightSink(prefix: string): Promise<LightSink> {
  const head = Buffer.from(`${prefix}-`);
  let counts = new Uint8Array(1 << 20);
  const others = new Map<string, number>();
  let records = 0;
  let requests = 0;
  let malformed = 0;
  let lastArrival = Date.now();

  const count = (buf: Buffer, start: number, end: number) => {
    records++;
    let n = -1;
    if (end - start > head.length && buf.compare(head, 0, head.length, start, start + head.length) === 0) {
      n = 0;
      for (let i = start + head.length; i < end; i++) {
        const d = buf[i]! - 48;
        if (d < 0 || d > 9) {
          n = -1;
          break;
        }
        n = n * 10 + d;
      }
    }
    if (n < 0) {
      const body = buf.toString('utf8', start, end);
      others.set(body, (others.get(body) ?? 0) + 1);
      return;
    }
    if (n >= counts.length) {
      const grown = new Uint8Array(Math.max(counts.length * 2, n + 1));
      grown.set(counts);
      counts = grown;
    }
    if (counts[n]! < 255) counts[n]! += 1;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const buf = Buffer.concat(chunks);
      try {
        logBodies(buf, (start, end) => count(buf, start, end));
        requests++;
        lastArrival = Date.now();
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      } catch {
        malformed++;
        res.writeHead(400).end();
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const seqOf = (body: string): number => {
    if (!body.startsWith(head.toString())) return -1;
    const tail = body.slice(head.length);
    return /^\d+$/.test(tail) ? Number(tail) : -1;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    times(body) {
      const n = seqOf(body);
      return n < 0 ? (others.get(body) ?? 0) : (counts[n] ?? 0);
    },
    *arrivals() {
      for (let n = 0; n < counts.length; n++) if (counts[n]) yield [`${head.toString()}${n}`, counts[n]!] as [string, number];
      yield* others;
    },
    get records() {
      return records;
    },
    get requests() {
      return requests;
    },
    get malformed() {
      return malformed;
    },
    async quiet(quietMs, timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (Date.now() - lastArrival < quietMs && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
