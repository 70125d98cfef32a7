// Shapes that semantic validation passes between its steps: one pipeline's nodes and extensions once their types and
// configs are known. Internal to src/config; the outside sees EffectivePipeline.
import type { ExtensionDescriptor } from './catalog.js';
import type { NodeDescriptor } from './catalog.js';
import type { NodeKind } from './effective.js';
import type { PathSegment } from './errors.js';
import type { ComponentCatalog } from './catalog.js';

/** Where a pipeline sits in the document; `base` is the path prefix of its fields. */
export interface PipelineLocation {
  group: string;
  pipeline: string;
  base: readonly PathSegment[];
}

export interface ResolvedNode {
  name: string;
  urn: string;
  kind: NodeKind;
  descriptor: NodeDescriptor;
  /** Undefined when the config failed its schema (the error is already recorded). */
  config: Record<string, unknown> | undefined;
  capabilities: Record<string, string>;
  /** The node-level `outputs`: when given, the only ports connections may name. */
  outputs: string[] | undefined;
  defaultOutput: string | undefined;
  /** `entity.extend.identity_attributes`, values only. */
  identity: Record<string, string | number | boolean>;
}

export interface ResolvedExtension {
  name: string;
  urn: string;
  descriptor: ExtensionDescriptor;
  /** Undefined when the config failed its schema (the error is already recorded). */
  config: Record<string, unknown> | undefined;
}

export function pipelineLabel(at: PipelineLocation): string {
  return `${at.group}/${at.pipeline}`;
}

/**
 * `enforce` when the engine is about to run the config here (start, reload, live change); `warn` for
 * `--validate-and-exit`, which (as upstream's) judges the file, not this machine: a config is often validated where it
 * is written, not where it runs. What only running refuses: cores this machine lacks, host-wide nodes on several
 * cores, and node types or controller extensions that validate but cannot run yet.
 */
export type CoreCheck = 'enforce' | 'warn';

/** What a config is judged against, besides itself. */
export interface SemanticContext {
  /** Cores the engine may use (after --num-cores / --core-id-range). */
  availableCores: readonly number[];
  /** `warn` judges the file alone (`--validate-and-exit`); the default `enforce` judges it for this machine. */
  coreCheck?: CoreCheck;
  /** The node and extension types a config may use (src/nodes/catalog.ts builtinCatalog). */
  catalog: ComponentCatalog;
}
