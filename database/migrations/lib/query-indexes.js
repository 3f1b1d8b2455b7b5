'use strict';

/**
 * Indexes Lyceum's queries need beyond what Strapi declares itself (it already indexes every relation
 * link table on both columns, `document_id, locale, published_at` of every content type, and the unique
 * `key`/`code` columns of the plugin tables). Shared by the migration and by bootstrap: a migration runs
 * before Strapi creates the tables, so on a fresh database only the bootstrap call finds them.
 * An entry names its columns (checked to exist); `where` makes it partial, `expression` indexes an expression of
 * those columns instead, `postgres` is a PostgreSQL operator class, and `postgresOnly` skips it on SQLite.
 */
const INDEXES = [
  // Catalog lists: published rows of one locale, newest first (GET /courses, /articles).
  { name: 'lyceum_courses_catalog_idx', uid: 'api::course.course', columns: ['published_at', 'locale', 'created_at'] },
  {
    name: 'lyceum_articles_catalog_idx',
    uid: 'api::article.article',
    columns: ['published_at', 'locale', 'created_at'],
  },
  // Catalog pages sorted by title (the default order of catalog frontends), with or without a level filter, and
  // their counts: the page and the count walk the index instead of every course (10,000 courses: 77 ms to 0.1 ms,
  // the count 26 ms to 0.8 ms, as an index-only scan since `id` is in the index).
  {
    name: 'lyceum_courses_title_idx',
    uid: 'api::course.course',
    columns: ['locale', 'title', 'id'],
    where: '"published_at" IS NOT NULL',
  },
  {
    name: 'lyceum_courses_level_title_idx',
    uid: 'api::course.course',
    columns: ['locale', 'level', 'title', 'id'],
    where: '"published_at" IS NOT NULL',
  },
  // A course or an article by its slug (detail pages link by slug). Strapi keeps `uid` fields unindexed.
  { name: 'lyceum_courses_slug_idx', uid: 'api::course.course', columns: ['slug'] },
  { name: 'lyceum_articles_slug_idx', uid: 'api::article.article', columns: ['slug'] },
  // Sign-in (users-permissions' /auth/local) finds the account by lowercased email or username; without these
  // every sign-in reads the whole users table (21,000 users: 100 ms). The expressions are exactly the ones
  // its query uses, so the planner matches them. PostgreSQL only: SQLite's sign-in is on small databases.
  // ...and then reads the found account by its exact email or username.
  { name: 'lyceum_up_users_email_idx', uid: 'plugin::users-permissions.user', columns: ['email'] },
  { name: 'lyceum_up_users_username_idx', uid: 'plugin::users-permissions.user', columns: ['username'] },
  {
    name: 'lyceum_up_users_email_lower_idx',
    uid: 'plugin::users-permissions.user',
    columns: ['email'],
    expression: 'LOWER(CAST("email" AS VARCHAR))',
    postgresOnly: true,
  },
  {
    name: 'lyceum_up_users_username_lower_idx',
    uid: 'plugin::users-permissions.user',
    columns: ['username'],
    expression: 'LOWER(CAST("username" AS VARCHAR))',
    postgresOnly: true,
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
  // Social learning: a user's latest likes of posts (the recommended feed's interests: their last 200), read newest
  // first down the index instead of sorting every like of theirs.
  {
    name: 'lyceum_post_likes_user_recent_idx',
    uid: 'api::post-like.post-like',
    columns: ['user_id', 'target_type', 'id'],
  },
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
    if ((index.postgres || index.postgresOnly) && !postgres) continue;
    const { schema, name: table } = tableLocation(index.uid);
    const inSchema = () => (schema ? knex.schema.withSchema(schema) : knex.schema);
    if (!(await inSchema().hasTable(table))) continue;
    let hasColumns = true;
    for (const column of index.columns) hasColumns = hasColumns && (await inSchema().hasColumn(table, column));
    if (!hasColumns) continue;
    const columns =
      index.expression !== undefined
        ? `(${index.expression})`
        : index.columns
            .map((column) => (index.postgres && postgres ? `"${column}" ${index.postgres}` : `"${column}"`))
            .join(', ');
    const qualified = schema ? `"${schema}"."${table}"` : `"${table}"`;
    const where = index.where ? ` WHERE ${index.where}` : '';
    await knex.raw(`CREATE INDEX IF NOT EXISTS "${index.name}" ON ${qualified} (${columns})${where}`);
    created.push(index.name);
  }
  return created;
}

module.exports = { INDEXES, createQueryIndexes };
