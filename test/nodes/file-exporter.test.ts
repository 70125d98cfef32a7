// exporter:file on real files in a temp directory: one line of OTLP/JSON per message, buffering with flush(), rotation
// by size keeping max_files, and start() failing with a clear error when the file cannot be opened.
import { mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileExporter } from '../../src/nodes/exporters/file/descriptor.js';
import { createFileExporter, FileExporter, fileExporterSettings } from '../../src/nodes/exporters/file/exporter.js';
import { otlpProtoToJson } from '../../src/pdata/json.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { createTestContext } from '../support/otlp-context.js';
import { logsProto, tracesProto } from '../support/otlp-requests.js';
import { logsPData } from '../pipeline/helpers/otlp.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otap-file-exporter-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function exporterFor(config: Record<string, unknown>): FileExporter {
  const checked = fileExporter.configSchema.validate(config);
  if (checked.error) throw checked.error;
  return new FileExporter(fileExporterSettings(checked.value));
}

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter(Boolean);
}

/** Log bodies of one OTLP/JSON logs line. */
function bodiesOf(line: string): string[] {
  const json = JSON.parse(line) as {
    resourceLogs: { scopeLogs: { logRecords: { body: { stringValue: string } }[] }[] }[];
  };
  return json.resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords.map((l) => l.body.stringValue)));
}

const logs = (bodies: string[]): PData => ({ signal: 'logs', payload: logsProto(bodies), items: bodies.length });

describe('exporter:file config', () => {
  it('requires an absolute path and fills the defaults', () => {
    expect(fileExporter.configSchema.validate({ path: '/var/log/otap.jsonl' }).value).toEqual({
      path: '/var/log/otap.jsonl',
      rotation: { max_size: 0, max_files: 5 },
      flush_interval: '1000ms',
    });
    expect(fileExporter.configSchema.validate({}).error?.message).toMatch(/"path" is required/);
    expect(fileExporter.configSchema.validate({ path: 'out.jsonl' }).error?.message).toMatch(/"path" must be an absolute path/);
    expect(fileExporter.configSchema.validate({ path: '/x', rotation: { max_files: 0 } }).error).toBeDefined();
    expect(fileExporter.configSchema.validate({ path: '/x', flush_interval: 5 }).error).toBeDefined();
    expect(fileExporter.configSchema.validate({ path: '/x', colour: 'red' }).error).toBeDefined();
    expect(fileExporter.configSchema.validate({ path: '/x', rotation: { max_size: '64MiB' } }).value.rotation).toEqual({
      max_size: 64 * 1024 * 1024,
      max_files: 5,
    });
  });

  it('turns sizes and durations into numbers', () => {
    expect(fileExporterSettings({ path: '/x', rotation: { max_size: '64MiB', max_files: 3 }, flush_interval: '250ms' })).toEqual({
      path: '/x',
      maxSize: 64 * 1024 * 1024,
      maxFiles: 3,
      flushIntervalMs: 250,
    });
  });
});

