// Field lookup shared by both JSON directions: OTLP/JSON accepts the lowerCamelCase JSON name and the original
// snake_case proto name for every field, and writes trace/span ids as hex instead of protobuf JSON's base64.
import type protobuf from 'protobufjs';

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);
/** Byte lengths an id may have; empty means "no id". */
const ID_LENGTHS: Readonly<Record<string, number>> = { traceId: 16, spanId: 8, parentSpanId: 8 };

export function isIdField(field: protobuf.Field): boolean {
  return field.type === 'bytes' && ID_FIELDS.has(field.name);
}

export function idLength(field: protobuf.Field): number {
  return ID_LENGTHS[field.name] ?? 0;
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const indexes = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();

/** Every key a JSON object may use for a field of `type`. */
export function fieldsByJsonKey(type: protobuf.Type): Map<string, protobuf.Field> {
  let index = indexes.get(type);
  if (!index) {
    index = new Map();
    for (const field of type.fieldsArray) {
      field.resolve();
      index.set(field.name, field);
      index.set(snakeCase(field.name), field);
    }
    indexes.set(type, index);
  }
  return index;
}

/** The oneof a field really belongs to (not the synthetic one protoc makes for proto3 `optional`). */
export function realOneof(field: protobuf.Field): protobuf.OneOf | null {
  const oneof = field.partOf;
  return oneof && oneof.oneof.length > 1 ? oneof : null;
}
