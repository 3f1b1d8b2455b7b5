'use strict';

/**
 * Indexes Lyceum's queries need beyond what Strapi declares itself (it already indexes every relation
 * link table on both columns, `document_id, locale, published_at` of every content type, and the unique
 * `key`/`code` columns of the plugin tables). Shared by the migration and by bootstrap: a migration runs
 * before Strapi creates the tables, so on a fresh database only the bootstrap call finds them.
 */
const INDEXES = [
  // Catalog lists: published rows of one locale, newest first (GET /courses, /articles).
  { name: 'lyceum_courses_catalog_idx', uid: 'api::course.course', columns: ['published_at', 'locale', 'created_at'] },
  {
    name: 'lyceum_articles_catalog_idx',
    uid: 'api::article.article',
    columns: ['published_at', 'locale', 'created_at'],
  },
  // The expiry job: completed enrollments whose access has run out.
  {
    name: 'lyceum_enrollments_expiry_idx',
    uid: 'plugin::enrollment.enrollment',
    columns: ['status', 'access_expires_at'],
  },
  // A student's attempts and lesson progress are found by key prefix (`user:`, `user:quiz:`) as a byte range
  // (~>=~, ~<~), which only a pattern-ops btree serves. PostgreSQL only: SQLite's key index compares bytes.
  {
    name: 'lyceum_quiz_attempts_key_prefix_idx',
    uid: 'plugin::grading.quiz-attempt',
    columns: ['key'],
    postgres: 'varchar_pattern_ops',
  },
  {
    name: 'lyceum_lesson_progresses_key_prefix_idx',
    uid: 'plugin::progress.lesson-progress',
    columns: ['key'],
    postgres: 'varchar_pattern_ops',
  },
  // Sign-in sessions (core's session manager): a token's row by its session id (refresh, logout, and the
  // per-request session check when not remembered), and a whole session (one user's device) when it ends.
  { name: 'lyceum_strapi_sessions_session_id_idx', uid: 'admin::session', columns: ['session_id'] },
  { name: 'lyceum_strapi_sessions_family_idx', uid: 'admin::session', columns: ['user_id', 'origin', 'device_id'] },
];

const isPostgres = (knex) => ['pg', 'postgres', 'postgresql'].includes(knex.client.config.client);

/**
 * Creates each index whose table and columns exist; safe to run any number of times, on PostgreSQL or SQLite.
 * `tableLocation(uid)` answers a content type's table and PostgreSQL schema: src/database/tables.ts's, which the
 * callers pass (this file is plain JavaScript, loaded before the TypeScript build by the migration runner).
 */
async function createQueryIndexes(knex, tableLocation) {
  const postgres = isPostgres(knex);
  const created = [];
  for (const index of INDEXES) {
    if (index.postgres && !postgres) continue;
    const { schema, name: table } = tableLocation(index.uid);
    const inSchema = () => (schema ? knex.schema.withSchema(schema) : knex.schema);
    if (!(await inSchema().hasTable(table))) continue;
    let hasColumns = true;
    for (const column of index.columns) hasColumns = hasColumns && (await inSchema().hasColumn(table, column));
    if (!hasColumns) continue;
    const columns = index.columns
      .map((column) => (index.postgres && postgres ? `"${column}" ${index.postgres}` : `"${column}"`))
      .join(', ');
    const qualified = schema ? `"${schema}"."${table}"` : `"${table}"`;
    await knex.raw(`CREATE INDEX IF NOT EXISTS "${index.name}" ON ${qualified} (${columns})`);
    created.push(index.name);
  }
  return created;
}

module.exports = { INDEXES, createQueryIndexes };
