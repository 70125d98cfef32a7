// The OTLP Export services as grpc-js service definitions, with identity (de)serializers: payloads pass through as
// their bytes. The receiver serves them on node:http2 itself (grpc-server.ts); servers and clients in tests use these
// definitions, so that they speak exactly the paths the receiver serves.
import type * as grpc from '@grpc/grpc-js';
import { GRPC_EXPORT_PATHS } from '../../../pdata/otlp-paths.js';
import type { Signal } from '../../../pipeline/pdata.js';

const identity = (b: Buffer): Buffer => b;

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
