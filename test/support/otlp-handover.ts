// Reproduces the supervisor's socket handover in-process: a listener on 127.0.0.1:0 accepts with pauseOnConnect and
// gives every connection to `receiver.accept(listenerId, socket)`, exactly what the instance does with a socket it
// received over IPC.
import net from 'node:net';
import type { Receiver } from '../../src/pipeline/node.js';

export interface Handover {
  /** `127.0.0.1:<port>` */
  address: string;
  port: number;
  /** Connections handed over so far. */
  readonly connections: number;
  /** Stops accepting; connections already handed over belong to the receiver. */
  close(): Promise<void>;
}

/**
 * `receiver` may be a function: it is asked for the serving receiver at every connection, which is how a test switches
 * routing from an old generation to a new one before draining the old.
 */
export async function handOver(receiver: Receiver | (() => Receiver), listenerId: string): Promise<Handover> {
  let connections = 0;
  const serving = typeof receiver === 'function' ? receiver : () => receiver;
  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    connections++;
    serving().accept(listenerId, socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
