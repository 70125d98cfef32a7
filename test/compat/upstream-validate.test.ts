// Every upstream example config: the `run` ones validate unchanged (in process and through the CLI, exit 0); the
// `refuse` ones fail, naming every unsupported node type they use, and nothing else.
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAndValidate } from '../../src/config/index.js';
import { knownNodeUrns } from '../../src/nodes/catalog.js';
import { knownExtensionUrns } from '../../src/extensions/catalog.js';
import { ENGINE_BIN } from '../support/engine.js';
import { CORPUS_DIR, fullUrn, readManifest } from '../support/upstream-corpus.js';
import { builtinCatalog } from '../../src/nodes/catalog.js';

const manifest = readManifest();
const supported = new Set([...knownNodeUrns(), ...knownExtensionUrns()]);
const judge = (file: string) => loadAndValidate(join(CORPUS_DIR, file), { catalog: builtinCatalog, availableCores: [0, 1], coreCheck: 'warn' });

describe('upstream example configs', () => {
  it('has the corpus the manifest describes', () => {
    expect(manifest.filter((e) => e.cls === 'run').length).toBeGreaterThanOrEqual(30);
    expect(manifest.filter((e) => e.cls === 'refuse').length).toBeGreaterThanOrEqual(20);
  });

  it.each(manifest.filter((e) => e.cls === 'run').map((e) => e.file))('%s validates unchanged', async (file) => {
    const result = await judge(file);
    expect(result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([]);
  });

  it.each(manifest.filter((e) => e.cls === 'refuse').map((e) => [e.file, e.types] as const))(
    '%s is refused, naming each unsupported type',
    async (file, types) => {
      const result = await judge(file);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const unsupported = types.map(fullUrn).filter((urn) => !supported.has(urn));
      expect(unsupported.length).toBeGreaterThan(0);
      for (const urn of unsupported) {
        expect(result.errors.some((e) => e.message.startsWith(`${urn} is not supported by this engine`)), urn).toBe(true);
      }
      // Everything else in the file is understood: the only errors are about what this engine does not support.
      expect(result.errors.filter((e) => !/(^|: )is not supported by this engine|^\S+ is not supported by this engine/.test(e.message))).toEqual([]);
    },
  );

  it('the CLI exits 0 for a run file and prints every unsupported node of a refuse file in one run', async () => {
    const run = await execa(process.execPath, [ENGINE_BIN, '--config', join(CORPUS_DIR, 'otlp-otlp.yaml'), '--validate-and-exit'], { reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    const refused = await execa(process.execPath, [ENGINE_BIN, '-c', join(CORPUS_DIR, 'etw-multi-session.yaml'), '--validate-and-exit'], { reject: false });
    expect(refused.exitCode).not.toBe(0);
    const lines = refused.stderr.split('\n').filter((l) => l.includes('urn:otel:receiver:etw is not supported by this engine'));
    expect(lines.map((l) => l.slice(0, l.indexOf(':')))).toEqual([
      'groups.default.pipelines.kernel_process.nodes.etw_process.type',
      'groups.default.pipelines.powershell.nodes.etw_powershell.type',
    ]);
  });
});
