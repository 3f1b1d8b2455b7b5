import type { Core } from '@strapi/strapi';
import { isPostgres, runSql } from '../../../../../access/raw-sql';
import { columnOf, tableOf } from '../../../../../database/tables';
import { invalidField } from '../../../../../errors/refusal';
import { SEARCH_TEXT_TABLE, SEARCH_TITLES_TABLE, documentsTable, trigramSchemaOf } from '../index-store';
import { ftsExpression, type SearchRequest, type SearchSort, type SuggestRequest } from '../rules/search-request';
import { MAX_SUGGESTIONS, completionTypos, trigramsOf } from '../rules/suggestions';
import { MATCH_END, MATCH_START, headline, markedSnippet, wordsOf } from '../rules/text';

/**
 * `GET /search` and `GET /search/suggest` over the index (CONTRACT "Search"). PostgreSQL matches with
 * websearch_to_tsquery, ranks with ts_rank and cuts snippets with ts_headline; SQLite matches the stemmed FTS5 table
 * and ranks with bm25. Both answer the same shape. Only visible documents are in the index, so nothing here filters
 * for visibility: what is found may be shown.
 */

const COURSE = 'api::course.course';
const FACETS = ['type', 'category', 'level', 'price'] as const;

export interface SearchHit {
  type: string;
  documentId: string;
  locale: string;
  title: string;
  snippet: string;
  score: number;
  url: string;
}

export type Facets = Record<(typeof FACETS)[number], Record<string, number>>;

export interface SearchAnswer {
  hits: SearchHit[];
  total: number;
  facets: Facets;
}

export interface Suggestion {
  text: string;
  type: string;
  documentId: string;
}

interface Where {
  sql: string;
  bindings: unknown[];
  joinsCourse: boolean;
}

