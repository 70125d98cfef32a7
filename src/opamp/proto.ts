// The OpAMP spec's protobuf messages, as generated from opamp.proto and shipped by @elastic/opamp-client-node (we use
// its generated messages, not its client: see client.ts for why), and the framing each transport puts around them.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  AgentToServerSchema,
  ServerToAgentSchema,
  type AgentToServer,
  type ServerToAgent,
} from '@elastic/opamp-client-node/lib/generated/opamp_pb.js';

export { create };
export {
  AgentCapabilities,
  AgentConfigFileSchema,
  AgentConfigMapSchema,
  AgentDescriptionSchema,
  AgentDisconnectSchema,
  AgentToServerSchema,
  ComponentHealthSchema,
  CustomCapabilitiesSchema,
  CustomMessageSchema,
  EffectiveConfigSchema,
  RemoteConfigStatuses,
  RemoteConfigStatusSchema,
  ServerErrorResponseType,
  ServerToAgentFlags,
  ServerToAgentSchema,
} from '@elastic/opamp-client-node/lib/generated/opamp_pb.js';
export type {
  AgentRemoteConfig,
  AgentToServer,
  ComponentHealth,
  RemoteConfigStatus,
  ServerToAgent,
} from '@elastic/opamp-client-node/lib/generated/opamp_pb.js';
export { AnyValueSchema, KeyValueSchema } from '@elastic/opamp-client-node/lib/generated/anyvalue_pb.js';
export type { KeyValue } from '@elastic/opamp-client-node/lib/generated/anyvalue_pb.js';

export type Decoded<T> = { ok: true; message: T } | { ok: false; reason: string };

/** The plain HTTP transport's body: the message's protobuf encoding, nothing around it. */
export function encodeAgentToServer(message: AgentToServer): Uint8Array {
  return toBinary(AgentToServerSchema, message);
}

export function decodeServerToAgent(bytes: Uint8Array): Decoded<ServerToAgent> {
  try {
    return { ok: true, message: fromBinary(ServerToAgentSchema, bytes) };
  } catch (error) {
    return { ok: false, reason: `not a ServerToAgent message: ${(error as Error).message}` };
  }
}

/**
 * A WebSocket message is a varint header (0 in this version of the spec) followed by the protobuf encoding. The
 * header 0 is the single byte 0x00.
 */
export function frameForWebSocket(message: AgentToServer): Uint8Array {
  const body = toBinary(AgentToServerSchema, message);
  const framed = new Uint8Array(body.length + 1);
  framed.set(body, 1);
  return framed;
}

/** The ServerToAgent inside a WebSocket message; anything but header 0 and a valid encoding is refused with why. */
export function unframeFromWebSocket(data: Uint8Array): Decoded<ServerToAgent> {
  let header = 0n;
  let shift = 0n;
  let offset = 0;
  for (;;) {
    if (offset >= data.length || offset >= 10) return { ok: false, reason: 'the message has no complete header' };
    const byte = data[offset]!;
    offset += 1;
    header |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7n;
  }
  if (header !== 0n) return { ok: false, reason: `unknown message header ${header}` };
  return decodeServerToAgent(data.subarray(offset));
}
