// The registry `GET /api/v1/metrics` serves (routes/telemetry.ts), and the admin request latencies recorded in it. The
// admin app records every request it answers; the rest comes from whoever provides the registry (the engine adds its
// pipelines and operations).
import type { RequestHandler } from 'express';
import { Histogram, Registry } from 'prom-client';

export interface AdminMetrics {
  readonly registry: Registry;
  readonly adminRequests: Histogram<'method' | 'route' | 'status'>;
}

/** Latency buckets for an API whose answers range from sub-millisecond reads to minutes-long waited rollouts. */
const ADMIN_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120];
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function adminRequestHistogram(registry: Registry): AdminMetrics['adminRequests'] {
  return new Histogram({
    name: 'otap_admin_request_duration_seconds',
    help: 'Admin API requests by method, route template and status code, from arrival to the last byte of the answer.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: ADMIN_BUCKETS,
    registers: [registry],
  });
}

/** Metrics of an admin app that runs without an engine (tests): its own requests only. */
export function standaloneAdminMetrics(): AdminMetrics {
  const registry = new Registry();
  return { registry, adminRequests: adminRequestHistogram(registry) };
}

/**
 * Observes each request when its answer is finished. The route label is the matched template (`/api/v1/groups/:groupId`),
 * never the raw path: arbitrary paths would make one series each.
 */
export function adminLatency(metrics: AdminMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const template = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof template === 'string' ? `${req.baseUrl}${template}` : 'unmatched';
      const method = KNOWN_METHODS.has(req.method) ? req.method : 'OTHER';
      metrics.adminRequests.observe({ method, route, status: String(res.statusCode) }, seconds);
    });
    next();
  };
}
