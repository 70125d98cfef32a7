// Hand-written EffectivePipeline values, as the config module would produce them, for runtime tests.
import type { EffectiveEdge, EffectiveNode, EffectivePipeline, NodeKind } from '../../../src/config/effective.js';

export function node(name: string, kind: NodeKind, id: string, config: Record<string, unknown> = {}): EffectiveNode {
  return { name, kind, urn: `urn:otel:${kind}:${id}`, config, capabilities: {} };
}

export function edge(from: string, to: string, port = 'default'): EffectiveEdge {
  return { from, port, to };
}

export function pipeline(nodes: EffectiveNode[], edges: EffectiveEdge[], capacity = 16): EffectivePipeline {
  return {
    group: 'test',
    pipeline: 'main',
    policies: {
      coreAllocation: { type: 'all_cores' },
      channelCapacity: { pdata: capacity },
      health: { liveIf: ['Pending', 'Starting', 'Running', 'Updating', 'RollingBack', 'Draining', 'Stopped', 'Rejected', 'Failed', 'Deleting'], readyIf: ['Running', 'Updating'], liveQuorum: { AtLeast: 1 }, readyQuorum: { Percent: 100 } },
      runtimeRecovery: {
        enabled: false,
        maxRestarts: 0,
        initialBackoffMs: 250,
        maxBackoffMs: 30_000,
        startupTimeoutMs: 30_000,
        resetAfterMs: 60_000,
      },
    },
    cores: [0],
    nodes,
    listeners: [],
    edges,
    extensions: [],
    hash: 'test',
    graphHash: 'test',
  };
}
