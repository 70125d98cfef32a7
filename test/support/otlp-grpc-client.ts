// A raw OTLP/gRPC client: sends already-encoded Export*ServiceRequest bytes and reports the outcome as a value, so
// tests can send exactly the bytes they want (malformed ones included) over a real HTTP/2 connection.
import * as grpc from '@grpc/grpc-js';
import type { Signal } from '../../src/pipeline/pdata.js';
import { GRPC_EXPORT_PATHS } from '../../src/pdata/otlp-schema.js';

export type GrpcOutcome = { ok: true } | { ok: false; code: grpc.status; details: string; metadata: grpc.Metadata };

const identity = (b: Buffer): Buffer => b;

export class RawOtlpGrpcClient {
  private readonly client: grpc.Client;

  /** `credentials`: TLS (grpc.credentials.createSsl) for a receiver with `tls`; plaintext when absent. */
  constructor(address: string, options: grpc.ClientOptions = {}, credentials = grpc.credentials.createInsecure()) {
    this.client = new grpc.Client(address, credentials, options);
  }

  /** `metadata` goes with the call (an `authorization` entry, for receivers that authenticate). */
  export(signal: Signal, payload: Uint8Array, metadata: grpc.Metadata = new grpc.Metadata()): Promise<GrpcOutcome> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        GRPC_EXPORT_PATHS[signal],
        identity,
        identity,
        Buffer.from(payload),
        metadata,
        (error: grpc.ServiceError | null) => {
          if (!error) resolve({ ok: true });
          else resolve({ ok: false, code: error.code, details: error.details, metadata: error.metadata });
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
