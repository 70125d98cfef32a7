// When the document has schema errors, its pipelines that are well formed on their own are still checked in depth
// (node types, node configs, graph), so that one run reports every problem of the file: an error in the engine
// section must not hide an unsupported node type three groups further down.
import type { EngineConfig, GroupSpec, Policies } from './types.js';
import { pipelineSchema, policiesSchema } from './schema.js';
import { validateWithJoi } from './joi-errors.js';

const isMap = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The parts of `raw` that pass their own schema: policies that are valid, pipelines that are well formed. */
export function wellFormedParts(raw: Record<string, unknown>): EngineConfig {
  const groups: Record<string, GroupSpec> = {};
  const rawGroups = isMap(raw.groups) ? raw.groups : {};
  for (const [group, rawGroup] of Object.entries(rawGroups)) {
    if (!isMap(rawGroup) || !isMap(rawGroup.pipelines)) continue;
    const pipelines: GroupSpec['pipelines'] = {};
    for (const [pipeline, rawPipeline] of Object.entries(rawGroup.pipelines)) {
      const checked = validateWithJoi<GroupSpec['pipelines'][string]>(pipelineSchema, rawPipeline, []);
      if (checked.ok) pipelines[pipeline] = checked.value;
    }
    groups[group] = { policies: validPolicies(rawGroup.policies), pipelines };
  }
  return { version: 'otel_dataflow/v1', policies: validPolicies(raw.policies), groups };
}

function validPolicies(raw: unknown): Policies | undefined {
  if (raw === undefined) return undefined;
  const checked = validateWithJoi<Policies>(policiesSchema, raw, []);
  return checked.ok ? checked.value : undefined;
}
