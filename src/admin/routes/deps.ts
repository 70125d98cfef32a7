// What every route registration receives. Routes reach the engine only through AdminBackend.
import type { AdminBackend } from '../backend.js';

export interface RouteDeps {
  backend: AdminBackend;
  bodyLimitBytes: number;
}
