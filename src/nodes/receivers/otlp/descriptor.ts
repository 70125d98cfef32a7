import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import type { ListenerSpec } from '../../../pipeline/node.js';
import type { OtlpReceiverConfig } from './config.js';
import { grpcSettingsSchema, httpSettingsSchema, moved } from './settings-schema.js';

export type { OtlpReceiverConfig } from './config.js';

/** Host and port of `host:port` / `[v6]:port`. */
function hostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(address.slice(colon + 1)) };
}

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

/** As upstream: the two protocols cannot listen on the same port of the same (or every) interface. Port 0 picks two. */
function conflicting(grpc: string, http: string): boolean {
  const a = hostPort(grpc);
  const b = hostPort(http);
  if (a.port !== b.port || a.port === 0) return false;
  return a.host === b.host || UNSPECIFIED.has(a.host) || UNSPECIFIED.has(b.host);
}

export const otlpReceiver: NodeDescriptor = {
  urn: 'urn:otel:receiver:otlp',
  kind: 'receiver',
  capabilities: ['bearer_token_authorizer'],
  configSchema: Joi.object({
    protocols: Joi.object({
      grpc: grpcSettingsSchema,
      http: httpSettingsSchema,
    })
      .or('grpc', 'http')
      .required()
      .custom((value: OtlpReceiverConfig['protocols'], helpers) =>
        value.grpc && value.http && conflicting(value.grpc.listening_addr, value.http.listening_addr)
          ? helpers.error('otlp.conflict', { grpc: value.grpc.listening_addr, http: value.http.listening_addr })
          : value,
      )
      .messages({
        'object.missing': '{{#label}} needs at least one of grpc and http',
        'otlp.conflict': '{{#label}}: grpc ({{#grpc}}) and http ({{#http}}) cannot listen on the same address',
      }),
    wait_for_result: moved('protocols.grpc.wait_for_result / protocols.http.wait_for_result'),
  }),
  listeners(name, config): ListenerSpec[] {
    const { protocols } = config as unknown as OtlpReceiverConfig;
    const out: ListenerSpec[] = [];
    if (protocols.grpc) out.push({ id: `${name}/grpc`, protocol: 'grpc', address: protocols.grpc.listening_addr });
    if (protocols.http) out.push({ id: `${name}/http`, protocol: 'http', address: protocols.http.listening_addr });
    return out;
  },
};
