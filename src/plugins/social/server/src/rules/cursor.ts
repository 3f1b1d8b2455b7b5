import { invalidField } from '../../../../../errors/refusal';

/**
 * Keyset cursors: the sort value and id of the last row a page showed, opaque to clients (base64url JSON). The next
 * page is the rows strictly after that pair in the list's order, so rows added meanwhile (newer posts, which sort
 * before it) neither repeat nor push rows out of later pages.
 */
export interface CursorPosition {
  value: number;
  id: number;
}

export const encodeCursor = (position: CursorPosition): string =>
  Buffer.from(JSON.stringify([position.value, position.id])).toString('base64url');

export function decodeCursor(cursor: unknown): CursorPosition | null {
  if (cursor === undefined || cursor === '') return null;
  if (typeof cursor !== 'string' || cursor.length > 200) throw invalidField('cursor', 'cursor is not valid');
  try {
    const [value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value === 'number' && Number.isFinite(value) && Number.isSafeInteger(id) && id > 0) return { value, id };
  } catch {
    // Falls through to the refusal.
  }
  throw invalidField('cursor', 'cursor is not valid');
}

/** `limit` from a query string: 1..50, 20 by default. */
export function limitParam(value: unknown, fallback = 20, max = 50): number {
  if (value === undefined || value === '') return fallback;
  const number = typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(number) || number < 1 || number > max)
    throw invalidField('limit', `limit must be an integer from 1 to ${max}`);
  return number;
}
