// The request walker of the byte paths (src/pdata/wire-walk.ts), with visitors written here: on random requests of
// every signal, what it writes decodes to what the same change gives on the decoded request (records dropped and
// rewritten, containers emptied by the drops left out, resources replaced and created), and it calls each level's
// hooks in the order it promises; what it cannot walk throws NotOnWire.
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { Resource, REQUEST_TYPES, LogRecord, Span, Metric } from '../../src/pdata/otlp-schema.js';
import { SIGNAL_LAYOUTS } from '../../src/pdata/wire-layout.js';
import { fieldId } from '../../src/pdata/wire-layout.js';
import { lengthDelimited, NotOnWire } from '../../src/pdata/wire-reader.js';
import { FIELD, KeepingVisitor, LEVEL, WireWalk, type FieldOutcome, type FieldVisitor } from '../../src/pdata/wire-walk.js';
import type { Signal } from '../../src/pipeline/pdata.js';
import { canonical, len, randomRequest, rng } from '../support/wire-requests.js';

const SIGNALS = ['logs', 'traces', 'metrics'] as const;
const FIELDS: Record<Signal, [resources: string, scopes: string, records: string]> = {
  logs: ['resourceLogs', 'scopeLogs', 'logRecords'],
  traces: ['resourceSpans', 'scopeSpans', 'spans'],
  metrics: ['resourceMetrics', 'scopeMetrics', 'metrics'],
};
const RECORD_TYPES = { logs: LogRecord, traces: Span, metrics: Metric };
/** A record to write in place of another, one per signal, long enough that lengths above it change size. */
const NEW_RECORD = { logs: { severityText: 'w'.repeat(200) }, traces: { name: 'w'.repeat(200) }, metrics: { name: 'w'.repeat(200) } };

type Item = Record<string, unknown>;

/** Decoded with the fields the schema does not know kept, as `canonical` keeps them. */
function decode(signal: Signal, bytes: Uint8Array): unknown {
  const reader = protobuf.Reader.create(bytes);
  reader.discardUnknown = false;
  return REQUEST_TYPES[signal].decode(reader);
}

/** A visitor that looks at nothing, with a log of calls; tests override the hooks they need. */
class Visitor extends KeepingVisitor {
  override levels = 0;
  calls: string[] = [];
}

/** Record `i` (in document order) is dropped, rewritten or kept, by `fate(i)`. */
class RecordVisitor extends Visitor {
  override levels = LEVEL.RECORDS;
  seen = 0;
  private readonly newRecord: Uint8Array;
  constructor(
    private readonly walk: WireWalk,
    signal: Signal,
    private readonly fate: (i: number) => FieldOutcome,
  ) {
    super();
    const type = RECORD_TYPES[signal];
    this.newRecord = lengthDelimited(SIGNAL_LAYOUTS[signal].records, type.encode(type.fromObject(NEW_RECORD[signal])).finish());
  }
  override record(): FieldOutcome {
    const outcome = this.fate(this.seen++);
    if (outcome === FIELD.WROTE) this.walk.edit.bytes(this.newRecord);
    return outcome;
  }
}

/** The decode path's way: the same fates on the decoded request, Resource* and Scope* emptied by drops left out. */
function onDecoded(signal: Signal, payload: Uint8Array, fate: (i: number) => FieldOutcome): Buffer {
  const type = REQUEST_TYPES[signal];
  const request = decode(signal, payload) as unknown as Record<string, Item[]>;
  const [resources, scopes, records] = FIELDS[signal];
  let i = 0;
  let kept = 0;
  let dropped = 0;
  const prune = <T>(list: T[], visit: (element: T) => void): T[] =>
    list.filter((element) => {
      const [k, d] = [kept, dropped];
      visit(element);
      return !(dropped > d && kept === k);
    });
  request[resources] = prune(request[resources] ?? [], (item) => {
    item[scopes] = prune((item[scopes] ?? []) as Item[], (scope) => {
      const out: unknown[] = [];
      for (const record of (scope[records] ?? []) as unknown[]) {
        const outcome = fate(i++);
        if (outcome === FIELD.DROP) dropped++;
        else kept++;
        if (outcome === FIELD.KEEP) out.push(record);
        if (outcome === FIELD.WROTE) out.push(RECORD_TYPES[signal].fromObject(NEW_RECORD[signal]));
      }
      scope[records] = out;
    });
  });
  return canonical(signal, type.encode(request).finish());
}

