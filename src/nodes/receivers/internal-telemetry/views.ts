// Upstream's subset of OpenTelemetry metric views: exact-match selectors (scope name, scope attributes, instrument
// name) and stream overrides (name, description). Every matching view yields a stream of its own; a metric no view
// matches keeps its own name and description.
import type { MetricData, MetricScope } from '../../../ipc/telemetry.js';
import type { MetricView } from './descriptor.js';

export function applyViews(scopes: readonly MetricScope[], views: readonly MetricView[]): MetricScope[] {
  if (views.length === 0) return [...scopes];
  return scopes.map((scope) => {
    const scoped = views.filter((view) => matchesScope(view, scope));
    if (scoped.length === 0) return scope;
    const metrics = scope.metrics.flatMap((metric): MetricData[] => {
      const matching = scoped.filter((view) => view.selector.instrument_name === undefined || view.selector.instrument_name === metric.name);
      if (matching.length === 0) return [metric];
      return matching.map((view) => ({
        ...metric,
        name: view.stream.name ?? metric.name,
        description: view.stream.description ?? metric.description,
      }));
    });
    return { ...scope, metrics };
  });
}

function matchesScope(view: MetricView, scope: MetricScope): boolean {
  const { scope_name: name, scope_attributes: attributes } = view.selector;
  if (name !== undefined && name !== scope.name) return false;
  // Same type and value, as upstream compares them: 0 does not match "0".
  return Object.entries(attributes ?? {}).every(([key, value]) => scope.attributes[key] === value);
}
