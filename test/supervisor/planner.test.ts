import { describe, expect, it } from 'vitest';
import type { EffectivePipeline } from '../../src/config/effective.js';
import { planLabel, planRollout } from '../../src/supervisor/planner.js';
import { doc, pipeline, validOf, type Doc } from '../config/helpers.js';

function effective(p: Doc, availableCores: number[] = [0, 1]): EffectivePipeline {
  const [first] = validOf(doc({ main: p }), availableCores).pipelines;
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

const otlp = (type: string, policies?: Doc): Doc =>
  pipeline({
    nodes: {
      in: { type, config: { protocols: { grpc: { listening_addr: '127.0.0.1:0' } } } },
      sink: { type: 'exporter:noop' },
    },
    connections: [{ from: 'in', to: 'sink' }],
    ...(policies ? { policies } : {}),
  });

describe('planRollout', () => {
  it('creates a pipeline that is not committed, starting every core', () => {
    const plan = planRollout(undefined, effective(batched()));
    expect(plan).toEqual({ action: 'create', cores: [{ coreId: 0, step: 'start' }, { coreId: 1, step: 'start' }] });
    expect(planLabel(plan)).toBe('create: 0,1 start');
  });

  it('creates on the allocated cores only', () => {
    const plan = planRollout(undefined, effective(batched(undefined, { resources: { core_allocation: { type: 'core_set', set: [{ start: 1, end: 1 }] } } })));
    expect(plan).toEqual({ action: 'create', cores: [{ coreId: 1, step: 'start' }] });
  });

  describe('noop', () => {
    const keepBoth = { action: 'noop', cores: [{ coreId: 0, step: 'keep' }, { coreId: 1, step: 'keep' }] };

    it('for the identical pipeline', () => {
      expect(planRollout(effective(batched()), effective(batched()))).toEqual(keepBoth);
    });

    it('for keys and connections reordered', () => {
      const reordered: Doc = {
        connections: [{ to: 'sink', from: 'batch' }, { to: 'batch', from: 'gen' }],
        nodes: { sink: { type: 'exporter:noop' }, batch: { type: 'processor:batch' }, gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 100, log_weight: 1 } } } },
      };
      expect(planRollout(effective(batched()), effective(reordered))).toEqual(keepBoth);
    });

    it('for defaults spelled out', () => {
      const explicit = batched(
        { type: 'processor:batch', config: { otlp: { min_size: 262144, sizer: 'bytes' }, max_batch_duration: '200ms', format: 'preserve', inbound_request_limit: 1024 } },
        { resources: { core_allocation: { type: 'all_cores' } }, channel_capacity: { pdata: 128 }, health: { ready_quorum: { Percent: 100 } } },
      );
      explicit.nodes.gen.config = { ...explicit.nodes.gen.config, data_source: 'synthetic', generation_strategy: 'fresh', traffic_config: { signals_per_second: 100, log_weight: 1, max_batch_size: 1000, max_signal_count: null } };
      const timeoutOnly = batched({ type: 'processor:batch', config: { max_batch_duration: '200ms' } });
      const committed = effective(batched());
      expect(planRollout(committed, effective(explicit))).toEqual(keepBoth);
      expect(planRollout(committed, effective(timeoutOnly))).toEqual(keepBoth);
    });

    it('for a short and a full URN', () => {
      expect(planRollout(effective(otlp('receiver:otlp')), effective(otlp('urn:otel:receiver:otlp')))).toEqual(keepBoth);
      expect(planRollout(effective(otlp('receiver:otlp')), effective(otlp('urn:otel:otlp:receiver')))).toEqual(keepBoth);
    });

    it('keeps only the cores the pipeline runs on', () => {
      const one = effective(batched(undefined, cores(1)));
      expect(planRollout(one, effective(batched(undefined, cores(1))))).toEqual({ action: 'noop', cores: [{ coreId: 0, step: 'keep' }] });
    });
  });

  describe('resize', () => {
    it('from one core to two keeps the first and starts the second', () => {
      const plan = planRollout(effective(batched(undefined, cores(1))), effective(batched(undefined, cores(2))));
      expect(plan).toEqual({ action: 'resize', cores: [{ coreId: 0, step: 'keep' }, { coreId: 1, step: 'start' }] });
      expect(planLabel(plan)).toBe('resize: 1 start; 0 keep');
    });

    it('from two cores to one keeps the first and drains the second', () => {
      const plan = planRollout(effective(batched(undefined, cores(2))), effective(batched(undefined, cores(1))));
      expect(plan).toEqual({ action: 'resize', cores: [{ coreId: 0, step: 'keep' }, { coreId: 1, step: 'drain' }] });
    });

    it('moving to another core starts the new one and drains the old one, ascending', () => {
      const on = (core: number) => ({ resources: { core_allocation: { type: 'core_set', set: [{ start: core, end: core }] } } });
      const plan = planRollout(effective(batched(undefined, on(1))), effective(batched(undefined, on(0))));
      expect(plan).toEqual({ action: 'resize', cores: [{ coreId: 0, step: 'start' }, { coreId: 1, step: 'drain' }] });
    });

    it('for a pipeline with a listening receiver too', () => {
      const plan = planRollout(effective(otlp('receiver:otlp', cores(2))), effective(otlp('urn:otel:receiver:otlp', cores(1))));
      expect(plan.action).toBe('resize');
    });

    it('when only the way the same cores are allocated changes, nothing moves', () => {
      const plan = planRollout(effective(batched()), effective(batched(undefined, cores(2))));
      expect(plan).toEqual({ action: 'resize', cores: [{ coreId: 0, step: 'keep' }, { coreId: 1, step: 'keep' }] });
    });
  });

  describe('replace', () => {
    const replaceBoth = { action: 'replace', cores: [{ coreId: 0, step: 'replace' }, { coreId: 1, step: 'replace' }] };

    it('when a node config changes', () => {
      const plan = planRollout(effective(batched()), effective(batched({ type: 'processor:batch', config: { max_batch_duration: '1s' } })));
      expect(plan).toEqual(replaceBoth);
      expect(planLabel(plan)).toBe('replace: 0,1 replace');
    });

    it('when a node is added', () => {
      expect(planRollout(effective(pipeline()), effective(batched()))).toEqual(replaceBoth);
    });

    it('when an edge changes', () => {
      const fanOut = pipeline({
        nodes: { gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 100, log_weight: 1 } } }, batch: { type: 'processor:batch' }, sink: { type: 'exporter:noop' } },
        connections: [{ from: 'gen', to: ['batch', 'sink'] }, { from: 'batch', to: 'sink' }],
      });
      expect(planRollout(effective(batched()), effective(fanOut))).toEqual(replaceBoth);
    });

    it('when a policy other than placement changes', () => {
      expect(planRollout(effective(batched()), effective(batched(undefined, { channel_capacity: { pdata: 64 } })))).toEqual(replaceBoth);
    });

    it('together with a grow: shared cores replaced, added cores started', () => {
      const changed = { type: 'processor:batch', config: { otlp: { min_size: 10, sizer: 'items' } } };
      const plan = planRollout(effective(batched(undefined, cores(1))), effective(batched(changed, cores(2))));
      expect(plan).toEqual({ action: 'replace', cores: [{ coreId: 0, step: 'replace' }, { coreId: 1, step: 'start' }] });
      expect(planLabel(plan)).toBe('replace: 1 start; 0 replace');
    });

    it('together with a shrink: shared cores replaced, removed cores drained', () => {
      const changed = { type: 'processor:batch', config: { otlp: { min_size: 10, sizer: 'items' } } };
      const plan = planRollout(effective(batched(undefined, cores(2))), effective(batched(changed, cores(1))));
      expect(plan).toEqual({ action: 'replace', cores: [{ coreId: 0, step: 'replace' }, { coreId: 1, step: 'drain' }] });
      expect(planLabel(plan)).toBe('replace: 0 replace; 1 drain');
    });
  });

  it('is pure: the same inputs give the same plan and are left as they were', () => {
    const committed = effective(batched(undefined, cores(2)));
    const candidate = effective(batched({ type: 'processor:batch', config: { max_batch_duration: '1s' } }, cores(1)));
    const before = structuredClone([committed, candidate]);
    expect(planRollout(committed, candidate)).toEqual(planRollout(committed, candidate));
    expect([committed, candidate]).toEqual(before);
  });
});
