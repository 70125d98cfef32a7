// The one walk over an Export*ServiceRequest's protobuf bytes for the processors that change requests without
// decoding them (processor:attribute edits attribute lists, processor:filter and processor:log_sampling drop records),
// each through a visitor of its own. The walker knows the request's shape: request → Resource* (ResourceLogs,
// ResourceSpans, ResourceMetrics) → its Resource and its Scope* → the InstrumentationScope and the records (log
// records, spans, metrics); a visitor says what to do with a resource, a scope, a record. The walker copies every field
// nobody changed as it came (a message in which nothing changed is one range), writes new length prefixes above what
// changed (wire-edit.ts), and leaves out a Resource* or Scope* whose records were all dropped (one that came in
// without records stays), as the decode paths do.
//
// Inside a record, a visitor rewrites a nested message with `message` (its fields go to a FieldVisitor) and reads
// fields with `nextField`, so it never loops over tags and lengths itself. Visitors are objects built once per
// processor: nothing is allocated per record, nothing is decoded. What the walker does not handle (a truncated
// request, a group, a singular message given twice that the decoder would merge) throws NOT_ON_WIRE, and the caller
// decodes instead.
import { WireEdit } from './wire-edit.js';
import type { SignalLayout } from './wire-layout.js';
import { lenTag, NOT_ON_WIRE, WIRE_LEN, WireReader } from './wire-reader.js';

/** What happened to a field a visitor was given. */
export const FIELD = {
  /** Nothing changed: the field goes on as it came (the walker copies it; the visitor wrote nothing). */
  KEEP: 0,
  /** The visitor wrote the field anew (tag, length, content) into the walker's `edit`. */
  WROTE: 1,
  /** The field is left out (a record: dropped). */
  DROP: 2,
} as const;
export type FieldOutcome = (typeof FIELD)[keyof typeof FIELD];

/** The levels a visitor looks at (bits of `WireVisitor.levels`): the walker reads into no other. */
export const LEVEL = {
  /** `resource` and `noResource` are called; a Resource* with two resources (the decoder merges them) is refused. */
  RESOURCE: 1,
  /** `resourceAttribute` and `resourceRead` are called before the records of each Resource*. */
  RESOURCE_ATTRIBUTES: 2,
  /** `scope` and `noScope` are called; a Scope* with two scopes is refused. */
  SCOPE: 4,
  /** `record` is called. */
  RECORDS: 8,
} as const;

// Module copies: a loader may turn imported bindings into getters (see wire-tables.ts).
const KEEP = FIELD.KEEP;
const DROP = FIELD.DROP;
const RESOURCE = LEVEL.RESOURCE;
const RESOURCE_ATTRIBUTES = LEVEL.RESOURCE_ATTRIBUTES;
const SCOPE = LEVEL.SCOPE;
const RECORDS = LEVEL.RECORDS;

/**
 * A processor's rules per level of a request. A field is given as where it starts (its tag), where its tag ends (its
 * length prefix starts), and its content [start, end); a visitor that answers WROTE has written the whole field.
 */
export interface WireVisitor {
  /** Bits of LEVEL. */
  readonly levels: number;
  /**
   * Each KeyValue content [start, end) of the attributes of a Resource*'s resource (of every resource field: the
   * decoder merges them), before any record of that Resource* is given to `record`, wherever the resource lies.
   */
  resourceAttribute(start: number, end: number): void;
  /** After the resource's attributes (none, if it has none), before the first record of the Resource*. */
  resourceRead(): void;
  /** The resource of a Resource*. */
  resource(fieldStart: number, tagEnd: number, start: number, end: number): FieldOutcome;
  /** A Resource* without a resource: WROTE when the visitor wrote one (it goes after the item's other fields). */
  noResource(): FieldOutcome;
  /** The InstrumentationScope of a Scope*. */
  scope(fieldStart: number, tagEnd: number, start: number, end: number): FieldOutcome;
  /** A Scope* without a scope: WROTE when the visitor wrote one. */
  noScope(): FieldOutcome;
  /** A record: KEEP and WROTE keep it, DROP drops it. */
  record(fieldStart: number, tagEnd: number, start: number, end: number): FieldOutcome;
}

