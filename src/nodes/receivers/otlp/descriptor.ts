import Joi from 'joi';
import type { NodeDescriptor } from '../../descriptor.js';
import type { ListenerSpec } from '../../../pipeline/node.js';
import { byteSizeDefaulting, listenAddress } from '../../common-schemas.js';

export interface OtlpReceiverConfig {
  /** Answer a request only once the exporters acknowledged its data (503 / UNAVAILABLE when they could not). */
  wait_for_result: boolean;
  protocols: {
    grpc?: { listening_addr: string; max_recv_msg_size: number | string };
    http?: { listening_addr: string; max_request_body_size: number | string };
  };
}

export const otlpReceiver: NodeDescriptor = {
  urn: 'urn:otel:receiver:otlp',
  kind: 'receiver',
  capabilities: ['bearer_token_authorizer'],
  configSchema: Joi.object({
    protocols: Joi.object({
      grpc: Joi.object({
        listening_addr: listenAddress.required(),
        max_recv_msg_size: byteSizeDefaulting('4MiB'),
      }),
      http: Joi.object({
        listening_addr: listenAddress.required(),
        max_request_body_size: byteSizeDefaulting('4MiB'),
      }),
    })
      .or('grpc', 'http')
      .required(),
    wait_for_result: Joi.boolean().default(false),
  }),
  listeners(name, config): ListenerSpec[] {
    const { protocols } = config as unknown as OtlpReceiverConfig;
    const out: ListenerSpec[] = [];
    if (protocols.grpc) out.push({ id: `${name}/grpc`, protocol: 'grpc', address: protocols.grpc.listening_addr });
    if (protocols.http) out.push({ id: `${name}/http`, protocol: 'http', address: protocols.http.listening_addr });
    return out;
  },
};
