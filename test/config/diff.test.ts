import { describe, expect, it } from 'vitest';
import type { EffectivePipeline } from '../../src/config/effective.js';
import { diffConfigs, diffPipelines } from '../../src/state/config-diff.js';
import { doc, pipeline, validOf, type Doc } from './helpers.js';

const REDACTED = '***redacted***';

function effective(p: Doc): EffectivePipeline {
  const [first] = validOf(doc({ main: p })).pipelines;
  if (!first) throw new Error('no pipeline');
  return first;
}

const cores = (count: number): Doc => ({ resources: { core_allocation: { type: 'core_count', count } } });

const batched = (batch: Doc = { type: 'processor:batch' }, policies?: Doc): Doc =>
  pipeline({
    nodes: { gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 100, log_weight: 1 } } }, batch, sink: { type: 'exporter:noop' } },
    connections: [{ from: 'gen', to: 'batch' }, { from: 'batch', to: 'sink' }],
    ...(policies ? { policies } : {}),
  });

const exporting = (headers: Record<string, string>, extensions?: Doc): Doc =>
  pipeline({
    nodes: {
      in: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } },
      out: { type: 'exporter:otlp_http', config: { endpoint: 'http://127.0.0.1:4318', http: { headers } } },
    },
    connections: [{ from: 'in', to: 'out' }],
    ...(extensions ? { extensions } : {}),
  });

describe('diffConfigs', () => {
  it('finds nothing between equal values written in another key order', () => {
    expect(diffConfigs({ a: 1, b: { c: [1, { d: 'x' }] } }, { b: { c: [1, { d: 'x' }] }, a: 1 })).toEqual([]);
    expect(diffConfigs(null, null)).toEqual([]);
  });

  it('reports add, remove and change with dotted paths, sorted', () => {
    const before = { nodes: { batch: { config: { timeout: '200ms' } }, old: { type: 'x' } }, version: 1 };
    const after = { version: 2, nodes: { batch: { config: { timeout: '1s' } }, fresh: { type: 'y' } } };
    expect(diffConfigs(before, after)).toEqual([
      { path: 'nodes.batch.config.timeout', op: 'change', from: '200ms', to: '1s' },
      { path: 'nodes.fresh', op: 'add', to: { type: 'y' } },
      { path: 'nodes.old', op: 'remove', from: { type: 'x' } },
      { path: 'version', op: 'change', from: 1, to: 2 },
    ]);
  });

  it('compares arrays by index, indices in numeric order', () => {
    const before = { connections: [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }] };
    const after = { connections: [{ from: 'a', to: 'b' }, { from: 'b', to: 'd' }, { from: 'd', to: 'e' }] };
    expect(diffConfigs(before, after)).toEqual([
      { path: 'connections[1].to', op: 'change', from: 'c', to: 'd' },
      { path: 'connections[2]', op: 'add', to: { from: 'd', to: 'e' } },
    ]);
    expect(diffConfigs({ l: [1, 2, 3] }, { l: [1] })).toEqual([
      { path: 'l[1]', op: 'remove', from: 2 },
      { path: 'l[2]', op: 'remove', from: 3 },
    ]);
    const long = Array.from({ length: 11 }, (_, i) => i);
    const changed = long.map((v) => (v === 2 || v === 10 ? -v : v));
    expect(diffConfigs(long, changed).map((c) => c.path)).toEqual(['[2]', '[10]']);
  });

  it('reports a change of shape as one change', () => {
    expect(diffConfigs({ a: { b: 1 } }, { a: [1] })).toEqual([{ path: 'a', op: 'change', from: { b: 1 }, to: [1] }]);
    expect(diffConfigs({ a: null }, { a: {} })).toEqual([{ path: 'a', op: 'change', from: null, to: {} }]);
    expect(diffConfigs({ a: '1' }, { a: 1 })).toEqual([{ path: 'a', op: 'change', from: '1', to: 1 }]);
    expect(diffConfigs(1, 2)).toEqual([{ path: '(root)', op: 'change', from: 1, to: 2 }]);
  });

  it('treats undefined members as absent and quotes keys a dotted path cannot hold', () => {
    expect(diffConfigs({ a: 1, b: undefined }, { a: 1 })).toEqual([]);
    expect(diffConfigs({ nodes: {} }, { nodes: { 'otlp/in': 1, 'a.b': 2 } })).toEqual([
      { path: 'nodes["a.b"]', op: 'add', to: 2 },
      { path: 'nodes.otlp/in', op: 'add', to: 1 },
    ]);
  });

  it('is deterministic whatever the key order of its inputs', () => {
    const a = { z: 1, m: { y: 2, b: 3 }, a: [1] };
    const b = { a: [2], m: { b: 4, y: 5 }, z: 6 };
    const flipped = { m: { y: 5, b: 4 }, z: 6, a: [2] };
    expect(diffConfigs(a, b)).toEqual(diffConfigs(a, flipped));
    expect(diffConfigs(a, b).map((c) => c.path)).toEqual(['a[0]', 'm.b', 'm.y', 'z']);
  });

  describe('secrets', () => {
    it('are redacted on both sides, and a rotated secret still shows as a change', () => {
      const before = { headers: { Authorization: 'Bearer old', 'x-tenant': 'a' }, api_key: 'k1' };
      const after = { headers: { Authorization: 'Bearer new', 'x-tenant': 'b' }, api_key: 'k1' };
      expect(diffConfigs(before, after)).toEqual([
        { path: 'headers.Authorization', op: 'change', from: REDACTED, to: REDACTED },
        { path: 'headers.x-tenant', op: 'change', from: 'a', to: 'b' },
      ]);
    });

    it('are redacted inside an added or removed subtree', () => {
      const changes = diffConfigs({}, { auth: { password: 'hunter2', user: 'me', private_key: 42 } });
      expect(changes).toEqual([{ path: 'auth', op: 'add', to: { password: REDACTED, user: 'me', private_key: REDACTED } }]);
      expect(JSON.stringify(diffConfigs({ auth: { clientSecret: 's3' } }, {}))).not.toContain('s3');
    });

    it('are redacted in lists and maps under a secret key', () => {
      const before = { api_keys: ['first'], credentials: { user: 'u', pass: 'p' } };
      const after = { api_keys: ['second', 'third'], credentials: { user: 'v', pass: 'q' } };
      const changes = diffConfigs(before, after);
      expect(changes).toEqual([
        { path: 'api_keys[0]', op: 'change', from: REDACTED, to: REDACTED },
        { path: 'api_keys[1]', op: 'add', to: REDACTED },
        { path: 'credentials.pass', op: 'change', from: REDACTED, to: REDACTED },
        { path: 'credentials.user', op: 'change', from: REDACTED, to: REDACTED },
      ]);
      expect(JSON.stringify(diffConfigs({}, after))).not.toMatch(/second|third|"q"|"v"/);
    });

    it('leave flags named like a secret readable', () => {
      expect(diffConfigs({ use_token: false }, { use_token: true })).toEqual([
        { path: 'use_token', op: 'change', from: false, to: true },
      ]);
    });
  });
});

