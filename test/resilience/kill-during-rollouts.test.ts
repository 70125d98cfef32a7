// Resilience: instances killed with SIGKILL at random moments of rollouts, under load. Rollouts may fail and roll back
// and recovery restarts what crashed, but the engine converges to the desired state once the faults stop, it never
// leaves a process behind, and every request it answered 2xx (wait_for_result: only after export) reached the sink.
import { afterAll, describe, expect, it } from 'vitest';
import { adminClient } from '../support/admin.js';
import { processAlive, startEngine, usableCores, type RunningEngine } from '../support/engine.js';
import { streamLogs } from '../support/otlp-load.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { childPids, seededRandom, sleep, suiteSeed } from './support.js';

const ROLLOUTS = 12;

function spec(sinkUrl: string, cores: number, batchSize: number) {
  return {
    policies: {
      resources: { core_allocation: { type: 'core_count', count: cores } },
      // Kills on purpose: recovery must keep restarting rather than give up after the default five.
      runtime_recovery: { max_restarts: 1000, initial_backoff: '50ms', max_backoff: '500ms' },
    },
    nodes: {
      ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0', wait_for_result: true } } } },
      batch: { type: 'processor:batch', config: { otlp: { min_size: batchSize, sizer: 'items' }, max_batch_duration: '20ms' } },
      out: { type: 'exporter:otlp_http', config: { endpoint: sinkUrl, http: { timeout: '2s' } } },
    },
    connections: [
      { from: 'ingest', to: 'batch' },
      { from: 'batch', to: 'out' },
    ],
  };
}

describe('SIGKILL of instances during rollouts, under load', () => {
  let engine: RunningEngine | undefined;
  let sink: OtlpSink | undefined;
  afterAll(async () => {
    await engine?.stop();
    await sink?.close();
  });

  it('converges to the desired state and loses nothing it acknowledged', async () => {
    const random = seededRandom(suiteSeed('kill-during-rollouts'));
    const maxCores = Math.min(2, usableCores().length);
    sink = await startOtlpSink();
    const sinkUrl = sink.url;
    engine = await startEngine(JSON.stringify({ version: 'otel_dataflow/v1', groups: { default: { pipelines: { main: spec(sinkUrl, maxCores, 100) } } } }));
    const running = engine;
    const api = adminClient(running.adminUrl);
    const status = await running.waitRunning();
    const load = streamLogs(`http://${status.listeners[0]!.address}`, { connections: 4, perRequest: 20, prefix: `kill-${Date.now()}` });
    await running.waitFor(async () => load.result.acked.length > 200 || undefined, 'load flowing');

    const outcomes: string[] = [];
    let kills = 0;
    for (let i = 0; i < ROLLOUTS; i++) {
      const cores = maxCores === 1 ? 1 : 1 + Math.floor(random() * maxCores);
      const put = await api.put('default', 'main', spec(sinkUrl, cores, 50 + i), 'wait=false');
      expect([200, 201, 202]).toContain(put.status);
      const location = put.headers.get('location');
      // Kill one or two instances, old or new generation, at random moments while the rollout runs.
      const victims = 1 + Math.floor(random() * 2);
      for (let v = 0; v < victims; v++) {
        await sleep(Math.floor(random() * 1200));
        const pids = (await running.pipeline()).instances.map((inst) => inst.pid).filter((pid): pid is number => pid !== null);
        const victim = pids[Math.floor(random() * pids.length)];
        if (victim !== undefined && processAlive(victim)) {
          process.kill(victim, 'SIGKILL');
          kills += 1;
        }
      }
      const settled = location ? await api.settle(location.replace(/^.*\/api\/v1/, ''), 120_000) : put.body;
      outcomes.push(settled.state);
    }
    console.log(`kill-during-rollouts: ${kills} kills over ${ROLLOUTS} rollouts, outcomes ${JSON.stringify(outcomes)}`);

    // The faults stop; the desired state is applied once more and must hold.
    const desired = spec(sinkUrl, maxCores, 77);
    let final: { status: number; body: any } | undefined;
    for (let attempt = 0; attempt < 3 && final?.body?.state !== 'succeeded'; attempt++) {
      final = await api.put('default', 'main', desired, 'wait=true&timeout_secs=120');
    }
    expect(final?.body.state).toBe('succeeded');
    let last: unknown;
    const converged = await running
      .waitFor(async () => {
        const p = await running.pipeline();
        last = p;
        const serving = p.instances.filter((inst) => inst.phase === 'running');
        return p.deploymentStatus === 'running' && p.runningCores === maxCores && serving.length === maxCores && p.instances.length === maxCores && p;
      }, 'the pipeline to run on every core with one instance each', 60_000)
      .catch((error: unknown) => {
        throw new Error(`${(error as Error).message}; last status: ${JSON.stringify(last, null, 1)}`);
      });
    expect(converged.instances.every((inst) => inst.deploymentGeneration === converged.activeGeneration)).toBe(true);
    const config = (await api.get('/config')).body;
    expect(config.groups.default.pipelines.main.nodes.batch.config.otlp.min_size).toBe(77);

    // No process left behind: the engine's children are exactly the serving instances.
    const instancePids = converged.instances.map((inst) => inst.pid).sort((a, b) => a! - b!);
    await running.waitFor(async () => childPids(running.pid).length === instancePids.length || undefined, 'killed and retired instances to be reaped', 20_000);
    expect(childPids(running.pid)).toEqual(instancePids);

    const ackedAtConvergence = load.result.acked.length;
    await running.waitFor(async () => load.result.acked.length > ackedAtConvergence + 1000 || undefined, 'load flowing after the storm', 30_000);
    const result = await load.stop();
    const arrived = new Set<string>();
    let seen = 0;
    await sink.waitFor(() => {
      // Only what arrived since the last poll: the sink's event loop must not stall on a growing scan.
      for (; seen < sink!.logs.length; seen++) arrived.add(sink!.logs[seen]!);
      return result.acked.every((body) => arrived.has(body));
    }, 30_000).catch(() => undefined);
    const missing = result.acked.filter((body) => !arrived.has(body));
    console.log(`kill-during-rollouts: ${result.acked.length} acked, ${result.refused} refused, ${result.errors} errors (killed connections), ${missing.length} missing`);
    expect(missing).toEqual([]);
    expect(result.acked.length).toBeGreaterThan(ackedAtConvergence + 1000);
  }, 1_200_000);
});
