// The layer rules that `npm test` checks on src/ (.dependency-cruiser.cjs) do fail on what they forbid: run on a
// small tree that breaks them, they name each broken rule.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('layer rules', () => {
  it('refuse a cycle, a node importing the supervisor, a folder importing one above it, and a front end going through another', async () => {
    const result = await execa('npx', ['depcruise', 'src', '--config', `${ROOT}.dependency-cruiser.cjs`, '--output-type', 'err'], {
      cwd: `${ROOT}test/fixtures/layers`,
      reject: false,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toContain('no-cycles');
    expect(result.stdout).toContain('data-plane-below-control-plane');
    expect(result.stdout).toMatch(/layer-config.*\n?.*config\/reaches-nodes\.ts/);
    expect(result.stdout).toMatch(/front-ends-side-by-side.*\n?.*opamp\/reaches-admin\.ts/);
    expect(result.stdout).toMatch(/control-plane-below-opamp.*\n?.*supervisor\/reaches-opamp\.ts/);
    expect(result.stdout).not.toContain('config/clean.ts');
  });
});
