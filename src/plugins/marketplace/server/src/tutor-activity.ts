import type { Core } from '@strapi/strapi';
import { LRUCache } from 'lru-cache';
import { ORIGIN } from '../../../../access/sessions';
import { inKnex, marketplaceTables } from './queries/marketplace-tables';

/**
 * A tutor's `lastActiveAt` (matching's "recent activity", tasks/rules/match-score.ts) follows what the tutor does,
 * not only the last save of the profile: every signed-in request of theirs (offers, messages, task actions,
 * reading the feed) and every sign-in or refresh of a session moves it.
 *
 * Written at most once per ACTIVITY_WRITE_INTERVAL_MS per user, by one conditional UPDATE
 * (`WHERE user_id = ? AND last_active_at < now - interval`): no read before it, so parallel requests and other
 * instances cannot race (the database applies the condition; the losers change no row). Matching counts activity
 * in days, so a quarter of an hour late costs nothing. The memory below keeps the statement off all but the first
 * request of each interval on an instance; users without a profile cost the same one statement per interval.
 */
export const ACTIVITY_WRITE_INTERVAL_MS = 15 * 60_000;

/**
 * When this instance last tried to write each user's activity (tutor or not). Registered globally, not local: the
 * tests load this module from src/ while Strapi runs it from dist/, and they start each case with a clean memory.
 */
const TRIED = Symbol.for('lyceum.marketplace.tutor-activity-tried');
const registry = globalThis as unknown as Record<symbol, LRUCache<number, number> | undefined>;
const tried = (registry[TRIED] ??= new LRUCache<number, number>({ max: 100_000 }));

/** Tests: forget that this instance tried `userId` lately (a token issued by a factory is a sign-in too). */
export function forgetTriedActivity(userId: number): void {
  tried.delete(userId);
}

/**
 * The statement: moves the profile's last activity to `now` unless it already is within the interval. Returns
 * whether a row changed (false for a user without a profile, or one written lately by any instance).
 */
export async function recordTutorActivity(strapi: Core.Strapi, userId: number, now: Date): Promise<boolean> {
  const threshold = new Date(now.getTime() - ACTIVITY_WRITE_INTERVAL_MS);
  const changed = await inKnex(strapi, (knex) =>
    knex(marketplaceTables(strapi).profiles)
      .where('user_id', userId)
      .where((recent: any) => recent.whereNull('last_active_at').orWhere('last_active_at', '<', threshold))
      .update({ last_active_at: now })
  );
  return Number(changed) > 0;
}

/** A sign of life from `userId`: written unless this instance tried within the interval. Never throws. */
export async function noteActivity(strapi: Core.Strapi, userId: number, now = new Date()): Promise<void> {
  if (!Number.isSafeInteger(userId) || userId <= 0) return;
  const last = tried.get(userId);
  if (last !== undefined && now.getTime() - last < ACTIVITY_WRITE_INTERVAL_MS) return;
  tried.set(userId, now.getTime());
  try {
    await recordTutorActivity(strapi, userId, now);
  } catch (error) {
    // Activity is a ranking hint: losing one is better than failing the request that showed it.
    tried.delete(userId);
    strapi.log.warn(`marketplace: lastActiveAt not written: ${String(error)}`);
  }
}

type SessionCreated = { params?: { data?: Record<string, unknown> } };

/**
 * Hooks, chosen for cost: the caller is known only once the route's auth strategy has run (users-permissions sets
 * `ctx.state.user` from its remembered user row, src/strapi-patches/authenticated-user.ts), so one server
 * middleware reads it after the answer, for every route at once: a Map lookup per request, no token verified twice,
 * no policy to attach to each route that counts as activity. Sign-ins and refreshes have no `ctx.state.user`; each
 * creates a users-permissions session row (src/access/sessions.ts), whose creation names the user.
 */
export function followTutorActivity(strapi: Core.Strapi): void {
  strapi.server.use(async (ctx: any, next: () => Promise<void>) => {
    await next();
    // Only a Content API user: an admin panel user's id (strategy `admin`) is another table's.
    if (ctx.state?.auth?.strategy?.name !== 'users-permissions') return;
    await noteActivity(strapi, Number(ctx.state.user?.id));
  });
  strapi.db.lifecycles.subscribe({
    models: ['admin::session'],
    async afterCreate(event: SessionCreated) {
      const data = event.params?.data;
      if (!data || data.origin !== ORIGIN || data.userId == null) return;
      await noteActivity(strapi, Number(data.userId));
    },
  });
}
