// Walks a decoded Export*ServiceRequest and runs the compiled actions on the attribute lists `apply_to` names:
// resource, scope, and the signal's own (log records; spans, their events and links; metrics' metadata, data points of
// every metric type and their exemplars). Each walker is built once per processor with its targets fixed.
import type { Signal } from '../../../pipeline/pdata.js';
import type { ApplyTo } from './config.js';
import type { CompiledActions } from './actions.js';
import type { HasAttributes, KeyValue } from './values.js';

/** Runs the actions on every targeted list of a decoded request; true when something changed. */
export type RequestVisitor = (request: unknown) => boolean;

type Owner = HasAttributes | null | undefined;
type ListApplier = (owner: Owner) => boolean;
type ParentApplier = (parent: Record<string, unknown>, field: string) => boolean;

interface DataPoint extends HasAttributes {
  exemplars?: Array<{ filteredAttributes?: KeyValue[] | null }> | null;
}

interface DataPoints {
  dataPoints?: DataPoint[] | null;
}

interface DecodedSpan extends HasAttributes {
  events?: HasAttributes[] | null;
  links?: HasAttributes[] | null;
}

interface DecodedMetric {
  metadata?: KeyValue[] | null;
  gauge?: DataPoints | null;
  sum?: DataPoints | null;
  histogram?: DataPoints | null;
  exponentialHistogram?: DataPoints | null;
  summary?: DataPoints | null;
}

const EMPTY: readonly never[] = [];

function listApplier({ apply, creates }: CompiledActions): ListApplier {
  return (owner) => {
    if (owner == null) return false;
    const attrs = owner.attributes;
    if (attrs != null && attrs.length > 0) return apply(attrs);
    if (!creates) return false;
    // An absent list decodes as a frozen shared empty array: the inserted keys go in a list of the owner's own.
    const fresh: KeyValue[] = [];
    if (!apply(fresh)) return false;
    owner.attributes = fresh;
    return true;
  };
}

/** For a resource or a scope, which may be absent from the wire: an insert gives its parent one. */
function parentApplier(actions: CompiledActions, onList: ListApplier): ParentApplier {
  return (parent, field) => {
    const owner = parent[field] as Owner;
    if (owner != null) return onList(owner);
    if (!actions.creates) return false;
    const created: HasAttributes = {};
    if (!onList(created)) return false;
    parent[field] = created;
    return true;
  };
}

function pointsOf(data: DataPoints | null | undefined): readonly DataPoint[] {
  return data?.dataPoints ?? EMPTY;
}

/** A list held under another field name than `attributes` (exemplar filtered_attributes, metric metadata). */
function underField(onList: ListApplier, owner: Record<string, unknown>, field: string): boolean {
  const view: HasAttributes = { attributes: owner[field] as KeyValue[] | null | undefined };
  if (!onList(view)) return false;
  owner[field] = view.attributes;
  return true;
}

function onPoints(data: DataPoints | null | undefined, onList: ListApplier): boolean {
  let changed = false;
  for (const point of pointsOf(data)) {
    if (onList(point)) changed = true;
    for (const exemplar of point.exemplars ?? EMPTY) if (underField(onList, exemplar as Record<string, unknown>, 'filteredAttributes')) changed = true;
  }
  return changed;
}

function recordsApplier(signal: Signal, onList: ListApplier): (scopeItem: Record<string, unknown>) => boolean {
  switch (signal) {
    case 'logs':
      return (scopeLogs) => eachList(scopeLogs.logRecords as Owner[] | undefined, onList);
    case 'traces':
      return (scopeSpans) => {
        let changed = false;
        for (const span of (scopeSpans.spans as DecodedSpan[] | undefined) ?? EMPTY) {
          if (onList(span)) changed = true;
          if (eachList(span.events, onList)) changed = true;
          if (eachList(span.links, onList)) changed = true;
        }
        return changed;
      };
    case 'metrics':
      return (scopeMetrics) => {
        let changed = false;
        for (const metric of (scopeMetrics.metrics as DecodedMetric[] | undefined) ?? EMPTY) {
          if (underField(onList, metric as Record<string, unknown>, 'metadata')) changed = true;
          for (const data of [metric.gauge, metric.sum, metric.histogram, metric.exponentialHistogram, metric.summary]) {
            if (data != null && onPoints(data, onList)) changed = true;
          }
        }
        return changed;
      };
  }
}

function eachList(owners: readonly Owner[] | null | undefined, onList: ListApplier): boolean {
  if (owners == null) return false;
  let changed = false;
  for (let i = 0; i < owners.length; i++) if (onList(owners[i])) changed = true;
  return changed;
}

/** The field names of each signal's request: resource list, scope list within it, in OTLP's lowerCamelCase. */
const FIELDS: Readonly<Record<Signal, { resources: string; scopes: string }>> = {
  logs: { resources: 'resourceLogs', scopes: 'scopeLogs' },
  traces: { resources: 'resourceSpans', scopes: 'scopeSpans' },
  metrics: { resources: 'resourceMetrics', scopes: 'scopeMetrics' },
};

export function requestVisitor(signal: Signal, targets: readonly ApplyTo[], actions: CompiledActions): RequestVisitor {
  const onList = listApplier(actions);
  const onParent = parentApplier(actions, onList);
  const doResource = targets.includes('resource');
  const doScope = targets.includes('scope');
  const onRecords = targets.includes('signal') ? recordsApplier(signal, onList) : undefined;
  const { resources, scopes } = FIELDS[signal];
  type Item = Record<string, unknown>;
  // The order of targets does not matter: actions on one list never look at another.
  return (request) => {
    let changed = false;
    for (const resourceItem of ((request as Item)[resources] as Item[] | undefined) ?? EMPTY) {
      if (doResource && onParent(resourceItem, 'resource')) changed = true;
      if (!doScope && !onRecords) continue;
      for (const scopeItem of (resourceItem[scopes] as Item[] | undefined) ?? EMPTY) {
        if (doScope && onParent(scopeItem, 'scope')) changed = true;
        if (onRecords && onRecords(scopeItem)) changed = true;
      }
    }
    return changed;
  };
}
