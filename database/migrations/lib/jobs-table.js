'use strict';

/**
 * The outbox of the job runner (src/jobs): one row per side effect to deliver. A table Strapi does not own, so its
 * schema sync never drops a column or index of it. Times are epoch milliseconds (bigint): one comparable value on
 * SQLite and PostgreSQL, whatever the connection's time zone. Shared by the migration and by bootstrap; safe to run
 * any number of times.
 */
const JOBS_TABLE = 'lyceum_jobs';

async function createJobsTable(knex, schema) {
  const inSchema = () => (schema ? knex.schema.withSchema(schema) : knex.schema);
  if (!(await inSchema().hasTable(JOBS_TABLE))) {
    await inSchema().createTable(JOBS_TABLE, (table) => {
      table.increments('id').primary();
      table.string('type', 120).notNullable();
      table.text('payload').notNullable();
      // Idempotency: a second job of one type with one key is not added (INSERT … ON CONFLICT DO NOTHING). Jobs
      // without a key are all distinct (NULLs never collide in a unique index).
      table.string('key', 255).nullable();
      table.string('status', 16).notNullable(); // pending | running | done | dead
      table.integer('attempts').notNullable().defaultTo(0);
      table.integer('max_attempts').notNullable();
      table.bigInteger('run_at').notNullable();
      table.bigInteger('locked_until').nullable();
      table.string('locked_by', 120).nullable();
      table.text('last_error').nullable();
      table.bigInteger('created_at').notNullable();
      table.bigInteger('updated_at').notNullable();
      table.bigInteger('finished_at').nullable();
      table.unique(['type', 'key'], { indexName: 'lyceum_jobs_type_key_unique' });
    });
  }
  const qualified = schema ? `"${schema}"."${JOBS_TABLE}"` : `"${JOBS_TABLE}"`;
  // The claim: due pending jobs, and running ones whose lease ran out; the admin list and the clean-up by status.
  await knex.raw(`CREATE INDEX IF NOT EXISTS "lyceum_jobs_due_idx" ON ${qualified} ("status", "run_at")`);
  await knex.raw(`CREATE INDEX IF NOT EXISTS "lyceum_jobs_lease_idx" ON ${qualified} ("status", "locked_until")`);
  await knex.raw(`CREATE INDEX IF NOT EXISTS "lyceum_jobs_finished_idx" ON ${qualified} ("status", "finished_at")`);
}

module.exports = { JOBS_TABLE, createJobsTable };
