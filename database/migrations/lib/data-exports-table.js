'use strict';

/**
 * Data exports (src/privacy): one row per export a user asked for (or staff ran for them), with the zip itself once
 * built. The zip lives in the database, not on an instance's disk, so whichever instance answers the download has it,
 * and erasing a user or expiring an export removes it with its row. Times are epoch milliseconds (bigint). A table
 * Strapi does not own; shared by the migration and by bootstrap; safe to run any number of times.
 */
const DATA_EXPORTS_TABLE = 'lyceum_data_exports';

async function createDataExportsTable(knex, schema) {
  const inSchema = () => (schema ? knex.schema.withSchema(schema) : knex.schema);
  if (!(await inSchema().hasTable(DATA_EXPORTS_TABLE))) {
    await inSchema().createTable(DATA_EXPORTS_TABLE, (table) => {
      table.increments('id').primary();
      // What the routes name: unguessable, so an id says nothing about other users' exports.
      table.string('public_id', 64).notNullable().unique({ indexName: 'lyceum_data_exports_public_id_unique' });
      table.integer('user_id').notNullable();
      // Who asked: the user themselves, or the staff member who ran it for them.
      table.integer('requested_by').nullable();
      table.string('status', 16).notNullable(); // pending | ready | failed | expired
      table.integer('attempts').notNullable().defaultTo(0);
      table.binary('archive').nullable();
      table.bigInteger('size').nullable();
      table.text('last_error').nullable();
      table.bigInteger('created_at').notNullable();
      table.bigInteger('ready_at').nullable();
      table.bigInteger('expires_at').nullable();
    });
  }
  const qualified = schema ? `"${schema}"."${DATA_EXPORTS_TABLE}"` : `"${DATA_EXPORTS_TABLE}"`;
  await knex.raw(`CREATE INDEX IF NOT EXISTS "lyceum_data_exports_user_idx" ON ${qualified} ("user_id")`);
  await knex.raw(
    `CREATE INDEX IF NOT EXISTS "lyceum_data_exports_expiry_idx" ON ${qualified} ("status", "expires_at")`
  );
}

module.exports = { DATA_EXPORTS_TABLE, createDataExportsTable };
