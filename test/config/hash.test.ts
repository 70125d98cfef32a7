import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/config/hash.js';
import type { EffectivePipeline } from '../../src/config/effective.js';
import { doc, pipeline, validOf } from './helpers.js';

const otlp = (type: string, config: Record<string, unknown>) => ({ type, config });

function only(raw: unknown): EffectivePipeline {
  const [first] = validOf(raw).pipelines;
  if (!first) throw new Error('no pipeline');
  return first;
}

const terse = doc({
  main: pipeline({
    nodes: {
      in: otlp('receiver:otlp', { protocols: { grpc: { listening_addr: '127.0.0.1:45901' } } }),
      batch: { type: 'processor:batch' },
      out: { type: 'exporter:console' },
    },
    connections: [{ from: 'in', to: 'batch' }, { from: 'batch', to: 'out' }],
  }),
});

// The same pipeline with keys reordered, defaults spelled out, full and upstream-order URNs, list syntax, and
// policies written out at their default values.
const verbose = {
  groups: {
    default: {
      pipelines: {
        main: {
          connections: [{ to: ['out'], from: ['batch'] }, { to: 'batch', from: 'in' }],
          nodes: {
            out: { config: { format: 'pretty', color: true }, type: 'urn:otel:console:exporter' },
            batch: { type: 'urn:otel:processor:batch', config: { otlp: { min_size: 262144, sizer: 'bytes' }, max_batch_duration: '200ms', format: 'preserve', inbound_request_limit: 1024 } },
            in: otlp('urn:otel:receiver:otlp', { protocols: { grpc: { max_decoding_message_size: '4MiB', listening_addr: '127.0.0.1:45901' } } }),
          },
          policies: {
            runtime_recovery: { reset_after: '60s', enabled: true, max_restarts: 5, initial_backoff: '250ms', max_backoff: '30s', startup_timeout: '30s' },
            resources: { core_allocation: { type: 'all_cores' } },
            channel_capacity: { pdata: 128 },
            health: { ready_quorum: { Percent: 100 } },
          },
        },
      },
    },
  },
  version: 'otel_dataflow/v1',
};

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null, x: undefined } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });
});

describe('pipeline hashes', () => {
  it('do not change with key order, spelled-out defaults or URN spelling', () => {
    const a = only(terse);
    const b = only(verbose);
    expect(b.hash).toBe(a.hash);
    expect(b.graphHash).toBe(a.graphHash);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });
  it('ignore descriptions and duplicate connections', () => {
    const described = structuredClone(terse);
    described.groups.default.pipelines.main.description = 'a note';
    described.groups.default.pipelines.main.connections.push({ from: 'in', to: 'batch' });
    expect(only(described).hash).toBe(only(terse).hash);
  });
  it('tell a resize from a replace', () => {
    const base = only(terse);
    const resized = structuredClone(terse);
    resized.groups.default.pipelines.main.policies = { resources: { core_allocation: { type: 'core_count', count: 1 } } };
    const r = only(resized);
    expect(r.hash).not.toBe(base.hash);
    expect(r.graphHash).toBe(base.graphHash);

    const replaced = structuredClone(terse);
    replaced.groups.default.pipelines.main.nodes.batch.config = { otlp: { min_size: 10, sizer: 'items' } };
    const p = only(replaced);
    expect(p.hash).not.toBe(base.hash);
    expect(p.graphHash).not.toBe(base.graphHash);
  });
  it('change with policies other than placement', () => {
    const changed = structuredClone(terse);
    changed.groups.default.pipelines.main.policies = { channel_capacity: { pdata: 64 } };
    expect(only(changed).graphHash).not.toBe(only(terse).graphHash);
  });
});
