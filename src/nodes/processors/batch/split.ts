// Cuts one encoded Export*ServiceRequest into requests of at most `maxBytes`, on the wire. Every level of the three
// signals has the same layout: the request repeats field 1 (ResourceLogs/Spans/Metrics), which repeats field 2
// (ScopeLogs/Spans/Metrics), which repeats field 2 (log records, spans, metrics); the other fields of a resource or
// scope item (its resource or scope, schema_url) are its header, repeated in every part cut from it. Whole resource
// items are packed first; one too big alone is cut between its scope items, and one of those between its records. A
// record bigger than `maxBytes` goes alone. When cutting an item would take more parts than `maxFragments` or repeat
// more header bytes than `maxOverheadBytes`, the item goes whole, as upstream does.
import { fieldHead, NOT_ON_WIRE, varintSize, WIRE_LEN, WireReader } from '../../../pdata/wire-reader.js';

export interface SplitLimits {
  maxBytes: number;
  maxFragments: number;
  maxOverheadBytes: number;
}

export interface SplitResult {
  parts: Uint8Array[];
  /** Items sent whole, past a budget, though bigger than maxBytes. */
  fallbacks: number;
}

const ITEM_TAG = 1 * 8 + WIRE_LEN;
const CHILD_TAG = 2 * 8 + WIRE_LEN;

/** A field of a message: [start, end) with its tag, and where its content starts. */
interface Field {
  start: number;
  content: number;
  end: number;
}

/** The repeated `tag` fields of [start, end) as children, the rest as header ranges. */
function fieldsOf(reader: WireReader, start: number, end: number, childTag: number): { header: Field[]; children: Field[] } {
  const header: Field[] = [];
  const children: Field[] = [];
  reader.pos = start;
  while (reader.pos < end) {
    const at = reader.pos;
    const tag = reader.varint(end);
    if (tag === childTag) {
      const stop = reader.lengthEnd(end);
      children.push({ start: at, content: reader.pos, end: stop });
      reader.pos = stop;
    } else {
      reader.skip(tag % 8, end);
      header.push({ start: at, content: at, end: reader.pos });
    }
  }
  return { header, children };
}

const size = (f: Field): number => f.end - f.start;
const wrapped = (field: number, content: number): number => varintSize(field * 8 + WIRE_LEN) + varintSize(content) + content;

/** Writes parts as lists of ranges of the input, each part wrapped in the given nested field headers. */
class Packer {
  readonly parts: Uint8Array[] = [];
  constructor(private readonly input: Uint8Array) {}

  /** One part: `children` (ranges of the input) inside a scope item and resource item made of the given headers. */
  emit(resourceHeader: readonly Field[], scopeHeader: readonly Field[] | undefined, children: readonly Field[]): void {
    const childBytes = children.reduce((n, f) => n + size(f), 0);
    const scopeContent = scopeHeader === undefined ? childBytes : scopeHeader.reduce((n, f) => n + size(f), 0) + childBytes;
    const resourceContent = resourceHeader.reduce((n, f) => n + size(f), 0) + (scopeHeader === undefined ? childBytes : wrapped(2, scopeContent));
    const out = Buffer.allocUnsafe(wrapped(1, resourceContent));
    let at = 0;
    const put = (bytes: Uint8Array): void => {
      out.set(bytes, at);
      at += bytes.length;
    };
    const copy = (f: Field): void => put(this.input.subarray(f.start, f.end));
    put(fieldHead(1, resourceContent));
    resourceHeader.forEach(copy);
    if (scopeHeader !== undefined) {
      put(fieldHead(2, scopeContent));
      scopeHeader.forEach(copy);
    }
    children.forEach(copy);
    this.parts.push(out);
  }
}

