import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import type { Caller } from '../../../../../access/roles';
import { runSql } from '../../../../../access/raw-sql';
import { invalidField, notFound } from '../../../../../errors/refusal';
import { announceFollower } from '../notices';
import { publicPeople, userExists } from '../queries/people';
import { hiddenProfilesAmong, profileVisibleTo } from '../../../../account/server/src/facade';
import { inKnex, socialTables } from '../queries/social-tables';
import { decodeCursor } from '../rules/cursor';
import { pageOf } from './posts';

/** The database-unique key of "follower follows followed". */
export const followKey = (followerId: number, followedId: number) => `${followerId}:${followedId}`;

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** PUT /users/:id/follow: idempotent; the unique key settles concurrent PUTs; oneself → 400. */
  async follow(caller: Caller, followedId: number) {
    if (caller.userId === followedId) throw invalidField('id', 'You cannot follow yourself');
    if (!(await userExists(strapi, followedId))) throw notFound('User not found');
    const now = new Date();
    await strapi.db.transaction(async () => {
      const { rows } = await runSql<{ id: number }>(
        strapi,
        `INSERT INTO ?? (document_id, "key", follower_id, followed_id, created_at, updated_at, published_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("key") DO NOTHING RETURNING id`,
        [
          socialTables(strapi).follows,
          createId(),
          followKey(caller.userId!, followedId),
          caller.userId,
          followedId,
          now,
          now,
          now,
        ]
      );
      if (rows.length)
        await announceFollower(strapi, { followId: Number(rows[0].id), followerId: caller.userId!, followedId });
    });
    return { user: { id: followedId }, following: true };
  },

  /** DELETE /users/:id/follow: idempotent. */
  async unfollow(caller: Caller, followedId: number) {
    if (caller.userId === followedId) throw invalidField('id', 'You cannot follow yourself');
    const removed = await inKnex(strapi, (knex) =>
      knex(socialTables(strapi).follows).where('key', followKey(caller.userId!, followedId)).delete()
    );
    if (!removed && !(await userExists(strapi, followedId))) throw notFound('User not found');
    return { user: { id: followedId }, following: false };
  },

  /** GET /users/:id/followers or /following: public rows, most recent first. */
  /**
   * A user's followers or followings, newest first. A profile the viewer may not see (account privacy settings) is
   * 404 like a missing user, and the people on the page whose profiles the viewer may not see are left out.
   */
  async list(viewer: Caller, userId: number, direction: 'followers' | 'following', cursor: unknown, limit: number) {
    if (!(await userExists(strapi, userId)) || !(await profileVisibleTo(strapi, viewer, userId)))
      throw notFound('User not found');
    const after = decodeCursor(cursor);
    const [own, other] = direction === 'followers' ? ['followed_id', 'follower_id'] : ['follower_id', 'followed_id'];
    const rows = await inKnex(strapi, (knex) => {
      const query = knex(socialTables(strapi).follows)
        .select('id', { sort: 'id' }, { person: other })
        .where(own, userId);
      if (after) query.where('id', '<', after.id);
      return query.orderBy('id', 'desc').limit(limit + 1);
    });
    const page = pageOf(rows, limit);
    const shown = rows.slice(0, limit);
    const people = await publicPeople(
      strapi,
      shown.map((row: any) => Number(row.person))
    );
    const hidden = await hiddenProfilesAmong(
      strapi,
      viewer,
      shown.map((row: any) => Number(row.person))
    );
    const data = shown
      .filter((row: any) => !hidden.has(Number(row.person)))
      .map((row: any) => people.get(Number(row.person)))
      .filter(Boolean);
    const total = await inKnex(strapi, async (knex) => {
      const [{ count }] = await knex(socialTables(strapi).follows).where(own, userId).count({ count: '*' });
      return Number(count);
    });
    return { data, meta: { total, nextCursor: page.nextCursor } };
  },

  /** Ids of the users the caller follows (the feed's fan-in). */
  async followedIds(userId: number): Promise<number[]> {
    const rows = await inKnex(strapi, (knex) =>
      knex(socialTables(strapi).follows).select('followed_id').where('follower_id', userId)
    );
    return rows.map((row: any) => Number(row.followed_id));
  },
});
