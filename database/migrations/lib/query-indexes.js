'use strict';

/**
 * Indexes Lyceum's queries need beyond what Strapi declares itself (it already indexes every relation
 * link table on both columns, `document_id, locale, published_at` of every content type, and the unique
 * `key`/`code` columns of the plugin tables). Shared by the migration and by bootstrap: a migration runs
 * before Strapi creates the tables, so on a fresh database only the bootstrap call finds them.
 */
const INDEXES = [
  // Catalog lists: published rows of one locale, newest first (GET /courses, /articles).
  { name: 'lyceum_courses_catalog_idx', table: 'courses', columns: ['published_at', 'locale', 'created_at'] },
  { name: 'lyceum_articles_catalog_idx', table: 'articles', columns: ['published_at', 'locale', 'created_at'] },
  // The expiry job: completed enrollments whose access has run out.
  { name: 'lyceum_enrollments_expiry_idx', table: 'enrollments', columns: ['status', 'access_expires_at'] },
  // A student's attempts and lesson progress are found by key prefix (`user:`, `user:quiz:`) as a byte range
  // (~>=~, ~<~), which only a pattern-ops btree serves. PostgreSQL only: SQLite's key index compares bytes.
  { name: 'lyceum_quiz_attempts_key_prefix_idx', table: 'quiz_attempts', columns: ['key'], postgres: 'varchar_pattern_ops' },
  { name: 'lyceum_lesson_progresses_key_prefix_idx', table: 'lesson_progresses', columns: ['key'], postgres: 'varchar_pattern_ops' },
  // Sign-in sessions (core's session manager): a token's row by its session id (refresh, logout, and the
  // per-request session check when not remembered), and a whole session (one user's device) when it ends.
  { name: 'lyceum_strapi_sessions_session_id_idx', table: 'strapi_sessions', columns: ['session_id'] },
  { name: 'lyceum_strapi_sessions_family_idx', table: 'strapi_sessions', columns: ['user_id', 'origin', 'device_id'] },
];

const isPostgres = (knex) => ['pg', 'postgres', 'postgresql'].includes(knex.client.config.client);

/** Creates each index whose table and columns exist; safe to run any number of times, on PostgreSQL or SQLite. */
async function createQueryIndexes(knex) {
  const postgres = isPostgres(knex);
  const created = [];
  for (const index of INDEXES) {
    if (index.postgres && !postgres) continue;
    if (!(await knex.schema.hasTable(index.table))) continue;
    let hasColumns = true;
    for (const column of index.columns) hasColumns = hasColumns && (await knex.schema.hasColumn(index.table, column));
    if (!hasColumns) continue;
    const columns = index.columns.map((column) => (index.postgres && postgres ? `"${column}" ${index.postgres}` : `"${column}"`)).join(', ');
    await knex.raw(`CREATE INDEX IF NOT EXISTS "${index.name}" ON "${index.table}" (${columns})`);
    created.push(index.name);
  }
  return created;
}

module.exports = { INDEXES, createQueryIndexes };