/** Groups `fields` greedily into runs whose bytes plus `fixed` stay within `max` (a field too big alone is a run). */
function runs(fields: readonly Field[], fixed: number, max: number): Field[][] {
  const out: Field[][] = [];
  let current: Field[] = [];
  let bytes = fixed;
  for (const f of fields) {
    if (current.length > 0 && bytes + size(f) > max) {
      out.push(current);
      current = [];
      bytes = fixed;
    }
    current.push(f);
    bytes += size(f);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** The parts of `payload`, each at most maxBytes where the data allows; throws NOT_ON_WIRE on a malformed request. */
export function splitRequest(payload: Uint8Array, limits: SplitLimits): SplitResult {
  const reader = new WireReader();
  reader.reset(payload);
  const top = fieldsOf(reader, 0, payload.length, ITEM_TAG);
  if (top.header.length > 0) throw NOT_ON_WIRE;
  const packer = new Packer(payload);
  let fallbacks = 0;
  // Whole resource items, packed greedily; the header of a whole item is the item itself.
  for (const group of runs(top.children, 0, limits.maxBytes)) {
    const first = group[0] as Field;
    if (group.length > 1 || size(first) <= limits.maxBytes) {
      packer.parts.push(payload.subarray(first.start, (group[group.length - 1] as Field).end));
      continue;
    }
    if (!cutResource(reader, first, limits, packer)) {
      fallbacks++;
      packer.parts.push(payload.subarray(first.start, first.end));
    }
  }
  return { parts: packer.parts, fallbacks };
}

/** Cuts one oversize resource item between scope items and records; false when a budget says send it whole. */
function cutResource(reader: WireReader, item: Field, limits: SplitLimits, packer: Packer): boolean {
  const resource = fieldsOf(reader, item.content, item.end, CHILD_TAG);
  const resourceHeader = resource.header.reduce((n, f) => n + size(f), 0);
  const plan: Array<{ scopeHeader: Field[] | undefined; children: Field[] }> = [];
  for (const scope of resource.children) {
    const scopeFixed = wrapped(1, resourceHeader + wrapped(2, scope.end - scope.content)) - size(scope);
    if (scopeFixed + size(scope) <= limits.maxBytes) {
      plan.push({ scopeHeader: undefined, children: [scope] });
      continue;
    }
    const inner = fieldsOf(reader, scope.content, scope.end, CHILD_TAG);
    const scopeHeaderBytes = inner.header.reduce((n, f) => n + size(f), 0);
    // Bound the part's fixed bytes by their largest varint lengths: a part never exceeds maxBytes by a miscount.
    const fixed = 2 * (1 + 5) + resourceHeader + scopeHeaderBytes;
    for (const records of runs(inner.children, fixed, limits.maxBytes)) plan.push({ scopeHeader: inner.header, children: records });
  }
  // Scope items that fit whole are packed together again, next to each other, under one resource header.
  const merged = mergeWhole(plan, resourceHeader, limits.maxBytes);
  const partBytes = merged.reduce((n, p) => n + partSize(p, resourceHeader), 0);
  if (merged.length > limits.maxFragments || partBytes - size(item) > limits.maxOverheadBytes) return false;
  for (const p of merged) packer.emit(resource.header, p.scopeHeader, p.children);
  return true;
}

type Planned = { scopeHeader: Field[] | undefined; children: Field[] };

function partSize(p: Planned, resourceHeader: number): number {
  const childBytes = p.children.reduce((n, f) => n + size(f), 0);
  const scope = p.scopeHeader === undefined ? childBytes : wrapped(2, p.scopeHeader.reduce((n, f) => n + size(f), 0) + childBytes);
  return wrapped(1, resourceHeader + scope);
}

function mergeWhole(plan: readonly Planned[], resourceHeader: number, max: number): Planned[] {
  const out: Planned[] = [];
  for (const p of plan) {
    const last = out[out.length - 1];
    if (p.scopeHeader === undefined && last !== undefined && last.scopeHeader === undefined) {
      const candidate = { scopeHeader: undefined, children: [...last.children, ...p.children] };
      if (partSize(candidate, resourceHeader) <= max) {
        out[out.length - 1] = candidate;
        continue;
      }
    }
    out.push({ scopeHeader: p.scopeHeader, children: [...p.children] });
  }
  return out;
}
