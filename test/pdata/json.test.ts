// OTLP/JSON ↔ protobuf: every field and value type survives a round trip; the accepted spellings (snake_case keys,
// enum names, 64-bit integers as numbers) give the same bytes; wrong shapes are typed failures naming the path.
import { describe, expect, it } from 'vitest';
import { SIGNALS, type Signal } from '../../src/pipeline/pdata.js';
import { otlpJsonToProto, otlpProtoToJson } from '../../src/pdata/json.js';
import { scanRequest } from '../../src/pdata/wire.js';
import { FULL, FULL_ITEMS } from './full-requests.js';

function toProto(signal: Signal, json: unknown): Uint8Array {
  const r = otlpJsonToProto(signal, JSON.stringify(json));
  if (!r.ok) throw new Error(r.reason);
  return r.payload;
}

function toJson(signal: Signal, bytes: Uint8Array): Record<string, unknown> {
  const r = otlpProtoToJson(signal, bytes);
  if (!r.ok) throw new Error(r.reason);
  return r.json;
}

function failure(signal: Signal, body: string | Uint8Array): string {
  const r = otlpJsonToProto(signal, body);
  if (r.ok) throw new Error('expected a failure');
  return r.reason;
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
function snakeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [snake(k), snakeKeys(x)]));
  return v;
}

describe('OTLP/JSON mapping', () => {
  for (const signal of SIGNALS) {
    it(`round-trips every field of a ${signal} request`, () => {
      const bytes = toProto(signal, FULL[signal]);
      expect(scanRequest(signal, bytes)).toEqual({ ok: true, items: FULL_ITEMS[signal] });
      expect(toJson(signal, bytes)).toEqual(FULL[signal]);
    });

    it(`accepts snake_case field names for ${signal} and encodes the same bytes`, () => {
      expect(Buffer.from(toProto(signal, snakeKeys(FULL[signal])))).toEqual(Buffer.from(toProto(signal, FULL[signal])));
    });
  }

  it('accepts enum names, 64-bit integers as numbers, 32-bit integers as strings, and null as absent', () => {
    const json = {
      resourceLogs: [
        {
          resource: null,
          scopeLogs: [
            {
              logRecords: [
                { timeUnixNano: 1700000000000000000, severityNumber: 'SEVERITY_NUMBER_WARN', flags: '1', body: { intValue: 12 }, unknownField: { x: 1 } },
              ],
            },
          ],
        },
      ],
    };
    expect(toJson('logs', toProto('logs', json))).toEqual({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1700000000000000000', severityNumber: 13, flags: 1, body: { intValue: '12' } }] }] }],
    });
    const span = { resourceSpans: [{ scopeSpans: [{ spans: [{ kind: 'SPAN_KIND_CLIENT', status: { code: 'STATUS_CODE_OK' } }] }] }] };
    expect(toJson('traces', toProto('traces', span))).toEqual({ resourceSpans: [{ scopeSpans: [{ spans: [{ kind: 3, status: { code: 1 } }] }] }] });
  });

  it('accepts ids in either case and base64url bytes', () => {
    const json = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: '5B8EFFF798038103D269B633813FC60C', body: { bytesValue: '-_8' } }] }] }] };
    expect(toJson('logs', toProto('logs', json))).toEqual({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: '5b8efff798038103d269b633813fc60c', body: { bytesValue: '+/8=' } }] }] }],
    });
  });

  const record = (fields: Record<string, unknown>) => JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [fields] }] }] });
  const at = '$.resourceLogs[0].scopeLogs[0].logRecords[0]';

  it.each([
    ['invalid JSON', '{"resourceLogs":', /^invalid JSON/],
    ['a top-level array', '[]', /^\$: expected an object, got array/],
    ['a repeated field that is an object', '{"resourceLogs":{}}', /^\$\.resourceLogs: expected an array, got object/],
    ['a message that is a string', record({ body: 'text' }), `${at}.body: expected an object, got string`],
    ['a string field that is a number', record({ severityText: 5 }), /severityText: expected a string, got number/],
    ['an unknown enum name', record({ severityNumber: 'LOUD' }), /unknown SeverityNumber value "LOUD"/],
    ['a fractional integer', record({ timeUnixNano: 1.5 }), /timeUnixNano: expected an integer/],
    ['a negative unsigned integer', record({ timeUnixNano: '-1' }), /-1 out of range for fixed64/],
    ['a fixed64 above 2^64-1', record({ timeUnixNano: '18446744073709551616' }), /out of range for fixed64/],
    ['an int64 below -2^63', record({ body: { intValue: '-9223372036854775809' } }), /out of range for int64/],
    ['a uint32 above 2^32-1', record({ droppedAttributesCount: 4294967296 }), /out of range for uint32/],
    ['a non-hex trace id', record({ traceId: 'xyz0' }), /traceId: not an even-length hex string/],
    ['a trace id of the wrong length', record({ traceId: 'abcd' }), /an id of 16 bytes has 32 hex digits/],
    ['bytes that are not base64', record({ body: { bytesValue: '***' } }), /bytesValue: not base64/],
    ['a double that is a word', record({ body: { doubleValue: 'much' } }), /doubleValue: expected a number/],
    ['a bool that is a string', record({ body: { boolValue: 'true' } }), /boolValue: expected a boolean/],
    ['two members of a oneof', record({ body: { stringValue: 'a', boolValue: true } }), /more than one field of oneof value/],
  ])('fails on %s', (_, body, reason) => {
    expect(failure('logs', body as string)).toMatch(reason);
  });

  it('fails on a body that is not UTF-8', () => {
    expect(failure('logs', Buffer.from([0x7b, 0xff, 0x7d]))).toMatch(/^invalid JSON/);
  });

  it('reports malformed protobuf as a failure when rendering JSON', () => {
    const r = otlpProtoToJson('logs', Buffer.from([0x0a, 0x09, 0x01]));
    expect(r.ok).toBe(false);
  });
});
