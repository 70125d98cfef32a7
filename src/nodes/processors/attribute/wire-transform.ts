// processor:attribute on the wire: the walker (pdata/wire-walk.ts) hands over the resources, scopes and records
// `apply_to` names; here the actions run on each attribute list in them (wire-list.ts), and a message whose list
// changed is written anew. The signal's lists are the records' own and those nested in them: span events and links,
// metric metadata, data points and their exemplars. Nothing is decoded, so a 512-record request costs a walk over its
// fields instead of ~10,000 objects. What the byte path does not handle (a truncated request, a group, a resource or
// scope given twice, which the decoder merges) throws NOT_ON_WIRE, and the caller decodes instead.
import type { Signal } from '../../../pipeline/pdata.js';
import { fieldId, SIGNAL_LAYOUTS, type SignalLayout } from '../../../pdata/wire-layout.js';
import { lenTag, lenTagBytes } from '../../../pdata/wire-reader.js';
import { FIELD, KeepingVisitor, LEVEL, WireWalk, type FieldOutcome, type FieldVisitor } from '../../../pdata/wire-walk.js';
import type { ApplyTo } from './config.js';
import { WireListEditor, type WireActions } from './wire-list.js';

/** The edited payload, or undefined when no action changed anything; throws NOT_ON_WIRE when it must be decoded. */
export type WirePayloadTransform = (payload: Uint8Array) => Uint8Array | undefined;

const { KEEP, WROTE, DROP } = FIELD;
const P = 'opentelemetry.proto.';

/** A message the walker hands over (its field [fieldStart, end), content from `start`), and the lists in it. */
interface Lists {
  visit(fieldStart: number, tagEnd: number, start: number, end: number): FieldOutcome;
}

/** A message whose one list is its own: a resource, a scope, a log record, an event, a link, an exemplar. */
class OwnList implements Lists {
  private readonly listTag: Uint8Array;

  constructor(
    private readonly walk: WireWalk,
    private readonly list: WireListEditor,
    private readonly listField: number,
  ) {
    this.listTag = lenTagBytes(listField);
  }

  visit(fieldStart: number, tagEnd: number, start: number, end: number): FieldOutcome {
    const list = this.list;
    if (!list.read(this.walk.reader, start, end, this.listField) || !list.apply()) return KEEP;
    list.write(this.walk.edit, fieldStart, tagEnd, start, end, this.listTag);
    return WROTE;
  }

  /** The owner absent from its parent (a resource, a scope), as field `ownerField`: an insert or upsert creates it. */
  create(ownerField: number): FieldOutcome {
    this.list.readNothing();
    if (!this.list.apply()) return KEEP;
    this.list.writeNew(this.walk.edit, ownerField, this.listTag);
    return WROTE;
  }
}

/**
 * A message with lists in the messages it holds (span: events, links; metric: its data, whose points hold
 * exemplars), and maybe one of its own (span, metric metadata, data point), whose new entries go where its first
 * entry was. When `quick`, a message without any child is decided by its own list alone, without a rewrite.
 */
class NestedLists implements Lists, FieldVisitor {
  private readonly ownTag: number;
  private readonly ownListTag: Uint8Array;
  private readonly tags: readonly number[];
  private readonly lists: readonly Lists[];
  private ownChanged = false;
  private ownWritten = false;

  constructor(
    private readonly walk: WireWalk,
    private readonly own: WireListEditor | undefined,
    private readonly ownField: number,
    children: ReadonlyArray<readonly [field: number, lists: Lists]>,
    private readonly quick: boolean,
  ) {
    this.ownTag = own === undefined ? -1 : lenTag(ownField);
    this.ownListTag = lenTagBytes(ownField);
    this.tags = children.map(([field]) => lenTag(field));
    this.lists = children.map(([, lists]) => lists);
  }

  visit(fieldStart: number, tagEnd: number, start: number, end: number): FieldOutcome {
    const own = this.own;
    const walk = this.walk;
    this.ownChanged = false;
    if (own !== undefined) {
      this.ownChanged = own.read(walk.reader, start, end, this.ownField, this.quick ? this.tags : undefined) && own.apply();
      // The common span has no events and no links: its own list decides alone.
      if (this.quick && own.children === 0) {
        if (!this.ownChanged) return KEEP;
        own.write(walk.edit, fieldStart, tagEnd, start, end, this.ownListTag);
        return WROTE;
      }
    }
    this.ownWritten = false;
    return walk.message(fieldStart, tagEnd, start, end, this);
  }

  field(tag: number, fieldStart: number, tagEnd: number, start: number, end: number): FieldOutcome {
    if (tag === this.ownTag && this.ownChanged) {
      if (this.ownWritten) return DROP;
      (this.own as WireListEditor).writeList(this.walk.edit, this.ownListTag);
      this.ownWritten = true;
      return WROTE;
    }
    const tags = this.tags;
    for (let i = 0; i < tags.length; i++) if (tags[i] === tag) return (this.lists[i] as Lists).visit(fieldStart, tagEnd, start, end);
    return KEEP;
  }

