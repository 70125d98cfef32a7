import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigLoadError, loadConfigText } from '../../src/config/load.js';
import { loadAndValidate } from '../../src/config/index.js';
import { builtinCatalog } from '../../src/nodes/catalog.js';

const YAML_TEXT = `version: otel_dataflow/v1
groups:
  default:
    pipelines:
      main:
        nodes:
          gen: { type: receiver:traffic_generator, config: { data_source: synthetic, traffic_config: { signals_per_second: 100, log_weight: 1 } } }
          sink: { type: exporter:noop }
        connections: [{ from: gen, to: sink }]
`;

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otap-config-'));
  file = join(dir, 'engine.yaml');
  await writeFile(file, YAML_TEXT);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadConfigText', () => {
  it('reads a plain path and a file: source', async () => {
    expect(await loadConfigText(file)).toEqual({ text: YAML_TEXT, origin: file });
    expect((await loadConfigText(`file:${file}`)).text).toBe(YAML_TEXT);
  });
  it('reads YAML from an environment variable', async () => {
    expect(await loadConfigText('env:OTAP_CFG', { OTAP_CFG: YAML_TEXT })).toEqual({ text: YAML_TEXT, origin: 'env:OTAP_CFG' });
  });
  it('takes inline YAML', async () => {
    expect((await loadConfigText('yaml:version: x')).text).toBe('version: x');
  });
  it('says which file is missing', async () => {
    const missing = join(dir, 'nope.yaml');
    const error = await loadConfigText(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as ConfigLoadError).code).toBe('FileNotFound');
    expect((error as Error).message).toContain(missing);
  });
  it('says which variable is unset', async () => {
    const error = await loadConfigText('env:OTAP_NOT_THERE', {}).catch((e: unknown) => e);
    expect((error as ConfigLoadError).code).toBe('EnvVarUnset');
    expect((error as Error).message).toContain('OTAP_NOT_THERE');
  });
  it('refuses an empty source', async () => {
    await expect(loadConfigText('yaml:   ')).rejects.toMatchObject({ code: 'EmptySource' });
  });
});

describe('loadAndValidate', () => {
  it('loads, substitutes, parses and validates', async () => {
    const text = YAML_TEXT.replace('signals_per_second: 100', 'signals_per_second: ${env:RATE:-7}');
    const result = await loadAndValidate(`yaml:${text}`, { catalog: builtinCatalog, availableCores: [0], env: {} });
    expect(result.ok).toBe(true);
    if (result.ok) expect((result.pipelines[0]?.nodes.find((n) => n.name === 'gen')?.config.traffic_config as { signals_per_second: number }).signals_per_second).toBe(7);
  });
  it('turns a load failure into an error at (root)', async () => {
    const result = await loadAndValidate(join(dir, 'nope.yaml'), { catalog: builtinCatalog, availableCores: [0] });
    expect(result).toMatchObject({ ok: false, errors: [{ path: '(root)', code: 'ConfigLoadFailed' }] });
  });
  it('reports YAML syntax errors with line and column', async () => {
    const result = await loadAndValidate('yaml:version: otel_dataflow/v1\ngroups: [a\nb: c\n', { catalog: builtinCatalog, availableCores: [0] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatchObject({ path: '(root)', code: 'YamlSyntax' });
    expect(result.errors[0]?.message).toMatch(/line \d+, column \d+/);
  });
  it('reports duplicate keys as YAML errors', async () => {
    const result = await loadAndValidate('yaml:version: a\nversion: b\n', { catalog: builtinCatalog, availableCores: [0] });
    expect(result).toMatchObject({ ok: false, errors: [{ code: 'YamlSyntax' }] });
  });
});
