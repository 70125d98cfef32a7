// A user-started engine has never heard of the test-only processor:fault: --validate-and-exit and a start refuse it as
// a type this engine does not support (exit 1), as for any unknown type. An engine started for tests takes it.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { generatorConfig } from '../support/configs.js';
import { ENGINE_BIN, writeConfig } from '../support/engine.js';

const CONFIG = generatorConfig(10, { chaos: '{ type: processor:fault, config: { start: ok } }' });

const NOT_SUPPORTED = 'groups.default.pipelines.main.nodes.chaos.type: urn:otel:processor:fault is not supported by this engine (supported processors: ';

function engine(args: string[], testEngine: boolean) {
  // '' rather than unset: the variable of the shell that runs the tests must not leak into the "user" engine.
  const env = { OTAP_ENGINE_ENABLE_FAULT_INJECTION: testEngine ? '1' : '', OTAP_ENGINE_ADMIN_TOKEN: '' };
  return execa(process.execPath, [ENGINE_BIN, ...args], { reject: false, env, stdin: 'ignore', timeout: 60_000 });
}

describe('processor:fault outside tests', () => {
  const file = writeConfig(CONFIG);

  it('--validate-and-exit refuses it as not supported, without naming it among the supported ones', async () => {
    const result = await engine(['-c', file, '--validate-and-exit'], false);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(NOT_SUPPORTED);
    const supported = result.stderr.slice(result.stderr.indexOf(NOT_SUPPORTED) + NOT_SUPPORTED.length).split(')')[0];
    expect(supported).toContain('urn:otel:processor:batch');
    expect(supported).not.toContain('fault');
    expect(result.stderr + result.stdout).not.toContain('FAULT_INJECTION');
  });

  it('a start refuses it the same way and exits 1 before anything listens', async () => {
    const result = await engine(['-c', file, '--http-admin-bind', '127.0.0.1:0'], false);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(NOT_SUPPORTED);
    expect(result.stdout).not.toContain('admin listening');
  });

  it('an engine started for tests accepts it', async () => {
    const result = await engine(['-c', file, '--validate-and-exit'], true);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });
});