/** Looks at no level and keeps everything: the base of a visitor that needs only some of the hooks. */
export class KeepingVisitor implements WireVisitor {
  readonly levels: number = 0;
  resourceAttribute(_start: number, _end: number): void {}
  resourceRead(): void {}
  resource(_fieldStart: number, _tagEnd: number, _start: number, _end: number): FieldOutcome {
    return KEEP;
  }
  noResource(): FieldOutcome {
    return KEEP;
  }
  scope(_fieldStart: number, _tagEnd: number, _start: number, _end: number): FieldOutcome {
    return KEEP;
  }
  noScope(): FieldOutcome {
    return KEEP;
  }
  record(_fieldStart: number, _tagEnd: number, _start: number, _end: number): FieldOutcome {
    return KEEP;
  }
}

/** How `message` rewrites a nested message: what to do with each of its length-delimited fields. */
export interface FieldVisitor {
  /** A length-delimited field of the message (the others are copied): KEEP copies it, DROP leaves it out. */
  field(tag: number, fieldStart: number, tagEnd: number, start: number, end: number): FieldOutcome;
  /** After the last field: WROTE when the visitor appended fields to the message. */
  after(): FieldOutcome;
}

/**
 * One per processor and signal, reused from request to request (a walk is synchronous, start to end): its reader and
 * editor are the ones its visitors read and write with.
 */
export class WireWalk {
  readonly reader = new WireReader();
  readonly edit = new WireEdit();
  /** Records kept (KEEP or WROTE) and dropped in the request walked last. */
  keptRecords = 0;
  droppedRecords = 0;
  /** After `nextField`: where the content of the field it found ends. */
  fieldEnd = 0;
  /** Fields written anew or left out so far: a message in which this did not grow is copied as it came. */
  private changes = 0;
  private readonly resourcesTag: number;
  private readonly resourceTag: number;
  private readonly resourceAttributesTag: number;
  private readonly scopesTag: number;
  private readonly scopeTag: number;
  private readonly recordsTag: number;
  private readonly dataTags: readonly number[];
  private readonly pointsTags: readonly number[];

  constructor(layout: SignalLayout) {
    this.resourcesTag = lenTag(layout.resources);
    this.resourceTag = lenTag(layout.resource);
    this.resourceAttributesTag = lenTag(layout.resourceAttributes);
    this.scopesTag = lenTag(layout.scopes);
    this.scopeTag = lenTag(layout.scope);
    this.recordsTag = lenTag(layout.records);
    this.dataTags = layout.metricData.map((d) => lenTag(d.field));
    this.pointsTags = layout.metricData.map((d) => lenTag(d.points));
  }

  /**
   * Walks `payload` with `visitor`. Returns the request as the visitor changed it, or undefined when nothing changed,
   * or when records were dropped and none is left (`keptRecords` and `droppedRecords` tell which).
   */
  walk(payload: Uint8Array, visitor: WireVisitor): Buffer | undefined {
    const r = this.reader;
    const edit = this.edit;
    r.reset(payload);
    edit.begin(payload);
    this.keptRecords = this.droppedRecords = this.changes = 0;
    try {
      const end = payload.length;
      while (r.pos < end) {
        const fieldStart = r.pos;
        const tag = r.varint(end);
        if (tag === this.resourcesTag) {
          const tagEnd = r.pos;
          const stop = r.lengthEnd(end);
          this.resourceItem(visitor, fieldStart, tagEnd, r.pos, stop);
          r.pos = stop;
        } else {
          r.skip(tag % 8, end);
          edit.copy(fieldStart, r.pos);
        }
      }
      if (this.changes === 0 || (this.keptRecords === 0 && this.droppedRecords > 0)) return undefined;
      return edit.finish();
    } finally {
      r.release();
      edit.release();
    }
  }

