// How a parsed message becomes an OTLP log record, as upstream maps it: severity from the syslog severity (OTel data
// model appendix B), time from the syslog timestamp (RFC 3339 to the nanosecond; RFC 3164 in the current year and
// local time), the raw message as body only when it was not fully parsed, and requests the engine's own receiver scan
// accepts, whatever bytes came in.
import { describe, expect, it } from 'vitest';
import { encodeLogRecord, encodeLogsRequest } from '../../src/nodes/receivers/syslog-cef/encode.js';
import { parseSyslog } from '../../src/nodes/receivers/syslog-cef/parser/parse.js';
import { bsdNanos, rfc3339Nanos } from '../../src/nodes/receivers/syslog-cef/parser/timestamp.js';
import { logRecordFields } from '../../src/nodes/receivers/syslog-cef/record.js';
import { scanRequest } from '../../src/pdata/wire.js';
import { recordOf, recordsOf } from './syslog-helpers.js';

describe('severity', () => {
  const table: Array<[number, number, string]> = [
    [0, 21, 'FATAL'],
    [1, 19, 'ERROR3'],
    [2, 18, 'ERROR2'],
    [3, 17, 'ERROR'],
    [4, 13, 'WARN'],
    [5, 10, 'INFO2'],
    [6, 9, 'INFO'],
    [7, 5, 'DEBUG'],
  ];
  for (const [syslog, number, text] of table) {
    it(`syslog severity ${syslog} → ${number} ${text}, in RFC 5424 and RFC 3164`, () => {
      const pri = 8 * 3 + syslog;
      for (const message of [`<${pri}>1 - - - - - - x`, `<${pri}>host app: x`]) {
        const record = recordOf(message);
        expect(record?.severityNumber).toBe(number);
        expect(record?.severityText).toBe(text);
        expect(record?.attributes['syslog.severity']).toBe(syslog);
        expect(record?.attributes['syslog.facility']).toBe(3);
      }
    });
  }

  it('no syslog priority (bare CEF, text without <PRI>): UNSPECIFIED, number 0', () => {
    for (const message of ['CEF:0|V|P|1.0|100|name|10|', 'just text']) {
      const record = recordOf(message);
      expect(record?.severityNumber).toBeUndefined();
      expect(record?.severityText).toBe('UNSPECIFIED');
    }
  });
});

describe('timestamps', () => {
  it('RFC 3339: Z, offsets, fractions to the nanosecond, leap second', () => {
    expect(rfc3339Nanos('2003-10-11T22:14:15.003Z')).toBe(1_065_910_455_003_000_000n);
    expect(rfc3339Nanos('2003-10-11T22:14:15Z')).toBe(1_065_910_455_000_000_000n);
    expect(rfc3339Nanos('2003-10-12T00:14:15.003+02:00')).toBe(1_065_910_455_003_000_000n);
    expect(rfc3339Nanos('2003-10-11T15:14:15.003-07:00')).toBe(1_065_910_455_003_000_000n);
    expect(rfc3339Nanos('2003-10-11T22:14:15.123456789Z')).toBe(1_065_910_455_123_456_789n);
    expect(rfc3339Nanos('2003-10-11T22:14:15.1234567891234Z')).toBe(1_065_910_455_123_456_789n);
    expect(rfc3339Nanos('2016-12-31T23:59:60Z')).toBe(1_483_228_800_000_000_000n);
    expect(rfc3339Nanos('1970-01-01T00:00:00Z')).toBe(0n);
  });

  it('RFC 3339 that does not parse: no time', () => {
    for (const bad of ['2003-13-11T22:14:15Z', '2003-02-30T22:14:15Z', '2003-10-11T24:00:00Z', '2003-10-11T22:14:15', '2003-10-11', 'yesterday', '2003-10-11T22:14:15+0200']) {
      expect(rfc3339Nanos(bad), bad).toBeUndefined();
    }
    const record = recordOf('<34>1 not-a-time host app - - - x');
    expect(record?.timeUnixNano).toBeUndefined();
    expect(record?.observedTimeUnixNano).toBeDefined();
  });

  it('RFC 3164: the current year, local time', () => {
    const year = new Date().getFullYear();
    expect(bsdNanos('Oct 11 22:14:15')).toBe(BigInt(new Date(year, 9, 11, 22, 14, 15).getTime()) * 1_000_000n);
    expect(bsdNanos('Jan  5 01:02:03')).toBe(BigInt(new Date(year, 0, 5, 1, 2, 3).getTime()) * 1_000_000n);
    expect(bsdNanos('oct 11 22:14:15')).toBeDefined();
    expect(bsdNanos('Foo 11 22:14:15')).toBeUndefined();
    expect(bsdNanos('Feb 30 22:14:15', 2023)).toBeUndefined();
    expect(recordOf('<34>Oct 11 22:14:15 host su: x')?.timeUnixNano).toBe(String(BigInt(new Date(year, 9, 11, 22, 14, 15).getTime()) * 1_000_000n));
  });

  it('RFC 5424 record time is the message timestamp; bare CEF has none', () => {
    expect(recordOf('<34>1 2003-10-11T22:14:15.003Z h a - - - x')?.timeUnixNano).toBe('1065910455003000000');
    expect(recordOf('CEF:0|V|P|1.0|100|name|10|')?.timeUnixNano).toBeUndefined();
  });
});

