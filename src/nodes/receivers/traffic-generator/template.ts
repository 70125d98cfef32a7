// The requests a traffic generator sends: one template per (signal, batch size), encoded once. Field numbers are
// those of the OTLP protos (see src/pdata/schema); a test decodes the result with the schema.
//
// `record_size` pads each item (the log body, the span name, a `gen.pad` attribute of a data point) so that it encodes
// to about that many bytes. `attribute_cardinality` above 1 gives each item a `gen.key` attribute whose value cycles
// through that many fixed-width values (`k0`…`k6`, `k000`…`k999`), so every item keeps its size and its offsets.
// With both at their defaults the template is what it was before either existed.
import type { Signal } from '../../../pipeline/pdata.js';
import {
  fixed32,
  fixed64,
  forItem,
  id,
  keyAttribute,
  message,
  seqString,
  string,
  stringAttribute,
  uvarint,
  type Mark,
  type Part,
} from './parts.js';

export interface TemplateOptions {
  /** Bytes each item should encode to; 0, or anything below an item's natural size, leaves items unpadded. */
  recordSize: number;
  /** Distinct values of the `gen.key` attribute, cycling over items by sequence number. */
  cardinality: number;
}

export interface KeyMarks {
  cardinality: number;
  /** Digits of every value. */
  width: number;
  /** Where the digits of each item's value start, in item order. */
  offsets: Uint32Array;
  /**
   * The template with every key written, per phase (first sequence number of the batch modulo the cardinality), made
   * on first use; absent when there are too many phases to keep: each batch then writes its keys.
   */
  variants: Map<number, Buffer> | undefined;
}

export interface Template {
  signal: Signal;
  items: number;
  /** The bytes and the placeholders written per batch (keys apart, in `keys`). */
  part: Part;
  /** Absent at cardinality 1: items carry no `gen.key`. */
  keys: KeyMarks | undefined;
  /** Encoded size of one item inside the request (log record, span, data point with its field header). */
  itemBytes: number;
}

/** Phases kept as ready-made variants at most, and bytes they may take together. */
export const MAX_VARIANTS = 64;
export const VARIANT_BUDGET_BYTES = 16 * 1024 * 1024;

const DEFAULT_OPTIONS: TemplateOptions = { recordSize: 0, cardinality: 1 };
const SEVERITY_INFO = 9;
const SPAN_KIND_SERVER = 2;
const SPAN_DURATION_NS = 1_000_000;
const KEY_ATTRIBUTE = 'gen.key';
const PAD_ATTRIBUTE = 'gen.pad';

/** How item `item` is built: `pad` bytes of padding, or none at all (undefined). */
type ItemBuilder = (pad: number | undefined, item: number) => Part;

/** The `gen.key` attribute as field `field`, with `width` digits; nothing when there is a single value. */
function keyOf(field: number, width: number | undefined): Part[] {
  return width === undefined ? [] : [keyAttribute(field, KEY_ATTRIBUTE, width)];
}

function logRecord(source: string, width: number | undefined): ItemBuilder {
  return (pad, item) =>
    message(
      2,
      fixed64(1, 'time'), // time_unix_nano
      fixed64(11, 'time'), // observed_time_unix_nano
      uvarint(2, SEVERITY_INFO), // severity_number
      string(3, 'INFO'), // severity_text
      message(5, seqString(1, `${source} log `, trailingPad(pad, item))), // body: AnyValue{string_value}
      stringAttribute(6, 'generator', source), // attributes
      ...keyOf(6, width),
      fixed32(8, 1), // flags: sampled
      id(9, 'traceId'),
      id(10, 'spanId'),
    );
}

function span(source: string, width: number | undefined): ItemBuilder {
  return (pad, item) =>
    message(
      2,
      id(1, 'traceId'),
      id(2, 'spanId'),
      seqString(5, `${source} span `, trailingPad(pad, item)), // name
      uvarint(6, SPAN_KIND_SERVER), // kind
      fixed64(7, 'time'), // start_time_unix_nano
      fixed64(8, 'time', SPAN_DURATION_NS), // end_time_unix_nano
      stringAttribute(9, 'generator', source), // attributes
      ...keyOf(9, width),
    );
}

function dataPoint(width: number | undefined): ItemBuilder {
  return (pad, item) =>
    message(
      1,
      message(7, string(1, 'seq'), message(2, seqString(1, ''))), // attributes: KeyValue{seq: AnyValue{string_value}}
      ...keyOf(7, width),
      ...(pad === undefined ? [] : [stringAttribute(7, PAD_ATTRIBUTE, filler(pad, item))]),
      fixed64(2, 'time'), // start_time_unix_nano
      fixed64(3, 'time'), // time_unix_nano
      fixed64(6, 'seqInt'), // as_int
    );
}

