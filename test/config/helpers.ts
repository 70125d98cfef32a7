// Small builders for configs in tests: a valid one-pipeline document that each test bends in one place.
import { validateEngineConfig, type ValidationResult } from '../../src/config/index.js';
import type { ConfigError } from '../../src/config/errors.js';
import { builtinCatalog } from '../../src/nodes/catalog.js';

export type Doc = Record<string, any>;

export function pipeline(overrides: Doc = {}): Doc {
  return {
    nodes: {
      gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 100, log_weight: 1 } } },
      sink: { type: 'exporter:noop' },
    },
    connections: [{ from: 'gen', to: 'sink' }],
    ...overrides,
  };
}

export function doc(pipelines: Doc = { main: pipeline() }, extra: Doc = {}): Doc {
  return { version: 'otel_dataflow/v1', groups: { default: { pipelines } }, ...extra };
}

export const P = 'groups.default.pipelines.main';

export function validate(raw: unknown, availableCores: number[] = [0, 1]): ValidationResult {
  return validateEngineConfig(raw, { catalog: builtinCatalog, availableCores });
}

export function errorsOf(raw: unknown, availableCores?: number[]): ConfigError[] {
  const result = validate(raw, availableCores);
  if (result.ok) throw new Error('expected the config to be invalid');
  return result.errors;
}

export function validOf(raw: unknown, availableCores?: number[]) {
  const result = validate(raw, availableCores);
  if (!result.ok) throw new Error(`expected a valid config:\n${result.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
  return result;
}

/** `[path, code]` pairs, which is what most assertions care about. */
export function pathsAndCodes(errors: readonly ConfigError[]): Array<[string, string]> {
  return errors.map((e) => [e.path, e.code]);
}
