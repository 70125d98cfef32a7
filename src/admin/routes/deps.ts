// What every route registration receives. Routes reach the engine only through LiveAdminBackend.
import type { AdminMetrics } from '../metrics.js';
import type { LiveAdminBackend, TelemetryReader } from '../../state/commands.js';

export interface RouteDeps {
  backend: LiveAdminBackend;
  bodyLimitBytes: number;
  metrics: AdminMetrics;
  telemetry: TelemetryReader;
}
