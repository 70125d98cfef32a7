// `<PRI>` at the start of a syslog message: 1 to 3 digits, 0..191, no leading zero (RFC 3164 §4.3.3 calls `<00>`
// unidentifiable). Facility is PRI / 8, severity PRI % 8.
import type { Priority } from './types.js';

const LT = 0x3c;
const GT = 0x3e;
const ZERO = 0x30;
const NINE = 0x39;

/** The priority and the bytes after `>`, or undefined when the message does not start with a valid `<PRI>`. */
export function parsePriority(input: Buffer): { priority: Priority; rest: Buffer } | undefined {
  if (input.length === 0 || input[0] !== LT) return undefined;
  // `<>` and more than three digits are not a priority: only a `>` at index 2..4 can close one.
  let end = -1;
  for (let i = 1; i <= 4 && i < input.length; i++) {
    if (input[i] === GT) {
      end = i;
      break;
    }
  }
  if (end < 2) return undefined;
  if (end > 2 && input[1] === ZERO) return undefined;
  let value = 0;
  for (let i = 1; i < end; i++) {
    const b = input[i] as number;
    if (b < ZERO || b > NINE) return undefined;
    value = value * 10 + (b - ZERO);
  }
  if (value > 191) return undefined;
  return { priority: { facility: value >> 3, severity: value & 7 }, rest: input.subarray(end + 1) };
}
