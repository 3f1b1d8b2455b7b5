import type { Core } from '@strapi/strapi';

const USER = 'plugin::users-permissions.user';

/** No account has an email or username this long: such an identifier is limited by its string, without a query. */
const MAX_IDENTIFIER_LENGTH = 320;

/**
 * The counters one sign-in attempt spends. An account is counted once whichever identifier named it (its email or
 * its username, in any case), so guessing through both does not double the guesses; an identifier that names no
 * account is counted by its string, so probing for accounts gains nothing either.
 */
export function signInLimitKeys(accountIds: Array<number | string>, identifier: string): string[] {
  if (accountIds.length > 0) return [...new Set(accountIds.map((id) => `account:${id}`))];
  return [`identifier:${identifier.trim().toLowerCase()}`];
}

/**
 * The local accounts an identifier may name. Wider than users-permissions' own lookup (email lowercased, username
 * exact), by ignoring case and surrounding spaces: a variant that cannot sign in still spends the account's
 * attempts, which errs on the safe side.
 */
export async function accountsNamedBy(strapi: Core.Strapi, identifier: string): Promise<number[]> {
  const wanted = identifier.trim();
  if (!wanted || wanted.length > MAX_IDENTIFIER_LENGTH) return [];
  const rows = await strapi.db.query(USER).findMany({
    where: { provider: 'local', $or: [{ email: { $eqi: wanted } }, { username: { $eqi: wanted } }] },
    select: ['id'],
    limit: 10,
  });
  return rows.map((row: { id: number }) => row.id);
}
