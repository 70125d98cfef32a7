// The path template of exporter:file: `{signal}`, `{core_id}` and `{generation}` each exactly once, so that every file
// has one writer (one signal of one instance of one generation). Checked without touching the file system; rendered
// when the exporter starts. No joi here: the descriptor validates with it and the exporter renders with it.
import { isAbsolute, normalize } from 'node:path';
import type { Signal } from '../../../pipeline/pdata.js';

const TOKENS = ['{signal}', '{core_id}', '{generation}'] as const;

export interface Placement {
  core: number;
  generation: number;
}

export function renderPath(template: string, signal: Signal, placement: Placement): string {
  return template.replace('{signal}', signal).replace('{core_id}', String(placement.core)).replace('{generation}', String(placement.generation));
}

/** Why the template cannot be used, or undefined when it can. */
export function templateProblem(template: string): string | undefined {
  if (!isAbsolute(template)) return 'must be an absolute path';
  for (const token of TOKENS) {
    const count = template.split(token).length - 1;
    if (count !== 1) return `must contain ${token} exactly once (it gives each signal, core and generation a file of its own)`;
  }
  const rest = TOKENS.reduce((text, token) => text.split(token).join(''), template);
  if (rest.includes('{') || rest.includes('}')) return 'has an unknown or malformed {token}: only {signal}, {core_id} and {generation} are known';
  // `dir/{signal}/../x` renders every signal to the same file once `..` is resolved.
  const base = normalize(renderPath(template, 'logs', { core: 0, generation: 0 }));
  const variants: Array<[string, string]> = [
    ['{signal}', renderPath(template, 'metrics', { core: 0, generation: 0 })],
    ['{core_id}', renderPath(template, 'logs', { core: 1, generation: 0 })],
    ['{generation}', renderPath(template, 'logs', { core: 0, generation: 1 })],
  ];
  for (const [token, rendered] of variants) {
    if (normalize(rendered) === base) return `loses ${token} once ".." is resolved: files would be shared`;
  }
  return undefined;
}

/**
 * Where this instance runs: the supervisor gives each instance its core (OTAP_ENGINE_CORE) and generation
 * (OTAP_ENGINE_GENERATION). Outside an instance (tests, embedders) both are 0.
 */
export function currentPlacement(env: NodeJS.ProcessEnv = process.env): Placement {
  const number = (text: string | undefined): number => (text !== undefined && /^[0-9]+$/.test(text) ? Number(text) : 0);
  return { core: number(env.OTAP_ENGINE_CORE), generation: number(env.OTAP_ENGINE_GENERATION) };
}
