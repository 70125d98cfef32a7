// What the supervisor knows of a node type without loading its implementation: kind, config schema (joi, with
// defaults), the listening addresses it needs and its output ports. Implementations are in implementations.ts.
import type Joi from 'joi';
import type { CapabilityName } from '../extensions/capabilities.js';
import type { ListenerSpec, NodeInstance } from '../pipeline/node.js';

export interface NodeDescriptor {
  /** Full URN, `urn:otel:receiver:otlp`. */
  urn: string;
  kind: NodeInstance['kind'];
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