describe('the request walker', () => {
  it.each(SIGNALS)('%s: records dropped and rewritten as on the decoded request, 300 random requests', (signal) => {
    const r = rng(signal.length * 31);
    const walk = new WireWalk(SIGNAL_LAYOUTS[signal]);
    let emptied = 0;
    for (let n = 0; n < 300; n++) {
      const payload = randomRequest(r, signal);
      const pDrop = [0, 0.3, 0.7, 1][n % 4] as number;
      const pWrite = n % 3 === 0 ? 0.2 : 0;
      const fates = Array.from({ length: 64 }, () => (r() < pDrop ? FIELD.DROP : r() < pWrite ? FIELD.WROTE : FIELD.KEEP));
      const fate = (i: number): FieldOutcome => fates[i % fates.length] as FieldOutcome;
      const visitor = new RecordVisitor(walk, signal, fate);
      const out = walk.walk(payload, visitor);
      const expected = onDecoded(signal, payload, fate);
      expect(walk.keptRecords + walk.droppedRecords).toBe(visitor.seen);
      if (out !== undefined) expect(canonical(signal, out).equals(expected)).toBe(true);
      else if (walk.droppedRecords > 0 && walk.keptRecords === 0) {
        // Nothing left: the decoded request has no record either.
        emptied++;
        const decoded = decode(signal, expected) as unknown as Record<string, Item[]>;
        expect((decoded[FIELDS[signal][0]] ?? []).flatMap((item) => (item[FIELDS[signal][1]] ?? []) as Item[]).flatMap((s) => (s[FIELDS[signal][2]] ?? []) as unknown[])).toEqual([]);
      } else {
        // Nothing changed.
        expect(walk.droppedRecords).toBe(0);
        expect(canonical(signal, payload).equals(expected)).toBe(true);
      }
    }
    expect(emptied).toBeGreaterThan(30);
  });

  it('gives a visitor of no level nothing, and changes nothing', () => {
    const payload = randomRequest(rng(7), 'logs');
    const walk = new WireWalk(SIGNAL_LAYOUTS.logs);
    const visitor = new (class extends Visitor {
      override record(): FieldOutcome {
        throw new Error('not asked for records');
      }
    })();
    expect(walk.walk(payload, visitor)).toBeUndefined();
    expect(walk.keptRecords).toBe(0);
  });

  it('replaces every resource and creates the missing ones, as on the decoded request', () => {
    const constant = Resource.encode({ attributes: [{ key: 'r', value: { stringValue: 'v'.repeat(130) } }] }).finish();
    const resourceField = SIGNAL_LAYOUTS.traces.resource;
    const r = rng(99);
    const walk = new WireWalk(SIGNAL_LAYOUTS.traces);
    const visitor = new (class extends Visitor {
      override levels = LEVEL.RESOURCE;
      override resource(): FieldOutcome {
        walk.edit.bytes(lengthDelimited(resourceField, constant));
        return FIELD.WROTE;
      }
      override noResource(): FieldOutcome {
        return this.resource();
      }
    })();
    for (let n = 0; n < 100; n++) {
      const payload = randomRequest(r, 'traces');
      const out = walk.walk(payload, visitor);
      const request = decode('traces', payload) as unknown as { resourceSpans: Item[] };
      for (const item of request.resourceSpans) item['resource'] = Resource.decode(constant);
      expect(out).toBeDefined();
      expect(canonical('traces', out as Buffer).equals(canonical('traces', REQUEST_TYPES.traces.encode(request).finish()))).toBe(true);
    }
  });

  it('reads the resource attributes of a Resource* before its records, wherever the resource lies', () => {
    const kv = (key: string) => len(1, Buffer.concat([len(1, Buffer.from(key)), len(2, len(1, Buffer.from('v')))]));
    const record = len(2, len(3, Buffer.from('INFO')));
    // Scopes first, then two resource fields (the decoder merges them), in two Resource*.
    const item = Buffer.concat([len(2, Buffer.concat([record, record])), len(1, kv('a')), len(1, Buffer.concat([kv('b'), kv('c')]))]);
    const payload = Buffer.concat([len(1, item), len(1, len(2, record))]);
    const walk = new WireWalk(SIGNAL_LAYOUTS.logs);
    const visitor = new (class extends Visitor {
      override levels = LEVEL.RESOURCE_ATTRIBUTES | LEVEL.RECORDS;
      override resourceAttribute(start: number, end: number): void {
        this.calls.push(`attribute ${payload.subarray(start + 2, start + 3).toString()} ${end - start}`);
      }
      override resourceRead(): void {
        this.calls.push('read');
      }
      override record(): FieldOutcome {
        this.calls.push('record');
        return FIELD.KEEP;
      }
    })();
    expect(walk.walk(payload, visitor)).toBeUndefined();
    expect(visitor.calls).toEqual(['attribute a 8', 'attribute b 8', 'attribute c 8', 'read', 'record', 'record', 'read', 'record']);
    expect(walk.keptRecords).toBe(3);
  });

  it('refuses a resource or scope given twice when the visitor looks at it, and walks it when not', () => {
    const twice = len(1, Buffer.concat([len(1, new Uint8Array(0)), len(1, new Uint8Array(0)), len(2, Buffer.concat([len(1, new Uint8Array(0)), len(1, new Uint8Array(0))]))]));
    const walk = new WireWalk(SIGNAL_LAYOUTS.logs);
    const looking = (levels: number) =>
      new (class extends Visitor {
        override levels = levels;
      })();
    expect(() => walk.walk(twice, looking(LEVEL.RESOURCE))).toThrow(NotOnWire);
    expect(() => walk.walk(twice, looking(LEVEL.SCOPE))).toThrow(NotOnWire);
    expect(walk.walk(twice, looking(LEVEL.RECORDS | LEVEL.RESOURCE_ATTRIBUTES))).toBeUndefined();
  });

  it('throws NotOnWire for a truncated request and for a group', () => {
    const walk = new WireWalk(SIGNAL_LAYOUTS.metrics);
    const visitor = new (class extends Visitor {
      override levels = LEVEL.RECORDS;
    })();
    const r = rng(5);
    for (let n = 0; n < 50; n++) {
      const payload = randomRequest(r, 'metrics');
      expect(() => walk.walk(payload.subarray(0, payload.length - 1), visitor)).toThrow(NotOnWire);
    }
    expect(() => walk.walk(Uint8Array.from([0x0b, 0x0c]), visitor)).toThrow(NotOnWire);
  });

  it('message: rewrites a span without its events and with a link more, or leaves it as it came', () => {
    const events = fieldId('opentelemetry.proto.trace.v1.Span', 'events') * 8 + 2;
    const newLink = lengthDelimited(fieldId('opentelemetry.proto.trace.v1.Span', 'links'), new Uint8Array(0));
    const walk = new WireWalk(SIGNAL_LAYOUTS.traces);
    class SpanFields implements FieldVisitor {
      constructor(private readonly change: boolean) {}
      field(tag: number): FieldOutcome {
        return this.change && tag === events ? FIELD.DROP : FIELD.KEEP;
      }
      after(): FieldOutcome {
        if (!this.change) return FIELD.KEEP;
        walk.edit.bytes(newLink);
        return FIELD.WROTE;
      }
    }
    const visitor = (fields: SpanFields) =>
      new (class extends Visitor {
        override levels = LEVEL.RECORDS;
        override record(fieldStart: number, tagEnd: number, start: number, end: number): FieldOutcome {
          return walk.message(fieldStart, tagEnd, start, end, fields);
        }
      })();
    const r = rng(11);
    for (let n = 0; n < 100; n++) {
      const payload = randomRequest(r, 'traces');
      expect(walk.walk(payload, visitor(new SpanFields(false)))).toBeUndefined();
      const out = walk.walk(payload, visitor(new SpanFields(true)));
      const request = decode('traces', payload) as unknown as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Item[] }> }> };
      let spans = 0;
      for (const item of request.resourceSpans)
        for (const scope of item.scopeSpans)
          for (const span of scope.spans) {
            spans++;
            span['events'] = [];
            span['links'] = [...((span['links'] as unknown[]) ?? []), {}];
          }
      if (spans === 0) expect(out).toBeUndefined();
      else expect(canonical('traces', out as Buffer).equals(canonical('traces', REQUEST_TYPES.traces.encode(request).finish()))).toBe(true);
    }
  });

  it('nextField and metricPoints read what the decoder reads', () => {
    const walk = new WireWalk(SIGNAL_LAYOUTS.metrics);
    const nameTag = fieldId('opentelemetry.proto.metrics.v1.Metric', 'name') * 8 + 2;
    const got: Array<[number, string]> = [];
    const visitor = new (class extends Visitor {
      override levels = LEVEL.RECORDS;
      override record(_fieldStart: number, _tagEnd: number, start: number, end: number): FieldOutcome {
        const points = walk.metricPoints(start, end);
        let name = '';
        for (let at = start; (at = walk.nextField(nameTag, at, end)) >= 0; at = walk.fieldEnd) name = Buffer.from(walk.reader.buf.subarray(at, walk.fieldEnd)).toString();
        got.push([points, name]);
        return FIELD.KEEP;
      }
    })();
    const r = rng(3);
    for (let n = 0; n < 100; n++) {
      const payload = randomRequest(r, 'metrics');
      got.length = 0;
      walk.walk(payload, visitor);
      const request = decode('metrics', payload) as unknown as { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<Item & { data?: string; name: string }> }> }> };
      const expected = request.resourceMetrics.flatMap((item) =>
        item.scopeMetrics.flatMap((scope) => scope.metrics.map((m): [number, string] => [m.data ? ((m[m.data] as { dataPoints: unknown[] }).dataPoints.length) : 0, m.name])),
      );
      expect(got).toEqual(expected);
    }
    // Two data fields: the decoder keeps the last one only.
    const twoData = len(1, len(2, len(2, Buffer.concat([len(5, len(1, new Uint8Array(0))), len(7, new Uint8Array(0))]))));
    expect(() => walk.walk(twoData, visitor)).toThrow(NotOnWire);
  });
});
