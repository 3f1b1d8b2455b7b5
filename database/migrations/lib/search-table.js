'use strict';

/**
 * The search index (src/plugins/search): one row per visible document and locale, in tables Strapi does not own, so
 * its schema sync never drops a column or an index of them (strapi/strapi issues 14847, 16606). Shared by the
 * migration and by bootstrap; safe to run any number of times.
 *
 * - PostgreSQL: `search_vector` (tsvector, the `russian` configuration: Russian and English stems) with a GIN index,
 *   and one of its title part (`ts_filter(search_vector, '{a}')`: a search past its cap of hits takes title matches);
 *   for suggestions, `title_words` (the title's words, unstemmed, `simple` configuration) with a GIN index that
 *   answers prefix queries, an index on the title's length (suggestions list the shortest titles first, so a
 *   prefix most titles share is answered by walking that index), and `lyceum_search_words`, every word of every
 *   title once, with a trigram GIN index when the pg_trgm extension is there or can be created: a typed word with
 *   a typo is looked up among those words, never among the titles themselves; and `lyceum_search_title_terms`,
 *   one row per word of each title (the word, the title's length, the row's id, its type and locale) under one
 *   B-tree: the titles with a word, shortest first, are an index walk that stops at the first hundred, where the
 *   GIN index would hand over every title with the word to be sorted (a prefix most titles share, at 1,000,000
 *   titles, took seconds).
 * - SQLite: two FTS5 tables keyed by the row's id: `lyceum_search_text` (title and body, stemmed by Lyceum before
 *   they are stored) and `lyceum_search_titles` (titles through the trigram tokenizer, for suggestions).
 *
 * Answers `{ trigramSchema }`: the schema pg_trgm lives in (PostgreSQL), or null when it is missing and cannot be
 * created (suggestions then match prefixes only) and on SQLite.
 */
const SEARCH_TABLE = 'lyceum_search_documents';
const SEARCH_TEXT_TABLE = 'lyceum_search_text';
const SEARCH_TITLES_TABLE = 'lyceum_search_titles';
const SEARCH_WORDS_TABLE = 'lyceum_search_words';
const SEARCH_TERMS_TABLE = 'lyceum_search_title_terms';

const isPostgres = (knex) => ['pg', 'postgres', 'postgresql'].includes(knex.client.config.client);

async function createSearchTables(knex, schema, log = () => {}) {
  const inSchema = () => (schema ? knex.schema.withSchema(schema) : knex.schema);
  const postgres = isPostgres(knex);
  if (!(await inSchema().hasTable(SEARCH_TABLE))) {
    await inSchema().createTable(SEARCH_TABLE, (table) => {
      table.increments('id').primary();
      table.string('type', 32).notNullable();
      table.string('document_id', 64).notNullable();
      table.string('locale', 16).notNullable();
      table.text('title').notNullable();
      table.text('body').notNullable();
      table.text('url').notNullable();
      // Facets: a category's slug, a course level, `free` or `paid`; null where the type has none.
      table.string('category', 255).nullable();
      table.string('level', 32).nullable();
      table.string('price', 8).nullable();
      // The course a hit belongs to (itself for a course): its rating and popularity are read live from it.
      table.string('course_document_id', 64).nullable();
      table.bigInteger('published_at').notNullable();
      table.unique(['type', 'document_id', 'locale'], { indexName: 'lyceum_search_documents_unique' });
    });
  }
  const qualified = schema ? `"${schema}"."${SEARCH_TABLE}"` : `"${SEARCH_TABLE}"`;
  await knex.raw(
    `CREATE INDEX IF NOT EXISTS "lyceum_search_documents_course_idx" ON ${qualified} ("course_document_id", "type")`
  );
  if (!postgres) {
    await knex.raw(
      `CREATE VIRTUAL TABLE IF NOT EXISTS "${SEARCH_TEXT_TABLE}" USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')`
    );
    await knex.raw(
      `CREATE VIRTUAL TABLE IF NOT EXISTS "${SEARCH_TITLES_TABLE}" USING fts5(title, tokenize = 'trigram')`
    );
    return { trigramSchema: null };
  }
  await knex.raw(`ALTER TABLE ${qualified} ADD COLUMN IF NOT EXISTS "search_vector" tsvector`);
  await knex.raw(`ALTER TABLE ${qualified} ADD COLUMN IF NOT EXISTS "title_words" tsvector`);
  // What a long text is ranked by (services/search.ts): `search_vector` with each word's positions past the first few
  // left out, as ts_rank's work grows with the product of the query words' positions. NULL where nothing was left out
  // (and on rows indexed before it existed): the rank then reads `search_vector`.
  await knex.raw(`ALTER TABLE ${qualified} ADD COLUMN IF NOT EXISTS "rank_vector" tsvector`);
  await knex.raw(
    `CREATE INDEX IF NOT EXISTS "lyceum_search_documents_vector_idx" ON ${qualified} USING gin ("search_vector")`
  );
  // The title's part of `search_vector` (weight A): a search with more hits than it ranks takes title matches first
  // (services/search.ts), found here without reading the rows of every document whose text has the word.
  await knex.raw(
    `CREATE INDEX IF NOT EXISTS "lyceum_search_documents_title_vector_idx" ON ${qualified} USING gin (ts_filter("search_vector", '{a}'))`
  );
  // fastupdate off: new entries go straight into the index instead of a pending list that every suggestion would
  // scan until the next vacuum (a bulk reindex made suggestions several times slower until then).
  await knex.raw(
    `CREATE INDEX IF NOT EXISTS "lyceum_search_documents_title_words_idx" ON ${qualified} USING gin ("title_words") WITH (fastupdate = off)`
  );
  await knex.raw(
    `ALTER INDEX ${schema ? `"${schema}".` : ''}"lyceum_search_documents_title_words_idx" SET (fastupdate = off)`
  );
  await knex.raw(
    `CREATE INDEX IF NOT EXISTS "lyceum_search_documents_title_length_idx" ON ${qualified} (length("title"), "id")`
  );
  // The rows still without `title_words` (indexed before it existed), which start-up fills: empty once they are, so
  // each start finds there is nothing to fill without reading the table.
  await knex.raw(
    `CREATE INDEX IF NOT EXISTS "lyceum_search_documents_title_words_missing_idx" ON ${qualified} ("id") WHERE "title_words" IS NULL`
  );
  // Suggestions used to ask pg_trgm about every title; the words table replaced that index.
  await knex.raw(`DROP INDEX IF EXISTS ${schema ? `"${schema}".` : ''}"lyceum_search_documents_title_trgm_idx"`);
  const words = schema ? `"${schema}"."${SEARCH_WORDS_TABLE}"` : `"${SEARCH_WORDS_TABLE}"`;
  await knex.raw(`CREATE TABLE IF NOT EXISTS ${words} ("word" text PRIMARY KEY)`);
  // Prefix lookups (`LIKE 'cour%'`) whatever the database's collation.
  await knex.raw(`CREATE INDEX IF NOT EXISTS "lyceum_search_words_prefix_idx" ON ${words} ("word" text_pattern_ops)`);
  await createTitleTerms(knex, schema, qualified);
  const trigramSchema = await ensureTrigrams(knex, log);
  if (trigramSchema) {
    await knex.raw(
      `CREATE INDEX IF NOT EXISTS "lyceum_search_words_trgm_idx" ON ${words} USING gin ("word" "${trigramSchema}".gin_trgm_ops)`
    );
  }
  return { trigramSchema };
}

