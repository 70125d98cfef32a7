// processor:fault: an unknown type unless the engine runs for tests (OTAP_ENGINE_ENABLE_FAULT_INJECTION=1); start
// faults (fail, hang, crash, delay); pass-through; and the crashes checked on a real process's exit code.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateEngineConfig } from '../../src/config/index.js';
import { builtinCatalog, engineCatalog, testEngineCatalog } from '../../src/nodes/catalog.js';
import { faultProcessor } from '../../src/nodes/processors/fault/descriptor.js';
import { FAULT_INJECTION_ENV } from '../../src/nodes/processors/fault/enable.js';
import {
  createFaultProcessor,
  FaultProcessor,
  faultSettings,
  type CrashFn,
} from '../../src/nodes/processors/fault/processor.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { createTestContext } from '../support/otlp-context.js';
import { logsPData } from '../pipeline/helpers/otlp.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/fault-processor-run.ts', import.meta.url));
const DISABLED = 'processor:fault exists only in an engine started for tests (OTAP_ENGINE_ENABLE_FAULT_INJECTION=1)';

let savedEnv: string | undefined;
beforeEach(() => {
  savedEnv = process.env[FAULT_INJECTION_ENV];
});
afterEach(() => {
  if (savedEnv === undefined) delete process.env[FAULT_INJECTION_ENV];
  else process.env[FAULT_INJECTION_ENV] = savedEnv;
});

const enable = (): void => {
  process.env[FAULT_INJECTION_ENV] = '1';
};
const disable = (): void => {
  delete process.env[FAULT_INJECTION_ENV];
};

/** A crash that throws instead of exiting, so in-process tests can see it. */
class Crashed extends Error {}
const fakeCrash: CrashFn = (reason) => {
  throw new Crashed(reason);
};

function processor(config: Record<string, unknown>, crash: CrashFn = fakeCrash): FaultProcessor {
  const checked = faultProcessor.configSchema.validate(config);
  if (checked.error) throw checked.error;
  return new FaultProcessor('fault', faultSettings(checked.value), crash);
}

