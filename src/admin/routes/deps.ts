// What every route registration receives. Routes reach the engine only through LiveAdminBackend.
import type { LiveAdminBackend } from '../backend.js';

export interface RouteDeps {
  backend: LiveAdminBackend;
  bodyLimitBytes: number;
}
