// The effective config of one pipeline: every default applied, policies resolved pipeline > group > top level,
// node types expanded to full URNs, connections flattened into sorted edges, keys sorted. Two pipelines with the
// same effective config are the same pipeline: the planner compares `hash`.
import type { HealthPhaseKind, Quorum, RuntimeRecoveryPolicy } from './types.js';

/** Which phases count as live and ready, and how many cores must be in them (upstream's health policy). */
export interface ResolvedHealth {
  liveIf: HealthPhaseKind[];
  readyIf: HealthPhaseKind[];
  liveQuorum: Quorum;
  readyQuorum: Quorum;
}

export interface ResolvedPolicies {
  coreAllocation: import('./types.js').CoreAllocation;
  channelCapacity: { pdata: number };
  health: ResolvedHealth;
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
  /** Where the node's unnamed emits go, when not to the `default` port (node-level `default_output`). */
  defaultOutput?: string;
  /** Attributes that identify the node in the engine's own telemetry (`entity.extend.identity_attributes`). */
  identity?: Record<string, string | number | boolean>;
}

export interface EffectiveEdge {
  from: string;
  /** Output port of `from`; `default` when the connection named none. */
  port: string;
  to: string;
  /**
   * Present when `to` is one of several targets that compete for each message (dispatch `one_of`, upstream's
   * default for a connection with several targets): every member of that group, sorted. Absent: `to` gets every
   * message sent on the port.
   */
  oneOf?: string[];
}

export interface EffectiveExtension {
  name: string;
  urn: string;
  config: Record<string, unknown>;
}

/**
 * A listening address the supervisor owns for this receiver. Accepted connections are handed over to `accept`; for
 * `udp` the supervisor binds one socket and gives each serving instance a descriptor of it (`acceptDatagrams`).
 */
export interface ListenerSpec {
  /** Stable id within the pipeline: `<node>/<protocol>`. */
  id: string;
  /** `tcp` is a plain stream (syslog); every protocol but `udp` listens on TCP. */
  protocol: 'http' | 'grpc' | 'tcp' | 'udp';
  /** host:port as configured (port 0 lets the supervisor pick one). */
  address: string;
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
  /**
   * The addresses the supervisor listens on for this pipeline's receivers, from their descriptors at validation: the
   * supervisor binds them without knowing any node type. Derived from `nodes`, so not part of the hashes.
   */
  listeners: ListenerSpec[];
  /** sha256 of the canonical JSON of the whole effective pipeline (policies, cores, nodes, edges, extensions). */
  hash: string;
  /** The same without `policies.coreAllocation` and `cores`: equal graph hashes with different hashes mean a resize. */
  graphHash: string;
}

export type { RuntimeRecoveryPolicy };
