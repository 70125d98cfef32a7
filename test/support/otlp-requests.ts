// Small OTLP requests for tests, encoded with the engine's schema, and a raw HTTP/1.1 client that shows exactly what
// the server answered (status, headers, body) on a connection the test controls.
import http from 'node:http';
import { ExportLogsServiceRequest, ExportTraceServiceRequest } from '../../src/pdata/otlp-schema.js';

/** OTLP/JSON ExportLogsServiceRequest with one string-bodied record per entry. */
export function logsJson(bodies: string[]): Record<string, unknown> {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'test' } }] },
        scopeLogs: [
          {
            scope: { name: 'test' },
            logRecords: bodies.map((body, i) => ({
              timeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i)),
              severityNumber: 9,
              body: { stringValue: body },
              traceId: '0af7651916cd43dd8448eb211c80319c',
              spanId: 'b7ad6b7169203331',
            })),
          },
        ],
      },
    ],
  };
}

export function logsProto(bodies: string[]): Uint8Array {
  const request = logsJson(bodies) as { resourceLogs: { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[] };
  for (const record of request.resourceLogs[0]!.scopeLogs[0]!.logRecords) {
    record.traceId = Buffer.from(record.traceId as string, 'hex');
    record.spanId = Buffer.from(record.spanId as string, 'hex');
  }
  return ExportLogsServiceRequest.encode(request).finish();
}

export function tracesProto(names: string[]): Uint8Array {
  return ExportTraceServiceRequest.encode({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: names.map((name, i) => ({
              traceId: Buffer.alloc(16, i + 1),
              spanId: Buffer.alloc(8, i + 1),
              name,
              kind: 2,
              startTimeUnixNano: 1_700_000_000_000_000_000n.toString(),
              endTimeUnixNano: 1_700_000_000_100_000_000n.toString(),
            })),
          },
        ],
      },
    ],
  }).finish();
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: http.OutgoingHttpHeaders;
  body?: Uint8Array | string | Uint8Array[];
  agent?: http.Agent;
}

/** One HTTP/1.1 request; a body given as an array of chunks is sent chunked, one write per chunk. */
export function rawRequest(baseUrl: string, options: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}${options.path}`,
      { method: options.method ?? 'POST', headers: options.headers, agent: options.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (Array.isArray(options.body)) {
      for (const chunk of options.body) req.write(chunk);
      req.end();
    } else {
      req.end(options.body);
    }
  });
}
