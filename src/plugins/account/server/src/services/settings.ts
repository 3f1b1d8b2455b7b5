import type { Core } from '@strapi/strapi';
import { runSql } from '../../../../../access/raw-sql';
import {
  channelsOf,
  DEFAULT_PRIVACY,
  effectiveSettings,
  mergeSettingsInput,
  type KindChannels,
  type Settings,
  type StoredSettings,
} from '../rules/settings';
import { accountTables, inKnex } from '../tables';

const USER = 'plugin::users-permissions.user';
const NOTIFICATION = 'api::notification.notification';
const CHUNK = 500;

const parse = (text: unknown): StoredSettings => {
  if (typeof text !== 'string') return {};
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
};

/** Each user's settings, stored as they chose them (JSON) with the profile visibility beside it for SQL filters. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The notification kinds: the notification type's values, so a kind added there is a kind here. */
  kinds(): string[] {
    const attribute = strapi.getModel(NOTIFICATION)?.attributes?.type as { enum?: string[] } | undefined;
    return [...(attribute?.enum ?? [])];
  },

  async stored(userId: number): Promise<StoredSettings> {
    const row = await inKnex(strapi, (knex) =>
      knex(accountTables(strapi).settings).select('settings').where('user_id', userId).first()
    );
    return parse(row?.settings);
  },

  /** The profile's `emailNotifications`: an email copy of each kind unless the user chose otherwise per kind. */
  async emailCopies(userId: number): Promise<boolean> {
    const user = await strapi.db.query(USER).findOne({ where: { id: userId }, select: ['emailNotifications'] });
    return user?.emailNotifications === true;
  },

  /** GET /me/settings */
  async read(userId: number): Promise<Settings> {
    const [stored, emailCopies] = await Promise.all([this.stored(userId), this.emailCopies(userId)]);
    return effectiveSettings(stored, this.kinds(), emailCopies);
  },

  /**
   * PUT /me/settings: merged into what is stored. The row is made first and then locked (PostgreSQL), so two PUTs
   * at once each merge into the other's result instead of one losing the other's fields.
   */
  async update(userId: number, body: unknown): Promise<Settings> {
    const kinds = this.kinds();
    const table = accountTables(strapi).settings;
    await strapi.db.transaction(async () => {
      const now = Date.now();
      await runSql(
        strapi,
        `INSERT INTO ?? (user_id, settings, profile_visibility, updated_at) VALUES (?, '{}', ?, ?)
         ON CONFLICT (user_id) DO NOTHING`,
        [table, userId, DEFAULT_PRIVACY.profileVisibility, now]
      );
      const row = await inKnex(strapi, (knex) => {
        const query = knex(table).select('settings').where('user_id', userId);
        if (strapi.db.dialect.client === 'postgres') query.forUpdate();
        return query.first();
      });
      const merged = mergeSettingsInput(parse(row?.settings), body, kinds);
      await inKnex(strapi, (knex) =>
        knex(table)
          .where('user_id', userId)
          .update({
            settings: JSON.stringify(merged),
            profile_visibility: merged.privacy?.profileVisibility ?? DEFAULT_PRIVACY.profileVisibility,
            updated_at: now,
          })
      );
    });
    return this.read(userId);
  },

  /** Stored choices of many users at once (a broadcast's recipients), in chunks. */
  async storedOf(userIds: readonly number[]): Promise<Map<number, StoredSettings>> {
    const result = new Map<number, StoredSettings>();
    const ids = [...new Set(userIds)];
    for (let index = 0; index < ids.length; index += CHUNK) {
      const rows: Array<{ user_id: number; settings: string }> = await inKnex(strapi, (knex) =>
        knex(accountTables(strapi).settings)
          .select('user_id', 'settings')
          .whereIn('user_id', ids.slice(index, index + CHUNK))
      );
      for (const row of rows) result.set(Number(row.user_id), parse(row.settings));
    }
    return result;
  },

  /**
   * Per user, the channels of one kind they chose, over the defaults; `email` follows `emailCopiesOf` (the profile
   * flag) unless they chose for this kind.
   */
  async channelsFor(
    userIds: readonly number[],
    kind: string,
    emailCopiesOf: (userId: number) => boolean
  ): Promise<Map<number, KindChannels>> {
    const stored = await this.storedOf(userIds);
    return new Map(userIds.map((id) => [id, channelsOf(stored.get(id) ?? {}, kind, emailCopiesOf(id))]));
  },

  /** The same for the port the core asks (src/notifications/channels.ts): the profile flags read here. */
  async channelsOfUsers(userIds: readonly number[], kind: string): Promise<Map<number, KindChannels>> {
    const copies = new Set<number>();
    for (let index = 0; index < userIds.length; index += CHUNK) {
      const rows: Array<{ id: number; emailNotifications: boolean | null }> = await strapi.db.query(USER).findMany({
        where: { id: { $in: userIds.slice(index, index + CHUNK) } },
        select: ['id', 'emailNotifications'],
      });
      for (const row of rows) if (row.emailNotifications === true) copies.add(Number(row.id));
    }
    return this.channelsFor(userIds, kind, (id) => copies.has(id));
  },

  async privacyOf(userId: number): Promise<{ settings: Settings['privacy']; chosen: StoredSettings['privacy'] }> {
    const stored = await this.stored(userId);
    return { settings: { ...DEFAULT_PRIVACY, ...stored.privacy }, chosen: stored.privacy ?? {} };
  },

  async remove(userId: number): Promise<void> {
    await inKnex(strapi, (knex) => knex(accountTables(strapi).settings).where('user_id', userId).delete());
  },
});
