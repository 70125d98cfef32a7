// OTLP/gRPC on connections the supervisor accepted: a grpc-js Server that never binds, fed through a connection
// injector. Payloads pass through as the received bytes (identity (de)serializers); only the wire scan looks inside.
import type { Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { SIGNALS, type Signal } from '../../../pipeline/pdata.js';
import { GRPC_EXPORT_PATHS } from '../../../pdata/otlp-schema.js';
import type { Admission, Admitter } from './admission.js';
import type { RequestAuth } from './auth.js';
import { deliveredBody, retryStatusDetails } from './responses.js';

const RETRY_AFTER_SECONDS = 1;
const EMPTY_RESPONSE = Buffer.alloc(0);
const identity = (b: Buffer): Buffer => b;

export interface OtlpGrpcOptions {
  maxRecvBytes: number;
  admitter: Admitter;
  logger: Logger;
  /** Present when the receiver binds an authorizer. */
  auth?: RequestAuth;
}

/**
 * The OTLP Export service of `signal` with identity (de)serializers: payloads pass through as their bytes. Servers in
 * tests use it too, so that they speak exactly what this receiver speaks.
 */
export function exportService(signal: Signal): grpc.ServiceDefinition {
  return {
    Export: {
      path: GRPC_EXPORT_PATHS[signal],
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
}

function refusal(message: string): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', retryStatusDetails(grpc.status.RESOURCE_EXHAUSTED, message, RETRY_AFTER_SECONDS));
  return { code: grpc.status.RESOURCE_EXHAUSTED, details: message, metadata };
}

export class OtlpGrpcServer {
  private readonly server: grpc.Server;
  private readonly injector: grpc.ConnectionInjector;
  private shutdown: Promise<void> | undefined;
  private deadline = 0;
  /** Takes connections that raced the routing switch; see accept(). */
  private lateInjector: grpc.ConnectionInjector | undefined;

  constructor(private readonly options: OtlpGrpcOptions) {
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': options.maxRecvBytes,
    });
    for (const signal of SIGNALS) {
      this.server.addService(exportService(signal), {
        Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) =>
          this.authenticated(signal, call, callback),
      });
    }
    this.injector = this.server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  }

  accept(socket: Socket): void {
    if (!this.shutdown) {
      this.injector.injectConnection(socket);
      socket.resume();
      return;
    }
    // A connection that raced the routing switch is told to go at once: GOAWAY before any stream, so its client
    // retries the calls on a new connection, which reaches a serving instance. It needs an injector of its own:
    // grpc-js stops tracking the sessions of an injector once tryShutdown closed it, and could not GOAWAY them.
    this.lateInjector ??= this.server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    this.lateInjector.injectConnection(socket);
    socket.resume();
    this.lateInjector.drain(Math.max(0, this.deadline - Date.now()));
  }

  /** GOAWAY to every connection; calls in flight finish; resolves when all sessions closed, or at the deadline. */
  drain(deadline: number): Promise<void> {
    this.deadline = deadline;
    this.shutdown ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, Math.max(0, deadline - Date.now()));
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.shutdown;
  }

  stop(): Promise<void> {
    this.server.forceShutdown();
    return Promise.resolve();
  }

  private authenticated(signal: Signal, call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>): void {
    const { auth } = this.options;
    if (!auth) return this.export(signal, call.request, callback);
    const header = call.metadata.get('authorization')[0];
    void auth.check(typeof header === 'string' ? header : undefined, 'grpc').then((decision) => {
      if (decision.ok) return this.export(signal, call.request, callback);
      callback({ code: grpc.status.UNAUTHENTICATED, details: 'missing or invalid credentials' });
    });
  }

  private export(signal: Signal, request: Buffer, callback: grpc.sendUnaryData<Buffer>): void {
    let admission: Admission;
    try {
      admission = this.options.admitter.admit(signal, request);
    } catch (error) {
      // grpc-js does not catch a handler's throw; answering INTERNAL keeps the instance up.
      this.options.logger.error({ err: error }, 'OTLP/gRPC request failed unexpectedly');
      return callback({ code: grpc.status.INTERNAL, details: 'internal error' });
    }
    switch (admission.kind) {
      case 'accepted':
        if (!admission.result) return callback(null, EMPTY_RESPONSE);
        return void admission.result.then((outcome) =>
          outcome.ok ? callback(null, deliveredBody(signal, 'protobuf', outcome)) : callback({ code: grpc.status.UNAVAILABLE, details: `data not delivered: ${outcome.reason}` }),
        );
      case 'invalid':
        return callback({ code: grpc.status.INVALID_ARGUMENT, details: `malformed ${signal} request: ${admission.reason}` });
      case 'full':
        return callback(refusal('pipeline is full, retry later'));
    }
  }
}
