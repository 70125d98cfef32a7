// Engine configs several end-to-end files start from.

/** The `groups:` section of GENERATOR_WITH_EMPTY_GROUP, for a test that writes its own `engine:` section above it. */
export const GENERATOR_GROUPS = `groups:
  default:
    pipelines:
      main:
        policies: { resources: { core_allocation: { type: core_count, count: 1 } } }
        nodes:
          gen: { type: receiver:traffic_generator, config: { data_source: synthetic, traffic_config: { signals_per_second: 50, log_weight: 1 } } }
          out: { type: exporter:noop }
        connections:
          - { from: gen, to: out }
  tenants:
    pipelines: {}
`;

/** One generator pipeline `default/main` on one core, and an empty group `tenants` to create pipelines in. */
export const GENERATOR_WITH_EMPTY_GROUP = `
version: otel_dataflow/v1
${GENERATOR_GROUPS}`;

/**
 * One pipeline `default/main` on one core: a traffic generator of `rate` logs a second into `exporter:noop`, through
 * `processors` (name → node YAML, in that order) when given.
 */
export function generatorConfig(rate = 10, processors: Record<string, string> = {}): string {
  const hops = ['gen', ...Object.keys(processors), 'out'];
  const nodes = Object.entries(processors).map(([name, node]) => `\n          ${name}: ${node}`).join('');
  const connections = hops.slice(1).map((to, i) => `{ from: ${hops[i]}, to: ${to} }`).join(', ');
  return `
version: otel_dataflow/v1
policies: { resources: { core_allocation: { type: core_count, count: 1 } } }
groups:
  default:
    pipelines:
      main:
        nodes:
          gen: { type: receiver:traffic_generator, config: { traffic_config: { signals_per_second: ${rate}, log_weight: 1 } } }${nodes}
          out: { type: exporter:noop }
        connections: [ ${connections} ]
`;
}

/** A pipeline spec (as an API body or a config's pipeline) on one core: a synthetic generator of `rate` logs a second into noop. */
export function generatorPipeline(rate: number) {
  return {
    policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } },
    nodes: {
      gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: rate, log_weight: 1 } } },
      out: { type: 'exporter:noop' },
    },
    connections: [{ from: 'gen', to: 'out' }],
  };
}
