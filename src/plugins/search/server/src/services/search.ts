import type { Core } from '@strapi/strapi';
import { LRUCache } from 'lru-cache';
import { arrayLiteral, isPostgres, runSql } from '../../../../../access/raw-sql';
import { columnOf, tableOf } from '../../../../../database/tables';
import { invalidField } from '../../../../../errors/refusal';
import {
  SEARCH_TEXT_TABLE,
  SEARCH_TITLES_TABLE,
  commonLexemes,
  documentsTable,
  termsTable,
  trigramSchemaOf,
  wordsTable,
} from '../index-store';
import { ftsExpression, type SearchRequest, type SearchSort, type SuggestRequest } from '../rules/search-request';
import { MAX_SUGGESTIONS, completionTyposOf, mayHaveTypo, mayStandFor, trigramsOf } from '../rules/suggestions';
import { drivingQuery } from '../rules/driving-query';
import { MATCH_END, MATCH_START, headline, markedSnippet, wordsOf } from '../rules/text';
import { ANY_LOCALE } from '../types/posts';

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
  /** null for a document of no locale (a post). */
  locale: string | null;
  title: string;
  snippet: string;
  score: number;
  url: string;
}

export type Facets = Record<(typeof FACETS)[number], Record<string, number>>;

export interface SearchAnswer {
  hits: SearchHit[];
  /** Exact when `capped` is false; the cap (SEARCH_MAX_HITS) otherwise, and there are more. */
  total: number;
  facets: Facets;
  /** More hits than the cap: only the first `total` (title matches first) were ranked, paged and counted. */
  capped: boolean;
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

/** How many titles a suggestion walks per word at most, and how many candidates it takes at most. */
const TERM_WALK = 2000;
const CANDIDATES = 100;
/**
 * How many candidates a walk takes first when their order is the answer's (see `fewFirst`): ten documents in two
 * locales each, and room. The first ten of them are then the answer any longer walk would give; only when they give
 * fewer than ten is the walk taken again for CANDIDATES.
 */
const FEW_CANDIDATES = 3 * MAX_SUGGESTIONS;
/**
 * The suggestion statements' text fixes how they reach their rows (each word's titles walked in an index, probes by
 * row, a trigram index lookup), so they are planned once per connection: PostgreSQL otherwise planned each of them
 * again on every call (its custom plans looked cheaper than the generic one), and planning took more of a
 * suggestion's database time than running it (README, "Search").
 */
const PLAN_ONCE = { planOnce: true };
/** The most words a typed prefix stands for (its shortest): "o" alone would stand for thousands. */
const PREFIX_WORDS = 100;

/**
 * How much of a text's beginning a snippet is first cut from (PostgreSQL): ts_headline parses all it is given, and
 * its work grows faster than the text (10 ms for ten 5 KB articles, most of a search's time). The whole text is
 * read only when its beginning has no match.
 */
const SNIPPET_WINDOW = 1000;
/** How many typed texts' tsqueries are remembered (the least recently searched dropped past it). */
const REMEMBERED_TSQUERIES = 2_000;

const emptyFacets = (): Facets => ({ type: {}, category: {}, level: {}, price: {} });

/**
 * The most hits one search ranks, pages and counts (SEARCH_MAX_HITS, 1,000 by default): past it the work would grow
 * with the index (a word every document has ranked and counted all of them), so the answer says it is a lower bound
 * instead, as search engines do. 1,000 keeps the ranking of a broad query to about a thousand rows read (README,
 * "Search"); a page deeper than that is not a search anyone reads.
 */
export const DEFAULT_MAX_HITS = 1000;
export function maxHits(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.SEARCH_MAX_HITS ?? '');
  return env.SEARCH_MAX_HITS && Number.isInteger(value) && value >= 1 ? value : DEFAULT_MAX_HITS;
}

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
    if (request.locale !== null && request.locale !== undefined) {
      // A document of no locale (a post) is in every locale.
      clauses.push(`s."locale" IN (?, ?)`);
      bindings.push(request.locale, ANY_LOCALE);
    }
    for (const [column, value] of [
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

  function facetsFrom(rows: FacetRow[]): Facets {
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

  /**
   * The same counts as FACET_SQL, in one pass over the hits: counted once per combination of the four values (a
   * hundred or so groups), then summed per facet (GROUPING SETS) over those groups. GROUPING SETS straight over the
   * hits hashed each hit four times, which took about twice as long on a broad query.
   */
  const FACET_SQL_POSTGRES =
    `SELECT CASE ${FACETS.slice(0, -1)
      .map((facet) => `WHEN GROUPING("${facet}") = 0 THEN '${facet}'`)
      .join(' ')} ELSE '${FACETS[FACETS.length - 1]}' END AS "facet", ` +
    `COALESCE(${FACETS.map((facet) => `"${facet}"`).join(', ')}) AS "value", SUM("count") AS "count" ` +
    `FROM (SELECT ${FACETS.map((facet) => `"${facet}"`).join(', ')}, COUNT(*) AS "count" FROM hits ` +
    `GROUP BY ${FACETS.map((facet) => `"${facet}"`).join(', ')}) combinations ` +
    `GROUP BY GROUPING SETS (${FACETS.map((facet) => `("${facet}")`).join(', ')})`;

  /**
   * The hits to rank, at most `cap` + 1 (one more tells that there are more than the cap): the documents whose title
   * matches first, then those matching through their text only. So the rows read are bounded by the cap whatever the
   * number of hits, and a capped answer ranks the title matches, where the words weigh most. Below the cap both
   * parts together are every hit, ranked as before. The second part runs only for the room the first leaves (a LIMIT
   * of 0 reads nothing). `titleMatch` and `textOnlyMatch` are the dialect's conditions, `columns` the ranked columns.
   */
  const foundHits = (parts: { columns: string; from: string; titleMatch: string; textOnlyMatch: string }) =>
    `title_hits AS MATERIALIZED (
       SELECT ${parts.columns}, 1 AS "in_title" ${parts.from} WHERE ${parts.titleMatch} LIMIT ? + 1),
     text_hits AS MATERIALIZED (
       SELECT ${parts.columns}, 0 AS "in_title" ${parts.from} WHERE ${parts.textOnlyMatch}
       LIMIT (SELECT ? + 1 - COUNT(*) FROM title_hits)),
     found AS (SELECT * FROM title_hits UNION ALL SELECT * FROM text_hits),
     hits AS MATERIALIZED (SELECT * FROM found ORDER BY "in_title" DESC LIMIT ?)`;

  // The tsquery of each text typed lately. It depends on the text alone (the built-in `russian` configuration), and
  // parsing it was a round trip of its own before every search; the texts people search for repeat.
  const tsqueries = new LRUCache<string, string>({ max: REMEMBERED_TSQUERIES });

  /**
   * The text as a tsquery, parsed here rather than per row and bound as a value: a statement planned for its call
   * sees how many rows each word has (a word most documents have is read in table order up to the cap, a rare one
   * through the index). Nothing left of it (only stop words): '', the empty answer websearch_to_tsquery's would give.
   */
  async function tsqueryOf(text: string): Promise<string> {
    const remembered = tsqueries.get(text);
    if (remembered !== undefined) return remembered;
    const [{ query }] = (
      await runSql<{ query: string }>(strapi, `SELECT CAST(websearch_to_tsquery('russian', ?) AS text) AS "query"`, [
        text,
      ])
    ).rows;
    tsqueries.set(text, query);
    return query;
  }

  /**
   * One statement: the hits are found and ranked once, then both the page (with its text and snippet, for its rows
   * only) and the facets are taken from them. Two statements would read every hit twice.
   */
  async function searchPostgres(request: SearchRequest, where: Where, cap: number): Promise<SearchAnswer> {
    const query = await tsqueryOf(request.q);
    if (query === '') return answer([], emptyFacets(), 0, cap);
    const join = where.joinsCourse ? courseJoin() : '';
    const tsquery = `CAST(? AS tsquery)`;
    const title = `ts_filter(s."search_vector", '{a}') @@ ${tsquery}`;
    const options = `StartSel="${MATCH_START}", StopSel="${MATCH_END}", MaxWords=30, MinWords=12, MaxFragments=1`;
    // The rarer words alone, where the indexes would otherwise decode a common word's every posting
    // (rules/driving-query.ts); the whole query then checks each row, as a condition no index answers.
    const driving = drivingQuery(query, await commonLexemes(strapi));
    const matching = driving
      ? {
          title: `${title} AND (${title}) IS TRUE AND (s."search_vector" @@ ${tsquery}) IS TRUE`,
          textOnly: `s."search_vector" @@ ${tsquery} AND (s."search_vector" @@ ${tsquery}) IS TRUE AND NOT (${title})`,
          bindings: [driving, query, query],
        }
      : {
          // The whole query is checked too (a title match may miss a "-word" of the text), as a condition the planner
          // does not answer from the text's index, whose every posting it would otherwise read for a common word.
          title: `${title} AND (s."search_vector" @@ ${tsquery}) IS TRUE`,
          textOnly: `s."search_vector" @@ ${tsquery} AND NOT (${title})`,
          bindings: [query, query],
        };
    // The values of each part of foundHits, the title matches' and the others' alike.
    const partBindings = [query, documentsTable(strapi), ...matching.bindings, ...where.bindings, cap];
    const { rows } = await runSql<{ hits: Array<SearchRow & { snippet: string }>; facets: FacetRow[]; found: number }>(
      strapi,
      `WITH ${foundHits({
        columns:
          `s."id", s."type", s."category", s."level", s."price", s."published_at", ` +
          `${where.joinsCourse ? rating() : 'NULL'} AS "rating", ${where.joinsCourse ? popularity() : 'NULL'} AS "popularity", ` +
          `ts_rank(COALESCE(s."rank_vector", s."search_vector"), ${tsquery}) AS "score"`,
        from: `FROM ?? s ${join}`,
        titleMatch: `${matching.title} AND ${where.sql}`,
        textOnlyMatch: `${matching.textOnly} AND ${where.sql}`,
      })},
       page AS (SELECT * FROM hits ORDER BY ${orderBy(request.sort)} LIMIT ? OFFSET ?),
       shown AS (
         SELECT page.*, d."document_id", d."locale", d."title", d."url",
                CASE WHEN ts_filter(d."search_vector", '{b}') @@ ${tsquery} THEN (
                  SELECT CASE WHEN strpos(lead."snippet", ?) > 0 THEN lead."snippet"
                              ELSE ts_headline('russian', d."body", ${tsquery}, ?) END
                  FROM (SELECT ts_headline('russian',
                          CASE WHEN length(d."body") > ${SNIPPET_WINDOW}
                               THEN regexp_replace(left(d."body", ${SNIPPET_WINDOW}), '\\S*$', '') ELSE d."body" END,
                          ${tsquery}, ?) AS "snippet") lead)
                ELSE ts_headline('russian', d."title", ${tsquery}, ?) END
                AS "snippet"
         FROM page JOIN ?? d ON d."id" = page."id"),
       facets AS (${FACET_SQL_POSTGRES})
       SELECT (SELECT COALESCE(json_agg(shown ORDER BY ${orderBy(request.sort)}), '[]') FROM shown) AS "hits",
              (SELECT COALESCE(json_agg(facets), '[]') FROM facets) AS "facets",
              (SELECT COUNT(*) FROM found) AS "found"`,
      [
        ...partBindings,
        ...partBindings,
        cap,
        request.pageSize,
        (request.page - 1) * request.pageSize,
        query,
        MATCH_START,
        query,
        options,
        query,
        options,
        query,
        options,
        documentsTable(strapi),
      ],
      // Rarer words driving: how rows are reached is settled by the text (the index asked for words no statistics
      // call common), so the plan made once serves every such query, and planning each call cost PostgreSQL twice
      // the statement's run. Otherwise the plan depends on how many documents the words have: made for each call.
      driving ? { planOnce: true } : { planEachCall: true }
    );
    const [{ hits, facets, found }] = rows;
    return answer(
      hits.map((row) => hitFrom(row, markedSnippet(row.snippet))),
      facetsFrom(facets),
      Number(found),
      cap
    );
  }

  async function searchSqlite(request: SearchRequest, where: Where, cap: number): Promise<SearchAnswer> {
    const parsed = ftsExpression(request.q);
    if (!parsed) return answer([], emptyFacets(), 0, cap);
    const join = where.joinsCourse ? courseJoin() : '';
    // FTS5 ranks within its own statement only: bm25 is taken where the rows are matched.
    const hitsSql = foundHits({
      columns: `${rankedColumns(where)}, s."category", s."level", s."price", -bm25("${SEARCH_TEXT_TABLE}", 10.0, 1.0) AS "score"`,
      from: `FROM "${SEARCH_TEXT_TABLE}" JOIN ?? s ON s."id" = "${SEARCH_TEXT_TABLE}".rowid ${join}`,
      titleMatch: `"${SEARCH_TEXT_TABLE}" MATCH ? AND ${where.sql}`,
      textOnlyMatch: `"${SEARCH_TEXT_TABLE}" MATCH ? AND ${where.sql}`,
    });
    const bindings = [
      documentsTable(strapi),
      parsed.titleExpression,
      ...where.bindings,
      cap,
      documentsTable(strapi),
      parsed.textOnlyExpression,
      ...where.bindings,
      cap,
      cap,
    ];
    const { rows } = await runSql<SearchRow>(
      strapi,
      `WITH ${hitsSql} SELECT * FROM hits ORDER BY ${orderBy(request.sort)} LIMIT ? OFFSET ?`,
      [...bindings, request.pageSize, (request.page - 1) * request.pageSize]
    );
    const facets = await runSql<FacetRow>(
      strapi,
      `WITH ${hitsSql} ${FACET_SQL} UNION ALL SELECT 'found', NULL, (SELECT COUNT(*) FROM found)`,
      bindings
    );
    const found = Number(facets.rows.find((row) => row.facet === 'found')?.count ?? 0);
    return answer(
      rows.map((row) => hitFrom(row, markedSnippet(snippetOf(row, parsed.stems)))),
      facetsFrom(facets.rows),
      found,
      cap
    );
  }

  /** `found` hits were seen, at most the cap + 1 (one more tells that there are more): the total stops at the cap. */
  const answer = (hits: SearchHit[], facets: Facets, found: number, cap: number): SearchAnswer => ({
    hits,
    facets,
    total: Math.min(found, cap),
    capped: found > cap,
  });

  /**
   * Candidate titles for a suggestion on PostgreSQL, shortest first: titles with every typed word, the last one as a
   * prefix. With `typos`, a typed word of five letters or more also stands for the words of the words table pg_trgm
   * finds close to it and the rule accepts: the trigram lookup runs over the distinct words of all titles, never over
   * the titles themselves.
   *
   * One typed word drives: the titles of each word it stands for (for the last one, the words it begins, from the
   * words table) are walked shortest first in the title terms' index, each checked for the other typed words by one
   * probe of that table's index by row, and the walk stops at CANDIDATES titles, so a word most titles share costs no
   * more than a rare one. The driver is the typed word with the fewest titles (counted up to TERM_WALK): when it has
   * no more than that, the walk saw all its titles and the answer is exact. When every typed word is that common and
   * the walk still found too few titles (the typed words seldom meet), the GIN index of `title_words` finds the titles
   * having them all, which are then few.
   *
   * `fewFirst` when the candidates' order is the answer's: all of them complete the query with the same number of
   * typos (none as typed; one in the typo pass when a single typed word may carry one and the pass as typed saw all
   * its titles), so the answer does not sort them again. Then a walk takes FEW_CANDIDATES first.
   */
  async function postgresCandidates(
    typed: string,
    words: string[],
    where: Where,
    typos: boolean,
    fewFirst: boolean,
    counted: TitleCounts
  ): Promise<SuggestionRow[]> {
    const close = typos ? await closeWords(words) : new Map<number, string[]>();
    const matchers: WordMatcher[] = words.map((word, index) => {
      const near = close.get(index) ?? [];
      return index === words.length - 1 ? { exact: near, prefix: word } : { exact: [word, ...near], prefix: null };
    });
    // One typed word has no driver to choose: its titles are walked at once, and counted only when the walk found
    // too few (to tell whether it saw them all). Counting a prefix such as "cour" reads 2,001 index rows, more than
    // the walk itself.
    let walked = matchers.length === 1 ? await walkFor(typed, fewFirst, matchers[0], [], where) : null;
    if (walked?.settled) return walked.rows;
    const counts = await titlesMatching(matchers, counted);
    if (counts.some((count) => count === 0)) return [];
    // The fewest titles first; between words too common to tell apart, a whole word (one walk, not one per word).
    const driver = matchers
      .map((matcher, index) => ({ index, count: counts[index], isPrefix: matcher.prefix !== null }))
      .sort((a, b) => a.count - b.count || Number(a.isPrefix) - Number(b.isPrefix) || a.index - b.index)[0].index;
    if (!walked) {
      walked = await walkFor(
        typed,
        fewFirst,
        matchers[driver],
        matchers.filter((_, index) => index !== driver),
        where
      );
      if (walked.settled) return walked.rows;
    }
    if (counts[driver] <= TERM_WALK) return walked.rows;
    // The last word is a prefix still being typed; the others are whole words.
    const query = matchers
      .map(({ exact: words, prefix: start }) =>
        [...(start === null ? [] : [`'${start}':*`]), ...words.map((word) => `'${word}'`)].join(' | ')
      )
      .map((alternatives) => `(${alternatives})`)
      .join(' & ');
    return (
      await runSql<SuggestionRow>(
        strapi,
        `SELECT s."type", s."document_id", s."title" FROM ?? s
         WHERE s."title_words" @@ to_tsquery('simple', ?) AND ${where.sql}
         ORDER BY length(s."title") + 0, s."id" LIMIT ${CANDIDATES}`,
        [documentsTable(strapi), query, ...where.bindings]
      )
    ).rows;
  }

  /**
   * A walk for FEW_CANDIDATES first (when `fewFirst`), for CANDIDATES when those were too few; `settled` when its
   * candidates settle the suggestion: they already give ten, or the walk stopped at CANDIDATES.
   */
  async function walkFor(
    typed: string,
    fewFirst: boolean,
    driver: WordMatcher,
    others: WordMatcher[],
    where: Where
  ): Promise<{ rows: SuggestionRow[]; settled: boolean }> {
    const givesTen = (rows: SuggestionRow[]) => decide(typed, rows).length >= MAX_SUGGESTIONS;
    if (fewFirst) {
      const few = await walk(driver, others, where, FEW_CANDIDATES);
      const settled = givesTen(few);
      if (settled || few.length < FEW_CANDIDATES) return { rows: few, settled };
    }
    const rows = await walk(driver, others, where, CANDIDATES);
    return { rows, settled: rows.length === CANDIDATES || givesTen(rows) };
  }

  /**
   * The titles of the driving word's words, shortest first, that also have a word of each of the `others`: each
   * word's titles walked in the title terms' index up to TERM_WALK, each checked for the others by one probe of that
   * table's index by row, stopping at `limit`. A prefix's words (its shortest PREFIX_WORDS, from the words table)
   * are looked up by the same statement.
   */
  async function walk(
    driver: WordMatcher,
    others: WordMatcher[],
    where: Where,
    limit: number
  ): Promise<SuggestionRow[]> {
    const checks = others.map((other) => matcherSql('o', other));
    // Each check a probe of the index by row per walked title: OFFSET 0 keeps PostgreSQL from making it a join that
    // first reads every title of the other word (all lessons, for "lesson 3 of").
    return (
      await runSql<SuggestionRow>(
        strapi,
        `SELECT d."type", d."document_id", d."title" FROM (
           SELECT c."title_length", c."document_row" FROM (
             SELECT unnest(CAST(? AS text[]))
             UNION
             SELECT p."word" FROM (
               SELECT "word" FROM ?? WHERE "word" ~>=~ ? AND "word" ~<~ ?
               ORDER BY length("word"), "word" LIMIT ${PREFIX_WORDS}) p
           ) AS w("term")
           CROSS JOIN LATERAL (
             SELECT s."title_length", s."document_row"
             FROM (SELECT * FROM ?? WHERE "term" = w."term" ORDER BY "title_length", "document_row" LIMIT ${TERM_WALK}) s
             WHERE ${where.sql}
             ${checks.map((check) => `AND EXISTS (SELECT 1 FROM ?? o WHERE o."document_row" = s."document_row" AND ${check.sql} OFFSET 0)`).join(' ')}
             ORDER BY s."title_length", s."document_row" LIMIT ${limit}) c
           GROUP BY c."title_length", c."document_row"
           ORDER BY c."title_length", c."document_row" LIMIT ${limit}) c
         JOIN ?? d ON d."id" = c."document_row"
         ORDER BY c."title_length", c."document_row"`,
        [
          arrayLiteral(driver.exact),
          wordsTable(strapi),
          // No prefix: a range nothing is in.
          driver.prefix ?? '',
          driver.prefix === null ? '' : afterPrefix(driver.prefix),
          termsTable(strapi),
          ...where.bindings,
          ...checks.flatMap((check) => [termsTable(strapi), ...check.bindings]),
          documentsTable(strapi),
        ],
        PLAN_ONCE
      )
    ).rows;
  }

  /** A condition on the title terms (alias `table`) for the words a typed word stands for, with its values. */
  function matcherSql(table: string, { exact, prefix }: WordMatcher): { sql: string; bindings: unknown[] } {
    const conditions: string[] = [];
    const bindings: unknown[] = [];
    if (exact.length > 0) {
      conditions.push(`${table}."term" = ANY(CAST(? AS text[]))`);
      bindings.push(arrayLiteral(exact));
    }
    // A range of the pattern operators rather than LIKE: a prepared statement's generic plan never uses an index
    // for a bound LIKE pattern.
    if (prefix !== null) {
      conditions.push(`(${table}."term" ~>=~ ? AND ${table}."term" ~<~ ?)`);
      bindings.push(prefix, afterPrefix(prefix));
    }
    return { sql: `(${conditions.join(' OR ')})`, bindings };
  }

  /**
   * Per word matcher, how many titles have a word it stands for, counted up to just past TERM_WALK (index only). One
   * statement for all of them: a suggestion is typed a letter at a time, so its round trips are what a busy server
   * queues. `counted` holds what the same suggestion already counted: its typo pass asks again only for the words
   * that gained close words (a prefix such as "1" has 2,000 titles to count, 2 ms, and its count does not change).
   */
  async function titlesMatching(matchers: WordMatcher[], counted: TitleCounts): Promise<number[]> {
    const missing = [...new Map(matchers.map((matcher) => [matcherKey(matcher), matcher]))]
      .filter(([key]) => !counted.has(key))
      .map(([key, matcher]) => ({ key, condition: matcherSql('t', matcher) }));
    if (missing.length > 0) {
      const { rows } = await runSql<{ counts: Array<number | string> }>(
        strapi,
        `SELECT CAST(ARRAY[${missing
          .map(
            ({ condition }) =>
              `(SELECT COUNT(*) FROM (SELECT 1 FROM ?? t WHERE ${condition.sql} LIMIT ${TERM_WALK + 1}) t)`
          )
          .join(', ')}] AS bigint[]) AS "counts"`,
        missing.flatMap(({ condition }) => [termsTable(strapi), ...condition.bindings]),
        PLAN_ONCE
      );
      missing.forEach(({ key }, index) => counted.set(key, Number(rows[0].counts[index])));
    }
    return matchers.map((matcher) => counted.get(matcherKey(matcher))!);
  }

  /**
   * Words of titles within one typo of each typed word that may have one (mayHaveTypo), keyed by the typed word's
   * position; none without pg_trgm (suggestions then match as typed). One statement for all the words.
   */
  async function closeWords(words: string[]): Promise<Map<number, string[]>> {
    const close = new Map<number, string[]>();
    const trigrams = trigramSchemaOf(strapi);
    const typed = words.map((word, index) => ({ word, index })).filter(({ word }) => mayHaveTypo(word));
    if (!trigrams || typed.length === 0) return close;
    // word_similarity's threshold for the <% operator (and its index): low enough that one typo inside a five-letter
    // word still proposes the word; mayStandFor then holds to one typo. Set for this statement's transaction only,
    // by the row the lookups take as a lateral value (OFFSET 0 keeps it a row of its own), so it is set before
    // they run: no transaction of three more round trips around it.
    const { rows } = await runSql<{ position: number; word: string }>(
      strapi,
      `SELECT t."position", w."word"
       FROM (SELECT set_config('pg_trgm.word_similarity_threshold', '0.3', true) AS "threshold" OFFSET 0) setting
       CROSS JOIN unnest(CAST(? AS text[]), CAST(? AS integer[])) AS t("typed", "position")
       CROSS JOIN LATERAL (
         SELECT "word" FROM ?? WHERE t."typed" OPERATOR("${trigrams}".<%) "word" AND setting."threshold" IS NOT NULL
         ORDER BY "${trigrams}".word_similarity(t."typed", "word") DESC, "word" LIMIT 200) w`,
      [arrayLiteral(typed.map(({ word }) => word)), arrayLiteral(typed.map(({ index }) => index)), wordsTable(strapi)],
      PLAN_ONCE
    );
    for (const { word, index } of typed) {
      const isLast = index === words.length - 1;
      close.set(
        index,
        rows
          .filter((row) => Number(row.position) === index && row.word !== word && mayStandFor(word, row.word, isLast))
          .map((row) => row.word)
      );
    }
    return close;
  }

  /** Candidate titles for a suggestion on SQLite, best first: the trigram table proposes, completionTypos decides. */
  async function sqliteCandidates(words: string[], where: Where): Promise<SuggestionRow[]> {
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
      const cap = maxHits();
      // Nothing left to look for (only stop words or operators): an empty answer, as websearch_to_tsquery gives.
      if (!ftsExpression(request.q)) return answer([], emptyFacets(), 0, cap);
      const where = filters(request);
      return postgres() ? searchPostgres(request, where, cap) : searchSqlite(request, where, cap);
    },

    async suggest(request: SuggestRequest): Promise<Suggestion[]> {
      const words = wordsOf(request.q);
      // Two letters at least: a single one would propose the whole catalog.
      if (words.length === 0 || words.join('').length < 2) return [];
      const where = filters(request);
      if (!postgres()) return decide(request.q, await sqliteCandidates(words, where));
      // As typed first; the typo lookups only when that leaves room among the ten.
      const counted: TitleCounts = new Map();
      const asTyped = await postgresCandidates(request.q, words, where, false, true, counted);
      const decided = decide(request.q, asTyped);
      if (decided.length >= MAX_SUGGESTIONS || !words.some(mayHaveTypo)) return decided;
      // One typo at most when only one typed word may carry it; every title with none is among asTyped when that
      // pass stopped short of CANDIDATES (it saw them all).
      const oneTypo = words.filter(mayHaveTypo).length === 1 && asTyped.length < CANDIDATES;
      return decide(request.q, [
        ...asTyped,
        ...(await postgresCandidates(request.q, words, where, true, oneTypo, counted)),
      ]);
    },
  };
};

/** The suggestions among candidates (best first): those the rule accepts, fewest typos first, each document once. */
function decide(query: string, candidates: SuggestionRow[]): Suggestion[] {
  const seen = new Set<string>();
  const typosOf = completionTyposOf(query);
  return candidates
    .map((row, order) => ({ row, order, typos: typosOf(row.title) }))
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
}

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

interface FacetRow {
  facet: string;
  value: string | null;
  count: number | string;
}

/** The words of titles a typed word stands for: these words, and those beginning with `prefix` (the last word). */
interface WordMatcher {
  exact: string[];
  prefix: string | null;
}

/** What one suggestion has counted so far: titles per word matcher (by matcherKey). */
type TitleCounts = Map<string, number>;

const matcherKey = ({ exact, prefix }: WordMatcher) => JSON.stringify([exact, prefix]);

/** The first string past every string beginning with `prefix`, in code point (and so UTF-8 byte) order. */
function afterPrefix(prefix: string): string {
  const characters = [...prefix];
  const last = characters.pop()!.codePointAt(0)!;
  return characters.join('') + String.fromCodePoint(last + 1);
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
  locale: row.locale === ANY_LOCALE ? null : row.locale,
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
