// exporter:file on real files in a temp directory: upstream's config (path template, open_mode, durability,
// max_frame_bytes, tail_recovery, create_directories) checked with reasons, and each option's effect on the files.
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateWithJoi } from '../../src/config/joi-errors.js';
import { fileExporter } from '../../src/nodes/exporters/file/descriptor.js';
import { FileExporter, fileExporterSettings } from '../../src/nodes/exporters/file/exporter.js';
import { otlpProtoToJson } from '../../src/pdata/json.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { createTestContext } from '../support/otlp-context.js';
import { logsProto, tracesProto } from '../support/otlp-requests.js';

let dir: string;
const started: FileExporter[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otap-file-exporter-'));
});

afterEach(async () => {
  for (const exporter of started.splice(0)) await exporter.stop();
  await rm(dir, { recursive: true, force: true });
});

const template = (name = 'out') => join(dir, `${name}-{signal}-{core_id}-{generation}.jsonl`);

function errors(config: unknown): string[] {
  const result = validateWithJoi<Record<string, unknown>>(fileExporter.configSchema, config, ['config']);
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
}

function settingsOf(config: Record<string, unknown>) {
  const checked = fileExporter.configSchema.validate(config);
  if (checked.error) throw checked.error;
  return fileExporterSettings(checked.value);
}

/** A started exporter on core 3, generation 7. */
async function exporterFor(config: Record<string, unknown>, ctx = createTestContext('file')): Promise<FileExporter> {
  const exporter = new FileExporter(settingsOf(config), { core: 3, generation: 7 });
  await exporter.start(ctx);
  started.push(exporter);
  return exporter;
}

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter(Boolean);
}

function bodiesOf(line: string): string[] {
  const json = JSON.parse(line) as { resourceLogs: { scopeLogs: { logRecords: { body: { stringValue: string } }[] }[] }[] };
  return json.resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords.map((l) => l.body.stringValue)));
}

const logs = (bodies: string[]): PData => ({ signal: 'logs', payload: logsProto(bodies), items: bodies.length });

describe('exporter:file config', () => {
  it("takes upstream's fields with upstream's defaults", () => {
    // As upstream's trafficgen-file.yaml writes it.
    const upstream = { path: '/tmp/otel-capture-{signal}-{core_id}-{generation}.jsonl', open_mode: 'append', durability: 'write' };
    expect(fileExporter.configSchema.validate(upstream).value).toEqual({
      ...upstream,
      create_directories: false,
      format: 'otlp_json',
      max_frame_bytes: 64 * 1024 * 1024,
      tail_recovery: 'truncate_partial',
      rotation: { max_size: 0, max_files: 5 },
      flush_interval: '0ms',
    });
    const truncate = fileExporter.configSchema.validate({ path: upstream.path, open_mode: 'truncate' }).value;
    expect(truncate).not.toHaveProperty('tail_recovery');
    expect(errors({ path: upstream.path, open_mode: 'create_new', durability: 'sync_data', max_frame_bytes: 1, create_directories: true })).toEqual([]);
  });

  it('refuses what upstream refuses, saying why', () => {
    const path = '/var/log/x-{signal}-{core_id}-{generation}.jsonl';
    expect(errors({})).toEqual(['config.path: "path" is required']);
    expect(errors({ path: 'x-{signal}-{core_id}-{generation}.jsonl' })).toEqual(['config.path: "path" must be an absolute path']);
    expect(errors({ path: '/var/log/x-{core_id}-{generation}.jsonl' })[0]).toMatch(/^config.path: "path" must contain \{signal\} exactly once/);
    expect(errors({ path: '/var/log/{signal}/x-{signal}-{core_id}-{generation}.jsonl' })[0]).toMatch(/must contain \{signal\} exactly once/);
    expect(errors({ path: '/var/log/x-{signal}-{core_id}-{generation}-{host}.jsonl' })[0]).toMatch(/unknown or malformed \{token\}/);
    expect(errors({ path: '/var/log/{signal}/../x-{core_id}-{generation}.jsonl' })[0]).toMatch(/loses \{signal\} once ".." is resolved/);
    expect(errors({ path, format: 'protobuf' })).toEqual(['config.format: "format" must be [otlp_json]']);
    expect(errors({ path, max_frame_bytes: 0 })).toEqual(['config.max_frame_bytes: "max_frame_bytes" must be greater than or equal to 1']);
    expect(errors({ path, max_frame_bytes: 256 * 1024 * 1024 + 1 })[0]).toMatch(/must be less than or equal to 268435456/);
    expect(errors({ path, open_mode: 'truncate', tail_recovery: 'fail' })).toEqual([
      'config.tail_recovery: "tail_recovery" applies only to open_mode: append (the other modes never keep what the file held)',
    ]);
    expect(errors({ path, durability: 'sync_data', flush_interval: '1s' })[0]).toMatch(/^config.flush_interval: "flush_interval" above 0s acknowledges lines before they are written/);
    expect(errors({ path, rotate: true })).toEqual(['config.rotate: unknown field "rotate"']);
  });
});

