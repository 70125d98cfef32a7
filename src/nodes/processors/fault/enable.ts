// The switch that allows processor:fault. Shared by the descriptor (supervisor, at validation) and the processor
// (instance, defensively at start); no joi here, instances never load it.

export const FAULT_INJECTION_ENV = 'OTAP_ENGINE_ENABLE_FAULT_INJECTION';

export const FAULT_INJECTION_DISABLED = `processor:fault is disabled: set ${FAULT_INJECTION_ENV}=1 to allow fault injection`;

export function faultInjectionEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[FAULT_INJECTION_ENV] === '1';
}