  /**
   * Rewrites the nested message field [fieldStart, end) (tag up to `tagEnd`, content from `start`), giving each of its
   * length-delimited fields to `fields`. WROTE when something in it changed (then it is written, with a new length);
   * KEEP, with nothing written, when nothing did.
   */
  message(fieldStart: number, tagEnd: number, start: number, end: number, fields: FieldVisitor): FieldOutcome {
    const { reader: r, edit } = this;
    const mark = edit.mark();
    edit.copy(fieldStart, tagEnd);
    const length = edit.openLength();
    const before = this.changes;
    r.pos = start;
    while (r.pos < end) {
      const childStart = r.pos;
      const tag = r.varint(end);
      if (tag % 8 !== WIRE_LEN) {
        r.skip(tag % 8, end);
        edit.copy(childStart, r.pos);
        continue;
      }
      const childTagEnd = r.pos;
      const stop = r.lengthEnd(end);
      if (fields.field(tag, childStart, childTagEnd, r.pos, stop) === KEEP) edit.copy(childStart, stop);
      else this.changes++;
      r.pos = stop;
    }
    if (fields.after() !== KEEP) this.changes++;
    if (this.changes === before) {
      edit.rewind(mark);
      return KEEP;
    }
    edit.closeLength(length);
    edit.commit(mark);
    return FIELD.WROTE;
  }

  /**
   * The content start of the first field tagged `tag` in [from, end), or -1 when there is none; its content ends at
   * `fieldEnd`. Every such field: `for (let at = from; (at = walk.nextField(tag, at, end)) >= 0; ) { const stop =
   * walk.fieldEnd; …; at = stop; }` (what the body reads may move the reader and `fieldEnd`).
   */
  nextField(tag: number, from: number, end: number): number {
    const r = this.reader;
    r.pos = from;
    while (r.pos < end) {
      const found = r.varint(end);
      if (found !== tag) {
        r.skip(found % 8, end);
        continue;
      }
      const stop = r.lengthEnd(end);
      this.fieldEnd = stop;
      return r.pos;
    }
    return -1;
  }

