// The switch that makes an engine one started for tests, where processor:fault exists. Read by the node catalog
// (supervisor, at validation) and by the processor (instance, defensively at start); no joi here, instances never load it.

export const FAULT_INJECTION_ENV = 'OTAP_ENGINE_ENABLE_FAULT_INJECTION';

export const FAULT_INJECTION_DISABLED = `processor:fault exists only in an engine started for tests (${FAULT_INJECTION_ENV}=1)`;

export function faultInjectionEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[FAULT_INJECTION_ENV] === '1';
}
