// The configuration as an operator writes it (`version: otel_dataflow/v1`), after YAML parsing and env substitution.
// Field names follow the upstream OTAP Dataflow Engine so that its configs load unchanged.

export type CoreAllocation =
  | { type: 'all_cores' }
  | { type: 'core_count'; count: number }
  | { type: 'core_set'; set: Array<{ start: number; end: number }> };

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
  channel_capacity?: { pdata?: number };
  health?: { ready_quorum?: { Percent: number } };
  runtime_recovery?: Partial<RuntimeRecoveryPolicy>;
}

export interface NodeSpec {
  type: string;
  description?: string;
  config?: Record<string, unknown>;
  /** capability name -> extension name (extensions issue) */
  capabilities?: Record<string, string>;
}

export interface ExtensionSpec {
  type: string;
  description?: string;
  config?: Record<string, unknown>;
}

export interface ConnectionSpec {
  /** A node name, or `node["port"]` naming an output port; or a list of them. */
  from: string | string[];
  to: string | string[];
}

export interface PipelineSpec {
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
}

export interface EngineConfig {
  version: 'otel_dataflow/v1';
  policies?: Policies;
  engine?: EngineSection;
  groups: Record<string, GroupSpec>;
}
