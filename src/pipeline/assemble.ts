// Builds the runners of a planned graph: one node instance each, one bounded input channel per non-receiver node, and
// per node a context whose ports lead to the input channels of its downstream nodes.
import type { Logger } from 'pino';
import type { EffectiveNode } from '../config/effective.js';
import type { NodeCapabilities } from '../extensions/capabilities.js';
import { Channel } from './channel.js';
import { RuntimeContext, type ErrorSink } from './context.js';
import { newCounters } from './counters.js';
import { ExporterRunner } from './exporter-runner.js';
import { instantiate, type FactoryResolver } from './factory.js';
import { DEFAULT_PORT, type GraphPlan, type PortRoute } from './graph.js';
import { OneOfChannels } from './dispatch.js';
import type { PData } from './pdata.js';
import { ProcessorRunner } from './processor-runner.js';
import { ReceiverRunner } from './receiver-runner.js';
import type { NodeRunner, RunnerBase } from './runner.js';

export interface AssembleOptions {
  logger: Logger;
  errors: ErrorSink;
  abandonSignal: AbortSignal;
  resolveFactory: FactoryResolver;
  /** The extension capabilities a node binds (see ExtensionHost); none when absent. */
  capabilitiesOf?: (node: EffectiveNode) => NodeCapabilities;
}

/** Runners in topological order. */
export async function assembleRunners(plan: GraphPlan, capacity: number, opts: AssembleOptions): Promise<NodeRunner[]> {
  // Loaded in parallel: each load is a dynamic import, and a failure names its node.
  const instances = await Promise.all(
    plan.order.map((node) => instantiate(node, opts.resolveFactory, opts.capabilitiesOf?.(node))),
  );

  const inputs = new Map<string, Channel<PData>>();
  for (const node of plan.order) if (node.kind !== 'receiver') inputs.set(node.name, new Channel<PData>(capacity));

  return plan.order.map((node, i) => {
    const channelOf = (to: string): Channel<PData> => inputs.get(to) as Channel<PData>;
    const ports = new Map<string, Channel<PData>[]>();
    const choices = new Map<string, OneOfChannels[]>();
    const routes = plan.routes.get(node.name) ?? new Map<string, PortRoute>();
    for (const [port, route] of routes) {
      if (route.all.length > 0) ports.set(port, route.all.map(channelOf));
      if (route.oneOf.length > 0) choices.set(port, route.oneOf.map((group) => new OneOfChannels(group.map(channelOf))));
    }
    // A node's unnamed emits go to its declared default output (node-level default_output).
    if (node.defaultOutput !== undefined && !routes.has(DEFAULT_PORT)) {
      const port = ports.get(node.defaultOutput);
      const groups = choices.get(node.defaultOutput);
      if (port !== undefined) ports.set(DEFAULT_PORT, port);
      if (groups !== undefined) choices.set(DEFAULT_PORT, groups);
    }
    const identity = node.identity === undefined ? {} : { entity: node.identity };
    const logger = opts.logger.child({ node: node.name, ...identity });
    const counters = newCounters();
    // Present (from zero) only where it can move, so every other node's counters keep their shape.
    if (node.kind === 'receiver' && node.capabilities.bearer_token_authorizer !== undefined) counters.requestsUnauthorized = 0;
    const ctx = new RuntimeContext(node.name, logger, ports, counters, opts.errors, node.kind === 'receiver', choices);
    const base: RunnerBase = { name: node.name, urn: node.urn, ctx, counters, errors: opts.errors, logger };
    const instance = instances[i];
    const input = inputs.get(node.name);
    switch (instance?.kind) {
      case 'receiver':
        return new ReceiverRunner(base, instance.node);
      case 'processor':
        return new ProcessorRunner(base, input as Channel<PData>, instance.node);
      case 'exporter':
        return new ExporterRunner(base, input as Channel<PData>, instance.node, opts.abandonSignal);
      default:
        throw new Error(`node "${node.name}": no implementation was built`);
    }
  });
}
