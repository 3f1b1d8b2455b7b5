import path from 'path';
import type { Core } from '@strapi/strapi';
import { arrayLiteral, isPostgres, runSql } from '../../../../access/raw-sql';
import { ownTableLocation, ownTableOf } from '../../../../database/tables';
import { rankedText, stemmedText, wordsOf } from './rules/text';
import type { SearchDocument } from './search-types';

/**
 * The index's rows (database/migrations/lib/search-table.js): written only here, by replacing all rows of some
 * documents at once, so indexing an entry twice, or late, leaves what its current state gives.
 */

export const SEARCH_TABLE = 'lyceum_search_documents';
export const SEARCH_TEXT_TABLE = 'lyceum_search_text';
export const SEARCH_TITLES_TABLE = 'lyceum_search_titles';
export const SEARCH_WORDS_TABLE = 'lyceum_search_words';
export const SEARCH_TERMS_TABLE = 'lyceum_search_title_terms';

/** The schema pg_trgm lives in, per app (null: SQLite, or PostgreSQL without the extension). */
const trigramSchemas = new WeakMap<Core.Strapi, string | null>();

/** Creates what is missing of the index's tables (the migration made them; this covers a database it never saw). */
export async function ensureSearchTables(strapi: Core.Strapi): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createSearchTables } = require(
    path.join(strapi.dirs.app.root, 'database', 'migrations', 'lib', 'search-table.js')
  ) as {
    createSearchTables: (
      knex: unknown,
      schema: string | null,
      log: (message: string) => void
    ) => Promise<{ trigramSchema: string | null }>;
  };
  const { trigramSchema } = await createSearchTables(
    strapi.db.connection,
    ownTableLocation(strapi.db, SEARCH_TABLE).schema,
    (message) => strapi.log.warn(message)
  );
  trigramSchemas.set(strapi, trigramSchema);
  if (isPostgres(strapi)) await fillTitleWords(strapi);
}

/**
 * Rows indexed before `title_words` and the words table existed get them (once: later rows are written with them).
 * In batches, so a large index is not locked in one long statement.
 */
async function fillTitleWords(strapi: Core.Strapi): Promise<void> {
  for (;;) {
    const { rows } = await runSql<{ id: number; title: string }>(
      strapi,
      'SELECT "id", "title" FROM ?? WHERE "title_words" IS NULL ORDER BY "id" LIMIT 1000',
      [documentsTable(strapi)]
    );
    if (rows.length === 0) return;
    await strapi.db.transaction(async () => {
      await runSql(
        strapi,
        `UPDATE ?? AS s SET "title_words" = to_tsvector('simple', v."words")
         FROM unnest(CAST(? AS integer[]), CAST(? AS text[])) AS v("id", "words") WHERE s."id" = v."id"`,
        [
          documentsTable(strapi),
          arrayLiteral(rows.map((row) => row.id)),
          arrayLiteral(rows.map((row) => titleWordsText(row.title))),
        ]
      );
      await recordWords(
        strapi,
        rows.map((row) => row.title)
      );
      await recordTitleTerms(
        strapi,
        rows.map((row) => row.id)
      );
    });
  }
}

/** A title as `title_words` holds it: its words as `wordsOf` reads them (lower case, `ё` as `е`), nothing else. */
const titleWordsText = (title: string): string => wordsOf(title).join(' ');

/** Adds the words of these titles to the words table (PostgreSQL), where a typo is looked up. */
async function recordWords(strapi: Core.Strapi, titles: string[]): Promise<void> {
  const words = [...new Set(titles.flatMap(wordsOf))];
  if (words.length === 0) return;
  await runSql(strapi, 'INSERT INTO ?? ("word") SELECT unnest(CAST(? AS text[])) ON CONFLICT DO NOTHING', [
    wordsTable(strapi),
    arrayLiteral(words),
  ]);
}

/**
 * Adds the title terms of these index rows (PostgreSQL): one per word of `title_words`, so the walk finds exactly the
 * words the title's tsquery matches. Those a row has already are kept (a start-up backfill of `title_words`).
 */
async function recordTitleTerms(strapi: Core.Strapi, rowIds: number[]): Promise<void> {
  if (rowIds.length === 0) return;
  await runSql(
    strapi,
    `INSERT INTO ?? ("term", "title_length", "document_row", "type", "locale")
     SELECT DISTINCT t."term", length(d."title"), d."id", d."type", d."locale"
     FROM ?? d CROSS JOIN LATERAL unnest(tsvector_to_array(d."title_words")) AS t("term")
     WHERE d."id" = ANY(CAST(? AS integer[])) AND d."title_words" IS NOT NULL
     ON CONFLICT DO NOTHING`,
    [termsTable(strapi), documentsTable(strapi), arrayLiteral(rowIds)]
  );
}

export const trigramSchemaOf = (strapi: Core.Strapi): string | null => trigramSchemas.get(strapi) ?? null;

export const documentsTable = (strapi: Core.Strapi) => ownTableOf(strapi, SEARCH_TABLE);
export const wordsTable = (strapi: Core.Strapi) => ownTableOf(strapi, SEARCH_WORDS_TABLE);
export const termsTable = (strapi: Core.Strapi) => ownTableOf(strapi, SEARCH_TERMS_TABLE);

