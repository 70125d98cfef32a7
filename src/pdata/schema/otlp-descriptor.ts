// The whole OTLP schema as one protobufjs JSON descriptor: `opentelemetry.proto.*` and the `google.*` messages OTLP
// answers use. Plain data (protobufjs is imported for its types only), so that code which needs only the shape of the
// messages, such as the wire scanner's field tables, reads it without loading protobufjs.
import type { IEnum, INamespace, IType } from 'protobufjs';
import { commonV1, resourceV1 } from './common.js';
import { logsV1 } from './logs.js';
import { traceV1 } from './trace.js';
import { metricsV1 } from './metrics.js';
import { collectorV1, googleTypes } from './collector.js';

function mergeNested(...parts: INamespace[]): INamespace {
  const nested: NonNullable<INamespace['nested']> = {};
  for (const part of parts) Object.assign(nested, part.nested);
  return { nested };
}

export const OTLP_DESCRIPTOR: INamespace = {
  nested: {
    opentelemetry: {
      nested: { proto: mergeNested(commonV1, resourceV1, logsV1, traceV1, metricsV1, collectorV1) },
    },
    google: googleTypes,
  },
};

export type Definition = IType | IEnum | INamespace;

function index(ns: INamespace, prefix: string, out: Map<string, Definition>): Map<string, Definition> {
  for (const [name, def] of Object.entries(ns.nested ?? {})) {
    const full = prefix ? `${prefix}.${name}` : name;
    out.set(full, def as Definition);
    if ('nested' in def && def.nested) index(def as INamespace, full, out);
  }
  return out;
}

const DEFINITIONS = index(OTLP_DESCRIPTOR, '', new Map());

/** A message or enum of the descriptor by full name (`opentelemetry.proto.logs.v1.LogRecord`); namespaces are not. */
export function otlpDefinition(fullName: string): IType | IEnum | undefined {
  const def = DEFINITIONS.get(fullName);
  return def && ('fields' in def || 'values' in def) ? (def as IType | IEnum) : undefined;
}

/** A message of the descriptor by full name; throws when there is none. */
export function otlpMessage(fullName: string): IType {
  const def = otlpDefinition(fullName);
  if (!def || !('fields' in def)) throw new Error(`OTLP schema: no message ${fullName}`);
  return def;
}
