import { performance } from 'node:perf_hooks';

/** Monotonic milliseconds: immune to wall-clock steps, for windows and deadlines inside one process. */
export const monotonicMs = (): number => performance.now();

export const isoNow = (): string => new Date().toISOString();

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
