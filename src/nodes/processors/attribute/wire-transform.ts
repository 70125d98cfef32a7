// processor:attribute on the wire: walks an Export*ServiceRequest down to the attribute lists `apply_to` names, runs
// the actions on each list (wire-list.ts) and writes the request again from the input's bytes: a message nothing
// changed in is copied as one range; one that changed gets a new length prefix. The signal's lists are the records'
// own and those nested in them: span events and links, metric metadata, data point exemplars. Nothing is decoded, so a 512-record
// request costs a walk over its fields instead of ~10,000 objects. What this walker does not handle (a truncated
// request, a group, a resource or scope given twice, which the decoder merges) throws NOT_ON_WIRE, and the caller
// decodes instead.
import type { Signal } from '../../../pipeline/pdata.js';
import { WireEdit } from '../../../pdata/wire-edit.js';
import { fieldId, SIGNAL_LAYOUTS, type MetricDataLayout, type SignalLayout } from '../../../pdata/wire-layout.js';
import { NOT_ON_WIRE, varintSize, WIRE_LEN, WireReader, writeVarint } from '../../../pdata/wire-reader.js';
import type { ApplyTo } from './config.js';
import { WireListEditor, type WireActions } from './wire-list.js';

/** The edited payload, or undefined when no action changed anything; throws NOT_ON_WIRE when it must be decoded. */
export type WirePayloadTransform = (payload: Uint8Array) => Uint8Array | undefined;

const lenTag = (field: number): number => field * 8 + WIRE_LEN;

function tagBytes(field: number): Uint8Array {
  const tag = lenTag(field);
  const out = new Uint8Array(varintSize(tag));
  writeVarint(out, 0, tag);
  return out;
}

interface MetricDataTags {
  tag: number;
  pointsTag: number;
  pointAttributes: number;
  pointListTag: Uint8Array;
  /** The data point's exemplars field's tag; 0 for a summary, whose points have none. */
  exemplarsTag: number;
}

/** A list of attributes nested one level down: the field that holds the message, and the message's list field. */
interface Nested {
  tag: number;
  listField: number;
  listTag: Uint8Array;
}

const P = 'opentelemetry.proto.';
const EXEMPLAR_ATTRIBUTES = fieldId(`${P}metrics.v1.Exemplar`, 'filteredAttributes');
const POINT_TYPES: Readonly<Record<string, string | undefined>> = {
  gauge: 'NumberDataPoint',
  sum: 'NumberDataPoint',
  histogram: 'HistogramDataPoint',
  exponentialHistogram: 'ExponentialHistogramDataPoint',
  summary: undefined,
};

function nested(holder: string, field: string, message: string, listField: string): Nested {
  const list = fieldId(message, listField);
  return { tag: lenTag(fieldId(holder, field)), listField: list, listTag: tagBytes(list) };
}

class AttributeWalker {
  private readonly reader = new WireReader();
  private readonly edit = new WireEdit();
  private readonly list: WireListEditor;
  /** Editors of the lists that hold nested ones: a span's or data point's own, and a metric's metadata. */
  private readonly ownList: WireListEditor;
  private readonly metadataList: WireListEditor;
  private readonly spanEvents: Nested;
  private readonly spanLinks: Nested;
  private readonly spanChildTags: readonly number[];
  private readonly metadataField: number;
  private readonly metadataListTag: Uint8Array;
  private readonly creates: boolean;
  private readonly doResource: boolean;
  private readonly doScope: boolean;
  private readonly doRecords: boolean;
  private readonly resourcesTag: number;
  private readonly resourceTag: number;
  private readonly scopesTag: number;
  private readonly scopeTag: number;
  private readonly recordsTag: number;
  private readonly resourceListTag: Uint8Array;
  private readonly scopeListTag: Uint8Array;
  private readonly recordListTag: Uint8Array;
  private readonly metricData: readonly MetricDataTags[];
  private readonly spans: boolean;