/** Resolves to 'pending' when `promise` has not settled after `ms`. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<'resolved' | 'rejected' | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => 'resolved' as const,
        () => 'rejected' as const,
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('processor:fault config', () => {
  const withFault = {
    version: 'otel_dataflow/v1',
    groups: {
      default: {
        pipelines: {
          main: {
            nodes: {
              gen: { type: 'receiver:traffic_generator', config: { traffic_config: { log_weight: 1 } } },
              chaos: { type: 'processor:fault', config: { start: 'fail' } },
              out: { type: 'exporter:noop' },
            },
            connections: [{ from: 'gen', to: 'chaos' }, { from: 'chaos', to: 'out' }],
          },
        },
      },
    },
  };
  const validate = (catalog: typeof builtinCatalog) => validateEngineConfig(structuredClone(withFault), { catalog, availableCores: [0], coreCheck: 'warn' });

  it('is in the catalog of an engine started for tests only: OTAP_ENGINE_ENABLE_FAULT_INJECTION=1, nothing else', () => {
    expect(engineCatalog({ [FAULT_INJECTION_ENV]: '1' })).toBe(testEngineCatalog);
    for (const env of [{}, { [FAULT_INJECTION_ENV]: 'true' }, { [FAULT_INJECTION_ENV]: '0' }, { [FAULT_INJECTION_ENV]: '' }]) {
      expect(engineCatalog(env)).toBe(builtinCatalog);
    }
    expect(testEngineCatalog.nodeUrns()).toContain('urn:otel:processor:fault');
    expect(builtinCatalog.nodeUrns()).not.toContain('urn:otel:processor:fault');
  });

  it("is a type a user's engine does not have: refused as not supported, and never listed", () => {
    const refused = validate(builtinCatalog);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors[0]).toMatchObject({ path: 'groups.default.pipelines.main.nodes.chaos.type', code: 'UnknownNodeType' });
    expect(refused.errors[0]!.message).toMatch(/^urn:otel:processor:fault is not supported by this engine \(supported processors: /);
    // Neither the list of supported processors nor the message tells a user about the test node or its switch.
    const supported = /\(supported processors: (.*)\)$/.exec(refused.errors[0]!.message)?.[1] ?? '';
    expect(supported).toContain('urn:otel:processor:batch');
    expect(supported).not.toContain('fault');
    expect(refused.errors[0]!.message).not.toContain('FAULT_INJECTION');
  });

  it('is accepted by an engine started for tests', () => {
    const accepted = validate(testEngineCatalog);
    expect(accepted.ok ? [] : accepted.errors).toEqual([]);
  });

  it('takes its fields, with defaults', () => {
    expect(faultProcessor.configSchema.validate({}).value).toEqual({ start: 'ok', start_delay: '0ms', crash_after_items: 0, cores: [] });
    expect(faultProcessor.configSchema.validate({ start: 'hang', start_delay: '2s', crash_after_items: 10 }).error).toBeUndefined();
    expect(faultProcessor.configSchema.validate({ start: 'explode' }).error).toBeDefined();
    expect(faultProcessor.configSchema.validate({ crash_after_items: -1 }).error).toBeDefined();
    expect(faultProcessor.configSchema.validate({ start_delay: 5 }).error).toBeDefined();
    expect(faultProcessor.configSchema.validate({ extra: 1 }).error).toBeDefined();
  });
});

describe('processor:fault', () => {
  it('start: ok resolves and the data passes through unchanged', async () => {
    enable();
    const instance = createFaultProcessor('fault', { start: 'ok', start_delay: '0s', crash_after_items: 0 });
    expect(instance.kind).toBe('processor');
    if (instance.kind !== 'processor') return;
    const ctx = createTestContext('fault');
    await instance.node.start!(ctx);
    const messages: PData[] = [logsPData(['a', 'b']), logsPData(['c'])];
    for (const pdata of messages) await instance.node.process(pdata, ctx);
    expect(ctx.emitted).toHaveLength(2);
    expect(ctx.emitted[0]).toBe(messages[0]);
    expect(ctx.emitted[1]).toBe(messages[1]);
    expect(ctx.items()).toBe(3);
  });

  it('injects only on the cores it names', () => {
    expect(faultSettings({ start: 'crash', cores: [1] }, '1').start).toBe('crash');
    expect(faultSettings({ start: 'crash', cores: [1] }, '0')).toEqual({ start: 'ok', startDelayMs: 0, crashAfterItems: 0 });
    expect(faultSettings({ start: 'crash', cores: [] }, '0').start).toBe('crash');
  });

  it('start: fail rejects with "fault injected: start failed"', async () => {
    enable();
    await expect(processor({ start: 'fail' }).start(createTestContext())).rejects.toThrow('fault injected: start failed');
  });

  it('start: hang never resolves', async () => {
    enable();
    expect(await settledWithin(processor({ start: 'hang' }).start(createTestContext()), 300)).toBe('pending');
  });

  it('start: crash calls the crash', async () => {
    enable();
    await expect(processor({ start: 'crash' }).start(createTestContext())).rejects.toThrow(Crashed);
  });

  it('start_delay delays the start fault', async () => {
    enable();
    const began = Date.now();
    await expect(processor({ start: 'fail', start_delay: '150ms' }).start(createTestContext())).rejects.toThrow(/start failed/);
    expect(Date.now() - began).toBeGreaterThanOrEqual(140);
    expect(await settledWithin(processor({ start: 'ok', start_delay: '10s' }).start(createTestContext()), 100)).toBe('pending');
  });

  it('refuses to start when fault injection is disabled in its own process', async () => {
    disable();
    const node = createFaultProcessor('fault', { start: 'ok' });
    if (node.kind !== 'processor') throw new Error('not a processor');
    await expect(node.node.start!(createTestContext())).rejects.toThrow(DISABLED);
  });

  it('crash_after_items passes data on until that many items passed, then crashes', async () => {
    enable();
    const node = processor({ crash_after_items: 5 });
    const ctx = createTestContext();
    await node.start(ctx);
    await node.process(logsPData(['1', '2']), ctx);
    await node.process(logsPData(['3', '4']), ctx);
    expect(ctx.items()).toBe(4);
    await expect(Promise.resolve(node.process(logsPData(['5', '6']), ctx))).rejects.toThrow(/after 6 items \(crash_after_items: 5\)/);
    // The message that crossed the line went downstream before the crash.
    expect(ctx.items()).toBe(6);
  });
});

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the fixture: starts processor:fault with `config`, then sends `messages` messages of `items` records. */
function runFixture(config: Record<string, unknown>, messages = 0, items = 1, enabled = true): Promise<RunResult> {
  const env = { ...process.env };
  if (enabled) env[FAULT_INJECTION_ENV] = '1';
  else delete env[FAULT_INJECTION_ENV];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify(config), String(messages), String(items)], {
      cwd: process.cwd(),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('processor:fault in a real process', () => {
  it('start: crash exits the process with code 70, saying so on stderr', async () => {
    const run = await runFixture({ start: 'crash', start_delay: '0s', crash_after_items: 0 });
    expect(run.code).toBe(70);
    expect(run.stdout).not.toContain('started');
    expect(run.stderr).toMatch(/processor:fault: injected crash \(node fault at start\): exiting with code 70/);
  }, 30_000);

  it('crash_after_items exits with code 70 once that many items passed', async () => {
    const run = await runFixture({ start: 'ok', start_delay: '0s', crash_after_items: 5 }, 10, 2);
    expect(run.code).toBe(70);
    expect(run.stdout.trim().split('\n')).toEqual(['started', 'passed 2', 'passed 4']);
    expect(run.stderr).toMatch(/injected crash \(node fault after 6 items \(crash_after_items: 5\)\)/);
  }, 30_000);

  it('runs to the end when nothing is injected', async () => {
    const run = await runFixture({ start: 'ok', start_delay: '0s', crash_after_items: 0 }, 3, 2);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(['started', 'passed 2', 'passed 4', 'passed 6', 'done']);
  }, 30_000);

  it('does not crash when the process runs without OTAP_ENGINE_ENABLE_FAULT_INJECTION', async () => {
    const run = await runFixture({ start: 'crash', start_delay: '0s', crash_after_items: 0 }, 0, 1, false);
    expect(run.code).not.toBe(70);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(DISABLED);
  }, 30_000);
});
