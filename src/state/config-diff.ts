// Structural diffs for dry runs and rollout logs: what changed between two configs, as dotted paths in the same
// spelling config errors use. Values pass through secret redaction before they are shown, so a diff can be logged
// or returned over the admin API as it is.
import type { EffectivePipeline } from '../config/effective.js';
import type { ConfigChange } from './operations.js';
import { formatPath, type PathSegment } from '../config/errors.js';
import { canonicalJson } from '../config/hash.js';
import { isSecretKey, REDACTED } from '../util/redact.js';

type Op = ConfigChange['op'];

interface Found {
  at: PathSegment[];
  op: Op;
  from?: unknown;
  to?: unknown;
}

/**
 * Every difference between two JSON-like values, sorted by path. Maps are compared key by key whatever their key
 * order, arrays index by index; an added or removed subtree is one change carrying the whole subtree.
 */
export function diffConfigs(before: unknown, after: unknown): ConfigChange[] {
  const found: Found[] = [];
  walk(before, after, [], found);
  return finish(found);
}

/**
 * The diff of two effective pipelines, so spelled-out defaults, key order and URN spelling never show. Nodes and
 * extensions are keyed by name; edges (`from[port]->to`) and cores are sets, reported as one add or remove per member.
 * Without a committed pipeline every field is one `add`.
 */
export function diffPipelines(committed: EffectivePipeline | undefined, candidate: EffectivePipeline): ConfigChange[] {
  const next = project(candidate);
  if (committed === undefined) {
    const fields = Object.keys(next).sort(compareText) as Array<keyof Projection>;
    return finish(fields.map((field) => ({ at: [field], op: 'add', to: next[field] })));
  }
  const old = project(committed);
  const found: Found[] = [];
  walk(mapsOnly(old), mapsOnly(next), [], found);
  diffSet(old.cores, next.cores, 'cores', found);
  diffSet(old.edges, next.edges, 'edges', found);
  return finish(found);
}

interface Projection {
  policies: unknown;
  cores: number[];
  nodes: Record<string, unknown>;
  edges: string[];
  extensions: Record<string, unknown>;
}

function project(p: EffectivePipeline): Projection {
  return {
    policies: p.policies,
    cores: [...p.cores].sort((a, b) => a - b),
    // `kind` is left out: it is part of the URN and would only repeat a URN change.
    nodes: Object.fromEntries(
      p.nodes.map((n) => [n.name, { urn: n.urn, config: n.config, capabilities: n.capabilities }]),
    ),
    edges: [...new Set(p.edges.map((e) => `${e.from}[${e.port}]->${e.to}`))].sort(compareText),
    extensions: Object.fromEntries(p.extensions.map((e) => [e.name, { urn: e.urn, config: e.config }])),
  };
}

function mapsOnly(p: Projection): Record<string, unknown> {
  return { policies: p.policies, nodes: p.nodes, extensions: p.extensions };
}

function diffSet<T extends string | number>(before: readonly T[], after: readonly T[], field: string, out: Found[]) {
  const old = new Set(before);
  const next = new Set(after);
  for (const item of old) if (!next.has(item)) out.push({ at: [field], op: 'remove', from: item });
  for (const item of next) if (!old.has(item)) out.push({ at: [field], op: 'add', to: item });
}

function walk(before: unknown, after: unknown, at: PathSegment[], out: Found[]): void {
  if (before === undefined && after === undefined) return;
  if (before === undefined) {
    out.push({ at, op: 'add', to: after });
    return;
  }
  if (after === undefined) {
    out.push({ at, op: 'remove', from: before });
    return;
  }
  if (isMap(before) && isMap(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareText);
    for (const key of keys) walk(before[key], after[key], [...at, key], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= after.length) out.push({ at: [...at, i], op: 'remove', from: before[i] });
      else if (i >= before.length) out.push({ at: [...at, i], op: 'add', to: after[i] });
      else walk(before[i], after[i], [...at, i], out);
    }
    return;
  }
  // Scalars, or a map against a list or a scalar: one change with both values.
  if (isMap(before) || isMap(after) || Array.isArray(before) || Array.isArray(after) || !sameScalar(before, after)) {
    out.push({ at, op: 'change', from: before, to: after });
  }
}

/**
 * Changes are found on the raw values, so a rotated secret still shows as a change, and the values shown are
 * redacted: anything under a key that names a credential, at any depth above or below the changed path.
 */
function finish(found: readonly Found[]): ConfigChange[] {
  return [...found].sort(compareFound).map(({ at, op, from, to }) => {
    const secret = at.some((segment) => typeof segment === 'string' && isSecretKey(segment));
    const change: ConfigChange = { path: formatPath(at), op };
    if (op !== 'add') change.from = conceal(from, secret);
    if (op !== 'remove') change.to = conceal(to, secret);
    return change;
  });
}

/** The rule of redactSecrets, extended to whole subtrees under a secret key (it leaves lists and maps there as is). */
function conceal(value: unknown, secret: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => conceal(item, secret));
  if (isMap(value)) {
    return Object.fromEntries(Object.keys(value).map((key) => [key, conceal(value[key], secret || isSecretKey(key))]));
  }
  return secret && (typeof value === 'string' || typeof value === 'number') ? REDACTED : value;
}


const OP_ORDER: Record<Op, number> = { remove: 0, add: 1, change: 2 };

function compareFound(a: Found, b: Found): number {
  return (
    comparePaths(a.at, b.at) ||
    OP_ORDER[a.op] - OP_ORDER[b.op] ||
    compareText(canonicalJson(a.from ?? a.to ?? null), canonicalJson(b.from ?? b.to ?? null))
  );
}

/** Segment by segment, indices as numbers: `connections[2]` before `connections[10]`, a map before its keys. */
function comparePaths(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as PathSegment;
    const y = b[i] as PathSegment;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return compareText(String(x), String(y));
  }
  return a.length - b.length;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sameScalar(a: unknown, b: unknown): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
