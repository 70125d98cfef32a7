// What config validation knows of node and extension types, without loading any implementation: each type's URN,
// config schema (joi, with defaults), listeners, ports and capabilities. The catalogs themselves (src/nodes/catalog.ts,
// src/extensions/catalog.ts) sit above config and are handed in by whoever validates, so config never imports nodes.
import type Joi from 'joi';
import type { ListenerSpec, NodeKind } from './effective.js';

/** Capabilities: typed services an extension offers and a node binds by name (src/extensions/capabilities.ts). */
export const CAPABILITY_NAMES = ['bearer_token_provider', 'bearer_token_authorizer'] as const;
export type CapabilityName = (typeof CAPABILITY_NAMES)[number];

export interface NodeDescriptor {
  /** Full URN, `urn:otel:receiver:otlp`. */
  urn: string;
  kind: NodeKind;
  /** Validates and fills defaults of `nodes.<name>.config`. Unknown keys are errors. */
  configSchema: Joi.ObjectSchema;
  /** Listening addresses of a receiver, from its validated config. */
  listeners?(name: string, config: Record<string, unknown>): ListenerSpec[];
  /** Named output ports; absent means only the default port. */
  outputPorts?(config: Record<string, unknown>): string[];
  /**
   * Why this engine cannot run the node yet, for a type whose config is validated field by field (so upstream configs
   * are judged correctly) but whose implementation does not exist: `--validate-and-exit` warns, and starting, a
   * reload or a live change refuses the config with this reason.
   */
  unavailable?: string;
  /** Extension capabilities a node of this type can bind (`capabilities:` in its config); absent means none. */
  capabilities?: readonly CapabilityName[];
  /**
   * For a node that observes the machine itself rather than data sent to it (host metrics): what it observes, from its
   * validated config (`host root /`). Such a node runs only in a one-core pipeline, and no two nodes of a config may
   * observe the same thing (src/config/host-wide.ts). Absent for every other node.
   */
  hostWide?(config: Record<string, unknown>): string;
}

export interface ExtensionDescriptor {
  /** Full URN, `urn:otel:extension:static_bearer_token`. */
  urn: string;
  /** Validates and fills defaults of `extensions.<name>.config`. Unknown keys are errors. */
  configSchema: Joi.ObjectSchema;
  capabilities: readonly CapabilityName[];
}

/** The node and extension types a config may use. */
export interface ComponentCatalog {
  node(urn: string): NodeDescriptor | undefined;
  /** Every node URN, sorted. */
  nodeUrns(): string[];
  extension(urn: string): ExtensionDescriptor | undefined;
  /** Every extension URN, sorted. */
  extensionUrns(): string[];
}
