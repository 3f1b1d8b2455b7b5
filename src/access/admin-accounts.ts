import type { Core } from '@strapi/strapi';
import { auditEntity, recordAuditEvent } from '../audit';
import { conflict } from '../errors/refusal';
import { isPostgres, runSql } from './raw-sql';
import { callerFrom, type Caller } from './roles';

/**
 * Admin accounts (contract, "Trust and privacy"): every change of a users-permissions user's role is in the audit
 * trail, and the last active admin (role type `admin`, not blocked) can be neither demoted, blocked, deleted nor
 * erased (409 `last_admin`).
 *
 * One database lifecycle on the user table does both, so every path is covered by the same code: `PUT /users/:id`,
 * GraphQL's `updateUsersPermissionsUser` (which runs that controller), the admin panel's content manager (its own
 * users-permissions controller), a users-permissions role deleted in the admin panel (its users move to Public), and
 * anything else writing the row. Each of those runs in a transaction (the document service's, the erasure's, the
 * role deletion's: src/extensions/users-permissions), so the check after the write re-counts what the database now
 * holds and a refusal rolls the change back with its audit event. Two demotions at once cannot both pass: a write
 * touching an active admin takes a transaction-scoped advisory lock on PostgreSQL before it writes (erasures of admins
 * too), so the second counts with the first committed; SQLite runs one transaction at a time. A write made outside
 * any transaction (a script calling the query engine) is checked and audited too, but a refusal cannot undo it: such
 * code runs its writes of admin accounts in `strapi.db.transaction`.
 */

const USER = 'plugin::users-permissions.user';
/** The advisory lock every write that may leave no admin takes (an arbitrary constant of Lyceum's). */
const LAST_ADMIN_LOCK = 727_001;

interface AccountState {
  role: string | null;
  blocked: boolean;
}

const isActiveAdmin = (account: AccountState | undefined) => !!account && account.role === 'admin' && !account.blocked;

/**
 * Serialises the writes that may leave no admin, until the transaction ends (PostgreSQL; SQLite runs one transaction at
 * a time). Re-entrant: a transaction may take it again.
 */
async function lockAdminAccounts(strapi: Core.Strapi): Promise<void> {
  if (isPostgres(strapi)) await runSql(strapi, 'SELECT pg_advisory_xact_lock(CAST(? AS bigint))', [LAST_ADMIN_LOCK]);
}

/**
 * 409 `last_admin` unless an active admin other than `excluding` exists. Inside a transaction, after a lock that every
 * such check takes in turn (PostgreSQL), so what it counts includes every other check's committed change.
 */
export async function assertActiveAdminRemains(
  strapi: Core.Strapi,
  message: string,
  excluding?: number
): Promise<void> {
  await lockAdminAccounts(strapi);
  const remaining = await strapi.db.query(USER).count({
    where: {
      ...(excluding === undefined ? {} : { id: { $ne: excluding } }),
      role: { type: 'admin' },
      $or: [{ blocked: false }, { blocked: { $null: true } }],
    },
  });
  if (remaining === 0) throw conflict(message, 'last_admin');
}

/** The role type and blocked flag of the users a write addresses, by id. */
async function accountsWhere(strapi: Core.Strapi, where: unknown, one: boolean): Promise<Map<number, AccountState>> {
  const query = { where, select: ['id', 'blocked'], populate: { role: { select: ['type'] } } };
  const rows = one
    ? [await strapi.db.query(USER).findOne(query as any)].filter(Boolean)
    : await strapi.db.query(USER).findMany(query as any);
  return new Map(
    rows.map((row: { id: number; blocked?: boolean | null; role?: { type?: string } | null }) => [
      row.id,
      { role: row.role?.type ?? null, blocked: !!row.blocked },
    ])
  );
}

interface RequestState {
  user?: { id: number; role?: { type?: string } | null } | null;
  auth?: { strategy?: { name?: string } } | null;
}

/**
 * Who made this write: the users-permissions user or API token of a Content API request; for the admin panel an
 * admin with no users-permissions id (the panel user's id goes into the event); nobody (the system) outside requests.
 */
function writerOf(strapi: Core.Strapi): { actor: Caller | null; adminPanelUser?: number } {
  const state = (strapi.requestContext.get() as { state?: RequestState } | undefined)?.state;
  if (!state) return { actor: null };
  if (state.auth?.strategy?.name === 'admin')
    return { actor: { userId: null, role: 'admin' }, adminPanelUser: Number(state.user?.id) || undefined };
  const caller = callerFrom(state);
  return { actor: caller.role === 'public' ? null : caller };
}

type WriteEvent = {
  action: string;
  params?: { where?: unknown; data?: Record<string, unknown> };
  state: { accounts?: Map<number, AccountState> };
};

const LAST_ADMIN_MESSAGE =
  'The last admin account cannot lose the admin role, be blocked or be deleted: make another admin first';

/** Registers the lifecycle described above. */
export function watchAdminAccounts(strapi: Core.Strapi): void {
  const before = async (event: WriteEvent) => {
    const data = event.params?.data;
    // Most user writes (profile, sign-in, tokens) touch neither: nothing to read.
    if (event.action.startsWith('beforeUpdate') && (!data || !('role' in data || 'blocked' in data))) return;
    if (!event.params?.where) return;
    const accounts = await accountsWhere(strapi, event.params.where, !event.action.endsWith('Many'));
    event.state.accounts = accounts;
    // A write that may demote, block or delete an active admin waits for any other such write to commit before it
    // touches a row: the count after it then sees the other's change, and two of them never hold row locks (a role's
    // link rows) the other waits for.
    if ([...accounts.values()].some(isActiveAdmin)) await lockAdminAccounts(strapi);
  };

  const after = async (event: WriteEvent) => {
    const accounts = event.state.accounts;
    if (!accounts?.size) return;
    const now = await accountsWhere(strapi, { id: { $in: [...accounts.keys()] } }, false);
    let isAdminLost = false;
    for (const [id, earlier] of accounts) {
      const later = now.get(id);
      if (isActiveAdmin(earlier) && !isActiveAdmin(later)) isAdminLost = true;
      if (!later || later.role === earlier.role) continue;
      const { actor, adminPanelUser } = writerOf(strapi);
      await recordAuditEvent(strapi, {
        action: 'user.role_changed',
        actor,
        entity: auditEntity('user', id),
        before: { role: earlier.role },
        after: { role: later.role, ...(adminPanelUser ? { adminPanelUser } : {}) },
      });
    }
    if (isAdminLost) await assertActiveAdminRemains(strapi, LAST_ADMIN_MESSAGE);
  };

  strapi.db.lifecycles.subscribe({
    models: [USER],
    beforeUpdate: before,
    beforeUpdateMany: before,
    beforeDelete: before,
    beforeDeleteMany: before,
    afterUpdate: after,
    afterUpdateMany: after,
    afterDelete: after,
    afterDeleteMany: after,
  } as any);
}
