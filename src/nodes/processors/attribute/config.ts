// The validated config of processor:attribute, as upstream's engine names it. Shared by the descriptor (joi schema,
// supervisor) and the implementation (instance); no joi here, instances never load it.

export const ATTRIBUTE_ACTIONS = ['insert', 'update', 'upsert', 'delete', 'rename', 'hash'] as const;
export type AttributeActionName = (typeof ATTRIBUTE_ACTIONS)[number];

/** `signal`: the records' own lists (log records; spans, their events and links; data points, exemplars, metrics). */
export const APPLY_TO_TARGETS = ['signal', 'resource', 'scope'] as const;
export type ApplyTo = (typeof APPLY_TO_TARGETS)[number];

export type AttributeConfigValue = string | number | boolean;

export type AttributeActionConfig =
  | { action: 'insert' | 'update' | 'upsert'; key: string; value: AttributeConfigValue }
  | { action: 'delete'; key: string }
  | { action: 'hash'; key: string; algorithm: 'sha256'; salt: string }
  | { action: 'rename'; source_key: string; destination_key: string };

export interface AttributeProcessorConfig {
  /** Run in order on every attribute list the processor applies to; no key is named by two actions. */
  actions: AttributeActionConfig[];
  /** Which attribute lists; empty means `signal`, as upstream reads it. */
  apply_to: ApplyTo[];
}

/** The key an action looks for in a list. */
export function keyOf(action: AttributeActionConfig): string {
  return action.action === 'rename' ? action.source_key : action.key;
}
