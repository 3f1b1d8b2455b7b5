import path from 'path';
import type { Core } from '@strapi/strapi';
import { ownTableLocation, ownTableOf } from '../../../../database/tables';

/** The plugin's own tables (database/migrations/lib/account-tables.js), qualified for `??` bindings and knex. */
export const SESSION_DETAILS = 'lyceum_session_details';
export const ACCOUNT_SETTINGS = 'lyceum_account_settings';
export const PUSH_SUBSCRIPTIONS = 'lyceum_push_subscriptions';

export const accountTables = (strapi: Core.Strapi) => ({
  sessionDetails: ownTableOf(strapi, SESSION_DETAILS),
  settings: ownTableOf(strapi, ACCOUNT_SETTINGS),
  pushSubscriptions: ownTableOf(strapi, PUSH_SUBSCRIPTIONS),
});

/** The knex of the caller's transaction when there is one (SQLite has one connection), else the pool's. */
export async function inKnex<T>(strapi: Core.Strapi, run: (knex: any) => Promise<T> | T): Promise<T> {
  if (strapi.db.inTransaction()) return strapi.db.transaction(({ trx }) => run(trx));
  return run(strapi.db.connection);
}

/** At start-up: makes sure of the tables (the migration creates them too). */
export async function ensureAccountTables(strapi: Core.Strapi): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createAccountTables } = require(
    path.join(strapi.dirs.app.root, 'database', 'migrations', 'lib', 'account-tables.js')
  ) as { createAccountTables: (knex: unknown, schema: string | null) => Promise<void> };
  await createAccountTables(strapi.db.connection, ownTableLocation(strapi.db, SESSION_DETAILS).schema);
}