  constructor(
    private readonly layout: SignalLayout,
    targets: readonly ApplyTo[],
    actions: WireActions,
  ) {
    this.list = new WireListEditor(actions);
    this.ownList = new WireListEditor(actions);
    this.metadataList = new WireListEditor(actions);
    const span = `${P}trace.v1.Span`;
    this.spanEvents = nested(span, 'events', `${span}.Event`, 'attributes');
    this.spanLinks = nested(span, 'links', `${span}.Link`, 'attributes');
    this.spanChildTags = [this.spanEvents.tag, this.spanLinks.tag];
    this.metadataField = fieldId(`${P}metrics.v1.Metric`, 'metadata');
    this.metadataListTag = tagBytes(this.metadataField);
    this.creates = actions.creates;
    this.doResource = targets.includes('resource');
    this.doScope = targets.includes('scope');
    this.doRecords = targets.includes('signal');
    this.resourcesTag = lenTag(layout.resources);
    this.resourceTag = lenTag(layout.resource);
    this.scopesTag = lenTag(layout.scopes);
    this.scopeTag = lenTag(layout.scope);
    this.recordsTag = lenTag(layout.records);
    this.resourceListTag = tagBytes(layout.resourceAttributes);
    this.scopeListTag = tagBytes(layout.scopeAttributes);
    this.recordListTag = tagBytes(layout.recordAttributes);
    this.spans = layout === SIGNAL_LAYOUTS.traces;
    this.metricData = layout.metricData.map((d: MetricDataLayout) => {
      const pointType = POINT_TYPES[d.name];
      return {
        tag: lenTag(d.field),
        pointsTag: lenTag(d.points),
        pointAttributes: d.pointAttributes,
        pointListTag: tagBytes(d.pointAttributes),
        exemplarsTag: pointType === undefined ? 0 : lenTag(fieldId(`${P}metrics.v1.${pointType}`, 'exemplars')),
      };
    });
  }

  transform(payload: Uint8Array): Uint8Array | undefined {
    const r = this.reader;
    const edit = this.edit;
    r.reset(payload);
    edit.begin(payload);
    try {
      const end = payload.length;
      let changed = false;
      while (r.pos < end) {
        const tagStart = r.pos;
        const tag = r.varint(end);
        if (tag === this.resourcesTag) {
          const tagEnd = r.pos;
          const stop = r.lengthEnd(end);
          if (this.resourceItem(tagStart, tagEnd, r.pos, stop)) changed = true;
          r.pos = stop;
        } else {
          r.skip(tag % 8, end);
          edit.copy(tagStart, r.pos);
        }
      }
      return changed ? edit.finish() : undefined;
    } finally {
      r.release();
      edit.release();
    }
  }

  /** Keeps input [tagStart, end) as it was, dropping what was written for it since `mark`. */
  private unchanged(mark: number, tagStart: number, end: number): false {
    this.edit.rewind(mark);
    this.edit.copy(tagStart, end);
    return false;
  }

  private resourceItem(tagStart: number, tagEnd: number, start: number, end: number): boolean {
    const { reader: r, edit } = this;
    const mark = edit.mark();
    edit.copy(tagStart, tagEnd);
    const length = edit.openLength();
    let changed = false;
    let resources = 0;
    r.pos = start;
    while (r.pos < end) {
      const fieldStart = r.pos;
      const tag = r.varint(end);
      const fieldTagEnd = r.pos;
      if (tag === this.resourceTag && this.doResource) {
        const stop = r.lengthEnd(end);
        // The decoder merges a repeated singular message: both lists would become one.
        if (++resources > 1) throw NOT_ON_WIRE;
        if (this.owner(fieldStart, fieldTagEnd, r.pos, stop, this.layout.resourceAttributes, this.resourceListTag)) changed = true;
        r.pos = stop;
      } else if (tag === this.scopesTag && (this.doScope || this.doRecords)) {
        const stop = r.lengthEnd(end);
        if (this.scopeItem(fieldStart, fieldTagEnd, r.pos, stop)) changed = true;
        r.pos = stop;
      } else {
        r.skip(tag % 8, end);
        edit.copy(fieldStart, r.pos);
      }
    }
    if (this.doResource && resources === 0 && this.created(this.layout.resource, this.resourceListTag)) changed = true;
    if (!changed) return this.unchanged(mark, tagStart, end);
    edit.closeLength(length);
    edit.commit(mark);
    return true;
  }

