// The resilience suite's own helpers: a seeded random source, so that a failing run can be replayed with the seed it
// prints. What it measures of the engine comes from test/support/proc.ts.
export { rng as seededRandom } from '../support/wire-requests.js';
export { childPids, fdTotal, openFds, rssBytes } from '../support/proc.js';

/** The seed from OTAP_RESILIENCE_SEED, or a fresh one; printed so that a failure can be replayed. */
export function suiteSeed(name: string): number {
  const fromEnv = process.env.OTAP_RESILIENCE_SEED;
  const seed = fromEnv ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31);
  console.log(`${name}: seed ${seed} (replay with OTAP_RESILIENCE_SEED=${seed})`);
  return seed;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
