import type { Core } from '@strapi/strapi';
import { accountTables, inKnex } from './tables';

/**
 * A user's account data for privacy (src/privacy, contract "Trust and privacy"): their settings as they chose them
 * and as they apply, their push subscriptions (the endpoint and device, not the keys: those are the browser's), and
 * where their sessions signed in from. Erasure removes all of it.
 */
export interface AccountPersonalData {
  /** `settings.json`, `push-subscriptions.json`, `session-details.json`. */
  documents: Record<string, unknown>;
}

export async function collectAccountData(strapi: Core.Strapi, userId: number): Promise<AccountPersonalData> {
  const settings = await strapi.plugin('account').service('settings').read(userId);
  const subscriptions = await strapi.plugin('account').service('push').listOf(userId);
  const sessions = await inKnex(strapi, (knex) =>
    knex(accountTables(strapi).sessionDetails)
      .select('device_id', 'user_agent', 'ip', 'created_at', 'last_used_at')
      .where('user_id', userId)
      .orderBy('id')
  );
  return {
    documents: {
      'settings.json': settings,
      'push-subscriptions.json': subscriptions,
      'session-details.json': sessions.map((row: Record<string, unknown>) => ({
        deviceId: row.device_id,
        userAgent: row.user_agent,
        ip: row.ip,
        createdAt: new Date(Number(row.created_at)).toISOString(),
        lastUsedAt: new Date(Number(row.last_used_at)).toISOString(),
      })),
    },
  };
}

/** Erasure: settings, push subscriptions and session details go (core's session rows are erased by src/privacy). */
export async function eraseAccountDataOf(strapi: Core.Strapi, userId: number): Promise<void> {
  const tables = accountTables(strapi);
  await inKnex(strapi, async (knex) => {
    await knex(tables.settings).where('user_id', userId).delete();
    await knex(tables.pushSubscriptions).where('user_id', userId).delete();
    await knex(tables.sessionDetails).where('user_id', userId).delete();
  });
}
