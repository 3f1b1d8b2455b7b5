import type { Core } from '@strapi/strapi';
import type { SqlStatement } from '../../../../../access/raw-sql';
import { mayViewProfile, type MessageAudience, type ProfileVisibility } from '../rules/settings';
import { accountTables, inKnex } from '../tables';

const USER = 'plugin::users-permissions.user';
/** Roles that see every profile and may write to anyone: admins and the support desk's staff. */
const STAFF_ROLES = ['admin', 'support'];

/** Who is looking: a signed-in user (with their role type) or a visitor (userId null). */
export interface Viewer {
  userId: number | null;
  role: string;
}

/** The visibilities a viewer may not see (their own profile aside). */
export const hiddenVisibilitiesFor = (viewer: Viewer): ProfileVisibility[] => {
  if (STAFF_ROLES.includes(viewer.role)) return [];
  return viewer.userId === null ? ['members', 'private'] : ['private'];
};

/** Privacy enforcement: profile visibility and who may message whom. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async isStaff(userId: number | null): Promise<boolean> {
    if (userId === null) return false;
    const user = await strapi.db
      .query(USER)
      .findOne({ where: { id: userId }, select: ['id'], populate: { role: { select: ['type'] } } });
    return STAFF_ROLES.includes(user?.role?.type);
  },

  async visibilityOf(ownerId: number): Promise<ProfileVisibility> {
    const row = await inKnex(strapi, (knex) =>
      knex(accountTables(strapi).settings).select('profile_visibility').where('user_id', ownerId).first()
    );
    return (row?.profile_visibility as ProfileVisibility) ?? 'public';
  },

  /** Whether `viewer` may see `ownerId`'s profile: a private one is the owner's and staff's only, members-only not visitors'. */
  async profileVisibleTo(viewer: Viewer, ownerId: number): Promise<boolean> {
    if (viewer.userId === ownerId) return true;
    const visibility = await this.visibilityOf(ownerId);
    if (visibility === 'public') return true;
    const isStaff = STAFF_ROLES.includes(viewer.role) || (await this.isStaff(viewer.userId));
    return mayViewProfile(visibility, { userId: viewer.userId, isStaff }, ownerId);
  },

  /**
   * The same rule as an SQL condition on a user id column, for lists (`WHERE … AND <this>`): `column` is bound as
   * an identifier (`"u"."id"`). Always true for staff.
   */
  profileVisibleSql(viewer: Viewer, column: string): SqlStatement {
    const hidden = hiddenVisibilitiesFor(viewer);
    if (hidden.length === 0) return { sql: '1 = 1', bindings: [] };
    // The viewer's own profile is exempt inside the subquery, not by an OR beside it: an OR makes PostgreSQL run the
    // subquery once per row of a full scan (169 ms for 50,000 tutors' matches), where this is an anti-join.
    const own = viewer.userId === null ? '' : ' AND account_settings.user_id <> ?';
    return {
      sql: `NOT EXISTS (SELECT 1 FROM ?? account_settings WHERE account_settings.user_id = ?? AND account_settings.profile_visibility IN (${hidden.map(() => '?').join(', ')})${own})`,
      bindings: [accountTables(strapi).settings, column, ...hidden, ...(viewer.userId === null ? [] : [viewer.userId])],
    };
  },

  /** The user ids among `userIds` whose profile `viewer` may not see (to drop from a list already read). */
  async hiddenAmong(viewer: Viewer, userIds: readonly number[]): Promise<Set<number>> {
    const hidden = hiddenVisibilitiesFor(viewer);
    const ids = [...new Set(userIds)].filter((id) => id !== viewer.userId);
    if (hidden.length === 0 || ids.length === 0) return new Set();
    const rows: Array<{ user_id: number }> = await inKnex(strapi, (knex) =>
      knex(accountTables(strapi).settings)
        .select('user_id')
        .whereIn('user_id', ids)
        .whereIn('profile_visibility', hidden)
    );
    return new Set(rows.map((row) => Number(row.user_id)));
  },

  /** Every user id whose profile `viewer` may not see (their own aside): for query-engine lists (`$notIn`). */
  async hiddenProfileIds(viewer: Viewer): Promise<number[]> {
    const hidden = hiddenVisibilitiesFor(viewer);
    if (hidden.length === 0) return [];
    const rows: Array<{ user_id: number }> = await inKnex(strapi, (knex) =>
      knex(accountTables(strapi).settings).select('user_id').whereIn('profile_visibility', hidden)
    );
    return rows.map((row) => Number(row.user_id)).filter((id) => id !== viewer.userId);
  },

  /** Who may write to `recipientId`, and whether they chose it (nothing stored: the platform's contact rule). */
  async messageAudienceOf(recipientId: number): Promise<{ audience: MessageAudience; chosen: boolean }> {
    const settings = strapi.plugin('account').service('settings');
    const { settings: privacy, chosen } = await settings.privacyOf(recipientId);
    return { audience: privacy.allowMessagesFrom, chosen: chosen?.allowMessagesFrom !== undefined };
  },
});