const emptyFacets = (): Facets => ({ type: {}, category: {}, level: {}, price: {} });

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const postgres = () => isPostgres(strapi);

  /** The live course a hit belongs to: its rating and popularity, which change without a re-index. */
  const courseJoin = () =>
    `LEFT JOIN ${quoted(tableOf(strapi, COURSE))} c ON c."document_id" = s."course_document_id" ` +
    `AND c."locale" = s."locale" AND c."published_at" IS NOT NULL`;
  const rating = () => `c."${columnOf(strapi, COURSE, 'ratingAverage')}"`;
  const popularity = () => `c."${columnOf(strapi, COURSE, 'studentsCount')}"`;

  function filters(request: Pick<SearchRequest, 'types' | 'locale'> & Partial<SearchRequest>): Where {
    const clauses: string[] = [`s."type" IN (${request.types.map(() => '?').join(', ')})`];
    const bindings: unknown[] = [...request.types];
    for (const [column, value] of [
      ['locale', request.locale],
      ['category', request.category],
      ['level', request.level],
      ['price', request.price],
    ] as const) {
      if (value === null || value === undefined) continue;
      clauses.push(`s."${column}" = ?`);
      bindings.push(value);
    }
    let joinsCourse = request.sort === 'rating' || request.sort === 'popular';
    if (request.ratingMin !== null && request.ratingMin !== undefined) {
      clauses.push(`${rating()} >= ?`);
      bindings.push(request.ratingMin);
      joinsCourse = true;
    }
    return { sql: clauses.join(' AND '), bindings, joinsCourse };
  }

  /** The order of hits, on the columns of `ranked` (score, rating, popularity, published_at, id). */
  function orderBy(sort: SearchSort): string {
    switch (sort) {
      case 'rating':
        return `"rating" DESC NULLS LAST, "score" DESC, "id"`;
      case 'popular':
        return `"popularity" DESC NULLS LAST, "score" DESC, "id"`;
      case 'newest':
        return `"published_at" DESC, "id"`;
      default:
        return `"score" DESC, "published_at" DESC, "id"`;
    }
  }

  /** The columns every hit is ranked and shown with; the course's figures only where the request needs them. */
  const rankedColumns = (where: Where) =>
    `s."id", s."type", s."document_id", s."locale", s."title", s."body", s."url", s."published_at", ` +
    `${where.joinsCourse ? rating() : 'NULL'} AS "rating", ${where.joinsCourse ? popularity() : 'NULL'} AS "popularity"`;

  /** A 400 for a category no course or article category has (CONTRACT "Bad input": unknown facet values). */
  async function checkCategory(slug: string | null): Promise<void> {
    if (slug === null) return;
    for (const uid of ['api::category.category', 'api::article-category.article-category']) {
      if ((await strapi.db.query(uid).count({ where: { slug } })) > 0) return;
    }
    throw invalidField('category', 'category must be the slug of a course category or an article category');
  }

  function facetsFrom(rows: Array<{ facet: string; value: string | null; count: number | string }>): Facets {
    const facets = emptyFacets();
    for (const row of rows) {
      if (row.value === null) continue;
      facets[row.facet as keyof Facets][row.value] = Number(row.count);
    }
    return facets;
  }

  const FACET_SQL = FACETS.map(
    (facet) =>
      `SELECT '${facet}' AS "facet", "${facet}" AS "value", COUNT(*) AS "count" FROM hits ` +
      `WHERE "${facet}" IS NOT NULL GROUP BY "${facet}"`
  ).join(' UNION ALL ');

  async function searchPostgres(request: SearchRequest, where: Where): Promise<SearchAnswer> {
    const join = where.joinsCourse ? courseJoin() : '';
    const match = `FROM ?? s CROSS JOIN q ${join} WHERE s."search_vector" @@ q.query AND ${where.sql}`;
    const query = `WITH q AS (SELECT websearch_to_tsquery('russian', ?) AS query)`;
    const options = `StartSel="${MATCH_START}", StopSel="${MATCH_END}", MaxWords=30, MinWords=12, MaxFragments=1`;
    const { rows } = await runSql<SearchRow & { snippet: string }>(
      strapi,
      `${query},
       ranked AS (SELECT ${rankedColumns(where)}, ts_rank(s."search_vector", q.query) AS "score" ${match}),
       page AS (SELECT * FROM ranked ORDER BY ${orderBy(request.sort)} LIMIT ? OFFSET ?)
       SELECT page.*, ts_headline('russian',
                CASE WHEN to_tsvector('russian', page."body") @@ q.query THEN page."body" ELSE page."title" END, q.query, ?)
              AS "snippet"
       FROM page CROSS JOIN q ORDER BY ${orderBy(request.sort)}`,
      [
        request.q,
        documentsTable(strapi),
        ...where.bindings,
        request.pageSize,
        (request.page - 1) * request.pageSize,
        options,
      ]
    );
    const facets = await runSql<{ facet: string; value: string | null; count: number }>(
      strapi,
      `${query}, hits AS (SELECT s."type", s."category", s."level", s."price" ${match}) ${FACET_SQL}`,
      [request.q, documentsTable(strapi), ...where.bindings]
    );
    return answer(
      rows.map((row) => hitFrom(row, markedSnippet(row.snippet))),
      facetsFrom(facets.rows)
    );
  }

  async function searchSqlite(request: SearchRequest, where: Where): Promise<SearchAnswer> {
    const parsed = ftsExpression(request.q);
    if (!parsed) return answer([], emptyFacets());
    const join = where.joinsCourse ? courseJoin() : '';
    const match =
      `FROM "${SEARCH_TEXT_TABLE}" JOIN ?? s ON s."id" = "${SEARCH_TEXT_TABLE}".rowid ${join} ` +
      `WHERE "${SEARCH_TEXT_TABLE}" MATCH ? AND ${where.sql}`;
    const { rows } = await runSql<SearchRow>(
      strapi,
      `SELECT * FROM (SELECT ${rankedColumns(where)}, -bm25("${SEARCH_TEXT_TABLE}", 10.0, 1.0) AS "score" ${match})
       ORDER BY ${orderBy(request.sort)} LIMIT ? OFFSET ?`,
      [
        documentsTable(strapi),
        parsed.expression,
        ...where.bindings,
        request.pageSize,
        (request.page - 1) * request.pageSize,
      ]
    );
    const facets = await runSql<{ facet: string; value: string | null; count: number }>(
      strapi,
      `WITH hits AS (SELECT s."type", s."category", s."level", s."price" ${match}) ${FACET_SQL}`,
      [documentsTable(strapi), parsed.expression, ...where.bindings]
    );
    return answer(
      rows.map((row) => hitFrom(row, markedSnippet(snippetOf(row, parsed.stems)))),
      facetsFrom(facets.rows)
    );
  }

  const answer = (hits: SearchHit[], facets: Facets): SearchAnswer => ({
    hits,
    facets,
    total: Object.values(facets.type).reduce((sum, count) => sum + count, 0),
  });

  /** Candidate titles for a suggestion, best first: pg_trgm or the trigram table proposes, completionTypos decides. */
  async function suggestionCandidates(request: SuggestRequest, where: Where): Promise<SuggestionRow[]> {
    const words = wordsOf(request.q);
    if (postgres()) {
      const trigrams = trigramSchemaOf(strapi);
      if (!trigrams) {
        // Without pg_trgm: titles with a word starting with each typed word (no typo tolerance).
        const likes = words.map(() => `(s."title" ILIKE ? ESCAPE '\\' OR s."title" ILIKE ? ESCAPE '\\')`);
        const patterns = words.flatMap((word) => [`${escapeLike(word)}%`, `% ${escapeLike(word)}%`]);
        return (
          await runSql<SuggestionRow>(
            strapi,
            `SELECT s."type", s."document_id", s."title" FROM ?? s WHERE ${likes.join(' AND ')} AND ${where.sql}
             ORDER BY length(s."title"), s."id" LIMIT 100`,
            [documentsTable(strapi), ...patterns, ...where.bindings]
          )
        ).rows;
      }
      const typed = words.join(' ');
      // word_similarity's threshold for the <% operator (and its index), for this transaction only: low enough that
      // one typo inside a five-letter word still proposes the title; completionTypos then holds to one typo.
      return strapi.db.transaction(async () => {
        await runSql(strapi, `SELECT set_config('pg_trgm.word_similarity_threshold', '0.3', true)`);
        return (
          await runSql<SuggestionRow>(
            strapi,
            `SELECT s."type", s."document_id", s."title" FROM ?? s
             WHERE ? OPERATOR("${trigrams}".<%) s."title" AND ${where.sql}
             ORDER BY "${trigrams}".word_similarity(?, s."title") DESC, length(s."title"), s."id" LIMIT 100`,
            [documentsTable(strapi), typed, ...where.bindings, typed]
          )
        ).rows;
      });
    }
    const grams = new Set<string>();
    words.forEach((word, index) => {
      const marked = index === words.length - 1 ? `^${word}` : `^${word}$`;
      for (const gram of trigramsOf(marked)) grams.add(gram);
    });
    if (grams.size === 0) return [];
    return (
      await runSql<SuggestionRow>(
        strapi,
        `SELECT s."type", s."document_id", s."title"
         FROM "${SEARCH_TITLES_TABLE}" JOIN ?? s ON s."id" = "${SEARCH_TITLES_TABLE}".rowid
         WHERE "${SEARCH_TITLES_TABLE}" MATCH ? AND ${where.sql}
         ORDER BY "${SEARCH_TITLES_TABLE}".rank, length(s."title"), s."id" LIMIT 100`,
        [documentsTable(strapi), [...grams].map((gram) => `"${gram}"`).join(' OR '), ...where.bindings]
      )
    ).rows;
  }

  return {
    async search(request: SearchRequest): Promise<SearchAnswer> {
      await checkCategory(request.category);
      // Nothing left to look for (only stop words or operators): an empty answer, as websearch_to_tsquery gives.
      if (!ftsExpression(request.q)) return answer([], emptyFacets());
      const where = filters(request);
      return postgres() ? searchPostgres(request, where) : searchSqlite(request, where);
    },

    async suggest(request: SuggestRequest): Promise<Suggestion[]> {
      const words = wordsOf(request.q);
      // Two letters at least: a single one would propose the whole catalog.
      if (words.length === 0 || words.join('').length < 2) return [];
      const candidates = await suggestionCandidates(request, filters(request));
      const seen = new Set<string>();
      return candidates
        .map((row, order) => ({ row, order, typos: completionTypos(request.q, row.title) }))
        .filter((candidate) => candidate.typos !== null)
        .sort((a, b) => (a.typos as number) - (b.typos as number) || a.order - b.order)
        .filter(({ row }) => {
          const key = `${row.type}:${row.document_id}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        })
        .slice(0, MAX_SUGGESTIONS)
        .map(({ row }) => ({ text: row.title, type: row.type, documentId: row.document_id }));
    },
  };
};

interface SearchRow {
  id: number;
  type: string;
  document_id: string;
  locale: string;
  title: string;
  body: string;
  url: string;
  score: number | string;
}

interface SuggestionRow {
  type: string;
  document_id: string;
  title: string;
}

/** The snippet comes from the text where it matches, else from the title (a hit by its title alone). */
function snippetOf(row: SearchRow, stems: ReadonlySet<string>): string {
  const fromBody = row.body ? headline(row.body, stems) : '';
  return fromBody.includes(MATCH_START) ? fromBody : headline(row.title, stems);
}

const hitFrom = (row: SearchRow, snippet: string): SearchHit => ({
  type: row.type,
  documentId: row.document_id,
  locale: row.locale,
  title: row.title,
  snippet,
  score: Math.round(Number(row.score) * 10_000) / 10_000,
  url: row.url,
});

/** `schema.table` (tables.ts's form) as a quoted SQL name, for a join written into the statement. */
const quoted = (name: string) =>
  name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);
