// The engine observability pipeline (`engine.observability.pipeline`) as upstream validates it: a pipeline like any
// other (the same node, connection and graph checks, through checkPipeline), with exactly one internal telemetry
// receiver that reaches an exporter and emits logs whenever a log provider routes them to it (`its`). The engine
// runs it as pipeline `system/observability`, on one core it picks. Nothing here runs unless `engine.observability`
// is present: without it the engine has no observability pipeline and no extra process.
import type { EffectivePipeline } from './effective.js';
import type { EngineConfig, Policies } from './types.js';
import type { ObservabilityPipelineSpec } from './types.js';
import { configError, type ConfigError, type ConfigWarning, type PathSegment } from './errors.js';
import { checkPipeline } from './pipeline-check.js';
import type { SemanticContext } from './model.js';
import type { ListenerEntry } from './listeners.js';
import { parseComponentUrn } from './urn.js';
import { parseSource } from './connections.js';
import { RESERVED_GROUP } from './schema.js';
import { resolveProviders } from './telemetry-settings.js';

export const INTERNAL_TELEMETRY_URN = 'urn:otel:receiver:internal_telemetry';
export const OBSERVABILITY_GROUP = RESERVED_GROUP;
export const OBSERVABILITY_PIPELINE = 'observability';
const BASE: readonly PathSegment[] = ['engine', 'observability', 'pipeline'];

/**
 * Upstream's built-in pipeline, used when `engine.observability` is given without a `pipeline`: logs to the console
 * exporter, metrics to the noop exporter.
 */
export const DEFAULT_OBSERVABILITY_PIPELINE: Readonly<ObservabilityPipelineSpec> = Object.freeze({
  nodes: {
    internal_telemetry: { type: INTERNAL_TELEMETRY_URN, config: {} },
    signal_router: { type: 'urn:otel:processor:type_router', config: {} },
    logs_console: { type: 'urn:otel:exporter:console', config: {} },
    metrics_noop: { type: 'urn:otel:exporter:noop', config: {} },
  },
  connections: [
    { from: 'internal_telemetry', to: 'signal_router' },
    { from: 'signal_router["logs"]', to: 'logs_console' },
    { from: 'signal_router["metrics"]', to: 'metrics_noop' },
  ],
});

export interface ObservabilityCheck {
  errors: ConfigError[];
  warnings: ConfigWarning[];
  listeners: ListenerEntry[];
  /** The pipeline the engine runs; undefined without `engine.observability` or when it is invalid. */
  effective: EffectivePipeline | undefined;
}

