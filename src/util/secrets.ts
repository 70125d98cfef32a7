// Comparing secrets without leaking, through timing, how much of a guess was right: both sides are hashed to the same
// length first (timingSafeEqual needs equal lengths, and the length of a secret is a secret too), and a presented
// credential is compared with every accepted one, with no early exit.
import { createHash, timingSafeEqual } from 'node:crypto';

export function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** True when `presented` hashes like one of `accepted` (digests from `digest()`). Always compares with all of them. */
export function matchesAnyDigest(presented: string, accepted: readonly Buffer[]): boolean {
  const candidate = digest(presented);
  let found = false;
  for (const known of accepted) found = timingSafeEqual(candidate, known) || found;
  return found;
}
