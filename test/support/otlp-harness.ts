// One receiver:otlp in-process behind handover listeners, with a TestContext collecting what it emits.
import { otlpReceiver } from '../../src/nodes/receivers/otlp/descriptor.js';
import { createOtlpReceiver, type OtlpReceiver } from '../../src/nodes/receivers/otlp/receiver.js';
import { createTestContext, type TestContext } from './otlp-context.js';
import { handOver, type Handover } from './otlp-handover.js';

export interface ReceiverHarness {
  receiver: OtlpReceiver;
  ctx: TestContext;
  /** Base URL of the HTTP listener, `http://127.0.0.1:<port>`. */
  httpUrl: string;
  /** Address of the gRPC listener, `127.0.0.1:<port>`. */
  grpcAddress: string;
  http: Handover;
  grpc: Handover;
  /** Stops the listeners and the receiver. */
  close(): Promise<void>;
}

/** `protocols` as in the node config; listening addresses are filled in (the harness owns the listeners). */
export async function startReceiver(
  protocols: { http?: Record<string, unknown>; grpc?: Record<string, unknown> } = { http: {}, grpc: {} },
  name = 'otlp',
): Promise<ReceiverHarness> {
  const config = {
    protocols: Object.fromEntries(
      Object.entries(protocols).map(([p, c]) => [p, { listening_addr: '127.0.0.1:0', ...c }]),
    ),
  };
  const validated = otlpReceiver.configSchema.validate(config);
  if (validated.error) throw validated.error;
  const instance = createOtlpReceiver(name, validated.value as Record<string, unknown>);
  if (instance.kind !== 'receiver') throw new Error('receiver:otlp is not a receiver');
  const receiver = instance.node as OtlpReceiver;
  const ctx = createTestContext(name);
  await receiver.start(ctx);
  const http = await handOver(receiver, `${name}/http`);
  const grpc = await handOver(receiver, `${name}/grpc`);
  return {
    receiver,
    ctx,
    httpUrl: `http://${http.address}`,
    grpcAddress: grpc.address,
    http,
    grpc,
    async close() {
      // The listeners count handed-over sockets as theirs: they close once the receiver has released them.
      await receiver.stop();
      await Promise.all([http.close(), grpc.close()]);
    },
  };
}
