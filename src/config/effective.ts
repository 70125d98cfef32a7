// The effective config of one pipeline: every default applied, policies resolved pipeline > group > top level,
// node types expanded to full URNs, connections flattened into sorted edges, keys sorted. Two pipelines with the
// same effective config are the same pipeline: the planner compares `hash`.
import type { RuntimeRecoveryPolicy } from './types.js';

export interface ResolvedPolicies {
  coreAllocation: import('./types.js').CoreAllocation;
  channelCapacity: { pdata: number };
  readyQuorumPercent: number;
  runtimeRecovery: {
    enabled: boolean;
    maxRestarts: number;
    initialBackoffMs: number;
    maxBackoffMs: number;
    startupTimeoutMs: number;
    resetAfterMs: number;
  };
}

export type NodeKind = 'receiver' | 'processor' | 'exporter';

export interface EffectiveNode {
  name: string;
  /** Full URN, `urn:otel:receiver:otlp`. */
  urn: string;
  kind: NodeKind;
  /** The node's config after its own schema applied defaults. */
  config: Record<string, unknown>;
  capabilities: Record<string, string>;
}

export interface EffectiveEdge {
  from: string;
  /** Output port of `from`; `default` when the connection named none. */
  port: string;
  to: string;
}

export interface EffectiveExtension {
  name: string;
  urn: string;
  config: Record<string, unknown>;
}

export interface EffectivePipeline {
  group: string;
  pipeline: string;
  policies: ResolvedPolicies;
  /** Cores this pipeline runs on, resolved against the cores the engine may use; ascending. */
  cores: number[];
  nodes: EffectiveNode[];
  edges: EffectiveEdge[];
  extensions: EffectiveExtension[];
  /** sha256 of the canonical JSON of the whole effective pipeline (policies, cores, nodes, edges, extensions). */
  hash: string;
  /** The same without `policies.coreAllocation` and `cores`: equal graph hashes with different hashes mean a resize. */
  graphHash: string;
}

export type { RuntimeRecoveryPolicy };