describe('exporter:file', () => {
  it('writes each message as one OTLP/JSON line to the file of its signal, core and generation (mode 0600)', async () => {
    const exporter = await exporterFor({ path: template() });
    const first = logs(['alpha', 'beta']);
    const traces: PData = { signal: 'traces', payload: tracesProto(['GET /']), items: 1 };
    expect(await exporter.export(first)).toEqual({ kind: 'success' });
    expect(await exporter.export(logs(['gamma']))).toEqual({ kind: 'success' });
    expect(await exporter.export(traces)).toEqual({ kind: 'success' });
    // Signals that never came leave no file.
    expect((await readdir(dir)).sort()).toEqual(['out-logs-3-7.jsonl', 'out-traces-3-7.jsonl']);
    const written = await lines(join(dir, 'out-logs-3-7.jsonl'));
    expect(written.map(bodiesOf)).toEqual([['alpha', 'beta'], ['gamma']]);
    const expected = otlpProtoToJson('logs', first.payload);
    if (!expected.ok) throw new Error(expected.reason);
    expect(JSON.parse(written[0]!)).toEqual(expected.json);
    const span = JSON.parse((await lines(join(dir, 'out-traces-3-7.jsonl')))[0]!);
    expect(span.resourceSpans[0].scopeSpans[0].spans[0]).toMatchObject({ name: 'GET /', traceId: '01'.repeat(16) });
    expect((await stat(join(dir, 'out-logs-3-7.jsonl'))).mode & 0o777).toBe(0o600);
  });

  it('an empty message is a success that writes nothing', async () => {
    const exporter = await exporterFor({ path: template() });
    expect(await exporter.export({ signal: 'metrics', payload: new Uint8Array(0), items: 0 })).toEqual({ kind: 'success' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('open_mode append keeps the lines there and cuts off an incomplete last line (tail_recovery truncate_partial)', async () => {
    const path = join(dir, 'out-logs-3-7.jsonl');
    await writeFile(path, '{"kept":1}\n{"cut":');
    const ctx = createTestContext('file');
    const exporter = await exporterFor({ path: template() }, ctx);
    expect(await exporter.export(logs(['new']))).toEqual({ kind: 'success' });
    const written = await lines(path);
    expect(written[0]).toBe('{"kept":1}');
    expect(bodiesOf(written[1]!)).toEqual(['new']);
    expect(ctx.logs.find((l) => l.msg === 'exporter:file: cut off an incomplete last line')).toMatchObject({ recoveredBytes: 7 });
  });

  it('tail_recovery fail refuses such a file: the export is retried, the file is left as it is', async () => {
    const path = join(dir, 'out-logs-3-7.jsonl');
    await writeFile(path, '{"cut":');
    const ctx = createTestContext('file');
    const exporter = await exporterFor({ path: template(), tail_recovery: 'fail' }, ctx);
    expect(await exporter.export(logs(['new']))).toEqual({ kind: 'retryable', reason: expect.stringMatching(/ends with an incomplete line \(tail_recovery: fail\)/) });
    expect(await readFile(path, 'utf8')).toBe('{"cut":');
    expect(ctx.errors[0]?.message).toMatch(/^exporter:file: cannot open /);
  });

  it('open_mode truncate empties the file when it is first opened; create_new refuses a file that exists', async () => {
    const path = join(dir, 'out-logs-3-7.jsonl');
    await writeFile(path, '{"old":1}\n');
    const truncating = await exporterFor({ path: template(), open_mode: 'truncate' });
    await truncating.export(logs(['one']));
    await truncating.export(logs(['two']));
    expect((await lines(path)).map(bodiesOf)).toEqual([['one'], ['two']]);
    await truncating.stop();

    const fresh = await exporterFor({ path: template(), open_mode: 'create_new' });
    expect(await fresh.export(logs(['three']))).toEqual({ kind: 'retryable', reason: expect.stringMatching(/EEXIST/) });
    await rm(path);
    expect(await fresh.export(logs(['three']))).toEqual({ kind: 'success' });
    expect((await lines(path)).map(bodiesOf)).toEqual([['three']]);
  });

  it('a line above max_frame_bytes is a permanent failure and writes nothing', async () => {
    const exporter = await exporterFor({ path: template(), max_frame_bytes: 64 });
    expect(await exporter.export(logs(['a body long enough to pass sixty-four bytes of JSON']))).toEqual({
      kind: 'failure',
      reason: expect.stringMatching(/^exporter:file: the line is \d+ bytes, above max_frame_bytes \(64\): split the batch/),
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('create_directories makes the missing directories (0700); without it, start fails naming the directory', async () => {
    const nested = join(dir, 'a', '{signal}', 'x-{core_id}-{generation}.jsonl');
    await expect(new FileExporter(settingsOf({ path: nested }), { core: 0, generation: 1 }).start(createTestContext())).rejects.toThrow(
      `exporter:file: the directory of ${join(dir, 'a', 'logs', 'x-0-1.jsonl')} cannot be used: ENOENT: no such file or directory`,
    );
    const exporter = await exporterFor({ path: nested, create_directories: true, durability: 'sync_data' });
    expect(await exporter.export(logs(['deep']))).toEqual({ kind: 'success' });
    expect((await lines(join(dir, 'a', 'logs', 'x-3-7.jsonl'))).map(bodiesOf)).toEqual([['deep']]);
    expect((await stat(join(dir, 'a', 'logs'))).mode & 0o777).toBe(0o700);
    await writeFile(join(dir, 'plain'), '');
    await expect(new FileExporter(settingsOf({ path: join(dir, 'plain', template('y').slice(dir.length + 1)) })).start(createTestContext())).rejects.toThrow(
      /cannot be used: is not a directory/,
    );
  });

  it('a failed write is answered retryable; one that cannot be cut back is reported fatal, and the file is reopened next time', async () => {
    // The logs file is /dev/full: every write fails with ENOSPC, and it cannot be truncated either.
    await symlink('/dev/full', join(dir, 'out-logs-3-7.jsonl'));
    const ctx = createTestContext('file');
    const exporter = await exporterFor({ path: template() }, ctx);
    expect(await exporter.export(logs(['lost']))).toEqual({ kind: 'retryable', reason: expect.stringMatching(/write of .*out-logs-3-7.jsonl failed: ENOSPC.*cutting the file back to 0 bytes failed too/) });
    expect(await exporter.export(logs(['lost']))).toMatchObject({ kind: 'retryable' });
    expect(ctx.logs.filter((l) => l.msg === 'exporter:file: file opened')).toHaveLength(2);
    expect(ctx.errors[0]?.message).toMatch(/ENOSPC/);
    // The other signals are not affected.
    expect(await exporter.export({ signal: 'traces', payload: tracesProto(['ok']), items: 1 })).toEqual({ kind: 'success' });
    expect((await lstat(join(dir, 'out-logs-3-7.jsonl'))).isSymbolicLink()).toBe(true);
  });

  it('two exporters of one instance cannot write one file', async () => {
    const first = await exporterFor({ path: template() });
    const second = await exporterFor({ path: template() });
    expect(await first.export(logs(['mine']))).toEqual({ kind: 'success' });
    expect(await second.export(logs(['also mine']))).toEqual({ kind: 'retryable', reason: expect.stringMatching(/already written by another exporter:file node/) });
  });

  it('a payload that does not decode is a permanent failure', async () => {
    const exporter = await exporterFor({ path: template() });
    const result = await exporter.export({ signal: 'logs', payload: Buffer.from([0x0a, 0x09]), items: 1 });
    expect(result).toMatchObject({ kind: 'failure', reason: expect.stringMatching(/malformed protobuf/) });
  });
});

describe('exporter:file extras (ours): rotation and flush_interval', () => {
  it('rotates each file by size: path → path.1 → path.2 …, keeping max_files rotated files', async () => {
    const one = otlpProtoToJson('logs', logsProto(['m-1']));
    if (!one.ok) throw new Error(one.reason);
    const lineBytes = Buffer.byteLength(`${JSON.stringify(one.json)}\n`);
    const exporter = await exporterFor({ path: template(), rotation: { max_size: Math.floor(lineBytes * 2.5), max_files: 2 } });
    for (let i = 1; i <= 7; i++) expect(await exporter.export(logs([`m-${i}`]))).toEqual({ kind: 'success' });
    const path = join(dir, 'out-logs-3-7.jsonl');
    expect((await readdir(dir)).sort()).toEqual(['out-logs-3-7.jsonl', 'out-logs-3-7.jsonl.1', 'out-logs-3-7.jsonl.2']);
    expect((await lines(path)).map(bodiesOf)).toEqual([['m-7']]);
    expect((await lines(`${path}.1`)).map(bodiesOf)).toEqual([['m-5'], ['m-6']]);
    expect((await lines(`${path}.2`)).map(bodiesOf)).toEqual([['m-3'], ['m-4']]);
  });

  it('flush_interval holds lines in memory until it passes, or until flush()', async () => {
    const exporter = await exporterFor({ path: template(), flush_interval: '1h' });
    await exporter.export(logs(['held']));
    expect(await readdir(dir)).toEqual([]);
    await exporter.flush();
    expect((await lines(join(dir, 'out-logs-3-7.jsonl'))).map(bodiesOf)).toEqual([['held']]);
    const soon = await exporterFor({ path: template('soon'), flush_interval: '20ms' });
    await soon.export(logs(['soon']));
    const path = join(dir, 'soon-logs-3-7.jsonl');
    const end = Date.now() + 5000;
    while (!(await stat(path).catch(() => undefined))?.size && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect((await lines(path)).map(bodiesOf)).toEqual([['soon']]);
  });

  it('stop() writes what is buffered', async () => {
    await mkdir(join(dir, 'sub'));
    const exporter = await exporterFor({ path: join(dir, 'sub', 'x-{signal}-{core_id}-{generation}.jsonl'), flush_interval: '1h' });
    await exporter.export(logs(['at stop']));
    await exporter.stop();
    expect((await lines(join(dir, 'sub', 'x-logs-3-7.jsonl'))).map(bodiesOf)).toEqual([['at stop']]);
  });
});
