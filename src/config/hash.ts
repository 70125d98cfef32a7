// Canonical JSON (object keys sorted at every depth) and its sha256. Two configs that differ only in key order or in
// spelling out defaults produce the same text, so the planner can compare pipelines by hash.
import { createHash } from 'node:crypto';
import type { EffectivePipeline } from './effective.js';

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = sortKeys(item);
    }
    return out;
  }
  return value;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export type HashInput = Omit<EffectivePipeline, 'group' | 'pipeline' | 'hash' | 'graphHash' | 'listeners'>;

/**
 * `hash` covers what the pipeline runs (policies, cores, nodes, edges, extensions); names are left out because the
 * planner only ever compares a pipeline with itself. `graphHash` also leaves out where it runs, so equal graph hashes
 * with different hashes mean a resize.
 */
export function hashPipeline(input: HashInput): { hash: string; graphHash: string } {
  const { policies, cores, nodes, edges, extensions } = input;
  const { coreAllocation: _placement, ...placementFree } = policies;
  return {
    hash: sha256Hex(canonicalJson({ policies, cores, nodes, edges, extensions })),
    graphHash: sha256Hex(canonicalJson({ policies: placementFree, nodes, edges, extensions })),
  };
}
