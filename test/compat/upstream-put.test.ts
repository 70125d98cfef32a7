// Upstream's pipelines as PUT bodies: every pipeline of every `run` example config, taken out of its file (ports and
// paths made local), is accepted by a running engine's PUT (dry run: the planned action is create); one of them is
// rolled out for real and serves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { adminClient } from '../support/admin.js';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { corpusText, localised, readManifest } from '../support/upstream-corpus.js';

// Whole-engine settings a pipeline cannot carry: these files' pipelines need cores or flags this machine lacks.
const NEEDS_MORE_CORES = new Set(['engine-conf__continuous_benchmark.yaml', 'host-metrics-otlp.yaml']);

let engine: RunningEngine;
let api: ReturnType<typeof adminClient>;
beforeAll(async () => {
  engine = await startEngine('version: otel_dataflow/v1\ngroups:\n  upstream:\n    pipelines: {}\n');
  api = adminClient(engine.adminUrl);
});
afterAll(async () => engine?.stop());

interface Doc {
  groups: Record<string, { pipelines: Record<string, unknown> }>;
}

const files = readManifest()
  .filter((entry) => entry.cls === 'run' && !NEEDS_MORE_CORES.has(entry.file))
  .map((entry) => entry.file);

describe('upstream pipelines as PUT bodies', () => {
  it.each(files)('%s: each pipeline is accepted', async (file) => {
    const doc = parse((await localised(corpusText(file))).yaml) as Doc;
    const pipelines = Object.values(doc.groups).flatMap((group) => Object.entries(group.pipelines));
    expect(pipelines.length).toBeGreaterThan(0);
    for (const [name, pipeline] of pipelines) {
      const res = await api.put('upstream', name, pipeline, 'dry_run=true');
      expect([res.status, res.body.action ?? res.body], `${file} ${name}`).toEqual([200, 'create']);
    }
  });

  it('rolls one out for real: otlp-otlp.yaml serves', async () => {
    const doc = parse((await localised(corpusText('otlp-otlp.yaml'))).yaml) as Doc;
    const pipeline = Object.values(doc.groups)[0]?.pipelines.main;
    const res = await api.put('upstream', 'forward', pipeline, 'wait=true&timeout_secs=60');
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('succeeded');
    const status = await engine.waitRunning('upstream:forward');
    expect(status.runningCores).toBe(status.totalCores);
  });
});
