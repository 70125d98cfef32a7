// receiver:traffic_generator's config is upstream's: traffic_config (rate, batch size, weights, synthetic knobs),
// data_source, registry_path, generation_strategy, enable_ack_nack, resource_attributes, transport_headers; and the
// per-second plan (shape.ts) shares signals out as upstream's generator does.
import { describe, expect, it } from 'vitest';
import { validateWithJoi } from '../../src/config/joi-errors.js';
import { trafficGenerator } from '../../src/nodes/receivers/traffic-generator/descriptor.js';
import { capShape, createShape, signalsIn } from '../../src/nodes/receivers/traffic-generator/shape.js';

const schema = trafficGenerator.configSchema;
const logs = { log_weight: 1 };

function valid(config: Record<string, unknown>): Record<string, any> {
  const result = schema.validate(config, { abortEarly: false });
  if (result.error) throw result.error;
  return result.value;
}

function refusal(config: Record<string, unknown>): string {
  const result = schema.validate(config, { abortEarly: false });
  if (!result.error) throw new Error(`accepted ${JSON.stringify(config)}`);
  return result.error.details.map((d) => `${d.path.join('.')}: ${d.message}`).join('\n');
}

function warnings(config: Record<string, unknown>): string[] {
  const result = validateWithJoi(schema, config, []);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.warnings.map((w) => `${w.path}: ${w.message}`);
}

const shapeConfig = (traffic: Record<string, unknown>) => valid({ data_source: 'synthetic', traffic_config: traffic }).traffic_config;

describe('receiver:traffic_generator config', () => {
  it('fills upstream defaults', () => {
    expect(valid({ data_source: 'synthetic', traffic_config: logs })).toEqual({
      traffic_config: {
        production_mode: 'smooth',
        signals_per_second: 30,
        max_signal_count: null,
        max_batch_size: 1000,
        metric_weight: 0,
        trace_weight: 0,
        log_weight: 1,
        use_trace_context: false,
      },
      data_source: 'synthetic',
      registry_path: 'https://github.com/open-telemetry/semantic-conventions.git[model]',
      generation_strategy: 'fresh',
      enable_ack_nack: false,
      resource_attributes: [],
      transport_headers: {},
    });
    // null as written means no limit, and stays null.
    expect(valid({ traffic_config: { ...logs, signals_per_second: null } }).traffic_config.signals_per_second).toBeNull();
    expect(valid({ traffic_config: logs }).data_source).toBe('semantic_conventions');
  });

  it('refuses what upstream refuses, with paths', () => {
    expect(refusal({})).toMatch(/^traffic_config: "traffic_config" is required/);
    expect(refusal({ traffic_config: {} })).toMatch(/traffic_config: .* needs at least one of metric_weight, trace_weight or log_weight above 0/);
    expect(refusal({ traffic_config: { ...logs, max_batch_size: 0 } })).toMatch(/^traffic_config.max_batch_size: /);
    expect(refusal({ traffic_config: { ...logs, production_mode: 'bursty' } })).toMatch(/^traffic_config.production_mode: /);
    expect(refusal({ traffic_config: { ...logs, rate: 10 } })).toMatch(/^traffic_config.rate: "traffic_config.rate" is not allowed/);
    expect(refusal({ traffic_config: logs, generation_strategy: 'templates' })).toMatch(/^generation_strategy: /);
    expect(refusal({ traffic_config: logs, data_source: 'static' })).toMatch(/^data_source: /);
    expect(refusal({ traffic_config: logs, signal: 'logs' })).toMatch(/^signal: "signal" is not allowed/);
    expect(refusal({ traffic_config: { ...logs, log_body_size_bytes: 1 << 20, max_batch_size: 1000 } })).toMatch(/256MiB/);
  });

  it('takes the official registry from its built-in snapshot, with a warning, and refuses any other', () => {
    for (const path of [
      'https://github.com/open-telemetry/semantic-conventions.git[model]',
      'https://github.com/open-telemetry/semantic-conventions.git@v1.34.0[model]',
      'https://github.com/open-telemetry/semantic-conventions/archive/refs/tags/v1.34.0.zip[model]',
    ]) {
      expect(warnings({ traffic_config: logs, registry_path: path })).toEqual([expect.stringMatching(/^registry_path: .*is not fetched: this engine generates from its built-in snapshot/)]);
    }
    expect(warnings({ traffic_config: logs })).toEqual([]);
    expect(refusal({ traffic_config: logs, registry_path: './semantic-conventions/model' })).toMatch(/^registry_path: .*cannot read/);
    expect(refusal({ traffic_config: logs, registry_path: 'https://github.com/example/conventions.git[model]' })).toMatch(/cannot read/);
    // With synthetic data the registry is not read at all, as upstream.
    expect(warnings({ traffic_config: logs, data_source: 'synthetic', registry_path: './anything' })).toEqual([
      expect.stringMatching(/^registry_path: .*has no effect in this engine: it is read only with data_source semantic_conventions/),
    ]);
  });

  it('reads resource_attributes as a map, a list of maps or a list of weighted sets', () => {
    const sets = (resource_attributes: unknown) => valid({ traffic_config: logs, data_source: 'synthetic', resource_attributes }).resource_attributes;
    expect(sets({ 'tenant.id': 'prod' })).toEqual([{ attrs: { 'tenant.id': 'prod' }, weight: 1 }]);
    expect(sets([{ 'tenant.id': 'prod' }, {}, { 'tenant.id': 'ppe' }])).toEqual([
      { attrs: { 'tenant.id': 'prod' }, weight: 1 },
      { attrs: { 'tenant.id': 'ppe' }, weight: 1 },
    ]);
    expect(sets([{ attrs: { 'tenant.id': 'prod' }, weight: 3 }, { attrs: { 'tenant.id': 'ppe' } }])).toEqual([
      { attrs: { 'tenant.id': 'prod' }, weight: 3 },
      { attrs: { 'tenant.id': 'ppe' }, weight: 1 },
    ]);
    const base = { traffic_config: logs, data_source: 'synthetic' };
    expect(refusal({ ...base, resource_attributes: [{ attrs: { a: 'b' }, weight: 0 }] })).toMatch(/^resource_attributes.0.weight: /);
    expect(refusal({ ...base, resource_attributes: [{ attrs: { a: 'b' }, weights: 3 }] })).toMatch(/^resource_attributes.0.weights: .*not allowed/);
    expect(refusal({ ...base, resource_attributes: [{ attrs: {}, weight: 2 }] })).toMatch(/^resource_attributes.0.attrs: .*is empty/);
  });

  it('refuses transport headers: messages here carry none', () => {
    expect(valid({ traffic_config: logs, transport_headers: {} }).transport_headers).toEqual({});
    expect(refusal({ traffic_config: logs, transport_headers: { 'x-tenant-id': 'acme', 'x-request-id': null } })).toMatch(
      /^transport_headers: .*carry no transport headers/,
    );
  });
});

