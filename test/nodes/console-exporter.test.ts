// exporter:console: one summary line per message in `basic`, the message as one line of OTLP/JSON in `detailed`;
// and on a real process's stdout.
import { PassThrough } from 'node:stream';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConsoleExporter } from '../../src/nodes/exporters/console/exporter.js';
import { consoleExporter } from '../../src/nodes/exporters/console/descriptor.js';
import { otlpJsonToProto } from '../../src/pdata/json.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { createTestContext } from '../support/otlp-context.js';
import { logsJson, logsProto } from '../support/otlp-requests.js';

function capture(): { out: PassThrough; lines: () => string[] } {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { out, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

const logs = (bodies: string[]): PData => ({ signal: 'logs', payload: logsProto(bodies), items: bodies.length });

describe('exporter:console', () => {
  it('defaults to basic verbosity', () => {
    expect(consoleExporter.configSchema.validate({}).value).toEqual({ verbosity: 'basic' });
    expect(consoleExporter.configSchema.validate({ verbosity: 'loud' }).error).toBeDefined();
  });

  it('basic: one line per message with signal, items and bytes', async () => {
    const { out, lines } = capture();
    const exporter = new ConsoleExporter('out', { verbosity: 'basic' }, out);
    await exporter.start(createTestContext('out'));
    const message = logs(['a', 'b', 'c']);
    expect(await exporter.export(message)).toEqual({ kind: 'success' });
    expect(await exporter.export({ signal: 'traces', payload: new Uint8Array(7), items: 0 })).toEqual({ kind: 'success' });
    expect(lines()).toEqual([
      expect.stringMatching(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z out: logs, 3 log records, ${message.payload.byteLength} bytes$`)),
      expect.stringMatching(/ out: traces, 0 spans, 7 bytes$/),
    ]);
    await exporter.stop();
  });

  it('detailed: the message as one line of OTLP/JSON', async () => {
    const { out, lines } = capture();
    const exporter = new ConsoleExporter('out', { verbosity: 'detailed' }, out);
    const json = logsJson(['first', 'second']);
    const proto = otlpJsonToProto('logs', JSON.stringify(json));
    if (!proto.ok) throw new Error(proto.reason);
    expect(await exporter.export({ signal: 'logs', payload: proto.payload, items: 2 })).toEqual({ kind: 'success' });
    expect(lines()).toHaveLength(1);
    expect(JSON.parse(lines()[0]!)).toEqual(json);
  });

  it('detailed: a payload that does not decode is a permanent failure', async () => {
    const { out, lines } = capture();
    const exporter = new ConsoleExporter('out', { verbosity: 'detailed' }, out);
    const result = await exporter.export({ signal: 'logs', payload: Buffer.from([0x0a, 0x09]), items: 1 });
    expect(result).toMatchObject({ kind: 'failure', reason: expect.stringMatching(/malformed protobuf/) });
    expect(lines()).toEqual([]);
  });

  it('writes to the process stdout by default', async () => {
    const script = `
      import { createConsoleExporter } from './src/nodes/exporters/console/exporter.ts';
      import { logsProto } from './test/support/otlp-requests.ts';
      const { node } = createConsoleExporter('stdout-test', { verbosity: 'basic' });
      await node.export({ signal: 'logs', payload: logsProto(['x']), items: 1 });
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
    });
    expect(stdout).toMatch(/ stdout-test: logs, 1 log record, \d+ bytes\n$/);
  });
});
