/**
 * Where a credential's revocation bit lives in the Bitstring Status Lists. Each list holds 131,072 entries (16 KiB,
 * the size the W3C specification recommends so that one entry says little about its holder). The n-th credential
 * (its row id) goes to list ⌈n / 131,072⌉, at a position scattered over the list by an odd multiplier (a one-to-one
 * map modulo 2^17), so neighbouring indexes do not reveal the order of issue. Pure.
 */
export const STATUS_LIST_LENGTH = 131_072;
const SCATTER = 104_729;
const OFFSET = 52_361;

export function statusEntryOf(sequence: number): { listId: number; index: number } {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError('a positive sequence number is needed');
  const position = sequence - 1;
  const slot = position % STATUS_LIST_LENGTH;
  return {
    listId: Math.floor(position / STATUS_LIST_LENGTH) + 1,
    index: Number((BigInt(slot) * BigInt(SCATTER) + BigInt(OFFSET)) % BigInt(STATUS_LIST_LENGTH)),
  };
}