describe('receiver:traffic_generator plan of one second', () => {
  it('shares signals_per_second out by weight in batches of at most max_batch_size', () => {
    const shape = createShape(shapeConfig({ signals_per_second: 100, max_batch_size: 50, metric_weight: 1, trace_weight: 2, log_weight: 1 }));
    expect(shape.every(([, n]) => n <= 50)).toBe(true);
    expect(signalsIn(shape)).toBe(100);
    const of = (signal: string) => shape.filter(([s]) => s === signal).reduce((sum, [, n]) => sum + n, 0);
    expect([of('traces'), of('logs'), of('metrics')]).toEqual([50, 25, 25]);
    // Largest share first, then the others in proportion.
    expect(shape).toEqual([['traces', 50], ['logs', 25], ['metrics', 25]]);
  });

  it('gives a weighted signal at least one per second and the rounding remainder to the largest shares', () => {
    const shape = createShape(shapeConfig({ signals_per_second: 10, max_batch_size: 100, log_weight: 50, metric_weight: 30, trace_weight: 20 }));
    expect(shape).toEqual([['logs', 5], ['metrics', 3], ['traces', 2]]);
    const tiny = createShape(shapeConfig({ signals_per_second: 3, max_batch_size: 10, log_weight: 100, metric_weight: 1 }));
    expect(signalsIn(tiny)).toBeGreaterThanOrEqual(3);
    expect(tiny.some(([s]) => s === 'metrics')).toBe(true);
  });

  it('plans max_batch_size × 1024 signals a run when uncapped, never more than max_signal_count', () => {
    const uncapped = createShape(shapeConfig({ signals_per_second: null, max_batch_size: 512, log_weight: 100 }));
    expect(uncapped).toHaveLength(1024);
    expect(uncapped.every(([s, n]) => s === 'logs' && n === 512)).toBe(true);
    expect(signalsIn(createShape(shapeConfig({ signals_per_second: null, max_signal_count: 700, max_batch_size: 512, log_weight: 1 })))).toBe(700);
  });

  it('cuts a run to what max_signal_count leaves, the last batch short', () => {
    expect(capShape([['logs', 10], ['metrics', 10], ['logs', 10]], 15)).toEqual([['logs', 10], ['metrics', 5]]);
    expect(capShape([['logs', 10]], 0)).toEqual([]);
  });
});
