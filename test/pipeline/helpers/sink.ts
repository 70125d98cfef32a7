// A real OTLP/HTTP peer on port 0 whose answers the test scripts, recording every request it got.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

export interface SinkAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  delayMs?: number;
}

export interface Sink {
  url: string;
  requests: SinkRequest[];
  connections: number;
  answer: (req: SinkRequest, index: number) => SinkAnswer;
  close(): Promise<void>;
}

export async function startSink(answer: Sink['answer'] = () => ({ status: 200 })): Promise<Sink> {
  const server = http.createServer();
  const sink: Sink = {
    url: '',
    requests: [],
    connections: 0,
    answer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', () => sink.connections++);
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: SinkRequest = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: Date.now() };
      const index = sink.requests.push(recorded) - 1;
      const a = sink.answer(recorded, index);
      const reply = () => {
        res.writeHead(a.status, { 'content-type': 'application/x-protobuf', ...a.headers });
        res.end(a.body ?? '');
      };
      if (a.delayMs) setTimeout(reply, a.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sink;
}
