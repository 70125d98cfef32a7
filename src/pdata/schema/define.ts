// Tiny builders for the protobufjs JSON descriptor, so the OTLP message tables below read like the .proto files
// (field name, type, number) instead of nested object literals.
import type { IEnum, IField, INamespace, IType } from 'protobufjs';

export type FieldSpec =
  | [type: string, id: number]
  | [type: string, id: number, rule: 'repeated' | 'optional'];

/** A message type; names are the lowerCamelCase JSON names, which is also what protobufjs objects use. */
export function message(fields: Record<string, FieldSpec>, oneofs: Record<string, string[]> = {}, nested?: INamespace['nested']): IType {
  const out: Record<string, IField> = {};
  const allOneofs: Record<string, { oneof: string[] }> = {};
  for (const [name, oneof] of Object.entries(oneofs)) allOneofs[name] = { oneof };
  for (const [name, spec] of Object.entries(fields)) {
    const [type, id, rule] = spec;
    if (rule === 'repeated') {
      out[name] = { type, id, rule: 'repeated' };
    } else if (rule === 'optional') {
      // proto3 `optional`: explicit presence through a synthetic oneof, as protoc describes it.
      out[name] = { type, id, options: { proto3_optional: true } };
      allOneofs[`_${name}`] = { oneof: [name] };
    } else {
      out[name] = { type, id };
    }
  }
  const t: IType = { fields: out };
  if (Object.keys(allOneofs).length > 0) t.oneofs = allOneofs;
  if (nested) t.nested = nested;
  return t;
}

export function enumeration(values: Record<string, number>): IEnum {
  return { values };
}

/** `opentelemetry.proto.<path>` as nested namespaces. */
export function namespace(path: string[], nested: NonNullable<INamespace['nested']>): INamespace {
  let ns: INamespace = { nested };
  for (let i = path.length - 1; i >= 0; i--) ns = { nested: { [path[i] as string]: ns } };
  return ns;
}
