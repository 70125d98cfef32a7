// Severity names of processor:filter's `logs.min_severity` and the OTLP SeverityNumber each one starts at. Shared by
// the descriptor (supervisor) and the processor (instance); no joi here, instances never load it.

export const SEVERITY_LEVELS = {
  TRACE: 1,
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
  FATAL: 21,
} as const;

export type SeverityName = keyof typeof SEVERITY_LEVELS;

export const SEVERITY_NAMES = Object.keys(SEVERITY_LEVELS) as SeverityName[];
