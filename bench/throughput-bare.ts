// The baseline of the throughput bench: a bare node:http server that reads each request body, discards it and answers
// 200 with an empty body (what the engine's OTLP/HTTP receiver answers on success). It runs as plain JavaScript
// (`node --input-type=module -e BARE_SERVER_SOURCE`), without the TypeScript loader, so that its RSS and CPU compare
// with an engine instance, which runs compiled JavaScript too. It prints `{"port":N}` on stdout once listening and
// exits when its IPC channel closes.
export const BARE_SERVER_SOURCE = `
import http from 'node:http';
const server = http.createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': 0 });
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
process.on('disconnect', () => process.exit(0));
`;
