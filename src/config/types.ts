// The configuration as an operator writes it (`version: otel_dataflow/v1`), after YAML parsing and env substitution.
// Field names follow the upstream OTAP Dataflow Engine so that its configs load unchanged.

/** How one log source's lines leave its process (upstream's `engine.telemetry.logs.providers` values). */
export type ProviderMode = 'noop' | 'its' | 'console_async' | 'console_direct';

export type AttributeScalar = string | number | boolean;
export type AttributeValue = AttributeScalar | string[] | number[] | boolean[];
export type Attributes = Record<string, AttributeValue>;

/** Upstream also spells `type` as `strategy`; the schema turns either into `type`. `count: 0` means every core. */
export type CoreAllocation =
  | { type: 'all_cores' }
  | { type: 'core_count'; count: number }
  | { type: 'core_set'; set: Array<{ start: number; end: number }> };

/** Upstream's quorum: exactly one of the two keys. */
export type Quorum = { Percent: number } | { AtLeast: number };

/** Upstream's phase kinds, as its configs spell them. */
export type HealthPhaseKind =
  | 'Pending'
  | 'Starting'
  | 'Running'
  | 'Updating'
  | 'RollingBack'
  | 'Draining'
  | 'Stopped'
  | 'Rejected'
  | 'Failed'
  | 'Deleting'
  | 'Deleted';

export interface HealthPolicy {
  live_if?: HealthPhaseKind[];
  ready_if?: HealthPhaseKind[];
  live_quorum?: Quorum;
  ready_quorum?: Quorum;
}

export interface RuntimeRecoveryPolicy {
  enabled: boolean;
  max_restarts: number;
  initial_backoff: string;
  max_backoff: string;
  startup_timeout: string;
  /** A window of this length without a restart forgets earlier restarts. */
  reset_after: string;
}

export interface Policies {
  resources?: { core_allocation?: CoreAllocation };
  /** `control` sizes upstream's per-node control queues: accepted with a warning (see policies-schema.ts). */
  channel_capacity?: { pdata?: number; control?: { node?: number; pipeline?: number; completion?: number } };
  health?: HealthPolicy;
  runtime_recovery?: Partial<RuntimeRecoveryPolicy>;
  /** Upstream's instrumentation switches: accepted with a warning (this engine's counters are always on). */
  telemetry?: Record<string, unknown>;
}

/** An identity attribute: a bare value, or upstream's `{ value, brief }`. */
export type IdentityAttribute = string | number | boolean | { value: string | number | boolean; brief?: string };

export interface NodeSpec {
  type: string;
  description?: string;
  config?: Record<string, unknown>;
  /** capability name -> extension name (extensions issue) */
  capabilities?: Record<string, string>;
  /** Output ports the node declares; connections may only name these. */
  outputs?: string[];
  /** The port a node's unnamed emits go to, when it has several. */
  default_output?: string;
  /** Attributes that identify the node in the engine's own telemetry (its log lines). */
  entity?: { extend?: { identity_attributes?: Record<string, IdentityAttribute> } };
  policies?: { telemetry?: { item_counts?: boolean } };
}

export interface ExtensionSpec {
  type: string;
  description?: string;
  config?: Record<string, unknown>;
}

export type DispatchPolicy = 'one_of' | 'broadcast';

export interface ConnectionSpec {
  /** A node name, or `node["port"]` naming an output port; or a list of them. */
  from: string | string[];
  to: string | string[];
  /** How a message reaches several targets: one of them (upstream's default) or every one. */
  policies?: { dispatch?: DispatchPolicy };
}

export interface PipelineSpec {
  /** Upstream's pdata flavour of the pipeline (otap | otlp); data here is OTLP either way. */
  type?: 'otap' | 'otlp';
  description?: string;
  policies?: Policies;
  extensions?: Record<string, ExtensionSpec>;
  nodes: Record<string, NodeSpec>;
  connections: ConnectionSpec[];
}

export interface GroupSpec {
  description?: string;
  policies?: Policies;
  pipelines: Record<string, PipelineSpec>;
}

/** `engine.http_admin.auth`: exactly one of the two. */
/** Set and non-empty, it is the admin token, whatever `engine.http_admin.auth` says; instances never inherit it. */
export const ADMIN_TOKEN_ENV = 'OTAP_ENGINE_ADMIN_TOKEN';

export interface AdminAuthConfig {
  bearer_token?: string;
  /** Read at start and again for every request, so a rotated file takes effect without a restart. */
  bearer_token_file?: string;
}

/** `engine.http_admin.tls`: the admin API over HTTPS; with `client_ca_file`, clients need a certificate (mTLS). */
export interface AdminTlsConfig {
  cert_file: string;
  key_file: string;
  client_ca_file?: string;
}

export interface EngineSection {
  http_admin?: { bind_address?: string; auth?: AdminAuthConfig; tls?: AdminTlsConfig };
  /** Engine-wide extensions (upstream: the OpAMP client); validated field by field. */
  controller?: { extensions?: Record<string, ExtensionSpec> };
  /** The state dir: committed live changes survive a restart (ours; `--state-dir` wins over it). */
  state_dir?: string;
  telemetry?: EngineTelemetryConfig;
  observability?: EngineObservabilityConfig;
}

export interface EngineConfig {
  version: 'otel_dataflow/v1';
  policies?: Policies;
  engine?: EngineSection;
  groups: Record<string, GroupSpec>;
}

// `engine.telemetry` and `engine.observability` (schemas in engine-telemetry.ts).
export type LogSource = 'global' | 'engine' | 'internal' | 'admin';

export interface EngineTelemetryConfig {
  reporting_channel_size?: number;
  reporting_interval?: string;
  logs?: {
    level?: string;
    providers?: Partial<Record<LogSource, ProviderMode>>;
    tap?: { enabled?: boolean; max_entries?: number; max_bytes?: number };
  };
  resource?: Record<string, AttributeValue>;
  detectors?: string[];
}

export interface ObservabilityPipelineSpec {
  policies?: Policies;
  nodes: Record<string, NodeSpec>;
  connections?: ConnectionSpec[];
}

export interface EngineObservabilityConfig {
  /** Absent: upstream's built-in pipeline (observability.ts). */
  pipeline?: ObservabilityPipelineSpec;
}
