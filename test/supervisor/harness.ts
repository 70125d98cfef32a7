// The supervisor's parts as the engine wires them (listener table, process stats, counter ledger, a runner per
// pipeline), with a launcher whose instances are real child processes of a stand-in program
// (test/fixtures/instance/stand-in.mjs) that does what each test plans for each generation and core.
import net from 'node:net';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, expect } from 'vitest';
import type { EffectivePipeline } from '../../src/config/effective.js';
import { logIllegalMoves } from '../../src/state/machine.js';
import type { RolloutAction } from '../../src/state/operations.js';
import type { PipelineState } from '../../src/state/pipeline-lifecycle.js';
import { availableCores } from '../../src/supervisor/available-cores.js';
import { CounterLedger } from '../../src/supervisor/counter-ledger.js';
import { InstanceLauncher } from '../../src/supervisor/instance-launcher.js';
import { ListenerTable } from '../../src/supervisor/listener-table.js';
import { RolloutRecord, ShutdownRecord } from '../../src/supervisor/operation-records.js';
import { PipelineRunner } from '../../src/supervisor/pipeline-runner.js';
import { planRollout } from '../../src/supervisor/planner.js';
import { ProcessStats } from '../../src/supervisor/process-stats.js';
import { runRollout } from '../../src/supervisor/rollout.js';
import { doc, pipeline, validOf, type Doc } from '../config/helpers.js';

const STAND_IN = fileURLToPath(new URL('../fixtures/instance/stand-in.mjs', import.meta.url));

export type Behaviour = 'ready' | 'fail' | 'hang' | 'unstable' | 'crash_later' | 'stubborn' | 'drain_error';
/** What each instance does, by generation, then core. */
export type Plan = Record<number, Record<number, Behaviour>>;

/** The cores this process may use: tests that need two skip on a machine with one. */
export const CORES = await availableCores();

/**
 * A pipeline with an OTLP/HTTP listener on the given cores. `variant` changes a policy that is not placement, so two
 * variants plan a replace; the same variant on other cores plans a resize.
 */
export function otlpPipeline(cores: number[], variant = 0, policies: Doc = {}): EffectivePipeline {
  const spec = pipeline({
    nodes: { in: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } }, sink: { type: 'exporter:noop' } },
    connections: [{ from: 'in', to: 'sink' }],
    policies: { resources: { core_allocation: { type: 'core_set', set: cores.map((c) => ({ start: c, end: c })) } }, channel_capacity: { pdata: 100 + variant }, ...policies },
  });
  const [first] = validOf(doc({ main: spec }), CORES).pipelines;
  if (!first) throw new Error('no pipeline');
  return first;
}

export class Harness {
  readonly lines: string[] = [];
  readonly logger = pino(
    { level: 'info' },
    new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    }),
  );
  readonly listeners = new ListenerTable({ logger: this.logger });
  readonly stats = new ProcessStats();
  readonly ledger = new CounterLedger();
  private readonly launcher: InstanceLauncher;
  private readonly runners: PipelineRunner[] = [];
  private nextRollout = 1;

  constructor(
    plan: Plan = {},
    /** The health gate's window after ready (the engine's is 500 ms). */
    private readonly stabilisationMs = 150,
  ) {
    this.launcher = new InstanceLauncher({
      heartbeatIntervalMs: 60_000,
      logLevel: 'silent',
      logFormat: 'json',
      program: { entry: STAND_IN, env: { STAND_IN_PLAN: JSON.stringify(plan) } },
    });
  }

  runner(config: EffectivePipeline, generation: number, initial: Extract<PipelineState, 'provisioning' | 'stopped'> = 'provisioning'): PipelineRunner {
    const runner = new PipelineRunner(config, generation, { listeners: this.listeners, stats: this.stats, ledger: this.ledger, logger: this.logger, launcher: this.launcher, stabilisationMs: this.stabilisationMs }, initial);
    this.runners.push(runner);
    return runner;
  }

  /** A runner booted at generation 1: every core's instance ready (or failed its first start). */
  async booted(config: EffectivePipeline): Promise<PipelineRunner> {
    const runner = this.runner(config, 1);
    await runner.start();
    return runner;
  }

  /** What the runtime manager does around the executor: plan, record, tell the runner, run, tell it the outcome. */
  async rollOut(runner: PipelineRunner, candidate: EffectivePipeline, target: number, timeouts: { stepMs?: number; drainMs?: number } = {}) {
    const plan = planRollout(runner.desired === 'running' ? runner.config : undefined, candidate);
    const record = this.rolloutRecord(plan.action, target, plan.action === 'create' ? undefined : runner.generation);
    runner.rolloutStarted(plan.action, record.status);
    const succeeded = await runRollout({ runner, candidate, targetGeneration: target, plan, record, stepTimeoutMs: timeouts.stepMs ?? 10_000, drainTimeoutMs: timeouts.drainMs ?? 5_000 });
    runner.rolloutEnded(succeeded);
    return { succeeded, plan, rollout: record.status };
  }

  rolloutRecord(action: RolloutAction, target: number, previous?: number): RolloutRecord {
    return new RolloutRecord(`rollout-${this.nextRollout++}`, 'default', 'main', action, target, previous, logIllegalMoves(this.logger));
  }

  shutdownRecord(): ShutdownRecord {
    return new ShutdownRecord('shutdown-1', 'default', 'main', logIllegalMoves(this.logger));
  }

  /** Lines the supervisor logged as bugs: a move some table refused. */
  bugs(): string[] {
    return this.lines.filter((line) => line.includes('(bug)'));
  }

  async close(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.drain(Date.now() + 2_000)));
    this.listeners.close();
  }
}

/**
 * A harness per test: `harness(plan)` starts the test's own; after the test it is closed, and the test fails if any
 * table refused a move (a bug line in the supervisor's log).
 */
export function harnessPerTest(): (plan?: Plan, stabilisationMs?: number) => Harness {
  let current: Harness | undefined;
  afterEach(async () => {
    const h = current;
    current = undefined;
    if (h === undefined) return;
    await h.close();
    expect(h.bugs()).toEqual([]);
  });
  return (plan = {}, stabilisationMs?: number) => (current = new Harness(plan, stabilisationMs));
}

/** Opens a connection to `address` and reads the stand-in's answer: `gen <generation> core <core>`. */
export function ask(address: string): Promise<string> {
  const colon = address.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)) });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

/** Whether a process with `pid` is still there. */
export function alive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it returns something, for at most `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
