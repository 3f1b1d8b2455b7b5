'use strict';

/**
 * The account plugin's tables (src/plugins/account): what Lyceum keeps about a sign-in session besides core's
 * session rows (who signed in from where, when last used), each user's settings, and their web push subscriptions.
 * Times are epoch milliseconds (bigint). Tables Strapi does not own; shared by the migration and by bootstrap; safe
 * to run any number of times.
 */
const SESSION_DETAILS_TABLE = 'lyceum_session_details';
const ACCOUNT_SETTINGS_TABLE = 'lyceum_account_settings';
const PUSH_SUBSCRIPTIONS_TABLE = 'lyceum_push_subscriptions';

async function createAccountTables(knex, schema) {
  const inSchema = () => (schema ? knex.schema.withSchema(schema) : knex.schema);
  if (!(await inSchema().hasTable(SESSION_DETAILS_TABLE))) {
    await inSchema().createTable(SESSION_DETAILS_TABLE, (table) => {
      table.increments('id').primary();
      // What the routes name: unguessable, and never the device id a client may have chosen itself.
      table.string('public_id', 64).notNullable().unique({ indexName: 'lyceum_session_details_public_id_unique' });
      table.integer('user_id').notNullable();
      // The family of core's session rows (admin::session.device_id) this login is.
      table.string('device_id', 255).notNullable();
      table.string('user_agent', 512).nullable();
      table.string('ip', 64).nullable();
      table.bigInteger('created_at').notNullable();
      table.bigInteger('last_used_at').notNullable();
      table.unique(['user_id', 'device_id'], { indexName: 'lyceum_session_details_family_unique' });
    });
  }
  if (!(await inSchema().hasTable(ACCOUNT_SETTINGS_TABLE))) {
    await inSchema().createTable(ACCOUNT_SETTINGS_TABLE, (table) => {
      table.integer('user_id').primary();
      // What the user chose, as JSON; defaults fill in the rest when read.
      table.text('settings').notNullable();
      // Copied out of `settings` so visibility filters are plain SQL: public | members | private.
      table.string('profile_visibility', 16).notNullable().defaultTo('public');
      table.bigInteger('updated_at').notNullable();
    });
  }
  if (!(await inSchema().hasTable(PUSH_SUBSCRIPTIONS_TABLE))) {
    await inSchema().createTable(PUSH_SUBSCRIPTIONS_TABLE, (table) => {
      table.increments('id').primary();
      table.integer('user_id').notNullable();
      // One browser (device) has one endpoint: the unique key makes a second POST of it an update.
      table.string('endpoint', 2048).notNullable().unique({ indexName: 'lyceum_push_subscriptions_endpoint_unique' });
      table.string('p256dh', 128).notNullable();
      table.string('auth', 64).notNullable();
      table.string('user_agent', 512).nullable();
      table.bigInteger('created_at').notNullable();
    });
  }
  const qualified = (name) => (schema ? `"${schema}"."${name}"` : `"${name}"`);
  await knex.raw(
    `CREATE INDEX IF NOT EXISTS "lyceum_push_subscriptions_user_idx" ON ${qualified(PUSH_SUBSCRIPTIONS_TABLE)} ("user_id")`
  );
  await knex.raw(
    `CREATE INDEX IF NOT EXISTS "lyceum_account_settings_visibility_idx" ON ${qualified(ACCOUNT_SETTINGS_TABLE)} ("profile_visibility")`
  );
}

module.exports = { SESSION_DETAILS_TABLE, ACCOUNT_SETTINGS_TABLE, PUSH_SUBSCRIPTIONS_TABLE, createAccountTables };