describe('records and requests', () => {
  it('every record of a batch carries the batch observed time; one resource, one scope, all empty', () => {
    const messages = ['<34>1 - - - - - - a', 'CEF:0|V|P|1.0|100|n|1|', 'plain'];
    const records = messages.map((m) => {
      const outcome = parseSyslog(Buffer.from(m));
      if (!outcome.ok) throw new Error('refused');
      return encodeLogRecord(logRecordFields(outcome.message));
    });
    const payload = encodeLogsRequest(records, 1_700_000_000_123_456_789n);
    expect(scanRequest('logs', payload)).toEqual({ ok: true, items: 3 });
    const out = recordsOf([{ signal: 'logs', payload, items: 3 }]);
    expect(out.map((r) => r.observedTimeUnixNano)).toEqual(Array(3).fill('1700000000123456789'));
    expect(out.map((r) => r.body)).toEqual([undefined, undefined, 'plain']);
  });

  it('bytes that are not UTF-8 still make a valid request (invalid sequences become U+FFFD)', () => {
    const message = Buffer.concat([Buffer.from('<34>1 - h\xff app - - - caf'), Buffer.from([0xe9, 0x20, 0xc3])]);
    const outcome = parseSyslog(message);
    if (!outcome.ok) throw new Error('refused');
    const payload = encodeLogsRequest([encodeLogRecord(logRecordFields(outcome.message))], 1n);
    expect(scanRequest('logs', payload).ok).toBe(true);
    const [record] = recordsOf([{ signal: 'logs', payload, items: 1 }]);
    expect(record?.attributes['syslog.message']).toBe('caf\ufffd \ufffd');
    const raw = Buffer.from([0x80, 0x81, 0x41]);
    const rawOutcome = parseSyslog(raw);
    if (!rawOutcome.ok) throw new Error('refused');
    const rawPayload = encodeLogsRequest([encodeLogRecord(logRecordFields(rawOutcome.message))], 1n);
    expect(scanRequest('logs', rawPayload).ok).toBe(true);
    expect(recordsOf([{ signal: 'logs', payload: rawPayload, items: 1 }])[0]?.body).toBe('\ufffd\ufffdA');
  });

  it('a pid beyond int64 in RFC 5424 stays text only; negative and large ones are int64', () => {
    expect(recordOf('<34>1 - h a 99999999999999999999 - - x')?.attributes).not.toHaveProperty('syslog.process_id');
    const big = recordOf('<34>1 - h a 9007199254740993 - - x');
    expect(big?.attributes['syslog.process_id_str']).toBe('9007199254740993');
    const negative = recordOf('<34>1 - h a -42 - - x');
    expect(negative?.attributes['syslog.process_id']).toBe(-42);
  });

  it('attributes are written in upstream order, input.format last', () => {
    expect(recordOf('<34>1 2003-10-11T22:14:15Z h a 1 m [s@1] x')?.keys).toEqual([
      'syslog.version',
      'syslog.facility',
      'syslog.severity',
      'syslog.host_name',
      'syslog.app_name',
      'syslog.process_id_str',
      'syslog.process_id',
      'syslog.msg_id',
      'syslog.structured_data',
      'syslog.message',
      'input.format',
    ]);
  });
});