  private scopeItem(tagStart: number, tagEnd: number, start: number, end: number): boolean {
    const { reader: r, edit } = this;
    const mark = edit.mark();
    edit.copy(tagStart, tagEnd);
    const length = edit.openLength();
    const metrics = this.metricData.length > 0;
    let changed = false;
    let scopes = 0;
    r.pos = start;
    while (r.pos < end) {
      const fieldStart = r.pos;
      const tag = r.varint(end);
      const fieldTagEnd = r.pos;
      if (tag === this.scopeTag && this.doScope) {
        const stop = r.lengthEnd(end);
        if (++scopes > 1) throw NOT_ON_WIRE;
        if (this.owner(fieldStart, fieldTagEnd, r.pos, stop, this.layout.scopeAttributes, this.scopeListTag)) changed = true;
        r.pos = stop;
      } else if (tag === this.recordsTag && this.doRecords) {
        const stop = r.lengthEnd(end);
        const edited = metrics
          ? this.metric(fieldStart, fieldTagEnd, r.pos, stop)
          : this.spans
            ? this.span(fieldStart, fieldTagEnd, r.pos, stop)
            : this.owner(fieldStart, fieldTagEnd, r.pos, stop, this.layout.recordAttributes, this.recordListTag);
        if (edited) changed = true;
        r.pos = stop;
      } else {
        r.skip(tag % 8, end);
        edit.copy(fieldStart, r.pos);
      }
    }
    if (this.doScope && scopes === 0 && this.created(this.layout.scope, this.scopeListTag)) changed = true;
    if (!changed) return this.unchanged(mark, tagStart, end);
    edit.closeLength(length);
    edit.commit(mark);
    return true;
  }

  /** A metric: its metadata list, and its data (gauge, sum, …) whose points hold lists of their own. */
  private metric(tagStart: number, tagEnd: number, start: number, end: number): boolean {
    return this.container(tagStart, tagEnd, start, end, this.metadataList, this.metadataField, this.metadataListTag, undefined, (tag, fieldStart, fieldTagEnd, s, e) => {
      const data = this.dataOf(tag);
      return data === undefined ? undefined : this.dataPoints(fieldStart, fieldTagEnd, s, e, data);
    });
  }

  /**
   * A message with an attribute list of its own (edited by `own`) and fields that may hold lists of their own
   * (`child` edits one and says whether it changed, or answers undefined for a field that is not such a child). The
   * own list goes where its first field was; nothing changed, the message is kept as one range.
   */
  private container(
    tagStart: number,
    tagEnd: number,
    start: number,
    end: number,
    own: WireListEditor,
    ownField: number,
    ownListTag: Uint8Array,
    childTags: readonly number[] | undefined,
    child: (tag: number, fieldStart: number, fieldTagEnd: number, start: number, end: number) => boolean | undefined,
  ): boolean {
    const { reader: r, edit } = this;
    const ownChanged = own.read(r, start, end, ownField, childTags) && own.apply();
    // Without children to look into, the own list decides alone (the common span: no events, no links).
    if (childTags !== undefined && own.children === 0) {
      if (!ownChanged) {
        edit.copy(tagStart, end);
        return false;
      }
      own.write(edit, tagStart, tagEnd, start, end, ownListTag);
      return true;
    }
    const mark = edit.mark();
    edit.copy(tagStart, tagEnd);
    const length = edit.openLength();
    const ownTag = lenTag(ownField);
    let changed = ownChanged;
    let listWritten = false;
    r.pos = start;
    while (r.pos < end) {
      const fieldStart = r.pos;
      const tag = r.varint(end);
      const fieldTagEnd = r.pos;
      if (tag === ownTag && ownChanged) {
        r.pos = r.lengthEnd(end);
        if (!listWritten) own.writeList(edit, ownListTag);
        listWritten = true;
        continue;
      }
      if (tag % 8 === WIRE_LEN) {
        const stop = r.lengthEnd(end);
        const edited = child(tag, fieldStart, fieldTagEnd, r.pos, stop);
        if (edited === undefined) edit.copy(fieldStart, stop);
        else if (edited) changed = true;
        r.pos = stop;
      } else {
        r.skip(tag % 8, end);
        edit.copy(fieldStart, r.pos);
      }
    }
    if (ownChanged && !listWritten) own.writeList(edit, ownListTag);
    if (!changed) return this.unchanged(mark, tagStart, end);
    edit.closeLength(length);
    edit.commit(mark);
    return true;
  }

