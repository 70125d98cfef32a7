// `engine.telemetry` with upstream's defaults applied: what the engine acts on. Kept apart from the schema, which
// leaves the committed config as the operator wrote it.
import type { AttributeValue, ProviderMode } from './types.js';
import type { EngineTelemetryConfig, LogSource } from './types.js';
import { parseDuration } from './duration.js';
import { parseLevelDirective } from './log-level.js';

/**
 * The console for the engine's own processes, nothing from the observability pipeline's nodes. Upstream writes the
 * console in the background by default; here the default writes each line as it comes, because a buffered line dies
 * with a process that crashes, and those last lines are the ones an operator needs. `console_async` is one setting away.
 */
export const DEFAULT_PROVIDERS: Readonly<Record<LogSource, ProviderMode>> = Object.freeze({
  global: 'console_direct',
  engine: 'console_direct',
  internal: 'noop',
  admin: 'console_direct',
});
export const DEFAULT_REPORTING_CHANNEL_SIZE = 100;
export const DEFAULT_REPORTING_INTERVAL_MS = 1000;
export const DEFAULT_DETECTORS: readonly string[] = ['service_instance', 'env', 'service_name'];
export const DEFAULT_LOG_LEVEL = 'info';

export interface TelemetrySettings {
  /** pino's level name. */
  level: string;
  /** Where the level came from: the command line wins over the config file. */
  levelFrom: 'cli' | 'config' | 'default';
  providers: Record<LogSource, ProviderMode>;
  /** Log lines held for the observability pipeline at most, per process; more are dropped and counted. */
  reportingChannelSize: number;
  /** How often the supervisor takes a metric snapshot; the receiver's default `metrics.interval`. */
  reportingIntervalMs: number;
  resource: Record<string, AttributeValue>;
  detectors: readonly string[];
  /** The in-memory log tap `GET /api/v1/telemetry/logs` reads; null when off (upstream's default). */
  tap: { maxEntries: number; maxBytes: number } | null;
}

/** Upstream's defaults for the log tap's bounds. */
export const DEFAULT_TAP_MAX_ENTRIES = 2048;
export const DEFAULT_TAP_MAX_BYTES = 16 * 1024 * 1024;

export function resolveProviders(telemetry: EngineTelemetryConfig | undefined): Record<LogSource, ProviderMode> {
  return { ...DEFAULT_PROVIDERS, ...telemetry?.logs?.providers };
}

/** `cliLevel`: `--log-level` when given. */
export function resolveTelemetrySettings(telemetry: EngineTelemetryConfig | undefined, cliLevel: string | undefined): TelemetrySettings {
  const configured = telemetry?.logs?.level;
  const parsed = configured === undefined ? undefined : parseLevelDirective(configured);
  const fromConfig = parsed?.ok ? parsed.level : undefined;
  return {
    level: cliLevel ?? fromConfig ?? DEFAULT_LOG_LEVEL,
    levelFrom: cliLevel !== undefined ? 'cli' : fromConfig !== undefined ? 'config' : 'default',
    providers: resolveProviders(telemetry),
    reportingChannelSize: telemetry?.reporting_channel_size ?? DEFAULT_REPORTING_CHANNEL_SIZE,
    reportingIntervalMs: telemetry?.reporting_interval ? parseDuration(telemetry.reporting_interval) : DEFAULT_REPORTING_INTERVAL_MS,
    resource: { ...telemetry?.resource },
    detectors: telemetry?.detectors ?? DEFAULT_DETECTORS,
    tap: telemetry?.logs?.tap?.enabled
      ? { maxEntries: telemetry.logs.tap.max_entries ?? DEFAULT_TAP_MAX_ENTRIES, maxBytes: telemetry.logs.tap.max_bytes ?? DEFAULT_TAP_MAX_BYTES }
      : null,
  };
}