  /** The data points of the metric content [start, end): what the engine counts as its items. */
  metricPoints(start: number, end: number): number {
    const r = this.reader;
    let points = 0;
    let data = 0;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.varint(end);
      const which = this.dataTags.indexOf(tag);
      if (which < 0) {
        r.skip(tag % 8, end);
        continue;
      }
      // The decoder keeps only the last member of the `data` oneof: then only its points would count.
      if (++data > 1) throw NOT_ON_WIRE;
      const stop = r.lengthEnd(end);
      const pointsTag = this.pointsTags[which] as number;
      for (let at = r.pos; (at = this.nextField(pointsTag, at, stop)) >= 0; at = this.fieldEnd) points++;
      r.pos = stop;
    }
    return points;
  }

  private resourceItem(v: WireVisitor, fieldStart: number, tagEnd: number, start: number, end: number): void {
    const levels = v.levels;
    if ((levels & RESOURCE_ATTRIBUTES) !== 0) this.readResource(v, start, end);
    const { reader: r, edit } = this;
    const editResource = (levels & RESOURCE) !== 0;
    const intoScopes = (levels & (SCOPE | RECORDS)) !== 0;
    const mark = edit.mark();
    edit.copy(fieldStart, tagEnd);
    const length = edit.openLength();
    const changes = this.changes;
    const kept = this.keptRecords;
    const dropped = this.droppedRecords;
    let resources = 0;
    r.pos = start;
    while (r.pos < end) {
      const childStart = r.pos;
      const tag = r.varint(end);
      if (tag === this.scopesTag && intoScopes) {
        const childTagEnd = r.pos;
        const stop = r.lengthEnd(end);
        this.scopeItem(v, childStart, childTagEnd, r.pos, stop);
        r.pos = stop;
      } else if (tag === this.resourceTag && editResource) {
        const childTagEnd = r.pos;
        const stop = r.lengthEnd(end);
        // The decoder merges a repeated singular message: an edit of one would not be an edit of what it decodes.
        if (++resources > 1) throw NOT_ON_WIRE;
        this.settle(v.resource(childStart, childTagEnd, r.pos, stop), childStart, stop);
        r.pos = stop;
      } else {
        r.skip(tag % 8, end);
        edit.copy(childStart, r.pos);
      }
    }
    if (editResource && resources === 0 && v.noResource() !== KEEP) this.changes++;
    this.close(mark, length, fieldStart, end, changes, kept, dropped);
  }

  /** Gives the visitor the attributes of every resource field of the Resource* content [start, end). */
  private readResource(v: WireVisitor, start: number, end: number): void {
    const resourceTag = this.resourceTag;
    const listTag = this.resourceAttributesTag;
    for (let at = start; (at = this.nextField(resourceTag, at, end)) >= 0; ) {
      const stop = this.fieldEnd;
      for (let kv = at; (kv = this.nextField(listTag, kv, stop)) >= 0; ) {
        const kvEnd = this.fieldEnd;
        v.resourceAttribute(kv, kvEnd);
        kv = kvEnd;
      }
      at = stop;
    }
    v.resourceRead();
  }

  private scopeItem(v: WireVisitor, fieldStart: number, tagEnd: number, start: number, end: number): void {
    const { reader: r, edit } = this;
    const editScope = (v.levels & SCOPE) !== 0;
    const records = (v.levels & RECORDS) !== 0;
    const mark = edit.mark();
    edit.copy(fieldStart, tagEnd);
    const length = edit.openLength();
    const changes = this.changes;
    const kept = this.keptRecords;
    const dropped = this.droppedRecords;
    let scopes = 0;
    r.pos = start;
    while (r.pos < end) {
      const childStart = r.pos;
      const tag = r.varint(end);
      if (tag === this.recordsTag && records) {
        const childTagEnd = r.pos;
        const stop = r.lengthEnd(end);
        const outcome = v.record(childStart, childTagEnd, r.pos, stop);
        if (outcome === DROP) this.droppedRecords++;
        else this.keptRecords++;
        this.settle(outcome, childStart, stop);
        r.pos = stop;
      } else if (tag === this.scopeTag && editScope) {
        const childTagEnd = r.pos;
        const stop = r.lengthEnd(end);
        if (++scopes > 1) throw NOT_ON_WIRE;
        this.settle(v.scope(childStart, childTagEnd, r.pos, stop), childStart, stop);
        r.pos = stop;
      } else {
        r.skip(tag % 8, end);
        edit.copy(childStart, r.pos);
      }
    }
    if (editScope && scopes === 0 && v.noScope() !== KEEP) this.changes++;
    this.close(mark, length, fieldStart, end, changes, kept, dropped);
  }

  /** Copies a field the visitor kept; counts one it wrote or left out. */
  private settle(outcome: FieldOutcome, fieldStart: number, end: number): void {
    if (outcome === KEEP) this.edit.copy(fieldStart, end);
    else this.changes++;
  }

  /**
   * Ends a Resource* or Scope* opened at `mark`: copied as it came when nothing in it changed, left out when records
   * were dropped in it and none kept, else written with its new length.
   */
  private close(mark: number, length: number, fieldStart: number, end: number, changes: number, kept: number, dropped: number): void {
    const edit = this.edit;
    if (this.changes === changes) {
      edit.rewind(mark);
      edit.copy(fieldStart, end);
    } else if (this.droppedRecords !== dropped && this.keptRecords === kept) {
      edit.rewind(mark);
    } else {
      edit.closeLength(length);
      edit.commit(mark);
    }
  }
}
