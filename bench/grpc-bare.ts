// The baseline of the gRPC forwarding bench: a bare node:http2 server that reads each request, discards it and answers
// a gRPC OK (headers, one empty message, trailers with grpc-status 0), as the engine's receiver answers an Export. It
// runs as plain JavaScript (`node --input-type=module -e BARE_GRPC_SERVER_SOURCE`), without the TypeScript loader, so
// that its RSS and CPU compare with an engine instance. It prints `{"port":N}` once listening and exits when its IPC
// channel closes.
export const BARE_GRPC_SERVER_SOURCE = `
import http2 from 'node:http2';
const EMPTY_MESSAGE = Buffer.alloc(5);
const server = http2.createServer();
server.on('stream', (stream) => {
  stream.on('data', () => undefined);
  stream.on('error', () => undefined);
  stream.on('end', () => {
    // The client may have gone (the bench stops it with calls in flight).
    if (stream.destroyed || stream.closed) return;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(EMPTY_MESSAGE);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
process.on('disconnect', () => process.exit(0));
`;
