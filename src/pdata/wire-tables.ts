// Per-message field tables for the wire scan, derived once from the protobufjs schema so that the scanner and the
// schema can never disagree about a field's wire type. Index = field number; unknown numbers are skipped by wire type.
import protobuf from 'protobufjs';
import type { Signal } from './signal.js';
import { REQUEST_TYPES } from './otlp-schema.js';

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
  readonly kinds: Uint8Array;
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

function scalarKind(field: protobuf.Field): number {
  const packed = field.repeated;
  if (field.resolvedType instanceof protobuf.Enum || VARINT.has(field.type)) return packed ? KIND.PACKED_VARINT : KIND.VARINT;
  if (I64.has(field.type)) return packed ? KIND.PACKED_I64 : KIND.I64;
  if (I32.has(field.type)) return packed ? KIND.PACKED_I32 : KIND.I32;
  if (field.type === 'string') return KIND.STRING;
  if (field.type === 'bytes') return KIND.LEN;
  throw new Error(`wire tables: unsupported field type ${field.type}`);
}

function build(type: protobuf.Type, memo: Map<string, MessageTable>): MessageTable {
  const existing = memo.get(type.fullName);
  if (existing) return existing;
  const max = type.fieldsArray.reduce((m, f) => Math.max(m, f.id), 0);
  const table: MessageTable = {
    name: type.name,
    counted: COUNTED.has(type.name),
    kinds: new Uint8Array(max + 1),
    children: new Array<MessageTable | undefined>(max + 1).fill(undefined),
  };
  // Registered before the children so recursive messages (AnyValue ↔ ArrayValue) terminate.
  memo.set(type.fullName, table);
  for (const field of type.fieldsArray) {
    field.resolve();
    if (field.resolvedType instanceof protobuf.Type) {
      table.kinds[field.id] = KIND.MESSAGE;
      table.children[field.id] = build(field.resolvedType, memo);
    } else {
      table.kinds[field.id] = scalarKind(field);
    }
  }
  return table;
}

const memo = new Map<string, MessageTable>();

/** The table of each signal's Export*ServiceRequest. */
export const REQUEST_TABLES: Readonly<Record<Signal, MessageTable>> = {
  logs: build(REQUEST_TYPES.logs, memo),
  traces: build(REQUEST_TYPES.traces, memo),
  metrics: build(REQUEST_TYPES.metrics, memo),
};