function resource(source: string): Part {
  return message(1, stringAttribute(1, 'service.name', 'otap-traffic-generator'), stringAttribute(1, 'generator', source));
}

const scope = message(1, string(1, 'otap-engine/traffic-generator'), string(2, '0.1.0'));

/** Padding after the sequence number of a body or a name: a space, then filler. */
function trailingPad(pad: number | undefined, item: number): string {
  return pad === undefined || pad === 0 ? '' : ` ${filler(pad - 1, item)}`;
}

/** Filler is cut from this much text, item i at its own offset, so that items of a batch do not repeat each other. */
const FILLER_CHARS = 1024 * 1024;
const FILLER_STRIDE = 4099;
let fillerText = '';

/**
 * `n` characters of deterministic word-like text for item `item`: made of a few hundred pseudo-words, it compresses
 * about as well as log text does, instead of to nothing (one repeated string) or hardly at all (random characters).
 */
export function filler(n: number, item = 0): string {
  if (n === 0) return '';
  if (fillerText === '') fillerText = makeFillerText();
  const start = (item * FILLER_STRIDE) % (FILLER_CHARS - n + 1);
  return fillerText.slice(start, start + n);
}

function makeFillerText(): string {
  let x = 0x2545f491;
  const next = (bound: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % bound;
  };
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const words = Array.from({ length: 512 }, () => Array.from({ length: 2 + next(8) }, () => letters[next(26)]).join(''));
  const parts: string[] = [];
  let length = 0;
  while (length < FILLER_CHARS) {
    const word = words[next(words.length)] as string;
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(' ').slice(0, FILLER_CHARS);
}

/** The padding that brings an item closest to `target` bytes (varint lengths grow with it, so it may miss by one). */
function paddingFor(build: ItemBuilder, target: number): number | undefined {
  const natural = build(undefined, 0).bytes.length;
  if (natural >= target) return undefined;
  let best: number | undefined;
  let bestMiss = target - natural;
  let pad = 0;
  for (let attempt = 0; attempt < 8; attempt++) {
    const size = build(pad, 0).bytes.length;
    const miss = Math.abs(size - target);
    if (miss < bestMiss) {
      best = pad;
      bestMiss = miss;
    }
    if (size === target) break;
    const next = Math.max(0, pad + target - size);
    if (next === pad) break;
    pad = next;
  }
  return best;
}

function repeatedItems(items: number, build: ItemBuilder, pad: number | undefined): Part[] {
  return Array.from({ length: items }, (_, i) => forItem(build(pad, i), i));
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** `source` names the generator in every item (body, span name, attribute) so downstream can tell sources apart. */
export function buildTemplate(signal: Signal, items: number, source: string, options: TemplateOptions = DEFAULT_OPTIONS): Template {
  const cardinality = Math.max(1, options.cardinality);
  const width = cardinality > 1 ? String(cardinality - 1).length : undefined;
  let item: ItemBuilder;
  let wrap: (records: Part[]) => Part;
  switch (signal) {
    case 'logs':
      item = logRecord(source, width);
      // ExportLogsServiceRequest.resource_logs → ResourceLogs.scope_logs → ScopeLogs.log_records
      wrap = (records) => message(1, resource(source), message(2, scope, ...records));
      break;
    case 'traces':
      item = span(source, width);
      wrap = (records) => message(1, resource(source), message(2, scope, ...records));
      break;
    case 'metrics':
      item = dataPoint(width);
      // Metric{name, gauge: Gauge{data_points}}: one gauge whose data points are the items.
      wrap = (points) =>
        message(1, resource(source), message(2, scope, message(2, string(1, 'traffic_generator.sequence'), string(3, '1'), message(5, ...points))));
      break;
  }
  const pad = options.recordSize > 0 ? paddingFor(item, options.recordSize) : undefined;
  const whole = wrap(repeatedItems(items, item, pad));
  const marks: Mark[] = [];
  const keyOffsets: number[] = [];
  for (const mark of whole.marks) {
    if (mark.kind !== 'key') marks.push(mark);
    else keyOffsets[mark.item] = mark.offset;
  }
  let keys: KeyMarks | undefined;
  if (width !== undefined) {
    // Batches start at multiples of `items`, so only cardinality / gcd(items, cardinality) phases ever occur.
    const phases = cardinality / gcd(items, cardinality);
    const keep = phases <= MAX_VARIANTS && phases * whole.bytes.length <= VARIANT_BUDGET_BYTES;
    keys = { cardinality, width, offsets: Uint32Array.from(keyOffsets), variants: keep ? new Map() : undefined };
  }
  return { signal, items, part: { bytes: whole.bytes, marks }, keys, itemBytes: item(pad, 0).bytes.length };
}
