// receiver:otlp: OTLP over gRPC and HTTP/1.1 on connections the supervisor hands over. Both protocols share one
// admission step (wire scan → tryEmit), so a request is validated, counted and refused the same way on either.
import type { Socket } from 'node:net';
import type { NodeContext, NodeInstance, Receiver } from '../../../pipeline/node.js';
import type { BearerTokenAuthorizer, NodeCapabilities } from '../../../extensions/capabilities.js';
import { Admitter, noAdmissions, type AdmissionStats } from './admission.js';
import { RequestAuth } from './auth.js';
import type { OtlpReceiverConfig } from './descriptor.js';
import { OtlpGrpcServer } from './grpc-receiver.js';
import { OtlpHttpServer } from './http-receiver.js';
import { parseByteSize } from '../../../config/duration.js';

type State = 'created' | 'started' | 'draining' | 'stopped';

export class OtlpReceiver implements Receiver {
  private state: State = 'created';
  private admitter: Admitter | undefined;
  private http: OtlpHttpServer | undefined;
  private grpc: OtlpGrpcServer | undefined;

  constructor(
    private readonly name: string,
    private readonly config: OtlpReceiverConfig,
    /** Bound through `capabilities: { bearer_token_authorizer: <extension> }`: requests it refuses get 401 / UNAUTHENTICATED. */
    private readonly authorizer?: BearerTokenAuthorizer,
  ) {}

  async start(ctx: NodeContext): Promise<void> {
    if (this.state !== 'created') throw new Error(`receiver ${this.name}: start() in state ${this.state}`);
    const admitter = new Admitter(ctx, this.config.wait_for_result);
    const auth = this.authorizer ? new RequestAuth(this.authorizer, ctx) : undefined;
    const { grpc, http } = this.config.protocols;
    if (http) {
      this.http = new OtlpHttpServer({
        maxBodyBytes: parseByteSize(http.max_request_body_size),
        admitter,
        logger: ctx.logger,
        ...(auth ? { auth } : {}),
      });
    }
    if (grpc) {
      this.grpc = new OtlpGrpcServer({
        maxRecvBytes: parseByteSize(grpc.max_recv_msg_size),
        admitter,
        logger: ctx.logger,
        ...(auth ? { auth } : {}),
      });
    }
    this.admitter = admitter;
    this.state = 'started';
  }

  accept(listenerId: string, socket: Socket): void {
    const server =
      listenerId === `${this.name}/http` ? this.http : listenerId === `${this.name}/grpc` ? this.grpc : undefined;
    if (server === undefined || this.state === 'created' || this.state === 'stopped') {
      socket.destroy();
      throw new Error(`receiver ${this.name} (${this.state}) cannot take a connection for listener ${listenerId}`);
    }
    // While draining, a connection that raced the routing switch is still served (HTTP answers with
    // Connection: close; gRPC sessions end at the deadline), rather than reset.
    server.accept(socket);
  }

  async drain(deadline: number): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'draining';
    await Promise.all([this.http?.drain(deadline), this.grpc?.drain(deadline)]);
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    await Promise.all([this.http?.stop(), this.grpc?.stop()]);
  }

  /** What the receiver admitted and refused so far (all zero before start). */
  stats(): AdmissionStats {
    return this.admitter?.stats() ?? noAdmissions();
  }
}

export function createOtlpReceiver(name: string, config: Record<string, unknown>, capabilities: NodeCapabilities = {}): NodeInstance {
  const node = new OtlpReceiver(name, config as unknown as OtlpReceiverConfig, capabilities.bearer_token_authorizer);
  return { kind: 'receiver', node };
}