const BATCH = 200;
const chunks = <T>(items: T[], size = BATCH): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));
const marks = (count: number) => Array.from({ length: count }, () => '?').join(', ');

const rowValues = (document: SearchDocument) => [
  document.type,
  document.documentId,
  document.locale,
  document.title,
  document.body,
  document.url,
  document.category,
  document.level,
  document.price,
  document.courseDocumentId,
  document.publishedAt,
];
const COLUMNS =
  '"type", "document_id", "locale", "title", "body", "url", "category", "level", "price", "course_document_id", "published_at"';

/**
 * Makes the index hold exactly what `load` gives for these entries of `type`: their old rows go, the new ones come,
 * in one transaction. On PostgreSQL a lock per type is taken first and `load` reads after it, so two runs touching
 * one entry (a lesson's own job and its course's) follow each other and the later one reads what the earlier saw
 * or newer: a run that read before a publish can never write after the run that read after it.
 */
export async function replaceDocuments(
  strapi: Core.Strapi,
  type: string,
  documentIds: string[],
  load: (documentIds: string[]) => Promise<SearchDocument[]>
): Promise<number> {
  if (documentIds.length === 0) return 0;
  return strapi.db.transaction(async () => {
    if (isPostgres(strapi)) await runSql(strapi, `SELECT pg_advisory_xact_lock(hashtext(?))`, [`search:${type}`]);
    const documents = await load(documentIds);
    for (const ids of chunks(documentIds)) {
      if (!isPostgres(strapi)) {
        const owned = `SELECT "id" FROM ?? WHERE "type" = ? AND "document_id" IN (${marks(ids.length)})`;
        for (const table of [SEARCH_TEXT_TABLE, SEARCH_TITLES_TABLE])
          await runSql(strapi, `DELETE FROM ?? WHERE rowid IN (${owned})`, [
            table,
            documentsTable(strapi),
            type,
            ...ids,
          ]);
      } else {
        await runSql(
          strapi,
          `DELETE FROM ?? WHERE "document_row" IN
             (SELECT "id" FROM ?? WHERE "type" = ? AND "document_id" IN (${marks(ids.length)}))`,
          [termsTable(strapi), documentsTable(strapi), type, ...ids]
        );
      }
      await runSql(strapi, `DELETE FROM ?? WHERE "type" = ? AND "document_id" IN (${marks(ids.length)})`, [
        documentsTable(strapi),
        type,
        ...ids,
      ]);
    }
    for (const batch of chunks(documents)) await insertDocuments(strapi, batch);
    return documents.length;
  });
}

async function insertDocuments(strapi: Core.Strapi, documents: SearchDocument[]): Promise<void> {
  if (documents.length === 0) return;
  if (isPostgres(strapi)) {
    // Title weighs more than body in ts_rank; both through `russian`, which stems Russian and English words. The
    // title's words again, unstemmed, for suggestions (`simple`: a prefix typed is a prefix of the word as written).
    // A body repeating its words is ranked by a shorter vector (rules/text.ts, rankedText); NULL, as to_tsvector
    // gives for a NULL text, where the whole vector is short enough.
    const weighted = (body: string) =>
      `setweight(to_tsvector('russian', ?), 'A') || setweight(to_tsvector('russian', CAST(${body} AS text)), 'B')`;
    const row = `(${marks(11)}, ${weighted('?')}, to_tsvector('simple', ?), ${weighted('?')})`;
    const { rows } = await runSql<{ id: number }>(
      strapi,
      `INSERT INTO ?? (${COLUMNS}, "search_vector", "title_words", "rank_vector")
       VALUES ${documents.map(() => row).join(', ')}
       RETURNING "id"`,
      [
        documentsTable(strapi),
        ...documents.flatMap((document) => [
          ...rowValues(document),
          document.title,
          document.body,
          titleWordsText(document.title),
          document.title,
          rankedText(document.body),
        ]),
      ]
    );
    await recordWords(
      strapi,
      documents.map((document) => document.title)
    );
    await recordTitleTerms(
      strapi,
      rows.map((row) => row.id)
    );
    return;
  }
  const { rows } = await runSql<{ id: number; type: string; document_id: string; locale: string }>(
    strapi,
    `INSERT INTO ?? (${COLUMNS}) VALUES ${documents.map(() => `(${marks(11)})`).join(', ')}
     RETURNING "id", "type", "document_id", "locale"`,
    [documentsTable(strapi), ...documents.flatMap(rowValues)]
  );
  const byKey = new Map(
    documents.map((document) => [`${document.type}:${document.documentId}:${document.locale}`, document])
  );
  const stored = rows.map((row) => ({
    id: row.id,
    document: byKey.get(`${row.type}:${row.document_id}:${row.locale}`)!,
  }));
  await runSql(strapi, `INSERT INTO ?? (rowid, "title", "body") VALUES ${stored.map(() => '(?, ?, ?)').join(', ')}`, [
    SEARCH_TEXT_TABLE,
    ...stored.flatMap(({ id, document }) => [id, stemmedText(document.title), stemmedText(document.body)]),
  ]);
  // Titles as their words, lower-case, each between ^ and $: a word's first and last letters then make trigrams of
  // their own (as pg_trgm's padding does), so one typo inside a five-letter word still leaves a trigram in common.
  await runSql(strapi, `INSERT INTO ?? (rowid, "title") VALUES ${stored.map(() => '(?, ?)').join(', ')}`, [
    SEARCH_TITLES_TABLE,
    ...stored.flatMap(({ id, document }) => [id, titleTrigramText(document.title)]),
  ]);
}

