import { positiveIntegerParam } from '../../../../../../access/params';
import { invalidField } from '../../../../../../errors/refusal';

/** How many matches one request may ask (`?limit=`, GraphQL `limit`). */
export const MATCHES_DEFAULT = 20;
export const MATCHES_LIMIT = 50;

/** `?open=true|false`: anything else is a 400 naming it. */
export function openParam(value: unknown): boolean {
  if (value === undefined || value === null || value === 'false' || value === false) return false;
  if (value === 'true' || value === true) return true;
  throw invalidField('open', 'open must be true or false');
}

export function matchesLimitParam(value: unknown): number {
  if (value === undefined || value === null) return MATCHES_DEFAULT;
  const limit = positiveIntegerParam(value, 'limit');
  if (limit > MATCHES_LIMIT) throw invalidField('limit', `limit must be at most ${MATCHES_LIMIT}`);
  return limit;
}
