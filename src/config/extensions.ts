// Extensions of a pipeline and the capabilities nodes bind from them. Each extension `type` becomes a full URN found
// in the extension catalog and each `config` passes through that type's own joi schema (which fills its defaults);
// each node capability must be one the node type uses, naming a declared extension that offers it.
import { CAPABILITY_NAMES, type ComponentCatalog } from './catalog.js';
import type { ExtensionSpec } from './types.js';
import { configError, type ConfigError, type ConfigWarning } from './errors.js';
import { validateWithJoi } from './joi-errors.js';
import type { PipelineLocation, ResolvedExtension, ResolvedNode } from './model.js';
import { parseComponentUrn } from './urn.js';
import { notSupportedType } from './nodes.js';

export interface ExtensionsResult {
  /** Extensions whose type is known, by name; one whose config failed has `config: undefined`. */
  extensions: Map<string, ResolvedExtension>;
  errors: ConfigError[];
  warnings: ConfigWarning[];
}

export function resolveExtensions(specs: Record<string, ExtensionSpec>, at: PipelineLocation, catalog: ComponentCatalog): ExtensionsResult {
  const extensions = new Map<string, ResolvedExtension>();
  const errors: ConfigError[] = [];
  const warnings: ConfigWarning[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const path = [...at.base, 'extensions', name];
    const parsed = parseComponentUrn(spec.type);
    if (!parsed.ok) {
      errors.push(configError([...path, 'type'], 'InvalidExtensionType', parsed.message));
      continue;
    }
    if (parsed.value.kind !== 'extension') {
      const message = `${parsed.value.urn} is a ${parsed.value.kind}, not an extension; declare it under nodes`;
      errors.push(configError([...path, 'type'], 'InvalidExtensionType', message));
      continue;
    }
    const descriptor = catalog.extension(parsed.value.urn);
    if (!descriptor) {
      const message = notSupportedType(parsed.value.urn, 'extensions', catalog.extensionUrns());
      errors.push(configError([...path, 'type'], 'UnknownExtensionType', message));
      continue;
    }
    const checked = validateWithJoi<Record<string, unknown>>(descriptor.configSchema, spec.config ?? {}, [...path, 'config']);
    if (!checked.ok) errors.push(...checked.errors);
    warnings.push(...checked.warnings);
    extensions.set(name, { name, urn: descriptor.urn, descriptor, config: checked.ok ? checked.value : undefined });
  }
  return { extensions, errors, warnings };
}

/**
 * Every node capability, at `...nodes.<node>.capabilities.<capability>`: the node type must use it
 * (CapabilityNotAccepted), the extension must be declared (ExtensionNotFound, even one whose type failed: that one
 * has its own error) and must offer it (CapabilityNotImplemented, checked only for extensions whose type is known).
 */
export function checkCapabilities(
  nodes: ReadonlyMap<string, ResolvedNode>,
  declaredExtensions: ReadonlySet<string>,
  resolvedExtensions: ReadonlyMap<string, ResolvedExtension>,
  at: PipelineLocation,
): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const node of nodes.values()) {
    const accepted: readonly string[] = node.descriptor.capabilities ?? [];
    for (const [capability, extension] of Object.entries(node.capabilities)) {
      const path = [...at.base, 'nodes', node.name, 'capabilities', capability];
      if (!accepted.includes(capability)) {
        errors.push(configError(path, 'CapabilityNotAccepted', notAccepted(node, capability, accepted)));
        continue;
      }
      if (!declaredExtensions.has(extension)) {
        const known = [...declaredExtensions].sort();
        const message =
          `extension "${extension}" is not declared in this pipeline's extensions` +
          (known.length > 0 ? ` (declared: ${known.join(', ')})` : ' (none declared)');
        errors.push(configError(path, 'ExtensionNotFound', message));
        continue;
      }
      const offered = resolvedExtensions.get(extension)?.descriptor.capabilities;
      if (offered && !(offered as readonly string[]).includes(capability)) {
        const urn = resolvedExtensions.get(extension)?.urn;
        const message = `extension "${extension}" (${urn}) does not offer ${capability}; it offers ${offered.join(', ')}`;
        errors.push(configError(path, 'CapabilityNotImplemented', message));
      }
    }
  }
  return errors;
}

function notAccepted(node: ResolvedNode, capability: string, accepted: readonly string[]): string {
  const known = (CAPABILITY_NAMES as readonly string[]).includes(capability) ? '' : ' (not a known capability)';
  const uses = accepted.length > 0 ? `it uses ${accepted.join(', ')}` : 'it uses none';
  return `${node.urn} does not use capability ${capability}${known}; ${uses}`;
}
