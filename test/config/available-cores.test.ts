import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableCores, CoreSelectionError, parseCoreIdRange } from '../../src/supervisor/available-cores.js';
import { coreAllocationFromFlags } from '../../src/cli/core-flags.js';
import { loadAndValidate } from '../../src/config/index.js';
import { builtinCatalog } from '../../src/nodes/catalog.js';

describe('parseCoreIdRange', () => {
  it('expands ranges and single ids, sorted without duplicates', () => {
    expect(parseCoreIdRange('0-3,6')).toEqual([0, 1, 2, 3, 6]);
    expect(parseCoreIdRange(' 6, 2-3 ,3 ')).toEqual([2, 3, 6]);
  });
  it("reads upstream's 0..3 and 0..=3, both inclusive", () => {
    expect(parseCoreIdRange('0..3,6')).toEqual([0, 1, 2, 3, 6]);
    expect(parseCoreIdRange('0..=3,6-7')).toEqual([0, 1, 2, 3, 6, 7]);
  });
  it.each(['', 'a', '1-', '3-1', '1,,2', '-1', '1.5', '99999', '0...3', '0..'])('refuses %j with a clear message', (text) => {
    expect(() => parseCoreIdRange(text)).toThrow(CoreSelectionError);
  });
});

describe('--num-cores and --core-id-range, as upstream reads them', () => {
  it('give the default core allocation: a count (0: all cores) or a set, never both', () => {
    expect(coreAllocationFromFlags({})).toBeUndefined();
    expect(coreAllocationFromFlags({ numCores: 2 })).toEqual({ type: 'core_count', count: 2 });
    expect(coreAllocationFromFlags({ numCores: 0 })).toEqual({ type: 'all_cores' });
    expect(coreAllocationFromFlags({ coreIdRange: '0..=2,5' })).toEqual({ type: 'core_set', set: [{ start: 0, end: 2 }, { start: 5, end: 5 }] });
    expect(() => coreAllocationFromFlags({ coreIdRange: '2-1' })).toThrow(CoreSelectionError);
  });
  it('apply to pipelines without an allocation of their own; one that writes its own keeps it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otap-core-flags-'));
    const file = join(dir, 'config.yaml');
    const gen = '{ type: receiver:traffic_generator, config: { traffic_config: { log_weight: 1 } } }';
    writeFileSync(
      file,
      `version: otel_dataflow/v1
policies: { resources: { core_allocation: { type: all_cores } } }
groups:
  g:
    pipelines:
      plain: { nodes: { gen: ${gen}, out: { type: exporter:noop } }, connections: [{ from: gen, to: out }] }
      own:
        policies: { resources: { core_allocation: { type: core_set, set: [{ start: 1, end: 1 }] } } }
        nodes: { gen: ${gen}, out: { type: exporter:noop } }
        connections: [{ from: gen, to: out }]
`,
    );
    const result = await loadAndValidate(file, { catalog: builtinCatalog, availableCores: [0, 1, 2, 3], coreAllocationOverride: coreAllocationFromFlags({ numCores: 1 }) });
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
    expect(result.pipelines.map((p) => [p.pipeline, p.cores])).toEqual([['own', [1]], ['plain', [0]]]);
    expect(result.config.policies?.resources?.core_allocation).toEqual({ type: 'core_count', count: 1 });
    const tooMany = await loadAndValidate(file, { catalog: builtinCatalog, availableCores: [0, 1], coreAllocationOverride: coreAllocationFromFlags({ numCores: 3 }) });
    expect(tooMany.ok ? [] : tooMany.errors.map((e) => [e.path, e.code])).toEqual([
      ['groups.g.pipelines.plain.policies.resources.core_allocation', 'CoreAllocationUnmet'],
    ]);
  });
});

describe('availableCores', () => {
  it('reads the cores of this process affinity', async () => {
    const cores = await availableCores();
    expect(cores.length).toBe(os.availableParallelism());
    expect(cores).toEqual([...cores].sort((a, b) => a - b));
  });
});
