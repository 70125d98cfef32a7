// What the agent tells the server about itself: who it is (service name, version, instance id) and where it runs (host,
// OS), the OpAMP semantic conventions' recommended attributes. Attributes set in agent_description are added and win.
import { createRequire } from 'node:module';
import os from 'node:os';
import { AgentDescriptionSchema, AnyValueSchema, create, KeyValueSchema, type KeyValue } from './proto.js';
import type { AgentToServer } from './proto.js';

type AttributeValue = string | number | boolean;

/** Works from src/opamp (tests) and dist/opamp alike: both sit two levels under the package root. */
export const ENGINE_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
export const SERVICE_NAME = 'otap-engine';

export function agentDescription(
  instanceId: string,
  configured: { identifying: Record<string, AttributeValue>; nonIdentifying: Record<string, AttributeValue> },
): NonNullable<AgentToServer['agentDescription']> {
  const identifying = { 'service.name': SERVICE_NAME, 'service.version': ENGINE_VERSION, 'service.instance.id': instanceId, ...configured.identifying };
  const nonIdentifying = {
    'host.name': os.hostname(),
    'host.arch': os.arch(),
    'os.type': os.platform(),
    'os.description': `${os.type()} ${os.release()}`,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    ...configured.nonIdentifying,
  };
  return create(AgentDescriptionSchema, { identifyingAttributes: keyValues(identifying), nonIdentifyingAttributes: keyValues(nonIdentifying) });
}

function keyValues(attributes: Record<string, AttributeValue>): KeyValue[] {
  return Object.entries(attributes).map(([key, value]) => create(KeyValueSchema, { key, value: create(AnyValueSchema, { value: anyValue(value) }) }));
}

function anyValue(value: AttributeValue): ReturnType<typeof create<typeof AnyValueSchema>>['value'] {
  if (typeof value === 'string') return { case: 'stringValue', value };
  if (typeof value === 'boolean') return { case: 'boolValue', value };
  return Number.isInteger(value) ? { case: 'intValue', value: BigInt(value) } : { case: 'doubleValue', value };
}
