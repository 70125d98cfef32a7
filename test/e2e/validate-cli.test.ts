// Acceptance: `--validate-and-exit` prints every error with its path and exits 1 on each broken fixture, 0 on valid
// ones; nothing is started either way. A core allocation this machine cannot meet is refused when starting only.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ENGINE_BIN } from '../support/engine.js';

const fixtures = fileURLToPath(new URL('../fixtures/configs/', import.meta.url));
const invalid = readdirSync(join(fixtures, 'invalid')).filter((f) => f.endsWith('.yaml')).sort();
const valid = readdirSync(join(fixtures, 'valid')).filter((f) => f.endsWith('.yaml')).sort();

function validate(...args: string[]) {
  return execa(process.execPath, [ENGINE_BIN, ...args, '--validate-and-exit'], { reject: false, all: true, env: { OTAP_TEST_UNSET: '' } });
}

describe('otap-engine --validate-and-exit', () => {
  it('has at least 12 distinct broken fixtures', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(12);
  });

  it.each(invalid)('rejects %s with its path and exit code 1', async (file) => {
    const path = join(fixtures, 'invalid', file);
    const expected = /^# expect: (.+)$/m.exec(readFileSync(path, 'utf8'))?.[1]?.trim();
    expect(expected, 'fixture names the path it expects').toBeTruthy();
    const result = await validate('--config', path);
    if (expected?.endsWith('.core_allocation')) {
      // Cores are this machine's business, not the file's: a warning when validating, an error when starting.
      expect(result.exitCode).toBe(0);
      expect(result.stderr).toContain(`otap-engine: warning: ${expected}:`);
      const started = await execa(process.execPath, [ENGINE_BIN, '--config', path, '--http-admin-bind', '127.0.0.1:0'], { reject: false, all: true });
      expect(started.exitCode).toBe(1);
      expect(started.all).toContain(`${expected}:`);
      return;
    }
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain(`${expected}:`);
  });

  it.each(valid)('accepts %s with exit code 0', async (file) => {
    const result = await validate('--config', join(fixtures, 'valid', file));
    expect(result.all).toContain('configuration is valid');
    expect(result.exitCode).toBe(0);
  });

  it('accepts the embedded default config and inline yaml', async () => {
    expect((await validate()).exitCode).toBe(0);
    const inline = 'yaml:{version: otel_dataflow/v1, groups: {g: {pipelines: {p: {nodes: {a: {type: "receiver:traffic_generator", config: { data_source: synthetic, traffic_config: { signals_per_second: 100, log_weight: 1 } }}, b: {type: "exporter:noop"}}, connections: [{from: a, to: b}]}}}}}';
    expect((await validate('--config', inline)).exitCode).toBe(0);
  });

  it("takes upstream's -c and prints the version", async () => {
    expect((await validate('-c', join(fixtures, 'valid', valid[0] as string))).exitCode).toBe(0);
    const version = await validate('--version');
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('exits 2 on bad arguments', async () => {
    expect((await validate('--num-cores', 'zero')).exitCode).toBe(2);
    expect((await validate('--num-cores', '1', '--core-id-range', '0')).exitCode).toBe(2);
    expect((await validate('--http-admin-bind', 'nonsense')).exitCode).toBe(2);
    // A config that cannot be read is an error at start, as upstream counts it: 1.
    expect((await validate('--config', '/nonexistent/otap.yaml')).exitCode).toBe(1);
  });
});