describe('diffPipelines', () => {
  it('without a committed pipeline adds every field', () => {
    const changes = diffPipelines(undefined, effective(pipeline()));
    expect(changes.map((c) => [c.path, c.op])).toEqual([
      ['cores', 'add'],
      ['edges', 'add'],
      ['extensions', 'add'],
      ['nodes', 'add'],
      ['policies', 'add'],
    ]);
    expect(changes[0]?.to).toEqual([0, 1]);
    expect(changes[1]?.to).toEqual(['gen[default]->sink']);
    expect(changes[3]?.to).toEqual({
      gen: {
        urn: 'urn:otel:receiver:traffic_generator',
        config: {
          data_source: 'synthetic',
          traffic_config: { production_mode: 'smooth', signals_per_second: 100, max_signal_count: null, max_batch_size: 1000, metric_weight: 0, trace_weight: 0, log_weight: 1, use_trace_context: false },
          registry_path: 'https://github.com/open-telemetry/semantic-conventions.git[model]',
          generation_strategy: 'fresh',
          enable_ack_nack: false,
          resource_attributes: [],
          transport_headers: {},
        },
        capabilities: {},
      },
      sink: { urn: 'urn:otel:exporter:noop', config: {}, capabilities: {} },
    });
  });

  it('finds nothing for reordered keys, reordered connections, spelled-out defaults or URN spellings', () => {
    const base = effective(batched());
    const reordered: Doc = {
      connections: [{ to: 'sink', from: 'batch' }, { to: 'batch', from: 'gen' }],
      nodes: { sink: { type: 'urn:otel:exporter:noop' }, batch: { type: 'urn:otel:batch:processor' }, gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 100, log_weight: 1 } } } },
    };
    expect(diffPipelines(base, effective(reordered))).toEqual([]);
    expect(diffPipelines(base, effective(batched({ type: 'processor:batch', config: { max_batch_duration: '200ms' } })))).toEqual([]);
    expect(diffPipelines(base, effective(batched(undefined, { resources: { core_allocation: { type: 'all_cores' } } })))).toEqual([]);
    const listener = (type: string) =>
      pipeline({ nodes: { in: { type, config: { protocols: { grpc: { listening_addr: '127.0.0.1:0' } } } }, sink: { type: 'exporter:noop' } }, connections: [{ from: 'in', to: 'sink' }] });
    expect(diffPipelines(effective(listener('receiver:otlp')), effective(listener('urn:otel:receiver:otlp')))).toEqual([]);
  });

  it('shows a grow and a shrink as a placement change and the cores that come or go', () => {
    const one = effective(batched(undefined, cores(1)));
    const two = effective(batched(undefined, cores(2)));
    expect(diffPipelines(one, two)).toEqual([
      { path: 'cores', op: 'add', to: 1 },
      { path: 'policies.coreAllocation.count', op: 'change', from: 1, to: 2 },
    ]);
    expect(diffPipelines(two, one)).toEqual([
      { path: 'cores', op: 'remove', from: 1 },
      { path: 'policies.coreAllocation.count', op: 'change', from: 2, to: 1 },
    ]);
  });

  it('shows a node config change at the node name, not at an array index', () => {
    const changes = diffPipelines(effective(batched()), effective(batched({ type: 'processor:batch', config: { max_batch_duration: '1s' } })));
    expect(changes).toEqual([{ path: 'nodes.batch.config.max_batch_duration', op: 'change', from: '200ms', to: '1000ms' }]);
  });

  it('shows an added node and the edges that changed with it', () => {
    const changes = diffPipelines(effective(pipeline()), effective(batched()));
    expect(changes).toEqual([
      { path: 'edges', op: 'remove', from: 'gen[default]->sink' },
      { path: 'edges', op: 'add', to: 'batch[default]->sink' },
      { path: 'edges', op: 'add', to: 'gen[default]->batch' },
      { path: 'nodes.batch', op: 'add', to: { urn: 'urn:otel:processor:batch', config: { otap: { min_size: 8192, max_size: null, sizer: 'items', max_split_fragments: null, max_split_overhead_bytes: null, max_split_fragments_per_flush: null }, otlp: { min_size: 262144, max_size: null, sizer: 'bytes', max_split_fragments: 65536, max_split_overhead_bytes: 8388608, max_split_fragments_per_flush: 65536 }, max_batch_duration: '200ms', inbound_request_limit: 1024, outbound_request_limit: 512, format: 'preserve' }, capabilities: {} } },
    ]);
    expect(diffPipelines(effective(batched()), effective(pipeline())).map((c) => [c.path, c.op])).toEqual([
      ['edges', 'remove'],
      ['edges', 'remove'],
      ['edges', 'add'],
      ['nodes.batch', 'remove'],
    ]);
  });

  it('shows an edge change as one edge removed and one added', () => {
    const fanOut = pipeline({
      nodes: { gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 100, log_weight: 1 } } }, batch: { type: 'processor:batch' }, sink: { type: 'exporter:noop' } },
      connections: [{ from: 'gen', to: ['batch', 'sink'] }, { from: 'batch', to: 'sink' }],
    });
    expect(diffPipelines(effective(batched()), effective(fanOut))).toEqual([{ path: 'edges', op: 'add', to: 'gen[default]->sink' }]);
  });

  it('shows a replace and a resize together', () => {
    const changes = diffPipelines(
      effective(batched(undefined, cores(2))),
      effective(batched({ type: 'processor:batch', config: { otlp: { min_size: 10, sizer: 'items' } } }, cores(1))),
    );
    expect(changes).toEqual([
      { path: 'cores', op: 'remove', from: 1 },
      { path: 'nodes.batch.config.otlp.min_size', op: 'change', from: 262144, to: 10 },
      { path: 'nodes.batch.config.otlp.sizer', op: 'change', from: 'bytes', to: 'items' },
      { path: 'policies.coreAllocation.count', op: 'change', from: 2, to: 1 },
    ]);
  });

  it('shows policies by their effective names and values', () => {
    const changes = diffPipelines(effective(batched()), effective(batched(undefined, { runtime_recovery: { max_backoff: '1m' } })));
    expect(changes).toEqual([{ path: 'policies.runtimeRecovery.maxBackoffMs', op: 'change', from: 30000, to: 60000 }]);
  });

  it('keys extensions by name and redacts their secrets', () => {
    const ext = (token: string) => ({ auth: { type: 'extension:bearer_token_authorizer', config: { tokens: [token], realm: 'r' } } });
    const changes = diffPipelines(effective(exporting({}, ext('tok-1'))), effective(exporting({}, ext('tok-2'))));
    expect(changes).toEqual([{ path: 'extensions.auth.config.tokens[0]', op: 'change', from: REDACTED, to: REDACTED }]);
    const created = diffPipelines(undefined, effective(exporting({}, ext('tok-1'))));
    expect(created.find((c) => c.path === 'extensions')?.to).toEqual({
      auth: { urn: 'urn:otel:extension:bearer_token_authorizer', config: { tokens: [REDACTED], realm: 'r', reload_interval: '1000ms' } },
    });
  });

  it('never shows a secret from a node config', () => {
    const before = effective(exporting({ authorization: 'Bearer s3cr3t-old', 'x-scope': 'a' }));
    const after = effective(exporting({ authorization: 'Bearer s3cr3t-new', 'x-scope': 'b' }));
    const changes = diffPipelines(before, after);
    expect(changes).toEqual([
      { path: 'nodes.out.config.http.headers.authorization', op: 'change', from: REDACTED, to: REDACTED },
      { path: 'nodes.out.config.http.headers.x-scope', op: 'change', from: 'a', to: 'b' },
    ]);
    expect(JSON.stringify(diffPipelines(undefined, after))).not.toContain('s3cr3t');
    expect(JSON.stringify(diffPipelines(after, effective(pipeline())))).not.toContain('s3cr3t');
  });
});
