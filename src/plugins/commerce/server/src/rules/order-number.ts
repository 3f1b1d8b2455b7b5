import { randomInt } from 'crypto';

/** Letters and digits a person reads back without confusing them (no 0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * An order's human-readable number: `L-20261205-7KQ2MX`, the day it was made (UTC) and six random characters
 * (31^6 ≈ 900 million a day). The unique index on `number` is what guarantees uniqueness.
 */
export function newOrderNumber(now: Date): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  let suffix = '';
  for (let index = 0; index < 6; index += 1) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return `L-${day}-${suffix}`;
}
