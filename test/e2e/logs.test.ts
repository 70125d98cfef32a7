// Acceptance (#6): structured JSON logs with group, pipeline, core and generation on every line from an instance, and
// `--log-format pretty` for a terminal.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_BIN, startEngine, writeConfig, type RunningEngine } from '../support/engine.js';

const yaml = JSON.stringify({
  version: 'otel_dataflow/v1',
  groups: {
    default: {
      pipelines: {
        main: {
          policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } },
          nodes: { gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 10, log_weight: 1 } } }, out: { type: 'exporter:noop' } },
          connections: [{ from: 'gen', to: 'out' }],
        },
      },
    },
  },
});

describe('engine logs', () => {
  let engine: RunningEngine;
  beforeAll(async () => {
    engine = await startEngine(yaml);
    await engine.waitRunning();
    await engine.waitFor(async () => engine.lines.some((line) => line.includes('"instance ready"')), 'the instance to log');
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('writes one JSON object per line, and every instance line names its group, pipeline, core and generation', async () => {
    await engine.stop();
    const records = engine.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.length).toBe(engine.lines.length);
    const fromInstances = records.filter((record) => record.pid !== engine.pid);
    // Ready and drain at least: an instance that logged nothing would make this test pass for nothing.
    expect(fromInstances.map((r) => r.msg)).toEqual(expect.arrayContaining(['instance ready', 'instance drained']));
    for (const record of fromInstances) {
      expect(record).toMatchObject({ group: 'default', pipeline: 'main', core: expect.any(Number), generation: 1 });
      expect(typeof record.time).toBe('string');
      expect(typeof record.level).toBe('number');
    }
  });
});

describe('--log-format pretty', () => {
  it('writes human lines, not JSON, for supervisor and instances alike', async () => {
    const child = execa(process.execPath, [ENGINE_BIN, '--config', writeConfig(yaml), '--http-admin-bind', '127.0.0.1:0', '--log-format', 'pretty'], {
      reject: false,
      buffer: false,
      stdin: 'ignore',
    });
    let output = '';
    const sawInstance = new Promise<void>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('instance ready')) resolve();
      });
    });
    await Promise.race([sawInstance, child.then(() => undefined)]);
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    const lines = output.split('\n').filter((line) => line.trim() !== '');
    expect(lines.some((line) => line.includes('admin listening'))).toBe(true);
    expect(lines.some((line) => line.includes('instance ready'))).toBe(true);
    // The last lines each process writes as it exits are written out before it does.
    expect(lines.some((line) => line.includes('instance drained'))).toBe(true);
    expect(lines.at(-1)).toContain('engine stopped');
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
    expect(output).toMatch(/INFO/);
    // stdout is a pipe here, not a terminal: no colour escape codes, even without NO_COLOR.
    expect(output).not.toContain('\u001b[');
  });
});
