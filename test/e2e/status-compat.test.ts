// Acceptance: PipelineStatus keeps the shape it had before live management; rollout metadata is only added beside it.
// The fixture is a real /api/v1/status answer recorded from the engine as it was before live management. One part of
// it was ours where upstream has a shape of its own, and now has upstream's (#12): the items of `recentEvents` are
// upstream's ObservedEvent objects (test/admin/upstream-read.test.ts decodes them as dfctl does).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, usableCores, type RunningEngine } from '../support/engine.js';
import { adminClient } from '../support/admin.js';

const recorded = JSON.parse(readFileSync(new URL('../fixtures/status/engine-status-before-live-management.json', import.meta.url), 'utf8'));
const cores = usableCores().slice(0, 2);
const UPSTREAM_EVENT_ITEMS = '$.pipelines.*.cores.*.recentEvents[].';

/** Every path of `value` with its JSON type; arrays stand for their elements' union, record keys that are ids become `*`. */
function shape(value: unknown, path = '$', out = new Map<string, string>()): Map<string, string> {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  out.set(path, type);
  if (Array.isArray(value)) for (const item of value) shape(item, `${path}[]`, out);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) shape(inner, `${path}.${/^\d+$|:/.test(key) ? '*' : key}`, out);
  }
  return out;
}

const spec = (batch: number) => ({
  policies: { resources: { core_allocation: { type: 'core_count', count: cores.length } } },
  nodes: {
    ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } },
    batch: { type: 'processor:batch', config: { otlp: { min_size: batch, sizer: 'items' } } },
    out: { type: 'exporter:noop' },
  },
  connections: [{ from: 'ingest', to: 'batch' }, { from: 'batch', to: 'out' }],
});

describe('PipelineStatus compatibility', () => {
  let engine: RunningEngine;
  beforeAll(async () => {
    engine = await startEngine(`version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify(spec(100))}\n`);
    await engine.waitRunning();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  function expectSuperset(now: unknown): void {
    const before = shape(recorded);
    const after = shape(now);
    // `deploymentError` is null in the recording; any object later is a legitimate value of the same field.
    const missing = [...before].filter(
      ([path, type]) => after.get(path) !== type && !(type === 'null' && after.has(path)) && !path.startsWith(UPSTREAM_EVENT_ITEMS),
    );
    expect(missing).toEqual([]);
  }

  it('keeps every field of the recorded payload with its type', async () => {
    expectSuperset(await engine.status());
  });

  it('only adds rollout metadata after a rollout through the admin API', async () => {
    const put = await adminClient(engine.adminUrl).put('default', 'main', spec(200));
    expect(put.status).toBe(200);
    const status = await engine.status();
    expectSuperset(status);
    expect(status.pipelines['default:main']!.rollout).toMatchObject({ rolloutId: put.body.rolloutId, action: 'replace', state: 'succeeded' });
    expect(status.pipelines['default:main']!.activeGeneration).toBe(2);
  });
});