export const titleTrigramText = (title: string): string =>
  wordsOf(title)
    .map((word) => `^${word}$`)
    .join(' ');

/** Entries of `type` indexed under a course (a deleted course's lessons, which no link names any more). */
export async function indexedDocumentIdsOfCourse(
  strapi: Core.Strapi,
  type: string,
  courseDocumentId: string
): Promise<string[]> {
  const { rows } = await runSql<{ document_id: string }>(
    strapi,
    'SELECT DISTINCT "document_id" FROM ?? WHERE "course_document_id" = ? AND "type" = ?',
    [documentsTable(strapi), courseDocumentId, type]
  );
  return rows.map((row) => row.document_id);
}

/** Empties the index (before a full rebuild). */
export async function clearIndex(strapi: Core.Strapi): Promise<void> {
  await strapi.db.transaction(async () => {
    if (!isPostgres(strapi)) {
      await runSql(strapi, 'DELETE FROM ??', [SEARCH_TEXT_TABLE]);
      await runSql(strapi, 'DELETE FROM ??', [SEARCH_TITLES_TABLE]);
    } else {
      await runSql(strapi, 'DELETE FROM ??', [wordsTable(strapi)]);
      await runSql(strapi, 'DELETE FROM ??', [termsTable(strapi)]);
    }
    await runSql(strapi, 'DELETE FROM ??', [documentsTable(strapi)]);
  });
}

/**
 * Before a rebuild (PostgreSQL): statistics for every table, as a rebuild mostly follows a bulk load (an import, a
 * restored dump, the bench's seed), which leaves none until autovacuum comes. Without them the loaders' reads of the
 * entries and their relations were planned blind: 280 lessons a second at 2,000,000 lesson rows, 3,100 after an
 * ANALYZE of 2 s. ANALYZE samples each table and blocks no reads or writes.
 */
export async function analyzeContent(strapi: Core.Strapi): Promise<void> {
  if (isPostgres(strapi)) await runSql(strapi, 'ANALYZE', [], { planEachCall: true });
}

/**
 * After a rebuild or any bulk change (PostgreSQL): fresh statistics, which searches read (commonLexemes) at once, and
 * the visibility map that lets the suggestion walk read only the title terms' index; autovacuum would come to it, but
 * suggestions are slower until it does.
 */
export async function settleIndex(strapi: Core.Strapi): Promise<void> {
  if (!isPostgres(strapi)) return;
  for (const table of [documentsTable(strapi), termsTable(strapi), wordsTable(strapi)])
    await runSql(strapi, 'VACUUM (ANALYZE) ??', [table], { planEachCall: true });
  commonLexemesCache.delete(strapi);
}

/** How long the index's most common lexemes are kept before they are read again (ANALYZE changes them). */
const COMMON_LEXEMES_TTL = 5 * 60 * 1000;
const commonLexemesCache = new WeakMap<Core.Strapi, { at: number; lexemes: ReadonlySet<string> }>();

/**
 * The most common lexemes of the index's text on PostgreSQL (the column's statistics: rules/driving-query.ts), read
 * at most once every COMMON_LEXEMES_TTL per app. None before the table is first analyzed.
 */
export async function commonLexemes(strapi: Core.Strapi): Promise<ReadonlySet<string>> {
  const cached = commonLexemesCache.get(strapi);
  if (cached && Date.now() - cached.at < COMMON_LEXEMES_TTL) return cached.lexemes;
  const { schema, name } = ownTableLocation(strapi.db, SEARCH_TABLE);
  const { rows } = await runSql<{ lexeme: string }>(
    strapi,
    `SELECT e."lexeme"
     FROM pg_stats st CROSS JOIN LATERAL unnest(CAST(CAST(st."most_common_elems" AS text) AS text[])) AS e("lexeme")
     WHERE st."schemaname" = COALESCE(CAST(? AS name), current_schema()) AND st."tablename" = ?
       AND st."attname" = 'search_vector'`,
    [schema, name]
  );
  const lexemes = new Set(rows.map((row) => row.lexeme));
  commonLexemesCache.set(strapi, { at: Date.now(), lexemes });
  return lexemes;
}

/** How many rows the index holds, per type. */
export async function countIndexed(strapi: Core.Strapi): Promise<Record<string, number>> {
  const { rows } = await runSql<{ type: string; count: number | string }>(
    strapi,
    'SELECT "type", COUNT(*) AS "count" FROM ?? GROUP BY "type"',
    [documentsTable(strapi)]
  );
  return Object.fromEntries(rows.map((row) => [row.type, Number(row.count)]));
}
