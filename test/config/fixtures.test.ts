// Runs every fixture config: valid ones must pass, invalid ones must report the path their first line promises
// (`# expect: <path>`). The CLI tests run the same files through `--validate-and-exit`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatConfigErrors, loadAndValidate } from '../../src/config/index.js';
import { builtinCatalog } from '../../src/nodes/catalog.js';

const root = fileURLToPath(new URL('../fixtures/configs/', import.meta.url));
const list = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort();

// Fixtures must pass on a one-core machine as well as on this one; the environment is empty so that `${env:...}`
// defaults, not the developer's shell, decide.
const CORE_SETS = [[0], [0, 1]];

describe('valid fixtures', () => {
  it('there are at least three', () => expect(list('valid').length).toBeGreaterThanOrEqual(3));
  for (const file of list('valid')) {
    it.each(CORE_SETS)(`${file} is valid with cores %j`, async (...cores) => {
      const result = await loadAndValidate(join(root, 'valid', file), { catalog: builtinCatalog, availableCores: cores, env: {} });
      if (!result.ok) throw new Error(formatConfigErrors(result.errors));
      expect(result.pipelines.length).toBeGreaterThan(0);
    });
  }
});

describe('invalid fixtures', () => {
  const files = list('invalid');
  it('there are at least fourteen', () => expect(files.length).toBeGreaterThanOrEqual(14));
  for (const file of files) {
    it(`${file} reports its expected path`, async () => {
      const path = join(root, 'invalid', file);
      const expected = /^# expect: (\S+)/.exec(readFileSync(path, 'utf8'))?.[1];
      expect(expected, 'first line must be `# expect: <path>`').toBeDefined();
      const result = await loadAndValidate(path, { catalog: builtinCatalog, availableCores: [0, 1], env: {} });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors.map((e) => e.path)).toContain(expected);
      expect(formatConfigErrors(result.errors)).toContain(`${expected}: `);
    });
  }
});

describe('the env-defaults-and-overrides fixture', () => {
  it('takes env defaults, resolves policies per family and normalises upstream URNs', async () => {
    const result = await loadAndValidate(join(root, 'valid', 'env-defaults-and-overrides.yaml'), { catalog: builtinCatalog, availableCores: [0, 1], env: {} });
    if (!result.ok) throw new Error(formatConfigErrors(result.errors));
    const otlp = result.pipelines.find((p) => p.pipeline === 'otlp');
    expect(otlp?.policies).toMatchObject({
      coreAllocation: { type: 'core_count', count: 1 },
      channelCapacity: { pdata: 256 },
      health: { liveIf: ['Pending', 'Starting', 'Running', 'Updating', 'RollingBack', 'Draining', 'Stopped', 'Rejected', 'Failed', 'Deleting'], readyIf: ['Running', 'Updating'], liveQuorum: { AtLeast: 1 }, readyQuorum: { Percent: 50 } },
      runtimeRecovery: { maxRestarts: 5, startupTimeoutMs: 10_000 },
    });
    expect(otlp?.cores).toEqual([0]);
    expect(otlp?.nodes.map((n) => n.urn)).toEqual([
      'urn:otel:processor:batch',
      'urn:otel:exporter:console',
      'urn:otel:receiver:otlp',
      'urn:otel:exporter:otlp_http',
    ]);
    expect(otlp?.extensions[0]).toMatchObject({ urn: 'urn:otel:extension:static_bearer_token', config: { token: 'dev-token' } });
    const generated = result.pipelines.find((p) => p.pipeline === 'generated');
    expect(generated?.policies.runtimeRecovery).toMatchObject({ maxRestarts: 10, maxBackoffMs: 60_000, initialBackoffMs: 250 });
  });
});
