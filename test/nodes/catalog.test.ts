// Every node type the config accepts can be built in an instance, and every implementation has a descriptor.
import { describe, expect, it } from 'vitest';
import { testEngineCatalog } from '../../src/nodes/catalog.js';
import { implementations } from '../../src/nodes/implementations.js';

/** The smallest valid config of each node type that has required fields. */
function minimalConfig(urn: string): Record<string, unknown> {
  if (urn.endsWith(':otlp')) return { protocols: { http: { listening_addr: '127.0.0.1:0' } } };
  if (urn.endsWith(':otlp_http')) return { endpoint: 'http://127.0.0.1:1' };
  if (urn.endsWith(':file')) return { path: '/tmp/otap-engine-catalog-test-{signal}-{core_id}-{generation}.jsonl' };
  if (urn.endsWith(':fanout')) return { destinations: [{ port: 'a' }] };
  if (urn.endsWith(':memory_limiter')) return { limit: '512MiB' };
  if (urn.endsWith(':attribute')) return { actions: [{ action: 'delete', key: 'k' }] };
  if (urn.endsWith(':otlp_grpc')) return { grpc_endpoint: 'http://127.0.0.1:1' };
  if (urn.endsWith(':syslog_cef')) return { protocol: { udp: { listening_addr: '127.0.0.1:0' } } };
  if (urn.endsWith(':durable_buffer')) return { path: '/tmp/otap-engine-catalog-buffer' };
  if (urn.endsWith(':log_sampling')) return { policy: { zip: { interval: '1s', max_items: 10 } } };
  if (urn.endsWith(':traffic_generator')) return { traffic_config: { log_weight: 1 } };
  // Every field has a default; a size spelled as text checks that its canonical form is stable.
  if (urn.endsWith(':retry')) return { max_pending_bytes: '1MiB' };
  return {};
}

// The catalog of an engine started for tests: every node type, the test-only processor:fault too.
const knownNodeUrns = testEngineCatalog.nodeUrns;
const lookupNode = testEngineCatalog.node;

describe('node catalog', () => {
  it('has an implementation of the declared kind for every descriptor, and nothing else', async () => {
    expect(Object.keys(implementations).sort()).toEqual(knownNodeUrns());
    for (const urn of knownNodeUrns()) {
      const descriptor = lookupNode(urn)!;
      if (urn === 'urn:otel:processor:durable_buffer') {
        // Validated but not runnable yet: building it fails with the reason, never with a missing module.
        await expect(implementations[urn]!()).rejects.toThrow(/durable_buffer is not available in this version/);
        continue;
      }
      const factory = await implementations[urn]!();
      const config = descriptor.configSchema.validate(minimalConfig(urn));
      expect(config.error).toBeUndefined();
      expect(factory('n', config.value, {}).kind).toBe(descriptor.kind);
    }
  });

  // The planner compares effective configs: a default that is not in canonical form would make "omitted" and
  // "spelled out" differ, and an equal pipeline would be replaced instead of answered noop.
  it('writes every default in the canonical form its own schema produces', () => {
    for (const urn of knownNodeUrns()) {
      const schema = lookupNode(urn)!.configSchema;
      const once = schema.validate(minimalConfig(urn)).value;
      expect(schema.validate(once).value, urn).toEqual(once);
    }
  });

  it('gives one effective value to every spelling of a duration or a size', () => {
    const batch = lookupNode('urn:otel:processor:batch')!.configSchema;
    const duration = (v: string) => batch.validate({ max_batch_duration: v }).value.max_batch_duration;
    expect(duration('1s')).toBe(duration('1000ms'));
    expect(batch.validate({}).value.max_batch_duration).toBe(duration('0.2s'));
    // Below a millisecond the canonical form stays exact and readable by the same parser.
    expect(duration('1500us')).toBe('1500us');
    expect(duration('0.5ns')).toBe('1ns');
    expect(batch.validate(batch.validate({ max_batch_duration: '7ns' }).value).error).toBeUndefined();
    const otlp = lookupNode('urn:otel:receiver:otlp')!.configSchema;
    const size = (v?: unknown) => otlp.validate({ protocols: { grpc: { listening_addr: '127.0.0.1:0', ...(v === undefined ? {} : { max_decoding_message_size: v }) } } }).value.protocols.grpc.max_decoding_message_size;
    expect(size()).toBe(4 * 1024 * 1024);
    expect(size('4MiB')).toBe(4 * 1024 * 1024);
    expect(size(4194304)).toBe(4 * 1024 * 1024);
  });
});
