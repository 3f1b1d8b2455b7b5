import type { Core } from '@strapi/strapi';
import { runSql } from '../../../../../access/raw-sql';
import { invalidField, notFound, serviceUnavailable } from '../../../../../errors/refusal';
import { vapidKeys } from '../push-job';
import { endpointProblem, parsePushSubscription } from '../rules/push-input';
import { accountTables, inKnex } from '../tables';

const allowHttpLoopback = () => process.env.PUSH_ALLOW_HTTP_LOOPBACK === 'true';

/** Web push subscriptions: one row per browser (its endpoint is unique), owned by the user who last subscribed it. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /push/public-key: what a browser passes to pushManager.subscribe as applicationServerKey. */
  publicKey(): { publicKey: string } {
    const keys = vapidKeys();
    if (!keys) throw serviceUnavailable('Web push is not configured on this server', 'push_not_configured');
    return { publicKey: keys.publicKey };
  },

  /**
   * POST /me/push-subscriptions: the device's subscription, stored or renewed (a browser that subscribes again, or
   * another user signing in on it, takes the row over: the unique endpoint settles two at once).
   */
  async subscribe(userId: number, body: unknown, userAgent: string | null) {
    const input = parsePushSubscription(body, allowHttpLoopback());
    const now = Date.now();
    await runSql(
      strapi,
      `INSERT INTO ?? (user_id, endpoint, p256dh, auth, user_agent, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh,
         auth = excluded.auth, user_agent = excluded.user_agent, created_at = excluded.created_at`,
      [
        accountTables(strapi).pushSubscriptions,
        userId,
        input.endpoint,
        input.keys.p256dh,
        input.keys.auth,
        userAgent ? userAgent.slice(0, 512) : null,
        now,
      ]
    );
    return { endpoint: input.endpoint, createdAt: new Date(now).toISOString() };
  },

  /** DELETE /me/push-subscriptions?endpoint=: the caller's subscription of that endpoint (404 when none). */
  async unsubscribe(userId: number, endpoint: unknown) {
    if (typeof endpoint !== 'string' || !endpoint) throw invalidField('endpoint', 'endpoint is required');
    if (endpointProblem(endpoint, true)) throw invalidField('endpoint', 'endpoint must be a push service URL');
    const removed = await inKnex(strapi, (knex) =>
      knex(accountTables(strapi).pushSubscriptions).where({ user_id: userId, endpoint }).delete()
    );
    if (!removed) throw notFound('You have no push subscription with this endpoint');
    return { endpoint, removed: true };
  },

  async listOf(userId: number) {
    const rows: Array<{ endpoint: string; user_agent: string | null; created_at: number | string }> = await inKnex(
      strapi,
      (knex) =>
        knex(accountTables(strapi).pushSubscriptions)
          .select('endpoint', 'user_agent', 'created_at')
          .where('user_id', userId)
          .orderBy('id')
    );
    return rows.map((row) => ({
      endpoint: row.endpoint,
      userAgent: row.user_agent,
      createdAt: new Date(Number(row.created_at)).toISOString(),
    }));
  },

  async removeAllOf(userId: number): Promise<void> {
    await inKnex(strapi, (knex) => knex(accountTables(strapi).pushSubscriptions).where('user_id', userId).delete());
  },
});
