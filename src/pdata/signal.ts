// The three OTLP signals. Data of each travels as one Export*ServiceRequest encoding (pipeline/pdata.ts).

export type Signal = 'logs' | 'traces' | 'metrics';
export const SIGNALS: readonly Signal[] = ['logs', 'traces', 'metrics'];
