// Per-message field tables for the wire scan, derived once from the OTLP schema's descriptor (the same data the
// protobufjs schema is built from), so that the scanner and the schema can never disagree about a field's wire type.
// Read as plain data: a pipeline that only scans OTLP never loads protobufjs, which is the largest module an instance
// would otherwise load and build at start. Index = field number; unknown numbers are skipped by wire type.
import type { IEnum, IField, IType } from 'protobufjs';
import type { Signal } from './signal.js';
import { otlpDefinition, otlpMessage } from './schema/otlp-descriptor.js';

/**
 * What a known field must look like on the wire. The scanner copies these into its own module constants: a loader
 * may turn imported bindings into getters (tsx and vitest do), which costs a call per field in the scan loop.
 */
export const KIND = {
  UNKNOWN: 0,
  VARINT: 1,
  I64: 2,
  I32: 3,
  /** `bytes`: length-delimited, any content. */
  LEN: 4,
  MESSAGE: 5,
  PACKED_VARINT: 6,
  PACKED_I64: 7,
  PACKED_I32: 8,
  /** `string`: length-delimited and valid UTF-8 (proto3 requires it; protobufjs refuses to decode anything else). */
  STRING: 9,
} as const;

export interface MessageTable {
  readonly name: string;
  /** Each occurrence is one item of the request (log record, span, metric data point). */
  readonly counted: boolean;
  /** A plain array: the fast scan reads it faster than a Uint8Array (~115 against 120–180 µs a 512-log request). */
  readonly kinds: number[];
  readonly children: (MessageTable | undefined)[];
}

const COUNTED = new Set([
  'LogRecord',
  'Span',
  'NumberDataPoint',
  'HistogramDataPoint',
  'ExponentialHistogramDataPoint',
  'SummaryDataPoint',
]);

const VARINT = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool']);
const I64 = new Set(['fixed64', 'sfixed64', 'double']);
const I32 = new Set(['fixed32', 'sfixed32', 'float']);

/** Protobuf's name lookup: `name` in the scope of `scope`, then in each enclosing scope out to the root. */
function resolve(name: string, scope: string): [string, IType | IEnum] | undefined {
  for (let at = scope; ; at = at.slice(0, Math.max(0, at.lastIndexOf('.')))) {
    const full = at ? `${at}.${name}` : name;
    const def = otlpDefinition(full);
    if (def) return [full, def];
    if (!at) return undefined;
  }
}

function scalarKind(field: IField & { rule?: string }, isEnum: boolean): number {
  const packed = field.rule === 'repeated';
  if (isEnum || VARINT.has(field.type)) return packed ? KIND.PACKED_VARINT : KIND.VARINT;
  if (I64.has(field.type)) return packed ? KIND.PACKED_I64 : KIND.I64;
  if (I32.has(field.type)) return packed ? KIND.PACKED_I32 : KIND.I32;
  if (field.type === 'string') return KIND.STRING;
  if (field.type === 'bytes') return KIND.LEN;
  throw new Error(`wire tables: unsupported field type ${field.type}`);
}

const SCALARS = new Set([...VARINT, ...I64, ...I32, 'string', 'bytes']);

function build(fullName: string, memo: Map<string, MessageTable>): MessageTable {
  const existing = memo.get(fullName);
  if (existing) return existing;
  const type = otlpMessage(fullName);
  const fields = Object.values(type.fields) as Array<IField & { rule?: string }>;
  const max = fields.reduce((m, f) => Math.max(m, f.id), 0);
  const table: MessageTable = {
    name: fullName.slice(fullName.lastIndexOf('.') + 1),
    counted: COUNTED.has(fullName.slice(fullName.lastIndexOf('.') + 1)),
    kinds: new Array<number>(max + 1).fill(KIND.UNKNOWN),
    children: new Array<MessageTable | undefined>(max + 1).fill(undefined),
  };
  // Registered before the children so recursive messages (AnyValue ↔ ArrayValue) terminate.
  memo.set(fullName, table);
  for (const field of fields) {
    if (SCALARS.has(field.type)) {
      table.kinds[field.id] = scalarKind(field, false);
      continue;
    }
    const found = resolve(field.type, fullName);
    if (!found) throw new Error(`wire tables: ${fullName}: unknown type ${field.type}`);
    const [name, def] = found;
    if ('fields' in def) {
      table.kinds[field.id] = KIND.MESSAGE;
      table.children[field.id] = build(name, memo);
    } else {
      table.kinds[field.id] = scalarKind(field, true);
    }
  }
  return table;
}

const memo = new Map<string, MessageTable>();
const COLLECTOR = 'opentelemetry.proto.collector';

/** The table of each signal's Export*ServiceRequest. */
export const REQUEST_TABLES: Readonly<Record<Signal, MessageTable>> = {
  logs: build(`${COLLECTOR}.logs.v1.ExportLogsServiceRequest`, memo),
  traces: build(`${COLLECTOR}.trace.v1.ExportTraceServiceRequest`, memo),
  metrics: build(`${COLLECTOR}.metrics.v1.ExportMetricsServiceRequest`, memo),
};

/** KeyValues of the common shape take a shortcut in the scans (wire-scan-key-value.ts). */
export const KEY_VALUE_TABLE: MessageTable = memo.get('opentelemetry.proto.common.v1.KeyValue') as MessageTable;
