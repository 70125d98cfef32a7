// Extensions of a pipeline and the capabilities nodes take from them. Minimal for now: an extension's type must be an
// extension URN and its config a map; a capability must name an extension of the same pipeline.
import type { ExtensionSpec } from './types.js';
import { configError, type ConfigError } from './errors.js';
import type { PipelineLocation, ResolvedExtension, ResolvedNode } from './model.js';
import { parseComponentUrn } from './urn.js';

export interface ExtensionsResult {
  extensions: Map<string, ResolvedExtension>;
  errors: ConfigError[];
}

export function resolveExtensions(specs: Record<string, ExtensionSpec>, at: PipelineLocation): ExtensionsResult {
  const extensions = new Map<string, ResolvedExtension>();
  const errors: ConfigError[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const path = [...at.base, 'extensions', name, 'type'];
    const parsed = parseComponentUrn(spec.type);
    if (!parsed.ok) {
      errors.push(configError(path, 'InvalidExtensionType', parsed.message));
      continue;
    }
    if (parsed.value.kind !== 'extension') {
      const message = `${parsed.value.urn} is a ${parsed.value.kind}, not an extension; declare it under nodes`;
      errors.push(configError(path, 'InvalidExtensionType', message));
      continue;
    }
    extensions.set(name, { name, urn: parsed.value.urn, config: { ...(spec.config ?? {}) } });
  }
  return { extensions, errors };
}

/** Names every capability whose extension is not declared in the pipeline (even one whose type failed). */
export function checkCapabilities(
  nodes: ReadonlyMap<string, ResolvedNode>,
  declaredExtensions: ReadonlySet<string>,
  at: PipelineLocation,
): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const node of nodes.values()) {
    for (const [capability, extension] of Object.entries(node.capabilities)) {
      if (declaredExtensions.has(extension)) continue;
      const known = [...declaredExtensions].sort();
      const message =
        `extension "${extension}" is not declared in this pipeline's extensions` +
        (known.length > 0 ? ` (declared: ${known.join(', ')})` : ' (none declared)');
      errors.push(configError([...at.base, 'nodes', node.name, 'capabilities', capability], 'ExtensionNotFound', message));
    }
  }
  return errors;
}