  /** A span: its own list, then the lists of its events and links. */
  private span(tagStart: number, tagEnd: number, start: number, end: number): boolean {
    const { spanEvents, spanLinks } = this;
    return this.container(tagStart, tagEnd, start, end, this.ownList, this.layout.recordAttributes, this.recordListTag, this.spanChildTags, (tag, fieldStart, fieldTagEnd, s, e) => {
      const inner = tag === spanEvents.tag ? spanEvents : tag === spanLinks.tag ? spanLinks : undefined;
      return inner === undefined ? undefined : this.owner(fieldStart, fieldTagEnd, s, e, inner.listField, inner.listTag);
    });
  }

  private dataOf(tag: number): MetricDataTags | undefined {
    for (const data of this.metricData) if (data.tag === tag) return data;
    return undefined;
  }

  /** A Gauge, Sum, Histogram, ExponentialHistogram or Summary: its data points are the records. */
  private dataPoints(tagStart: number, tagEnd: number, start: number, end: number, data: MetricDataTags): boolean {
    const { reader: r, edit } = this;
    const mark = edit.mark();
    edit.copy(tagStart, tagEnd);
    const length = edit.openLength();
    let changed = false;
    r.pos = start;
    while (r.pos < end) {
      const fieldStart = r.pos;
      const tag = r.varint(end);
      const fieldTagEnd = r.pos;
      if (tag === data.pointsTag) {
        const stop = r.lengthEnd(end);
        if (this.point(fieldStart, fieldTagEnd, r.pos, stop, data)) changed = true;
        r.pos = stop;
      } else {
        r.skip(tag % 8, end);
        edit.copy(fieldStart, r.pos);
      }
    }
    if (!changed) return this.unchanged(mark, tagStart, end);
    edit.closeLength(length);
    edit.commit(mark);
    return true;
  }

  /** A data point: its own list, then its exemplars' (a summary's points have none: a plain owner). */
  private point(tagStart: number, tagEnd: number, start: number, end: number, data: MetricDataTags): boolean {
    if (data.exemplarsTag === 0) return this.owner(tagStart, tagEnd, start, end, data.pointAttributes, data.pointListTag);
    return this.container(tagStart, tagEnd, start, end, this.ownList, data.pointAttributes, data.pointListTag, [data.exemplarsTag], (tag, fieldStart, fieldTagEnd, s, e) =>
      tag === data.exemplarsTag ? this.owner(fieldStart, fieldTagEnd, s, e, EXEMPLAR_ATTRIBUTES, this.exemplarListTag) : undefined,
    );
  }

  private readonly exemplarListTag = tagBytes(EXEMPLAR_ATTRIBUTES);

  /** A message with an attribute list (resource, scope, record): rewritten only when the actions changed its list. */
  private owner(tagStart: number, tagEnd: number, start: number, end: number, listField: number, listTag: Uint8Array): boolean {
    const list = this.list;
    if (!list.read(this.reader, start, end, listField) || !list.apply()) {
      this.edit.copy(tagStart, end);
      return false;
    }
    list.write(this.edit, tagStart, tagEnd, start, end, listTag);
    return true;
  }

  /** A resource or scope absent from the request: an insert or upsert gives its parent one, as the decode path does. */
  private created(ownerField: number, listTag: Uint8Array): boolean {
    if (!this.creates) return false;
    this.list.readNothing();
    if (!this.list.apply()) return false;
    this.list.writeNew(this.edit, ownerField, listTag);
    return true;
  }
}

export function wirePayloadTransform(signal: Signal, targets: readonly ApplyTo[], actions: WireActions): WirePayloadTransform {
  const walker = new AttributeWalker(SIGNAL_LAYOUTS[signal], targets, actions);
  return (payload) => walker.transform(payload);
}
