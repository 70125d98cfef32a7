// The engine's own telemetry, as upstream serves it: `/telemetry/metrics` and `/metrics` (the same answer: Prometheus
// text by default, or `format=json|json_compact|line_protocol`), and `/telemetry/logs`, the retained lines of the
// in-memory log tap (404 while the tap is off, as upstream).
import Joi from 'joi';
import type { RequestHandler, Router } from 'express';
import { ApiError } from '../errors.js';
import { resource } from '../resource.js';
import { validate } from '../schemas.js';
import { compactMetrics, lineProtocol, METRIC_FORMATS, verboseMetrics, withoutAllZeroSets, type MetricFormat } from '../telemetry-formats.js';
import type { RouteDeps } from './deps.js';

interface MetricsQuery {
  format: MetricFormat;
  reset: boolean;
  keep_all_zeroes: boolean;
}

const metricsQuerySchema = Joi.object<MetricsQuery>({
  format: Joi.string()
    .valid(...METRIC_FORMATS)
    .default('prometheus'),
  // Counters here are cumulative and shared with every scrape of /metrics: a reset would take counts from the others.
  reset: Joi.boolean().invalid(true).default(false).messages({
    'any.invalid': 'reset=true is not supported: the engine\'s counters are cumulative (compute deltas between two reads)',
  }),
  keep_all_zeroes: Joi.boolean().default(false),
});

interface LogsQueryParams {
  after?: number;
  limit: number;
}

const logsQuerySchema = Joi.object<LogsQueryParams>({
  after: Joi.number().integer().min(0).max(Number.MAX_SAFE_INTEGER),
  // Upstream's default and bounds: out-of-range limits are clamped, not refused.
  limit: Joi.number().integer().min(0).max(Number.MAX_SAFE_INTEGER).default(100),
});

const LOG_LIMIT = { min: 1, max: 1000 } as const;

export function registerTelemetryRoutes(router: Router, { metrics, telemetry }: RouteDeps): void {
  const metricsHandler: RequestHandler = async (req, res) => {
    const query = validate(metricsQuerySchema, req.query, 'InvalidQueryParameter', 'query parameters');
    if (query.format === 'prometheus') {
      res.status(200).type(metrics.registry.contentType).send(await metrics.registry.metrics());
      return;
    }
    const now = new Date();
    const all = await telemetry.metricSets();
    const sets = query.keep_all_zeroes ? all : withoutAllZeroSets(all);
    if (query.format === 'line_protocol') res.status(200).type('text/plain; charset=utf-8').send(lineProtocol(sets, now.getTime()));
    else res.status(200).json((query.format === 'json' ? verboseMetrics : compactMetrics)(sets, now.toISOString()));
  };
  resource(router, '/metrics', { get: metricsHandler });
  resource(router, '/telemetry/metrics', { get: metricsHandler });

  resource(router, '/telemetry/logs', {
    get: (req, res) => {
      const query = validate(logsQuerySchema, req.query, 'InvalidQueryParameter', 'query parameters');
      const limit = Math.min(LOG_LIMIT.max, Math.max(LOG_LIMIT.min, query.limit));
      const page = telemetry.logs({ ...(query.after !== undefined ? { after: query.after } : {}), limit });
      if (page === undefined) {
        throw new ApiError('LogTapDisabled', 'the in-memory log tap is off: set engine.telemetry.logs.tap.enabled: true to retain recent engine logs', {});
      }
      res.status(200).json(page);
    },
  });
}