/**
 * The title terms table, filled from the rows already indexed when it is new (a database indexed before it existed),
 * in the same transaction: a crash leaves either no table (the next start makes it again) or a full one. The columns
 * the walk reads are all in its one index (INCLUDE), so the walk is an index-only scan, which is also what makes the
 * planner prefer the ordered walk to fetching every posting and sorting it.
 */
async function createTitleTerms(knex, schema, documents) {
  const terms = schema ? `"${schema}"."${SEARCH_TERMS_TABLE}"` : `"${SEARCH_TERMS_TABLE}"`;
  if (!(await (schema ? knex.schema.withSchema(schema) : knex.schema).hasTable(SEARCH_TERMS_TABLE)))
    await fillTitleTerms(knex, terms, documents);
  // A title's terms by row: the check of the other typed words (one probe per walked title) and deletes.
  await knex.raw(
    `CREATE INDEX IF NOT EXISTS "lyceum_search_title_terms_row_idx" ON ${terms} ("document_row", "term" text_pattern_ops)`
  );
}

async function fillTitleTerms(knex, terms, documents) {
  await knex.transaction(async (trx) => {
    // Instances starting together: one makes and fills the table, the others find it made once it is committed.
    await trx.raw(`SELECT pg_advisory_xact_lock(hashtext('${SEARCH_TERMS_TABLE}'))`);
    if ((await trx.raw(`SELECT to_regclass(?) AS "found"`, [terms])).rows[0].found) return;
    await trx.raw(
      `CREATE TABLE ${terms} ("term" text NOT NULL, "title_length" integer NOT NULL, "document_row" integer NOT NULL,
         "type" varchar(32) NOT NULL, "locale" varchar(16) NOT NULL)`
    );
    await trx.raw(
      `CREATE UNIQUE INDEX "lyceum_search_title_terms_walk_idx" ON ${terms} ("term" text_pattern_ops, "title_length", "document_row") INCLUDE ("type", "locale")`
    );
    await trx.raw(
      `INSERT INTO ${terms} ("term", "title_length", "document_row", "type", "locale")
       SELECT DISTINCT t."term", length(d."title"), d."id", d."type", d."locale"
       FROM ${documents} d CROSS JOIN LATERAL unnest(tsvector_to_array(d."title_words")) AS t("term")
       WHERE d."title_words" IS NOT NULL`
    );
  });
}

/** The schema of pg_trgm, created when missing; null (and a warning) when this role may not create it. */
async function ensureTrigrams(knex, log) {
  const installed = async () =>
    (
      await knex.raw(
        `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`
      )
    ).rows[0]?.schema ?? null;
  const found = await installed();
  if (found) return found;
  try {
    // In a transaction of its own (a savepoint inside the migration's), so a refusal leaves the caller's intact.
    await knex.transaction((trx) => trx.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm'));
  } catch (error) {
    log(
      `search: the pg_trgm extension is missing and this database role cannot create it (${error.message}); ` +
        'suggestions match word beginnings only, without typo tolerance, until an administrator runs ' +
        '"CREATE EXTENSION pg_trgm" in this database'
    );
    return null;
  }
  return installed();
}

module.exports = {
  SEARCH_TABLE,
  SEARCH_TEXT_TABLE,
  SEARCH_TITLES_TABLE,
  SEARCH_WORDS_TABLE,
  SEARCH_TERMS_TABLE,
  createSearchTables,
};