export function checkObservability(config: EngineConfig, ctx: SemanticContext): ObservabilityCheck {
  const errors = receiversOutsideObservability(config);
  const warnings: ConfigWarning[] = [];
  const observability = config.engine?.observability;
  const providers = resolveProviders(config.engine?.telemetry);
  if (!observability) {
    for (const [source, mode] of Object.entries(providers)) {
      if (mode !== 'its') continue;
      const path = `engine.telemetry.logs.providers.${source}`;
      warnings.push({ path, message: `${path} is its but there is no engine.observability pipeline: these logs are written to the console` });
    }
    return { errors, warnings, listeners: [], effective: undefined };
  }

  const spec = observability.pipeline ?? DEFAULT_OBSERVABILITY_PIPELINE;
  const base = observability.pipeline ? BASE : ['engine', 'observability'];
  const receivers = Object.entries(spec.nodes).filter(([, node]) => isInternalTelemetry(node.type));
  if (receivers.length !== 1) {
    const message = `engine.observability.pipeline needs exactly one receiver:internal_telemetry; found ${receivers.length}`;
    errors.push(configError([...base, 'nodes'], 'InvalidValue', message));
  }

  const core = observabilityCore(ctx.availableCores);
  const pipelinePolicies: Policies = { ...spec.policies, resources: { core_allocation: { type: 'core_set', set: [{ start: core, end: core }] } } };
  const check = checkPipeline({
    at: { group: OBSERVABILITY_GROUP, pipeline: OBSERVABILITY_PIPELINE, base },
    spec: { nodes: spec.nodes, connections: spec.connections ?? [], policies: pipelinePolicies },
    // Top-level families apply as upstream resolves them, except those the observability pipeline does not take.
    layers: { top: withoutPlacement(config.policies), group: undefined, pipeline: pipelinePolicies },
    availableCores: ctx.availableCores,
    coreCheck: ctx.coreCheck ?? 'enforce',
    catalog: ctx.catalog,
  });
  errors.push(...check.errors);
  warnings.push(...check.warnings);

  const [entry] = receivers;
  if (receivers.length === 1 && entry) {
    const [name, node] = entry;
    if (!reachesExporter(name, spec)) {
      const message = `receiver "${name}" must reach an exporter through the connections of engine.observability.pipeline`;
      errors.push(configError([...base, 'nodes', name], 'InvalidValue', message));
    }
    const signals = (node.config as { signals?: unknown } | null | undefined)?.signals;
    const logsOff = Array.isArray(signals) && !signals.includes('logs');
    const its = Object.entries(providers).filter(([, mode]) => mode === 'its').map(([source]) => source);
    if (logsOff && its.length > 0) {
      const message = `signals must include logs while engine.telemetry.logs.providers ${its.join(', ')} ${its.length > 1 ? 'are' : 'is'} its`;
      errors.push(configError([...base, 'nodes', name, 'config', 'signals'], 'InvalidValue', message));
    }
  }
  return { errors, warnings, listeners: check.listeners, effective: errors.length === 0 ? check.effective : undefined };
}

/** The last core the engine may use: regular pipelines usually start from the first. Any core would do. */
export function observabilityCore(availableCores: readonly number[]): number {
  return availableCores.at(-1) ?? 0;
}

function isInternalTelemetry(type: string): boolean {
  const parsed = parseComponentUrn(type);
  return parsed.ok && parsed.value.urn === INTERNAL_TELEMETRY_URN;
}

/** Upstream hands the engine's telemetry to the observability pipeline alone; elsewhere the receiver has no input. */
function receiversOutsideObservability(config: EngineConfig): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const [group, groupSpec] of Object.entries(config.groups)) {
    for (const [pipeline, spec] of Object.entries(groupSpec.pipelines)) {
      for (const [name, node] of Object.entries(spec.nodes)) {
        if (!isInternalTelemetry(node.type)) continue;
        const message = 'receiver:internal_telemetry emits the engine\'s own telemetry and belongs in engine.observability.pipeline';
        errors.push(configError(['groups', group, 'pipelines', pipeline, 'nodes', name, 'type'], 'InvalidValue', message));
      }
    }
  }
  return errors;
}

function withoutPlacement(policies: Policies | undefined): Policies | undefined {
  if (!policies) return undefined;
  const { resources: _resources, runtime_recovery: _recovery, ...rest } = policies;
  return rest;
}

function reachesExporter(from: string, spec: ObservabilityPipelineSpec): boolean {
  const next = new Map<string, string[]>();
  for (const connection of spec.connections ?? []) {
    const sources = typeof connection.from === 'string' ? [connection.from] : connection.from;
    const targets = typeof connection.to === 'string' ? [connection.to] : connection.to;
    for (const source of sources) {
      const node = parseSource(source).node;
      next.set(node, [...(next.get(node) ?? []), ...targets]);
    }
  }
  const seen = new Set<string>([from]);
  const queue = [from];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    for (const target of next.get(name) ?? []) {
      if (seen.has(target)) continue;
      const type = spec.nodes[target]?.type;
      const parsed = type === undefined ? undefined : parseComponentUrn(type);
      if (parsed?.ok && parsed.value.kind === 'exporter') return true;
      seen.add(target);
      queue.push(target);
    }
  }
  return false;
}
