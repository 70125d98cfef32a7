// A load client that streams OTLP/HTTP protobuf log requests over keep-alive connections and remembers exactly which
// records were acknowledged with a 2xx. Encoded with protobufjs' Writer straight from the OTLP field numbers, so it
// does not share code with the engine it checks.
import http from 'node:http';
import protobuf from 'protobufjs';

/** A log record as the encoder takes it: a body, and boolean attributes if any. */
export type LogLine = string | { body: string; flags: Record<string, boolean> };

export function encodeLogsRequest(records: LogLine[]): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).fork(); // ExportLogsServiceRequest.resource_logs
  w.uint32((2 << 3) | 2).fork(); // ResourceLogs.scope_logs
  for (const record of records) {
    const { body, flags } = typeof record === 'string' ? { body: record, flags: {} } : record;
    w.uint32((2 << 3) | 2).fork(); // ScopeLogs.log_records
    w.uint32((1 << 3) | 1).fixed64(Date.now() * 1_000_000); // LogRecord.time_unix_nano
    w.uint32((5 << 3) | 2).fork().uint32((1 << 3) | 2).string(body).ldelim(); // LogRecord.body = AnyValue{string_value}
    for (const [key, value] of Object.entries(flags)) {
      // LogRecord.attributes = KeyValue{key, value: AnyValue{bool_value}}
      w.uint32((6 << 3) | 2).fork().uint32((1 << 3) | 2).string(key).uint32((2 << 3) | 2).fork().uint32((2 << 3) | 0).bool(value).ldelim().ldelim();
    }
    w.ldelim();
  }
  w.ldelim();
  w.ldelim();
  return w.finish();
}

export interface LoadResult {
  acked: string[];
  refused: number;
  errors: number;
  requests: number;
}

export interface Load {
  stop(): Promise<LoadResult>;
  result: LoadResult;
}

/**
 * `connections` keep-alive clients, each sending one request of `perRequest` records at a time until stopped, and
 * waiting `pauseMs` (default 0) after each answer: a bounded rate, for tests whose peer must catch up afterwards.
 */
export function streamLogs(url: string, options: { connections?: number; perRequest?: number; prefix?: string; pauseMs?: number } = {}): Load {
  const connections = options.connections ?? 4;
  const pauseMs = options.pauseMs ?? 0;
  const perRequest = options.perRequest ?? 10;
  const prefix = options.prefix ?? 'rec';
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const result: LoadResult = { acked: [], refused: 0, errors: 0, requests: 0 };
  let running = true;
  let seq = 0;
  const worker = async () => {
    while (running) {
      const bodies = Array.from({ length: perRequest }, () => `${prefix}-${seq++}`);
      const status = await post(agent, `${url}/v1/logs`, encodeLogsRequest(bodies)).catch(() => 0);
      result.requests += 1;
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
      if (status >= 200 && status < 300) result.acked.push(...bodies);
      else if (status === 429 || status === 503) result.refused += 1;
      else {
        result.errors += 1;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const workers = Array.from({ length: connections }, worker);
  return {
    result,
    stop: async () => {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return result;
    },
  };
}

export function post(agent: http.Agent, url: string, body: Uint8Array, contentType = 'application/x-protobuf'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}
