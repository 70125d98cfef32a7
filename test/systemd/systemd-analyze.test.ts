// The unit file checked by systemd's own tools: `systemd-analyze verify` (syntax, values, executables) and
// `systemd-analyze security` (exposure score). Each check also runs on a deliberately broken copy, to show it can fail.
// verify (systemd 252) exits non-zero only for fatal errors such as a missing executable; an unknown key or an invalid
// value is a warning ("..., ignoring") with exit code 0. So a clean unit means: exit 0 and no line about the unit.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { unitPath, which } from './helpers.js';

const analyze = await which('systemd-analyze');
const original = readFileSync(unitPath, 'utf8');
const work = mkdtempSync(path.join(tmpdir(), 'otap-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Write a variant of the unit as <work>/<name>/otap-engine.service (the checks want the real unit name). */
function writeUnit(name: string, text: string): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const file = path.join(dir, 'otap-engine.service');
  // The unit names /usr/bin/node; on a machine whose node lives elsewhere, point at this one so that only the unit's
  // own mistakes make verify fail.
  writeFileSync(file, existsSync('/usr/bin/node') ? text : text.replaceAll('/usr/bin/node', process.execPath));
  return file;
}

/** verify's findings about our unit; a clean unit has exit code 0 and none. */
async function verify(file: string): Promise<{ exitCode: number | undefined; findings: string[] }> {
  const result = await execa('systemd-analyze', ['verify', '--man=no', file], { reject: false, all: true });
  const findings = result.all.split('\n').filter((line) => line.includes('otap-engine.service'));
  return { exitCode: result.exitCode, findings };
}

async function exposure(file: string): Promise<number> {
  const result = await execa('systemd-analyze', ['security', '--offline=yes', '--man=no', file], { reject: false, all: true });
  const m = /Overall exposure level for otap-engine\.service: (\d+(?:\.\d+)?)/.exec(result.all);
  if (!m) throw new Error(`no exposure level in:\n${result.all}`);
  return Number(m[1]);
}

describe.skipIf(!analyze)('systemd-analyze verify (skipped: systemd-analyze not installed; apt-get install systemd)', () => {
  it('passes on the unit as shipped, with no warning about it', async () => {
    expect(await verify(writeUnit('good', original))).toEqual({ exitCode: 0, findings: [] });
  });

  it('fails on a unit whose ExecStart program does not exist', async () => {
    const broken = original.replace('ExecStart=/usr/bin/node ', 'ExecStart=/usr/bin/no-such-node ');
    expect(broken).not.toBe(original);
    const result = await verify(writeUnit('missing-exec', broken));
    expect(result.exitCode).not.toBe(0);
    expect(result.findings.join('\n')).toContain('/usr/bin/no-such-node');
  });

  it('reports a misspelled directive', async () => {
    const broken = original.replace('KillMode=mixed', 'KilMode=mixed');
    expect(broken).not.toBe(original);
    const result = await verify(writeUnit('typo', broken));
    expect(result.findings.join('\n')).toMatch(/Unknown key .KilMode./);
  });

  it('reports an invalid value', async () => {
    const broken = original.replace('KillMode=mixed', 'KillMode=drain');
    expect(broken).not.toBe(original);
    const result = await verify(writeUnit('bad-value', broken));
    expect(result.findings.join('\n')).toMatch(/Failed to parse kill mode.*drain/);
  });
});

describe.skipIf(!analyze)('systemd-analyze security (skipped: systemd-analyze not installed; apt-get install systemd)', () => {
  it('rates the unit well hardened (exposure at most 2.5 of 10)', async () => {
    expect(await exposure(writeUnit('security', original))).toBeLessThanOrEqual(2.5);
  });

  it('rates a copy without the hardening section badly', async () => {
    const bare = original.split('\n# Hardening.')[0] ?? '';
    expect(bare.length).toBeLessThan(original.length);
    expect(await exposure(writeUnit('bare', `${bare}\n[Install]\nWantedBy=multi-user.target\n`))).toBeGreaterThan(5);
  });
});
