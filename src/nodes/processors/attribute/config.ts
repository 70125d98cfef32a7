// The validated config of processor:attribute. Shared by the descriptor (joi schema, supervisor) and the
// implementation (instance); no joi here, instances never load it.

export const ATTRIBUTE_ACTIONS = ['insert', 'update', 'upsert', 'delete', 'rename', 'hash'] as const;
export type AttributeActionName = (typeof ATTRIBUTE_ACTIONS)[number];

export const APPLY_TO_TARGETS = ['resource', 'scope', 'record'] as const;
export type ApplyTo = (typeof APPLY_TO_TARGETS)[number];

export type AttributeConfigValue = string | number | boolean;

export type AttributeActionConfig =
  | { action: 'insert' | 'update' | 'upsert'; key: string; value: AttributeConfigValue }
  | { action: 'delete' | 'hash'; key: string }
  | { action: 'rename'; key: string; new_key: string };

export interface AttributeProcessorConfig {
  /** Run in order on every attribute list the processor applies to. */
  actions: AttributeActionConfig[];
  /** Which attribute lists: the resource's, the scope's, the records' (log records, spans, metric data points). */
  apply_to: ApplyTo[];
}
