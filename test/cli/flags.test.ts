// The engine's command line as upstream's documents it (its clap parser in src/main.rs): -c/--config, --num-cores,
// --core-id-range, --http-admin-bind, --validate-and-exit, --license, -h/--help and -V/--version, and its exit codes:
// 0 for help, version, license and a valid config; 1 for any error at start (an invalid or unreadable config, an admin
// address in use); 2 for anything wrong in the arguments, before any config is read. Ours sit beside them.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { generatorConfig } from '../support/configs.js';
import { ENGINE_BIN, writeConfig } from '../support/engine.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const VALID = writeConfig(generatorConfig());

function engine(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [ENGINE_BIN, ...args], {
    reject: false,
    stdin: 'ignore',
    timeout: 60_000,
    env: { OTAP_ENGINE_ADMIN_TOKEN: '', OTAP_ENGINE_ENABLE_FAULT_INJECTION: '', ...env },
  });
}

describe('otap-engine: what prints and exits 0', () => {
  it.each([['--help'], ['-h']])('%s prints the usage with every upstream flag on stdout', async (flag) => {
    const result = await engine([flag]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: otap-engine \[options\]/);
    for (const option of ['-c, --config', '--num-cores', '--core-id-range', '--http-admin-bind', '--validate-and-exit', '--license', '-V, --version', '-h, --help']) {
      expect(result.stdout).toContain(option);
    }
  });

  it.each([['--version'], ['-V']])('%s prints the version alone', async (flag) => {
    const result = await engine([flag]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });

  it('--license prints the license and the third-party notices, reading no config', async () => {
    const result = await engine(['--license', '-c', '/nonexistent/config.yaml']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`otap-engine ${VERSION} is licensed under Apache-2.0`);
    expect(result.stdout).toContain('Third-party notices');
    // Direct and indirect dependencies, each with its version and license as its package declares them.
    const express = JSON.parse(readFileSync(new URL('../../node_modules/express/package.json', import.meta.url), 'utf8'));
    expect(result.stdout).toMatch(new RegExp(`^  express ${express.version.replaceAll('.', '\\.')} +${express.license}$`, 'm'));
    expect(result.stdout).toMatch(/^ {2}@hapi\/hoek \S+ +BSD-3-Clause$/m);
  });

  it('-c, --config and --config= take every source form upstream takes: a path, file:, env:', async () => {
    for (const args of [['-c', VALID], ['--config', VALID], [`--config=${VALID}`], ['-c', `file:${VALID}`]]) {
      const result = await engine([...args, '--validate-and-exit']);
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
    const fromEnv = await engine(['-c', 'env:OTAP_FLAGS_TEST_CONFIG', '--validate-and-exit'], { OTAP_FLAGS_TEST_CONFIG: readFileSync(VALID, 'utf8') });
    expect(fromEnv.exitCode, fromEnv.stderr).toBe(0);
  });

  it('--num-cores and --core-id-range take upstream\'s forms', async () => {
    for (const args of [['--num-cores', '0'], ['--num-cores=1'], ['--core-id-range', '0'], ['--core-id-range', '0-0'], ['--core-id-range', '0..0'], ['--core-id-range', '0..=0']]) {
      const result = await engine(['-c', VALID, ...args, '--validate-and-exit']);
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
  });
});

describe('otap-engine: bad arguments exit 2, with the reason on stderr and nothing run', () => {
  it.each([
    ['an unknown option', ['--no-such-flag']],
    ['a stray argument', ['config.yaml']],
    ['a missing value', ['--core-id-range']],
    ['a missing value before another option', ['--num-cores', '--validate-and-exit']],
    ['a negative core count', ['--num-cores', '-1']],
    ['a core count that is not a number', ['--num-cores', 'all']],
    ['a bad core range', ['--core-id-range', '1..a']],
    ['a core range with extra data', ['--core-id-range', '0-1-2']],
    ['--num-cores with --core-id-range', ['--num-cores', '1', '--core-id-range', '0']],
    ['an option given twice', ['--num-cores', '1', '--num-cores', '2']],
    ['a flag given twice', ['--validate-and-exit', '--validate-and-exit']],
    ['a bad admin address', ['--http-admin-bind', 'localhost']],
    ['an unknown log level', ['--log-level', 'loud']],
    ['an unknown log format', ['--log-format', 'xml']],
  ])('%s', async (_what, args) => {
    // A valid config, validated only: the arguments are all that can be wrong.
    const base = args.includes('--validate-and-exit') ? ['-c', VALID] : ['-c', VALID, '--validate-and-exit'];
    const result = await engine([...base, ...args]);
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^(otap-engine: |error: )/m);
    expect(result.stdout).not.toContain('configuration is valid');
  });
});

describe('otap-engine: errors at start exit 1', () => {
  it.each([
    ['a file that does not exist', ['-c', '/nonexistent/otap.yaml']],
    ['an unset variable as the source', ['-c', 'env:OTAP_FLAGS_TEST_UNSET']],
    ['YAML that does not parse', ['-c', 'yaml:{version: [']],
    ['a config with an unknown field', ['-c', 'yaml:{version: otel_dataflow/v1, groups: {}, extra: 1}']],
  ])('%s, validated or started', async (_what, args) => {
    for (const mode of [['--validate-and-exit'], ['--http-admin-bind', '127.0.0.1:0']]) {
      const result = await engine([...args, ...mode]);
      expect(result.exitCode, `${mode[0]}: ${result.stderr}`).toBe(1);
      expect(result.stderr).toContain('invalid configuration');
      expect(result.stdout).not.toContain('admin listening');
    }
  });

  it('an admin address in use', async () => {
    const taken: Server = await new Promise((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => resolve(server));
    });
    try {
      const { port } = taken.address() as { port: number };
      const result = await engine(['-c', VALID, '--http-admin-bind', `127.0.0.1:${port}`]);
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toContain('EADDRINUSE');
      expect(result.stdout).toContain('"engine failed to start"');
    } finally {
      taken.close();
    }
  });
});
