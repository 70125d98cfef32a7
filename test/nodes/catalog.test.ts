// Every node type the config accepts can be built in an instance, and every implementation has a descriptor.
import { describe, expect, it } from 'vitest';
import { knownNodeUrns, lookupNode } from '../../src/nodes/catalog.js';
import { implementations } from '../../src/nodes/implementations.js';

describe('node catalog', () => {
  it('has an implementation of the declared kind for every descriptor, and nothing else', async () => {
    expect(Object.keys(implementations).sort()).toEqual(knownNodeUrns());
    for (const urn of knownNodeUrns()) {
      const descriptor = lookupNode(urn)!;
      const factory = await implementations[urn]!();
      const config = descriptor.configSchema.validate(urn.endsWith('otlp') ? { protocols: { http: { listening_addr: '127.0.0.1:0' } } } : urn.endsWith('otlp_http') ? { endpoint: 'http://127.0.0.1:1' } : {});
      expect(config.error).toBeUndefined();
      expect(factory('n', config.value).kind).toBe(descriptor.kind);
    }
  });
});
