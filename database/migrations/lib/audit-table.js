'use strict';

/**
 * The audit trail (src/audit): one row per staff action, never edited. A table Strapi does not own, so its schema
 * sync never drops a column, index or trigger of it. Times are epoch milliseconds (bigint), like the outbox's.
 *
 * Append-only is the database's rule, not only the code's: a trigger refuses UPDATE and DELETE (PostgreSQL: a
 * plpgsql function raising an error, and TRUNCATE refused too; SQLite: RAISE(ABORT)). Only dropping the table (or the
 * trigger, by its owner) gets past it. Shared by the migration and by bootstrap; safe to run any number of times.
 */
const AUDIT_TABLE = 'lyceum_audit_events';
const APPEND_ONLY_MESSAGE = 'lyceum_audit_events is append-only';

const isPostgres = (knex) => ['pg', 'postgres', 'postgresql'].includes(knex.client.config.client);

async function createAuditTable(knex, schema) {
  const inSchema = () => (schema ? knex.schema.withSchema(schema) : knex.schema);
  if (!(await inSchema().hasTable(AUDIT_TABLE))) {
    await inSchema().createTable(AUDIT_TABLE, (table) => {
      table.increments('id').primary();
      table.string('action', 80).notNullable();
      // The users-permissions user who acted; null for the system, an API token or a Super Admin of the panel.
      table.integer('actor_id').nullable();
      table.string('actor_role', 16).notNullable();
      // `<kind>:<id>`, e.g. `submission:<documentId>`, `user:<id>`.
      table.string('entity', 160).notNullable();
      // JSON; ids and values, never a user's own text, so an erasure leaves nothing of them here.
      table.text('before').nullable();
      table.text('after').nullable();
      table.text('reason').nullable();
      table.bigInteger('at').notNullable();
    });
  }
  const qualified = schema ? `"${schema}"."${AUDIT_TABLE}"` : `"${AUDIT_TABLE}"`;
  await knex.raw(`CREATE INDEX IF NOT EXISTS "lyceum_audit_entity_idx" ON ${qualified} ("entity", "id")`);
  await knex.raw(`CREATE INDEX IF NOT EXISTS "lyceum_audit_actor_idx" ON ${qualified} ("actor_id", "id")`);
  await knex.raw(`CREATE INDEX IF NOT EXISTS "lyceum_audit_at_idx" ON ${qualified} ("at")`);
  if (!isPostgres(knex)) {
    for (const operation of ['UPDATE', 'DELETE'])
      await knex.raw(
        `CREATE TRIGGER IF NOT EXISTS "lyceum_audit_no_${operation.toLowerCase()}" BEFORE ${operation} ON "${AUDIT_TABLE}"
         BEGIN SELECT RAISE(ABORT, '${APPEND_ONLY_MESSAGE}'); END`
      );
    return;
  }
  const fn = schema ? `"${schema}"."lyceum_audit_append_only"` : `"lyceum_audit_append_only"`;
  await knex.raw(
    `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION '${APPEND_ONLY_MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$`
  );
  // CREATE OR REPLACE TRIGGER needs PostgreSQL 14; drop and create keeps 12 and 13 served too. One statement each,
  // in one transaction, so a concurrent start-up never sees the table without its trigger.
  await knex.transaction(async (trx) => {
    await trx.raw(`DROP TRIGGER IF EXISTS "lyceum_audit_append_only" ON ${qualified}`);
    await trx.raw(
      `CREATE TRIGGER "lyceum_audit_append_only" BEFORE UPDATE OR DELETE ON ${qualified}
       FOR EACH ROW EXECUTE FUNCTION ${fn}()`
    );
    await trx.raw(`DROP TRIGGER IF EXISTS "lyceum_audit_no_truncate" ON ${qualified}`);
    await trx.raw(
      `CREATE TRIGGER "lyceum_audit_no_truncate" BEFORE TRUNCATE ON ${qualified}
       FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`
    );
  });
}

module.exports = { AUDIT_TABLE, APPEND_ONLY_MESSAGE, createAuditTable };
