// The validated config of receiver:traffic_generator, as upstream's engine names and nests it. Shared by the
// descriptor (joi schema, supervisor) and the implementation (instance); no joi here, instances never load it.

export type DataSource = 'semantic_conventions' | 'synthetic';
export type GenerationStrategy = 'fresh' | 'pre_generated';
export type ProductionMode = 'smooth' | 'open';

export interface TrafficConfig {
  /** How the batches of one second are paced: spread evenly over it, or sent as fast as downstream takes them. */
  production_mode: ProductionMode;
  /** Signals (log records, spans, metrics) per second for this instance; null: as fast as downstream takes them. */
  signals_per_second: number | null;
  /** This instance stops producing after this many signals; null: never. */
  max_signal_count: number | null;
  /** Signals in one message at most. */
  max_batch_size: number;
  /** Relative shares of each signal; 0 turns it off, at least one is above 0. */
  metric_weight: number;
  trace_weight: number;
  log_weight: number;
  /** Synthetic logs: bytes of each body (0: no body); absent: short built-in messages. */
  log_body_size_bytes?: number;
  /** Synthetic logs: attributes per record; absent: 2 (thread.id, thread.name). */
  num_log_attributes?: number;
  /** Synthetic logs: a random trace id and span id on every record. */
  use_trace_context: boolean;
  /** Synthetic metrics: attributes per data point; absent: 3. */
  num_metric_attributes?: number;
  /** Synthetic metrics: data points per metric; absent: 1. */
  num_data_points_per_metric?: number;
}

/** A set of resource attributes and how many batches in a rotation carry it. */
export interface ResourceAttributeSet {
  attrs: Record<string, string>;
  weight: number;
}

export interface TrafficGeneratorConfig {
  traffic_config: TrafficConfig;
  data_source: DataSource;
  /** Where the semantic-conventions registry comes from; only the official one is known here (a built-in snapshot). */
  registry_path: string;
  generation_strategy: GenerationStrategy;
  /** Every message carries an acknowledgement that the generator counts when the pipeline settles it. */
  enable_ack_nack: boolean;
  /** Synthetic data only: merged into the resource of each batch, rotating by weight. */
  resource_attributes: ResourceAttributeSet[];
  /** Headers to send with each message; only `{}` is accepted (messages carry no transport headers here). */
  transport_headers: Record<string, string | null>;
}

/** Upstream's default registry: the semantic-conventions repository's `model` folder. */
export const DEFAULT_REGISTRY_PATH = 'https://github.com/open-telemetry/semantic-conventions.git[model]';
