// processor:filter's config compiled once for both paths (decoded objects and bytes), and the one rule both follow
// to decide a record from what it found. A match property set has groups: the resource's attributes (all must be
// there), the record's own fields (severity texts, bodies, severity number, span names: each given one must hold),
// its attributes (one is enough), its events, its links. An include keeps a record when every group it defines holds;
// an exclude drops it when any group it defines holds, as upstream inverts each group on its own.
import { compileRegExp, type FilterKeyValue, type FilterProcessorConfig, type FilterValue, type LogMatchProperties, type MatchType, type MetricMatchProperties, type TraceMatchProperties } from './config.js';

const TWO_63 = 2 ** 63;

/** What a value must be to match: a string (equal, or matching a pattern), a number, a bool; lists and maps never. */
export interface ValueRule {
  kind: 'string' | 'number' | 'bool' | 'never';
  text: string;
  bytes: Uint8Array;
  regex: RegExp | undefined;
  number: number;
  /** For a number: whether an int can equal it, and its int64 halves (signed, as protobufjs' Long holds them). */
  integral: boolean;
  low: number;
  high: number;
  flag: boolean;
}

export interface KeyValueRule extends ValueRule {
  key: string;
  keyBytes: Uint8Array;
}

/** Strings, one of which a text field must equal (strict) or match (regexp). */
export interface TextRule {
  strings: readonly string[];
  bytes: readonly Uint8Array[];
  regexes: readonly RegExp[] | undefined;
}

export interface LogRules {
  resource: KeyValueRule[];
  record: KeyValueRule[];
  texts: TextRule | undefined;
  bodies: ValueRule[] | undefined;
  severity: { min: number; matchUndefined: boolean } | undefined;
}

export interface SpanRules {
  resource: KeyValueRule[];
  attributes: KeyValueRule[];
  names: TextRule | undefined;
  eventNames: TextRule | undefined;
  eventAttributes: KeyValueRule[];
  links: KeyValueRule[];
}

export interface MetricRules {
  names: TextRule | undefined;
}

export interface FilterRules {
  keep: { logs: boolean; traces: boolean; metrics: boolean };
  logs: { include: LogRules | undefined; exclude: LogRules | undefined };
  traces: { include: SpanRules | undefined; exclude: SpanRules | undefined };
  metrics: { include: MetricRules | undefined; exclude: MetricRules | undefined };
}

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

export function valueRule(value: FilterValue, match: MatchType): ValueRule {
  const rule: ValueRule = { kind: 'never', text: '', bytes: new Uint8Array(0), regex: undefined, number: NaN, integral: false, low: 0, high: 0, flag: false };
  if (typeof value === 'string') {
    rule.kind = 'string';
    rule.text = value;
    rule.bytes = utf8(value);
    if (match === 'regexp') rule.regex = compileRegExp(value);
  } else if (typeof value === 'boolean') {
    rule.kind = 'bool';
    rule.flag = value;
  } else if (typeof value === 'number') {
    rule.kind = 'number';
    rule.number = value;
    rule.integral = Number.isInteger(value) && value >= -TWO_63 && value < TWO_63;
    if (rule.integral) {
      const u = BigInt.asUintN(64, BigInt(value));
      rule.low = Number(BigInt.asIntN(32, u & 0xffffffffn));
      rule.high = Number(BigInt.asIntN(32, u >> 32n));
    }
  }
  return rule;
}

function keyValueRules(list: readonly FilterKeyValue[], match: MatchType): KeyValueRule[] {
  return list.map((kv) => ({ ...valueRule(kv.value, match), key: kv.key, keyBytes: utf8(kv.key) }));
}

function textRule(strings: readonly string[], match: MatchType): TextRule | undefined {
  if (strings.length === 0) return undefined;
  return { strings, bytes: strings.map(utf8), regexes: match === 'regexp' ? strings.map(compileRegExp) : undefined };
}

function logRules(p: LogMatchProperties | undefined): LogRules | undefined {
  if (p === undefined) return undefined;
  const m = p.match_type;
  return {
    resource: keyValueRules(p.resource_attributes ?? [], m),
    record: keyValueRules(p.record_attributes ?? [], m),
    texts: textRule(p.severity_texts ?? [], m),
    bodies: (p.bodies ?? []).length > 0 ? p.bodies.map((b) => valueRule(b, m)) : undefined,
    severity: p.severity_number == null ? undefined : { min: p.severity_number.min, matchUndefined: p.severity_number.match_undefined ?? false },
  };
}

function spanRules(p: TraceMatchProperties | undefined): SpanRules | undefined {
  if (p === undefined) return undefined;
  const m = p.match_type;
  return {
    resource: keyValueRules(p.resource_attributes ?? [], m),
    attributes: keyValueRules(p.span_attributes ?? [], m),
    names: textRule(p.span_names ?? [], m),
    eventNames: textRule(p.event_names ?? [], m),
    eventAttributes: keyValueRules(p.event_attributes ?? [], m),
    links: keyValueRules(p.link_attributes ?? [], m),
  };
}

function metricRules(p: MetricMatchProperties | undefined): MetricRules | undefined {
  return p === undefined ? undefined : { names: textRule(p.metric_names ?? [], p.match_type) };
}

export function compileFilter(config: Partial<FilterProcessorConfig>): FilterRules {
  return {
    keep: { logs: config.signals?.logs ?? true, traces: config.signals?.traces ?? true, metrics: config.signals?.metrics ?? true },
    logs: { include: logRules(config.logs?.include), exclude: logRules(config.logs?.exclude) },
    traces: { include: spanRules(config.traces?.include), exclude: spanRules(config.traces?.exclude) },
    metrics: { include: metricRules(config.metrics?.include), exclude: metricRules(config.metrics?.exclude) },
  };
}

/** A group's outcome for one record: NONE when the properties do not define the group. */
export const NONE = 0;
export const HOLDS = 1;
export const FAILS = 2;
export type GroupOutcome = typeof NONE | typeof HOLDS | typeof FAILS;

export const outcome = (defined: boolean, holds: boolean): GroupOutcome => (!defined ? NONE : holds ? HOLDS : FAILS);

/** An include keeps a record when no group it defines fails; an exclude keeps one when no group it defines holds. */
export function keptBy(include: boolean, groups: readonly GroupOutcome[]): boolean {
  for (const g of groups) if (g === (include ? FAILS : HOLDS)) return false;
  return true;
}

/** A string against a text rule. */
export function textMatches(rule: TextRule, text: string): boolean {
  if (rule.regexes !== undefined) {
    for (const re of rule.regexes) if (re.test(text)) return true;
    return false;
  }
  return rule.strings.includes(text);
}

/** Which groups of the log properties need the record's own fields. */
export const logRecordGroup = (r: LogRules): boolean => r.texts !== undefined || r.bodies !== undefined || r.severity !== undefined;
export const severityHolds = (r: LogRules, severity: number): boolean =>
  r.severity === undefined || severity >= r.severity.min || (r.severity.matchUndefined && severity === 0);
/** Whether the span properties look at events. */
export const eventGroup = (r: SpanRules): boolean => r.eventNames !== undefined || r.eventAttributes.length > 0;