describe('exporter:file', () => {
  it('writes each message as one line of OTLP/JSON holding its records', async () => {
    const path = join(dir, 'out.jsonl');
    const { node, kind } = createFileExporter('file', { path });
    expect(kind).toBe('exporter');
    if (kind !== 'exporter') return;
    const ctx = createTestContext('file');
    await node.start(ctx);
    const first = logsPData(['alpha', 'beta']);
    const traces: PData = { signal: 'traces', payload: tracesProto(['GET /']), items: 1 };
    expect(await node.export(first)).toEqual({ kind: 'success' });
    expect(await node.export(logsPData(['gamma']))).toEqual({ kind: 'success' });
    expect(await node.export(traces)).toEqual({ kind: 'success' });
    await node.flush!();
    const written = await lines(path);
    expect(written).toHaveLength(3);
    expect(bodiesOf(written[0]!)).toEqual(['alpha', 'beta']);
    expect(bodiesOf(written[1]!)).toEqual(['gamma']);
    // Exactly the OTLP JSON mapping of each request.
    const expected = otlpProtoToJson('logs', first.payload);
    if (!expected.ok) throw new Error(expected.reason);
    expect(JSON.parse(written[0]!)).toEqual(expected.json);
    const span = JSON.parse(written[2]!) as { resourceSpans: { scopeSpans: { spans: { name: string; traceId: string }[] }[] }[] };
    expect(span.resourceSpans[0]!.scopeSpans[0]!.spans[0]).toMatchObject({ name: 'GET /', traceId: '01'.repeat(16) });
    await node.stop();
    expect(ctx.errors).toEqual([]);
  });

  it('appends to an existing file', async () => {
    const path = join(dir, 'out.jsonl');
    await writeFile(path, 'previous line\n');
    const exporter = exporterFor({ path });
    await exporter.start(createTestContext());
    await exporter.export(logs(['new']));
    await exporter.stop();
    const written = await lines(path);
    expect(written[0]).toBe('previous line');
    expect(bodiesOf(written[1]!)).toEqual(['new']);
  });

  it('buffers lines for flush_interval; flush() writes them', async () => {
    const path = join(dir, 'out.jsonl');
    const exporter = exporterFor({ path, flush_interval: '1h' });
    await exporter.start(createTestContext());
    await exporter.export(logs(['held']));
    await new Promise((r) => setTimeout(r, 50));
    expect((await stat(path)).size).toBe(0);
    await exporter.flush();
    expect(bodiesOf((await lines(path))[0]!)).toEqual(['held']);
    await exporter.stop();
  });

  it('writes buffered lines once flush_interval passes, without flush()', async () => {
    const path = join(dir, 'out.jsonl');
    const exporter = exporterFor({ path, flush_interval: '20ms' });
    await exporter.start(createTestContext());
    await exporter.export(logs(['soon']));
    const end = Date.now() + 5000;
    while ((await stat(path)).size === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(bodiesOf((await lines(path))[0]!)).toEqual(['soon']);
    await exporter.stop();
  });

  it('writes at once with flush_interval 0s, and stop() closes the file after the pending writes', async () => {
    const path = join(dir, 'out.jsonl');
    const exporter = exporterFor({ path, flush_interval: '0s' });
    await exporter.start(createTestContext());
    await exporter.export(logs(['now']));
    expect(bodiesOf((await lines(path))[0]!)).toEqual(['now']);
    const buffered = exporterFor({ path });
    await buffered.start(createTestContext());
    await buffered.export(logs(['at stop']));
    await buffered.stop();
    await exporter.stop();
    expect((await lines(path)).map(bodiesOf)).toEqual([['now'], ['at stop']]);
  });

  it('does not wait for the disk while buffering, and waits when the buffer is full', async () => {
    const path = join(dir, 'out.jsonl');
    const exporter = exporterFor({ path, flush_interval: '1h' });
    await exporter.start(createTestContext());
    // Far more than the stream's buffer: the exporter writes as it goes instead of holding it all.
    const big = logs(Array.from({ length: 200 }, (_, i) => `record ${i} ${'x'.repeat(100)}`));
    for (let i = 0; i < 20; i++) expect(await exporter.export(big)).toEqual({ kind: 'success' });
    expect((await stat(path)).size).toBeGreaterThan(0);
    await exporter.flush();
    expect(await lines(path)).toHaveLength(20);
    await exporter.stop();
  });

  it('rotates by size: path → path.1 → path.2 …, keeping max_files rotated files', async () => {
    const path = join(dir, 'out.jsonl');
    const one = otlpProtoToJson('logs', logsProto(['m-1']));
    if (!one.ok) throw new Error(one.reason);
    const lineBytes = Buffer.byteLength(`${JSON.stringify(one.json)}\n`);
    // Two lines fit, a third would pass max_size.
    const exporter = exporterFor({ path, rotation: { max_size: Math.floor(lineBytes * 2.5), max_files: 2 } });
    const ctx = createTestContext();
    await exporter.start(ctx);
    for (let i = 1; i <= 7; i++) expect(await exporter.export(logs([`m-${i}`]))).toEqual({ kind: 'success' });
    await exporter.flush();
    expect((await readdir(dir)).sort()).toEqual(['out.jsonl', 'out.jsonl.1', 'out.jsonl.2']);
    expect((await lines(path)).map(bodiesOf)).toEqual([['m-7']]);
    expect((await lines(`${path}.1`)).map(bodiesOf)).toEqual([['m-5'], ['m-6']]);
    expect((await lines(`${path}.2`)).map(bodiesOf)).toEqual([['m-3'], ['m-4']]);
    for (const name of await readdir(dir)) expect((await stat(join(dir, name))).size).toBeLessThanOrEqual(lineBytes * 2.5);
    await exporter.stop();
    expect(ctx.errors).toEqual([]);
  });

  it('counts what the file already holds, and puts a line larger than max_size in a file of its own', async () => {
    const path = join(dir, 'out.jsonl');
    await writeFile(path, 'x'.repeat(90));
    const exporter = exporterFor({ path, rotation: { max_size: 100, max_files: 5 }, flush_interval: '0s' });
    await exporter.start(createTestContext());
    await exporter.export(logs(['big-1']));
    await exporter.export(logs(['big-2']));
    await exporter.stop();
    expect((await readdir(dir)).sort()).toEqual(['out.jsonl', 'out.jsonl.1', 'out.jsonl.2']);
    expect(await readFile(`${path}.2`, 'utf8')).toBe('x'.repeat(90));
    expect((await lines(`${path}.1`)).map(bodiesOf)).toEqual([['big-1']]);
    expect((await lines(path)).map(bodiesOf)).toEqual([['big-2']]);
  });

  it('a payload that does not decode is a permanent failure', async () => {
    const path = join(dir, 'out.jsonl');
    const exporter = exporterFor({ path });
    await exporter.start(createTestContext());
    const result = await exporter.export({ signal: 'logs', payload: Buffer.from([0x0a, 0x09]), items: 1 });
    expect(result).toMatchObject({ kind: 'failure', reason: expect.stringMatching(/malformed protobuf/) });
    await exporter.stop();
    expect(await readFile(path, 'utf8')).toBe('');
  });

  it('a write error is retryable and reported', async () => {
    // /dev/full opens fine and fails every write with ENOSPC.
    const ctx = createTestContext();
    const unbuffered = exporterFor({ path: '/dev/full', flush_interval: '0s' });
    await unbuffered.start(ctx);
    const result = await unbuffered.export(logs(['lost']));
    expect(result).toMatchObject({ kind: 'retryable', reason: expect.stringMatching(/\/dev\/full.*ENOSPC/) });
    // The next export reopens the file and meets the same error.
    expect(await unbuffered.export(logs(['lost']))).toMatchObject({ kind: 'retryable' });
    await unbuffered.stop();
    // Buffered: a message too big for the buffer waits for its write, and so gets the error.
    const buffered = exporterFor({ path: '/dev/full' });
    await buffered.start(ctx);
    const big = logs(Array.from({ length: 1000 }, (_, i) => `record ${i} ${'x'.repeat(100)}`));
    expect(await buffered.export(big)).toMatchObject({ kind: 'retryable', reason: expect.stringMatching(/ENOSPC/) });
    await buffered.flush();
    await buffered.stop();
    expect(ctx.errors.length).toBeGreaterThan(0);
    expect(ctx.errors[0]!.message).toMatch(/exporter:file: writing \/dev\/full failed: ENOSPC/);
  });
});

describe('exporter:file start', () => {
  it('fails on a missing directory, naming the path and the OS error, and creates nothing', async () => {
    const path = join(dir, 'missing', 'out.jsonl');
    const exporter = exporterFor({ path });
    const started = exporter.start(createTestContext());
    await expect(started).rejects.toThrow(`exporter:file cannot open ${path} for appending`);
    await expect(started).rejects.toThrow(/ENOENT: no such file or directory/);
    await expect(started).rejects.toThrow(/directory must exist/);
    expect(await readdir(dir)).toEqual([]);
    // The runtime stops a node whose start failed.
    await exporter.stop();
  });

  it('fails when a parent of the path is a file (ENOTDIR)', async () => {
    await writeFile(join(dir, 'plain-file'), '');
    const path = join(dir, 'plain-file', 'out.jsonl');
    const exporter = exporterFor({ path });
    await expect(exporter.start(createTestContext())).rejects.toThrow(new RegExp(`cannot open ${path} .*ENOTDIR`));
  });

  it('fails when the path is a directory (EISDIR)', async () => {
    const path = join(dir, 'a-directory');
    await mkdir(path);
    await expect(exporterFor({ path }).start(createTestContext())).rejects.toThrow(/EISDIR/);
  });

  // Root ignores directory permissions, so this runs only as another user.
  it.skipIf(process.getuid?.() === 0)('fails in a read-only directory (EACCES)', async () => {
    const readOnly = join(dir, 'read-only');
    await mkdir(readOnly);
    await chmod(readOnly, 0o555);
    try {
      await expect(exporterFor({ path: join(readOnly, 'out.jsonl') }).start(createTestContext())).rejects.toThrow(/EACCES/);
    } finally {
      await chmod(readOnly, 0o755);
    }
  });
});