  after(): FieldOutcome {
    if (!this.ownChanged || this.ownWritten) return KEEP;
    // The message had no list of its own: an insert or upsert gave it one.
    (this.own as WireListEditor).writeList(this.walk.edit, this.ownListTag);
    return WROTE;
  }
}

/** The lists of a span: its own, its events', its links'. */
function spanLists(walk: WireWalk, leaf: WireListEditor, actions: WireActions, layout: SignalLayout): Lists {
  const span = `${P}trace.v1.Span`;
  const events = fieldId(span, 'events');
  const links = fieldId(span, 'links');
  return new NestedLists(
    walk,
    new WireListEditor(actions),
    layout.recordAttributes,
    [
      [events, new OwnList(walk, leaf, fieldId(`${span}.Event`, 'attributes'))],
      [links, new OwnList(walk, leaf, fieldId(`${span}.Link`, 'attributes'))],
    ],
    true,
  );
}

/** The lists of a metric: its metadata, and in its data (gauge, sum, …) those of the points and their exemplars. */
function metricLists(walk: WireWalk, leaf: WireListEditor, actions: WireActions, layout: SignalLayout): Lists {
  const m = `${P}metrics.v1.`;
  const exemplar = new OwnList(walk, leaf, fieldId(`${m}Exemplar`, 'filteredAttributes'));
  const pointTypes: Readonly<Record<string, string | undefined>> = {
    gauge: 'NumberDataPoint',
    sum: 'NumberDataPoint',
    histogram: 'HistogramDataPoint',
    exponentialHistogram: 'ExponentialHistogramDataPoint',
    // A summary's points have no exemplars.
    summary: undefined,
  };
  const data = layout.metricData.map((d) => {
    const pointType = pointTypes[d.name];
    const exemplars = pointType === undefined ? 0 : fieldId(`${m}${pointType}`, 'exemplars');
    const point =
      exemplars === 0
        ? new OwnList(walk, leaf, d.pointAttributes)
        : new NestedLists(walk, new WireListEditor(actions), d.pointAttributes, [[exemplars, exemplar]], true);
    return [d.field, new NestedLists(walk, undefined, 0, [[d.points, point]], false)] as const;
  });
  return new NestedLists(walk, new WireListEditor(actions), fieldId(`${m}Metric`, 'metadata'), data, false);
}

class AttributeVisitor extends KeepingVisitor {
  override readonly levels: number;
  private readonly resourceList: OwnList;
  private readonly scopeList: OwnList;
  private readonly records: Lists;

  constructor(
    walk: WireWalk,
    private readonly layout: SignalLayout,
    targets: readonly ApplyTo[],
    private readonly actions: WireActions,
  ) {
    super();
    this.levels =
      (targets.includes('resource') ? LEVEL.RESOURCE : 0) | (targets.includes('scope') ? LEVEL.SCOPE : 0) | (targets.includes('signal') ? LEVEL.RECORDS : 0);
    // One editor for every list that is read and written at once; a message with nested lists keeps its own.
    const leaf = new WireListEditor(actions);
    this.resourceList = new OwnList(walk, leaf, layout.resourceAttributes);
    this.scopeList = new OwnList(walk, leaf, layout.scopeAttributes);
    this.records =
      layout === SIGNAL_LAYOUTS.traces
        ? spanLists(walk, leaf, actions, layout)
        : layout === SIGNAL_LAYOUTS.metrics
          ? metricLists(walk, leaf, actions, layout)
          : new OwnList(walk, leaf, layout.recordAttributes);
  }

  override resource(fieldStart: number, tagEnd: number, start: number, end: number): FieldOutcome {
    return this.resourceList.visit(fieldStart, tagEnd, start, end);
  }

  override noResource(): FieldOutcome {
    // As the decode path: an insert or upsert gives a Resource* without a resource one.
    return this.actions.creates ? this.resourceList.create(this.layout.resource) : KEEP;
  }

  override scope(fieldStart: number, tagEnd: number, start: number, end: number): FieldOutcome {
    return this.scopeList.visit(fieldStart, tagEnd, start, end);
  }

  override noScope(): FieldOutcome {
    return this.actions.creates ? this.scopeList.create(this.layout.scope) : KEEP;
  }

  override record(fieldStart: number, tagEnd: number, start: number, end: number): FieldOutcome {
    return this.records.visit(fieldStart, tagEnd, start, end);
  }
}

export function wirePayloadTransform(signal: Signal, targets: readonly ApplyTo[], actions: WireActions): WirePayloadTransform {
  const layout = SIGNAL_LAYOUTS[signal];
  const walk = new WireWalk(layout);
  const visitor = new AttributeVisitor(walk, layout, targets, actions);
  return (payload) => walk.walk(payload, visitor);
}
