// Node types and configs: each `type` becomes a full URN found in the catalog, and each `config` passes through that
// node type's own joi schema, which fills its defaults.
import type { NodeSpec } from './types.js';
import type { ComponentCatalog, NodeDescriptor } from './catalog.js';
import { configError, type ConfigError, type ConfigWarning } from './errors.js';
import { validateWithJoi } from './joi-errors.js';
import type { PipelineLocation, ResolvedNode } from './model.js';
import { parseComponentUrn } from './urn.js';

export interface NodesResult {
  /** Nodes whose type is known, by name; a node whose config failed has `config: undefined`. */
  nodes: Map<string, ResolvedNode>;
  /** False when some node's type could not be resolved, so kind-based checks would mislead. */
  allTypesKnown: boolean;
  errors: ConfigError[];
  warnings: ConfigWarning[];
}

export function resolveNodes(specs: Record<string, NodeSpec>, at: PipelineLocation, catalog: ComponentCatalog): NodesResult {
  const nodes = new Map<string, ResolvedNode>();
  const errors: ConfigError[] = [];
  const warnings: ConfigWarning[] = [];
  let allTypesKnown = true;
  for (const [name, spec] of Object.entries(specs)) {
    const path = [...at.base, 'nodes', name];
    const type = resolveNodeType(spec.type, catalog);
    if (!type.ok) {
      allTypesKnown = false;
      errors.push(configError([...path, 'type'], type.code, type.message));
      continue;
    }
    const descriptor = type.descriptor;
    const checked = validateWithJoi<Record<string, unknown>>(descriptor.configSchema, spec.config ?? {}, [
      ...path,
      'config',
    ]);
    if (!checked.ok) errors.push(...checked.errors);
    warnings.push(...checked.warnings);
    nodes.set(name, {
      name,
      urn: descriptor.urn,
      kind: descriptor.kind,
      descriptor,
      config: checked.ok ? checked.value : undefined,
      capabilities: { ...(spec.capabilities ?? {}) },
      outputs: spec.outputs,
      defaultOutput: spec.default_output ?? (spec.outputs?.length === 1 ? spec.outputs[0] : undefined),
      identity: identityOf(spec),
    });
    if (spec.default_output !== undefined && spec.outputs !== undefined && !spec.outputs.includes(spec.default_output)) {
      const message = `"${spec.default_output}" is not among the node's outputs (${spec.outputs.join(', ')})`;
      errors.push(configError([...path, 'default_output'], 'UnknownPort', message));
    }
  }
  return { nodes, allTypesKnown, errors, warnings };
}

type TypeResult =
  | { ok: true; descriptor: NodeDescriptor }
  | { ok: false; code: 'InvalidNodeType' | 'UnknownNodeType'; message: string };

function resolveNodeType(type: string, catalog: ComponentCatalog): TypeResult {
  const parsed = parseComponentUrn(type);
  if (!parsed.ok) return { ok: false, code: 'InvalidNodeType', message: parsed.message };
  if (parsed.value.kind === 'extension') {
    return {
      ok: false,
      code: 'InvalidNodeType',
      message: `${parsed.value.urn} is an extension; declare it under the pipeline's extensions`,
    };
  }
  const descriptor = catalog.node(parsed.value.urn);
  if (!descriptor) {
    const sameKind = catalog.nodeUrns().filter((urn) => parseComponentUrn(urn).ok && urn.split(':')[2] === parsed.value.kind);
    return {
      ok: false,
      code: 'UnknownNodeType',
      message: notSupportedType(parsed.value.urn, `${parsed.value.kind}s`, sameKind),
    };
  }
  return { ok: true, descriptor };
}

/** One wording for a node or extension type this engine does not have, with what it has of that kind beside it. */
export function notSupportedType(urn: string, kindPlural: string, known: readonly string[]): string {
  return `${urn} is not supported by this engine (supported ${kindPlural}: ${known.join(', ')})`;
}

function identityOf(spec: NodeSpec): Record<string, string | number | boolean> {
  const attributes = spec.entity?.extend?.identity_attributes ?? {};
  return Object.fromEntries(
    Object.entries(attributes).map(([key, attribute]) => [key, typeof attribute === 'object' ? attribute.value : attribute]),
  );
}
