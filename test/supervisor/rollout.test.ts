// The rollout executor with the real runner and listener table, its instances real child processes of a stand-in
// program: each test plans what every generation does on every core and reads the record, the status, which processes
// live, and where new connections go.
import { describe, expect, it } from 'vitest';
import { alive, ask, CORES, eventually, harnessPerTest, otlpPipeline } from './harness.js';

const [A, B] = CORES as [number, number | undefined];
const twoCores = B !== undefined;

const harness = harnessPerTest();

const address = (runner: { status(): { listeners: Array<{ address: string }> } }) => runner.status().listeners[0]!.address;
const pids = (runner: { status(): { instances: Array<{ coreId: number; pid: number | null }> } }) =>
  Object.fromEntries(runner.status().instances.map((i) => [i.coreId, i.pid]));

describe('runRollout', () => {
  it('creates a pipeline: starts its cores, cuts each over, and commits the candidate', async () => {
    const h = harness();
    const candidate = otlpPipeline(CORES);
    const runner = h.runner(candidate, 1, 'stopped');
    const { succeeded, rollout } = await h.rollOut(runner, candidate, 1);
    expect(succeeded).toBe(true);
    expect(rollout).toMatchObject({ action: 'create', state: 'succeeded', targetGeneration: 1 });
    expect(rollout.cores.map((c) => [c.coreId, c.state])).toEqual(CORES.map((core) => [core, 'retired']));
    const status = runner.status();
    expect(status).toMatchObject({ desiredStatus: 'running', deploymentStatus: 'running', runningCores: CORES.length, activeGeneration: 1 });
    expect([...h.listeners.routing(runner.key).entries()].map(([core, target]) => [core, target.generation])).toEqual(CORES.map((core) => [core, 1]));
    expect(await ask(address(runner))).toMatch(/^gen 1 core \d+$/);
  });

  it('replaces: the new generation serves after its cutover, and the old one drained cleanly', async () => {
    const h = harness();
    const runner = await h.booted(otlpPipeline([A]));
    const before = pids(runner);
    expect(await ask(address(runner))).toBe(`gen 1 core ${A}`);
    const { succeeded, plan, rollout } = await h.rollOut(runner, otlpPipeline([A], 1), 2);
    expect(plan.action).toBe('replace');
    expect(succeeded).toBe(true);
    expect(rollout).toMatchObject({ state: 'succeeded', previousGeneration: 1, targetGeneration: 2 });
    // A clean drain leaves no detail on the core.
    expect(rollout.cores).toEqual([expect.objectContaining({ coreId: A, state: 'retired', previousGeneration: 1, targetGeneration: 2 })]);
    expect(rollout.cores[0]!.detail).toBeUndefined();
    expect(alive(before[A]!)).toBe(false);
    expect(runner.generation).toBe(2);
    expect(runner.status()).toMatchObject({ deploymentStatus: 'running', servingGenerations: { [A]: 2 }, instances: [expect.objectContaining({ deploymentGeneration: 2 })] });
    expect(await ask(address(runner))).toBe(`gen 2 core ${A}`);
  });

  it('rolls back a new generation that fails to start, blaming its node, while the old one serves on untouched', async () => {
    const h = harness({ 2: { [A]: 'fail' } });
    const runner = await h.booted(otlpPipeline([A]));
    const before = pids(runner);
    const { succeeded, rollout } = await h.rollOut(runner, otlpPipeline([A], 1), 2);
    expect(succeeded).toBe(false);
    expect(rollout.state).toBe('failed');
    expect(rollout.failureReason).toBe(`core ${A}: node "bad": refused to start`);
    expect(rollout.cores).toEqual([expect.objectContaining({ coreId: A, state: 'failed', detail: 'node "bad": refused to start' })]);
    expect(pids(runner)).toEqual(before);
    expect(runner.generation).toBe(1);
    expect(runner.status()).toMatchObject({ deploymentStatus: 'running', servingGenerations: { [A]: 1 } });
    expect(await ask(address(runner))).toBe(`gen 1 core ${A}`);
  });

  it('refuses a new instance that is not ready within the step timeout', async () => {
    const h = harness({ 2: { [A]: 'hang' } });
    const runner = await h.booted(otlpPipeline([A]));
    const { succeeded, rollout } = await h.rollOut(runner, otlpPipeline([A], 1), 2, { stepMs: 500 });
    expect(succeeded).toBe(false);
    expect(rollout.failureReason).toBe(`core ${A}: not ready within 500 ms`);
    expect(runner.status().instances.map((i) => i.deploymentGeneration)).toEqual([1]);
  });

  it('refuses a new instance that exits within the stabilisation window after ready (the health gate)', async () => {
    const h = harness({ 2: { [A]: 'unstable' } });
    const runner = await h.booted(otlpPipeline([A]));
    const { succeeded, rollout } = await h.rollOut(runner, otlpPipeline([A], 1), 2);
    expect(succeeded).toBe(false);
    expect(rollout.failureReason).toBe(`core ${A}: exited with code 70 signal - within 150 ms of becoming ready`);
    expect(await ask(address(runner))).toBe(`gen 1 core ${A}`);
  });

  it('says in the record that an old instance did not drain in time and was killed', async () => {
    const h = harness({ 1: { [A]: 'stubborn' } });
    const runner = await h.booted(otlpPipeline([A]));
    const { succeeded, rollout } = await h.rollOut(runner, otlpPipeline([A], 1), 2, { drainMs: 300 });
    expect(succeeded).toBe(true);
    expect(rollout.cores[0]).toMatchObject({ state: 'retired', detail: 'the old instance did not drain within 0.3s and was killed' });
  });

  it('leaves nothing running after a create that fails: the pipeline is stopped and its listener closed', async () => {
    const h = harness({ 1: { [A]: 'fail' } });
    const candidate = otlpPipeline([A]);
    const runner = h.runner(candidate, 1, 'stopped');
    const { succeeded, rollout } = await h.rollOut(runner, candidate, 1);
    expect(succeeded).toBe(false);
    // Nothing to go back to: the create failed.
    expect(rollout).toMatchObject({ state: 'failed', failureReason: `core ${A}: node "bad": refused to start` });
    expect(runner.liveInstances()).toEqual([]);
    expect(runner.state).toBe('stopped');
    expect(runner.status()).toMatchObject({ desiredStatus: 'stopped', deploymentStatus: 'stopped', listeners: [] });
  });

  describe.skipIf(!twoCores)('on two cores', () => {
    it('restores the previous generation on a core already switched when a later core fails', async () => {
      // B never becomes ready: A has passed its gate and been switched long before B's step times out.
      const h = harness({ 2: { [B!]: 'hang' } });
      const runner = await h.booted(otlpPipeline([A, B!]));
      const before = pids(runner);
      const { succeeded, rollout } = await h.rollOut(runner, otlpPipeline([A, B!], 1), 2, { stepMs: 1500 });
      expect(succeeded).toBe(false);
      expect(rollout.state).toBe('failed');
      expect(rollout.failureReason).toBe(`core ${B}: not ready within 1500 ms`);
      expect(rollout.cores.map((c) => [c.coreId, c.state])).toEqual([
        [A, 'rolled_back'],
        [B, 'failed'],
      ]);
      const after = pids(runner);
      // Core A runs the old generation again in a new process; core B was never touched.
      expect(after[A]).not.toBe(before[A]);
      expect(after[B!]).toBe(before[B!]);
      expect(runner.status()).toMatchObject({ deploymentStatus: 'running', servingGenerations: { [A]: 1, [B!]: 1 } });
      const answers = new Set([await ask(address(runner)), await ask(address(runner))]);
      expect(answers).toEqual(new Set([`gen 1 core ${A}`, `gen 1 core ${B}`]));
    });

    it('starts the next core while the one before it stands its health gate, and switches them in order', async () => {
      const h = harness({}, 1500);
      const runner = await h.booted(otlpPipeline([A, B!]));
      const before = pids(runner);
      const rolling = h.rollOut(runner, otlpPipeline([A, B!], 1), 2);
      // Before A's 1.5 s gate ends, B's new instance is up too: every core runs both generations at once.
      await eventually(() => {
        const byCore = new Map<number, number[]>();
        for (const i of runner.status().instances) byCore.set(i.coreId, [...(byCore.get(i.coreId) ?? []), i.deploymentGeneration]);
        return [A, B!].every((core) => byCore.get(core)?.sort().join() === '1,2');
      });
      // Nothing was switched yet: every connection still reaches generation 1.
      expect(await ask(address(runner))).toMatch(/^gen 1 core/);
      const { succeeded, rollout } = await rolling;
      expect(succeeded).toBe(true);
      expect(rollout.cores.map((c) => [c.coreId, c.state])).toEqual([
        [A, 'retired'],
        [B, 'retired'],
      ]);
      // The cutovers kept the cores' order: B was switched after A.
      const [a, b] = rollout.cores.map((c) => Date.parse(c.updatedAt));
      expect(b!).toBeGreaterThanOrEqual(a!);
      expect(alive(before[A]!) || alive(before[B!]!)).toBe(false);
      expect(runner.status()).toMatchObject({ deploymentStatus: 'running', servingGenerations: { [A]: 2, [B!]: 2 } });
    });

    it('leaves a core that was not switched yet untouched when the core after it fails during its gate', async () => {
      // B fails at once, while A stands its 1.5 s gate: A never stops serving generation 1 from the same process.
      const h = harness({ 2: { [B!]: 'fail' } }, 1500);
      const runner = await h.booted(otlpPipeline([A, B!]));
      const before = pids(runner);
      const { succeeded, rollout } = await h.rollOut(runner, otlpPipeline([A, B!], 1), 2);
      expect(succeeded).toBe(false);
      expect(rollout).toMatchObject({ state: 'failed', failureReason: `core ${B}: node "bad": refused to start` });
      expect(rollout.cores.map((c) => [c.coreId, c.state])).toEqual([
        [A, 'rolled_back'],
        [B, 'failed'],
      ]);
      expect(pids(runner)).toEqual(before);
      expect(runner.status()).toMatchObject({ deploymentStatus: 'running', servingGenerations: { [A]: 1, [B!]: 1 } });
      expect(runner.liveInstances().map((i) => i.generation)).toEqual([1, 1]);
    });

    it('drains the next core\'s started instance when a core fails its gate', async () => {
      const h = harness({ 2: { [A]: 'unstable' } }, 150);
      const runner = await h.booted(otlpPipeline([A, B!]));
      const before = pids(runner);
      const { succeeded, rollout } = await h.rollOut(runner, otlpPipeline([A, B!], 1), 2);
      expect(succeeded).toBe(false);
      expect(rollout.failureReason).toBe(`core ${A}: exited with code 70 signal - within 150 ms of becoming ready`);
      // B's new instance had started beside its old one (or was starting): it goes, the old one serves on.
      expect(rollout.cores.map((c) => [c.coreId, c.state])).toEqual([
        [A, 'failed'],
        [B, 'rolled_back'],
      ]);
      expect(pids(runner)).toEqual(before);
      expect(runner.liveInstances().map((i) => i.generation)).toEqual([1, 1]);
    });

    it('resizes down: the removed core drains, the kept one is never touched, the generation stays', async () => {
      const h = harness();
      const runner = await h.booted(otlpPipeline([A, B!]));
      const before = pids(runner);
      const { succeeded, plan, rollout } = await h.rollOut(runner, otlpPipeline([A]), 1);
      expect(plan.action).toBe('resize');
      expect(succeeded).toBe(true);
      expect(rollout.cores.map((c) => [c.coreId, c.state])).toEqual([[B, 'retired']]);
      expect(alive(before[B!]!)).toBe(false);
      expect(runner.status()).toMatchObject({ totalCores: 1, runningCores: 1, activeGeneration: 1 });
      expect(pids(runner)).toEqual({ [A]: before[A] });
      expect([...h.listeners.routing(runner.key).keys()]).toEqual([A]);
    });

    it('resizes up: only the added core starts', async () => {
      const h = harness();
      const runner = await h.booted(otlpPipeline([A]));
      const before = pids(runner);
      const { succeeded, rollout } = await h.rollOut(runner, otlpPipeline([A, B!]), 1);
      expect(succeeded).toBe(true);
      expect(rollout.cores.map((c) => [c.coreId, c.state])).toEqual([[B, 'retired']]);
      expect(pids(runner)[A]).toBe(before[A]);
      expect(runner.status()).toMatchObject({ totalCores: 2, runningCores: 2, servingGenerations: { [A]: 1, [B!]: 1 } });
    });
  });
});
