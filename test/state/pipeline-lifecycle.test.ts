import { describe, expect, it } from 'vitest';
import type { IllegalMove } from '../../src/state/machine.js';
import { deploymentStatusOf, desiredStatusOf, observe, PipelineLifecycle } from '../../src/state/pipeline-lifecycle.js';
import type { DeploymentError } from '../../src/state/status-types.js';

const gaveUp = (coreId: number): DeploymentError => ({ error_code: 'RestartLimitExceeded', message: `core ${coreId}: too many restarts`, details: { coreId } });

function lifecycle() {
  const bugs: IllegalMove[] = [];
  return { machine: new PipelineLifecycle('default:main', (bug) => bugs.push(bug)), bugs };
}

describe('observe', () => {
  it('says all serving only when every core serves, and there is at least one', () => {
    expect(observe([{ serving: true, failure: null }, { serving: true, failure: null }])).toEqual({ event: 'all_serving' });
    expect(observe([{ serving: true, failure: null }, { serving: false, failure: null }])).toEqual({ event: 'some_serving' });
    expect(observe([{ serving: false, failure: null }])).toEqual({ event: 'none_serving' });
    expect(observe([])).toEqual({ event: 'none_serving' });
  });

  it('puts a core that recovery gave up on before any serving, naming the first one', () => {
    expect(observe([{ serving: true, failure: null }, { serving: false, failure: gaveUp(1) }, { serving: false, failure: gaveUp(2) }])).toEqual({
      event: 'core_failed',
      error: gaveUp(1),
    });
  });
});

describe('what a pipeline state shows', () => {
  it('shows a create as provisioning, every other state as itself', () => {
    expect(deploymentStatusOf('creating')).toBe('provisioning');
    for (const state of ['provisioning', 'running', 'degraded', 'updating', 'failed', 'shutting_down', 'stopped'] as const) expect(deploymentStatusOf(state)).toBe(state);
  });

  it('wants a pipeline stopped only while it stops or is stopped', () => {
    expect(desiredStatusOf('shutting_down')).toBe('stopped');
    expect(desiredStatusOf('stopped')).toBe('stopped');
    for (const state of ['provisioning', 'creating', 'running', 'degraded', 'updating', 'failed'] as const) expect(desiredStatusOf(state)).toBe('running');
  });
});

describe('PipelineLifecycle', () => {
  it('keeps the first failure while failed, and forgets it when an operation moves the pipeline on', () => {
    const { machine, bugs } = lifecycle();
    machine.apply('all_serving');
    expect(machine.apply('core_failed', gaveUp(0))).toBe(true);
    machine.apply('core_failed', gaveUp(1));
    expect(machine.deployment).toMatchObject({ status: 'failed', error: gaveUp(0) });
    machine.apply('update_started');
    expect(machine.deployment).toMatchObject({ status: 'updating', error: null });
    expect(bugs).toEqual([]);
  });

  it('names a listener that could not be bound at boot', () => {
    const { machine } = lifecycle();
    const error: DeploymentError = { error_code: 'ListenerBindFailed', message: 'cannot listen: EADDRINUSE', details: {} };
    machine.apply('listeners_failed', error);
    expect(machine.deployment).toMatchObject({ status: 'failed', error });
    expect(machine.desired).toBe('running');
  });

  it('changes deploymentStatusSince only when the status shown changes', async () => {
    const { machine } = lifecycle();
    machine.apply('shutdown_started');
    machine.apply('drained');
    machine.apply('create_started');
    const since = machine.deployment.since;
    await new Promise((resolve) => setTimeout(resolve, 5));
    // creating → provisioning is the same status to an operator.
    machine.apply('rollout_succeeded');
    expect(machine.state).toBe('provisioning');
    expect(machine.deployment.since).toBe(since);
    machine.apply('all_serving');
    expect(machine.deployment.status).toBe('running');
    expect(machine.deployment.since > since).toBe(true);
  });

  it('refuses a create of a pipeline that runs, and reports it as a bug', () => {
    const { machine, bugs } = lifecycle();
    machine.apply('all_serving');
    expect(machine.apply('create_started')).toBe(false);
    expect(machine.state).toBe('running');
    expect(bugs).toEqual([{ machine: 'pipeline lifecycle', subject: 'default:main', from: 'running', event: 'create_started' }]);
  });

  it('goes through a replace: updating hides the overlap, and the cores place it when it ends', () => {
    const { machine } = lifecycle();
    machine.apply('all_serving');
    machine.apply('update_started');
    machine.apply('some_serving');
    machine.apply('core_failed', gaveUp(1));
    expect(machine.deployment.status).toBe('updating');
    machine.apply('rollout_succeeded');
    machine.apply('all_serving');
    expect(machine.deployment.status).toBe('running');
  });
});
