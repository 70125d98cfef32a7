// Acceptance: a pipeline on every usable core (2 here, 1 on a 1-core machine) runs one pinned instance per core, and
// /api/v1/status reports each core running with the pid that really is pinned to it, running with the instance's V8
// options.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTANCE_NODE_OPTIONS } from '../../src/supervisor/instance-process.js';
import { processAlive, startEngine, threadAffinities, usableCores, type RunningEngine } from '../support/engine.js';

const cores = usableCores().slice(0, 2);

const config = `
version: otel_dataflow/v1
policies:
  resources:
    core_allocation: { type: core_count, count: ${cores.length} }
groups:
  default:
    pipelines:
      main:
        nodes:
          ingest: { type: receiver:otlp, config: { protocols: { http: { listening_addr: 127.0.0.1:0 } } } }
          out: { type: exporter:noop }
        connections:
          - { from: ingest, to: out }
`;

describe('instances pinned per core', () => {
  let engine: RunningEngine;
  beforeAll(async () => {
    engine = await startEngine(config);
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('runs one instance per core, each pinned to its core, and reports them in status', async () => {
    const status = await engine.waitRunning();
    expect(status.totalCores).toBe(cores.length);
    expect(status.runningCores).toBe(cores.length);
    expect(status.instances).toHaveLength(cores.length);
    expect(Object.keys(status.cores).map(Number).sort()).toEqual(cores);
    for (const instance of status.instances) {
      expect(status.cores[String(instance.coreId)]?.phase).toBe('running');
      expect(instance.phase).toBe('running');
      expect(instance.pid).toBeGreaterThan(0);
      expect(instance.pid).not.toBe(engine.pid);
      expect(processAlive(instance.pid!)).toBe(true);
      const affinities = threadAffinities(instance.pid!);
      expect(affinities.length).toBeGreaterThan(1);
      expect(new Set(affinities)).toEqual(new Set([String(instance.coreId)]));
      const argv = readFileSync(`/proc/${instance.pid}/cmdline`, 'utf8').split('\0');
      expect(argv.slice(0, argv.findIndex((arg) => arg.endsWith('instance/main.js')))).toEqual(expect.arrayContaining([...INSTANCE_NODE_OPTIONS]));
    }
    expect(new Set(status.instances.map((i) => i.pid)).size).toBe(cores.length);
    expect(status.activeGeneration).toBe(1);
    expect(status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('samples CPU and memory of each instance', async () => {
    const sampled = await engine.waitFor(async () => {
      const s = await engine.pipeline();
      return s.instances.every((i) => i.rssBytes > 0) ? s : undefined;
    }, 'pidusage samples', 10_000);
    for (const instance of sampled.instances) {
      expect(instance.rssBytes).toBeGreaterThan(10_000_000);
      expect(instance.cpuPercent).toBeGreaterThanOrEqual(0);
    }
  });

  it('answers the probes', async () => {
    const ready = await fetch(`${engine.adminUrl}/api/v1/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ probe: 'readyz', status: 'ok', failing: [] });
    const live = await fetch(`${engine.adminUrl}/api/v1/livez`);
    expect(live.status).toBe(200);
  });
});
