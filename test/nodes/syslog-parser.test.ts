// The syslog / CEF parser against upstream's documented behaviour (syslog-parsing-behavior.md): which format each
// input is detected as, which fields come out, and which inputs keep their raw text as the body. Only empty input is
// refused.
import { describe, expect, it } from 'vitest';
import { parseSyslog } from '../../src/nodes/receivers/syslog-cef/parser/parse.js';
import { parsePriority } from '../../src/nodes/receivers/syslog-cef/parser/priority.js';
import { isFullyParsed, type ParsedMessage } from '../../src/nodes/receivers/syslog-cef/parser/types.js';
import { recordOf } from './syslog-helpers.js';

function parsed(text: string | Buffer): ParsedMessage {
  const outcome = parseSyslog(Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1'));
  if (!outcome.ok) throw new Error(`refused: ${text.toString()}`);
  return outcome.message;
}

function attrs(text: string | Buffer): Record<string, string | number> {
  const record = recordOf(text);
  if (!record) throw new Error('refused');
  return record.attributes;
}

describe('format detection', () => {
  const cases: Array<[string, ParsedMessage['format'], boolean]> = [
    ['<34>1 2003-10-11T22:14:15.003Z host app - ID47 - msg', 'rfc5424', true],
    ['<34>1 - - - - - - msg', 'rfc5424', true],
    ['<34>Oct 11 22:14:15 host su: content', 'rfc3164', true],
    ['<34>This is just content', 'rfc3164', true],
    ['CEF:0|Vendor|Product|1.0|100|name|10|src=1.2.3.4', 'cef', true],
    ['<134>1 2024-01-15T10:30:45Z host CEF - - CEF:0|V|P|1.0|100|name|10|k=v', 'cef_rfc5424', true],
    ['<34>Oct 11 22:14:15 fw CEF: CEF:0|V|P|1.0|100|name|10|', 'cef_rfc3164', true],
    ['<34>Oct 11 22:14:15 host CEF:0|V|P|1.0|100|name|10|', 'cef_rfc3164', true],
    // Degraded: no valid priority, so the raw input is kept as the body.
    ['CEF:', 'rfc3164', false],
    ['Use the BFG!', 'rfc3164', false],
    ['<00>Test message', 'rfc3164', false],
    ['<999Test message', 'rfc3164', false],
    ['<abc> Test message', 'rfc3164', false],
    ['<> Test message', 'rfc3164', false],
    ['<192>1 - - - - - - msg', 'rfc3164', false],
    ['Oct 11 22:14:15 host su: msg', 'rfc3164', false],
    ['Oct 11 22:14:15 host CEF:0|V|P|1.0|100|name|10|k=v', 'cef_rfc3164', false],
    // Not RFC 5424 (no space after the version), but a valid priority: fully parsed RFC 3164.
    ['<34>1', 'rfc3164', true],
    ['<34>', 'rfc3164', true],
    // Invalid CEF falls through to RFC 3164.
    ['CEF:0|vendor|product|version|id', 'rfc3164', false],
    ['CEF:0|vendor|product|version|id|name', 'rfc3164', false],
    ['CEF:2.0|V|P|1.0|100|name|10|', 'rfc3164', false],
  ];
  for (const [input, format, full] of cases) {
    it(`${JSON.stringify(input)} → ${format}${full ? '' : ' (raw body)'}`, () => {
      const message = parsed(input);
      expect(message.format).toBe(format);
      expect(isFullyParsed(message)).toBe(full);
      expect(recordOf(input)?.body).toBe(full ? undefined : input);
      expect(recordOf(input)?.attributes['input.format']).toBe(format);
    });
  }

  it('refuses only empty input', () => {
    expect(parseSyslog(Buffer.alloc(0))).toEqual({ ok: false, reason: 'empty' });
    expect(parseSyslog(Buffer.from(' ')).ok).toBe(true);
    expect(parseSyslog(Buffer.from([0xff, 0x00, 0x3c])).ok).toBe(true);
  });
});

describe('priority', () => {
  const cases: Array<[string, [number, number] | undefined]> = [
    ['<0>', [0, 0]],
    ['<191>', [23, 7]],
    ['<34>', [4, 2]],
    ['<192>', undefined],
    ['<00>', undefined],
    ['<01>', undefined],
    ['<abc>', undefined],
    ['<>', undefined],
    ['<1234>', undefined],
    ['34>', undefined],
  ];
  for (const [input, want] of cases) {
    it(`${input} → ${want ? `facility ${want[0]}, severity ${want[1]}` : 'no priority'}`, () => {
      const pri = parsePriority(Buffer.from(`${input}x`));
      expect(pri ? [pri.priority.facility, pri.priority.severity] : undefined).toEqual(want);
    });
  }
});

describe('RFC 5424 fields', () => {
  it('reads every header field, structured data and message', () => {
    const text = `<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su 12345 ID47 [exampleSDID@32473 iut="3" eventSource="Application"] 'su root' failed`;
    expect(attrs(text)).toEqual({
      'syslog.version': 1,
      'syslog.facility': 4,
      'syslog.severity': 2,
      'syslog.host_name': 'mymachine.example.com',
      'syslog.app_name': 'su',
      'syslog.process_id_str': '12345',
      'syslog.process_id': 12345,
      'syslog.msg_id': 'ID47',
      'syslog.structured_data': '[exampleSDID@32473 iut="3" eventSource="Application"]',
      'syslog.message': "'su root' failed",
      'input.format': 'rfc5424',
    });
  });

  it('NILVALUE fields are absent; a PROCID that is not an int is kept only as text', () => {
    expect(attrs('<34>1 - - - - - - msg')).toEqual({ 'syslog.version': 1, 'syslog.facility': 4, 'syslog.severity': 2, 'syslog.message': 'msg', 'input.format': 'rfc5424' });
    expect(attrs('<34>1 - host app worker-7 - - msg')).toMatchObject({ 'syslog.process_id_str': 'worker-7' });
    expect(attrs('<34>1 - host app worker-7 - - msg')['syslog.process_id']).toBeUndefined();
  });

  it('structured data: several elements, quotes and escapes, unclosed', () => {
    expect(attrs('<34>1 - - - - - [sd1@1 k="v"][sd2@2 k="v"] msg')).toMatchObject({ 'syslog.structured_data': '[sd1@1 k="v"][sd2@2 k="v"]', 'syslog.message': 'msg' });
    expect(attrs('<34>1 - - - - - [a@1 k="x]y\\"z"] msg')).toMatchObject({ 'syslog.structured_data': '[a@1 k="x]y\\"z"]', 'syslog.message': 'msg' });
    const unclosed = attrs('<34>1 - - - - - [id@123 key="value" ');
    expect(unclosed['syslog.structured_data']).toBe('[id@123 key="value" ');
    expect(unclosed['syslog.message']).toBeUndefined();
    expect(attrs('<34>1 - - - - - [ Message')['syslog.structured_data']).toBe('[ Message');
    expect(attrs('<34>1 - - - - - [sd@1 k="v"]')).not.toHaveProperty('syslog.message');
  });

  it('drops a UTF-8 BOM that opens the message', () => {
    const text = Buffer.concat([Buffer.from('<34>1 - - - - - - '), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('héllo', 'utf8')]);
    expect(attrs(text)['syslog.message']).toBe('héllo');
  });
});

describe('RFC 3164 fields', () => {
  it('timestamp, host, tag with pid, content', () => {
    expect(attrs(`<34>Oct 11 22:14:15 mymachine su[1234]: 'su root' failed`)).toEqual({
      'syslog.facility': 4,
      'syslog.severity': 2,
      'syslog.host_name': 'mymachine',
      'syslog.tag': 'su[1234]',
      'syslog.app_name': 'su',
      'syslog.process_id': 1234,
      'syslog.content': "'su root' failed",
      'input.format': 'rfc3164',
    });
  });

  it('tags: non-numeric pid, empty brackets, unclosed bracket', () => {
    expect(attrs('<34>Oct 11 22:14:15 host app[worker-1]: msg')).toMatchObject({ 'syslog.tag': 'app[worker-1]', 'syslog.app_name': 'app' });
    expect(attrs('<34>Oct 11 22:14:15 host app[worker-1]: msg')).not.toHaveProperty('syslog.process_id');
    expect(attrs('<34>hostname app[]: message')).toMatchObject({ 'syslog.host_name': 'hostname', 'syslog.app_name': 'app', 'syslog.content': 'message' });
    expect(attrs('<34>hostname app[]: message')).not.toHaveProperty('syslog.process_id');
    expect(attrs('<34>hostname app[123: message')['syslog.app_name']).toBe('app[123');
  });

  it('no timestamp, no colon, nothing at all', () => {
    expect(attrs('<34>hostname tag: message')).toMatchObject({ 'syslog.host_name': 'hostname', 'syslog.tag': 'tag', 'syslog.content': 'message' });
    expect(attrs('<34>This is just content')).toEqual({ 'syslog.facility': 4, 'syslog.severity': 2, 'syslog.content': 'This is just content', 'input.format': 'rfc3164' });
    expect(attrs('<34>')).toEqual({ 'syslog.facility': 4, 'syslog.severity': 2, 'syslog.content': '', 'input.format': 'rfc3164' });
    expect(attrs('Use the BFG!')).toEqual({ 'syslog.content': 'Use the BFG!', 'input.format': 'rfc3164' });
  });
});

describe('CEF', () => {
  it('bare CEF: the seven headers and the extensions', () => {
    expect(attrs('CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232')).toEqual({
      'cef.version': 0,
      'cef.device_vendor': 'Security',
      'cef.device_product': 'threatmanager',
      'cef.device_version': '1.0',
      'cef.device_event_class_id': '100',
      'cef.name': 'worm successfully stopped',
      'cef.severity': '10',
      src: '10.0.0.1',
      dst: '2.1.2.2',
      spt: '1232',
      'input.format': 'cef',
    });
  });

  it('headers: no extensions, no trailing pipe, all empty, an escaped pipe, version 1.x', () => {
    expect(attrs('CEF:0|V|P|1.0|100|name|10|')['cef.severity']).toBe('10');
    expect(attrs('CEF:0|V|P|1.0|100|name|10')['cef.severity']).toBe('10');
    expect(attrs('CEF:0|||||||')).toMatchObject({ 'cef.device_vendor': '', 'cef.name': '', 'cef.severity': '' });
    expect(attrs('CEF:0|V|P|1.0|100|name\\|10|')).toMatchObject({ 'cef.name': 'name\\|10', 'cef.severity': '' });
    expect(attrs('CEF:1.2|V|P|1.0|100|name|10|')['cef.version']).toBe(1);
  });

  it('extensions: values with spaces, escapes, empty keys, trailing backslash, no =', () => {
    const ext = (e: string): Record<string, string | number> => {
      const all = attrs(`CEF:0|V|P|1.0|100|name|10|${e}`);
      return Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith('cef.') && k !== 'input.format'));
    };
    expect(ext('msg=hello world src=1.2.3.4')).toEqual({ msg: 'hello world', src: '1.2.3.4' });
    expect(ext('a=x\\=y b=line\\nnext c=back\\\\slash d=\\q')).toEqual({ a: 'x=y', b: 'line\nnext', c: 'back\\slash', d: '\\q' });
    expect(ext('=')).toEqual({});
    expect(ext('===value')).toEqual({});
    expect(ext('key=value\\')).toEqual({ key: 'value\\' });
    expect(ext('a=1   b=2')).toEqual({ a: '1', b: '2' });
    expect(ext('a= b=2')).toEqual({ a: '', b: '2' });
    expect(ext('a=1 no-equals-here')).toEqual({ a: '1 no-equals-here' });
    expect(ext('a=1 b=')).toEqual({ a: '1', b: '' });
  });

  it('CEF inside RFC 5424 and RFC 3164 carries both sets of attributes', () => {
    expect(attrs('<34>1 2003-10-11T22:14:15.003Z myhost app 5678 - - CEF:0|Security|IDS|1.0|100|Attack detected|8|src=10.0.0.1 dst=192.168.1.1 spt=12345')).toEqual({
      'syslog.version': 1,
      'syslog.facility': 4,
      'syslog.severity': 2,
      'syslog.host_name': 'myhost',
      'syslog.app_name': 'app',
      'syslog.process_id_str': '5678',
      'syslog.process_id': 5678,
      'syslog.message': 'CEF:0|Security|IDS|1.0|100|Attack detected|8|src=10.0.0.1 dst=192.168.1.1 spt=12345',
      'cef.version': 0,
      'cef.device_vendor': 'Security',
      'cef.device_product': 'IDS',
      'cef.device_version': '1.0',
      'cef.device_event_class_id': '100',
      'cef.name': 'Attack detected',
      'cef.severity': '8',
      src: '10.0.0.1',
      dst: '192.168.1.1',
      spt: '12345',
      'input.format': 'cef_rfc5424',
    });
    // TAG `CEF`: the parser rejoins `CEF:` + content, and the content attribute is the whole CEF text.
    expect(attrs('<34>Oct 11 22:14:15 host CEF:0|V|P|1.0|100|name|10|k=v')).toMatchObject({
      'syslog.host_name': 'host',
      'syslog.tag': 'CEF',
      'syslog.content': 'CEF:0|V|P|1.0|100|name|10|k=v',
      'cef.name': 'name',
      k: 'v',
      'input.format': 'cef_rfc3164',
    });
  });
});
