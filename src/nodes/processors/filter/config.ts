// The validated config of processor:filter, as upstream's engine names and nests it. Shared by the descriptor (joi
// schema, supervisor) and the processor (instance); no joi here, instances never load it.

export type MatchType = 'strict' | 'regexp';
/** An attribute or body value to match: a scalar, or a list or map (which upstream accepts and never matches). */
export type FilterValue = string | number | boolean | FilterValue[] | { [key: string]: unknown };

export interface FilterKeyValue {
  key: string;
  value: FilterValue;
}

export interface LogMatchProperties {
  match_type: MatchType;
  /** Every one must be on the record's resource. */
  resource_attributes: FilterKeyValue[];
  /** One of them on the record is enough. */
  record_attributes: FilterKeyValue[];
  severity_texts: string[];
  severity_number?: { min: number; match_undefined: boolean };
  bodies: FilterValue[];
}

export interface TraceMatchProperties {
  match_type: MatchType;
  resource_attributes: FilterKeyValue[];
  span_attributes: FilterKeyValue[];
  span_names: string[];
  event_names: string[];
  event_attributes: FilterKeyValue[];
  link_attributes: FilterKeyValue[];
}

export interface MetricMatchProperties {
  match_type: MatchType;
  metric_names: string[];
}

export interface FilterProcessorConfig {
  logs: { include?: LogMatchProperties; exclude?: LogMatchProperties; log_record: string[] };
  traces: { include?: TraceMatchProperties; exclude?: TraceMatchProperties };
  metrics: { include?: MetricMatchProperties; exclude?: MetricMatchProperties };
  /** This engine's extra: false drops every message of the signal without looking inside. */
  signals: { logs: boolean; traces: boolean; metrics: boolean };
}

/** Severity names and the SeverityNumber each starts at; `WARN2` is 14 (an extra beside upstream's numbers). */
export const SEVERITY_LEVELS: Readonly<Record<string, number>> = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };

/** Rust's leading inline flags (`(?i)`, `(?is)`) as JavaScript flags; unanchored search, as upstream's matcher. */
export function compileRegExp(pattern: string): RegExp {
  const inline = /^\(\?([imsU]+)\)/.exec(pattern);
  let flags = '';
  let source = pattern;
  if (inline) {
    for (const flag of inline[1] as string) {
      if (flag === 'U') throw new SyntaxError('the U (swap greed) flag has no JavaScript equivalent');
      if (!flags.includes(flag)) flags += flag;
    }
    source = pattern.slice(inline[0].length);
  }
  try {
    return new RegExp(source, `${flags}u`);
  } catch {
    return new RegExp(source, flags);
  }
}
