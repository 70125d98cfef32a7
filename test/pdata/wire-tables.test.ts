// The wire scanner's field tables are read from the OTLP descriptor as plain data: they must be the tables the
// protobufjs schema built from the same descriptor gives, and scanning must not load protobufjs at all.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { REQUEST_TYPES } from '../../src/pdata/otlp-schema.js';
import { KIND, REQUEST_TABLES, type MessageTable } from '../../src/pdata/wire-tables.js';
import { SIGNALS } from '../../src/pipeline/pdata.js';

/** A table flattened to comparable data: name, counted, and per field its kind and child's name (cycles stop at names). */
function flatten(table: MessageTable, seen = new Map<string, unknown>()): Map<string, unknown> {
  if (seen.has(table.name)) return seen;
  const fields = [...table.kinds].map((kind, id) => [id, kind, table.children[id]?.name ?? null]).filter(([, kind]) => kind !== KIND.UNKNOWN);
  seen.set(table.name, { counted: table.counted, fields });
  for (const child of table.children) if (child) flatten(child, seen);
  return seen;
}

/** What protobufjs' reflection says of each field, in the table's terms. */
function fromReflection(type: protobuf.Type, seen = new Map<string, unknown>()): Map<string, unknown> {
  if (seen.has(type.name)) return seen;
  const entry = { counted: false, fields: [] as unknown[] };
  seen.set(type.name, entry);
  const sorted = [...type.fieldsArray].sort((a, b) => a.id - b.id);
  for (const field of sorted) {
    field.resolve();
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) {
      entry.fields.push([field.id, KIND.MESSAGE, resolved.name]);
      fromReflection(resolved, seen);
    } else {
      entry.fields.push([field.id, kindOf(field, resolved instanceof protobuf.Enum), null]);
    }
  }
  return seen;
}

function kindOf(field: protobuf.Field, isEnum: boolean): number {
  const scalar = isEnum ? 'enum' : field.type;
  const group = ['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool', 'enum'].includes(scalar)
    ? 'VARINT'
    : ['fixed64', 'sfixed64', 'double'].includes(scalar)
      ? 'I64'
      : ['fixed32', 'sfixed32', 'float'].includes(scalar)
        ? 'I32'
        : scalar === 'string'
          ? 'STRING'
          : 'LEN';
  if (field.repeated && (group === 'VARINT' || group === 'I64' || group === 'I32')) return KIND[`PACKED_${group}`];
  return KIND[group];
}

describe('wire scanner tables', () => {
  it.each(SIGNALS)('%s: every message and field as the protobufjs schema has them', (signal) => {
    const tables = flatten(REQUEST_TABLES[signal]);
    const reflected = fromReflection(REQUEST_TYPES[signal]);
    expect([...tables.keys()].sort()).toEqual([...reflected.keys()].sort());
    for (const [name, table] of tables) {
      const { fields } = table as { fields: unknown[] };
      expect({ name, fields }).toEqual({ name, fields: (reflected.get(name) as { fields: unknown[] }).fields });
    }
    expect([...tables].filter(([, t]) => (t as { counted: boolean }).counted).map(([n]) => n).length).toBeGreaterThan(0);
  });

  it('scanning a request loads no protobufjs (a real node process)', () => {
    const wire = fileURLToPath(new URL('../../src/pdata/wire.ts', import.meta.url));
    const probe = `
      import { createRequire } from 'node:module';
      const { scanRequest } = await import(${JSON.stringify(wire)});
      const result = scanRequest('logs', Buffer.from([0x0a, 0x00]));
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('protobufjs'));
      console.log(JSON.stringify({ result, loaded }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ result: { ok: true, items: 0 }, loaded: [] });
  });
});
