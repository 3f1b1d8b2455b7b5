import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { linkOf, tableOf } from '../database/tables';
import { isPatchOn } from '../strapi-patches/switches';
import { runAsPreparedStatement } from '../strapi-patches/postgres-prepared-statements';

/**
 * Hand-written statements for the few paths every student request takes (the enrollment and completed lessons
 * behind each lesson request, a completion's writes, a quiz attempt). There the query engine's building and
 * population cost several times the database work; a fixed statement costs a fraction of it.
 *
 * They bypass database lifecycles: a caller whose write changes a cached answer purges it itself.
 */

/**
 * Emitted (with `{ uid }`) once a write made by fixed statements is committed, so cached answers showing that
 * content type are purged as a lifecycle would have.
 */
export const WRITTEN_BY_STATEMENT = 'lyceum.content.written-by-statement';

/** A statement with its values, built by one service and run by another (alone, or inside a larger one). */
export interface SqlStatement {
  sql: string;
  bindings: readonly unknown[];
}

export interface SqlResult<Row> {
  rows: Row[];
  /** Rows written by an INSERT, UPDATE or DELETE without RETURNING. */
  count: number;
}

/**
 * Runs one statement (`?` for values, `??` for identifiers), in the caller's transaction when there is one:
 * SQLite has one connection, so a statement beside the transaction would wait for it to end. On PostgreSQL,
 * outside a transaction, it runs as a named prepared statement: parsed and planned once per connection, where
 * an unnamed one costs PostgreSQL more to parse and plan than to execute (src/strapi-patches/
 * postgres-prepared-statements.ts, which reaches past knex to pg). `planEachCall` opts out, for statements whose
 * best plan depends on their values (a search word found in three titles or in all of them): a prepared statement
 * may settle on one generic plan after five runs. `planOnce` is the other way: a statement whose text fixes how its
 * rows are reached is planned once per connection, never again for its values (PostgreSQL would otherwise keep
 * planning it whenever the plan for the values looks cheaper, which for short statements costs more than running
 * them).
 */
export async function runSql<Row = Record<string, unknown>>(
  strapi: Core.Strapi,
  sql: string,
  bindings: readonly unknown[] = [],
  options: { planEachCall?: boolean; planOnce?: boolean } = {}
): Promise<SqlResult<Row>> {
  if (strapi.db.inTransaction()) return strapi.db.transaction(({ trx }) => viaKnex<Row>(trx, sql, bindings));
  if (!isPostgres(strapi) || !isPatchOn('postgres-prepared-statements') || options.planEachCall)
    return viaKnex<Row>(strapi.db.connection, sql, bindings);
  return runAsPreparedStatement<Row>(strapi, sql, bindings, { planOnce: options.planOnce });
}

async function viaKnex<Row>(knex: any, sql: string, bindings: readonly unknown[]): Promise<SqlResult<Row>> {
  const result = await knex.raw(sql, bindings);
  // PostgreSQL answers a pg Result; better-sqlite3 rows for a reader, run info ({ changes }) otherwise.
  if (Array.isArray(result)) return { rows: result, count: result.length };
  if (Array.isArray(result?.rows)) return { rows: result.rows, count: result.rowCount ?? result.rows.length };
  return { rows: [], count: Number(result?.changes ?? 0) };
}

export const isPostgres = (strapi: Core.Strapi) => strapi.db.dialect.client === 'postgres';

/** `%text%` for `LIKE ? ESCAPE '\\'` (both databases), with the pattern's own characters (`%`, `_`, `\\`) escaped. */
export const likeContaining = (text: string) => `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;

/**
 * A PostgreSQL array literal (`{"a","b"}`) bound as one value, for `CAST(? AS text[])`: knex would spread a JS array
 * into a list of values. Each element is quoted; JSON's escapes of `"` and `\` are the array syntax's too.
 */
export const arrayLiteral = (values: ReadonlyArray<string | number>): string =>
  `{${values.map((value) => JSON.stringify(String(value))).join(',')}}`;

/** `column IN (list)` with one bound value, so the statement's text (and its prepared plan) is the same for any page. */
export function inList(
  strapi: Core.Strapi,
  column: string,
  values: ReadonlyArray<string | number>,
  type: 'int' | 'text'
) {
  return isPostgres(strapi)
    ? { sql: `${column} = ANY(CAST(? AS ${type}[]))`, binding: arrayLiteral(values) as unknown }
    : { sql: `${column} IN (SELECT value FROM json_each(?))`, binding: JSON.stringify(values) as unknown };
}

/**
 * A condition for rows whose `key` starts with `prefix` (the student's keys: `user:…`), with its two values.
 * A range, not LIKE 'prefix%': in a prepared statement's generic plan a LIKE pattern bound as a value is never
 * an index condition, so PostgreSQL scanned the table. Byte order on both databases: PostgreSQL's pattern
 * operators, served by the `varchar_pattern_ops` key indexes whatever the collation; SQLite compares text
 * bytewise by default.
 */
export function keyStartsWith(strapi: Core.Strapi, prefix: string): { condition: string; bindings: [string, string] } {
  const afterPrefix = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  const condition = isPostgres(strapi) ? '"key" ~>=~ ? AND "key" ~<~ ?' : '"key" >= ? AND "key" < ?';
  return { condition, bindings: [prefix, afterPrefix] };
}

/**
 * Ids aggregated by the database (`array_agg` on PostgreSQL: an array, or null for none; `json_group_array` on
 * SQLite: JSON text), without the nulls an outer join leaves.
 */
export function aggregatedIds(value: unknown): string[] {
  const ids: unknown[] = Array.isArray(value) ? value : typeof value === 'string' ? JSON.parse(value) : [];
  return ids.filter((id): id is string => typeof id === 'string');
}

/** A datetime column's value as read back raw: a Date (PostgreSQL), milliseconds or ISO text (SQLite). */
export const toDateOrNull = (value: unknown): Date | null =>
  value === null || value === undefined ? null : new Date(value as string);

/** The same as ISO text, the shape the query engine answers datetimes in. */
export const toIsoOrNull = (value: unknown): string | null => toDateOrNull(value)?.toISOString() ?? null;

/**
 * Inserts a record of a content type keyed by its unique `key` column, with its link to its user, unless the
 * key exists: the new row's id, or null (another request wrote that key first). `columns` are column names
 * and values; the document id and the timestamps are added here as the query engine would. On PostgreSQL one
 * statement; on SQLite two in one transaction (in-process, so no round trip between them).
 */
export async function insertOnceWithUser(
  strapi: Core.Strapi,
  uid: string,
  columns: Record<string, unknown>,
  userId: number,
  now: Date
): Promise<number | null> {
  const { row } = await insertOnceWithLinks(strapi, uid, columns, { user: userId }, now);
  return row === null ? null : Number(row.id);
}

/**
 * insertOnceWithUser for any many-to-one links (attribute name to target id; null links nothing): the new
 * row as written (every column), or null when the key exists. Links get no order columns: only many-to-one
 * relations without an inverse side are written here, and those have none.
 *
 * `alongside` is another write (an UPDATE … RETURNING) that runs with the insert whether or not the key
 * existed, in the same statement on PostgreSQL (one round trip and one commit), in the same transaction on
 * SQLite; `alongsideRows` counts the rows it answered.
 */
export async function insertOnceWithLinks(
  strapi: Core.Strapi,
  uid: string,
  columns: Record<string, unknown>,
  links: Record<string, number | null>,
  now: Date,
  alongside?: SqlStatement | null
): Promise<{ row: Record<string, unknown> | null; alongsideRows: number }> {
  const row: Record<string, unknown> = {
    document_id: createId(),
    ...columns,
    created_at: now,
    updated_at: now,
    published_at: now,
  };
  const names = Object.keys(row);
  const insertRow = `INSERT INTO ?? (${names.map(() => '??').join(', ')}) VALUES (${names.map(() => '?').join(', ')}) ON CONFLICT ("key") DO NOTHING RETURNING *`;
  const values = [tableOf(strapi, uid), ...names, ...Object.values(row)];
  const linked = Object.entries(links)
    .filter((entry): entry is [string, number] => entry[1] !== null)
    .map(([attribute, targetId]) => ({ link: linkOf(strapi, uid, attribute), targetId }));
  if (isPostgres(strapi)) {
    const linkInserts = linked.map(
      (_, index) => `, link${index} AS (INSERT INTO ?? (??, ??) SELECT id, CAST(? AS integer) FROM created)`
    );
    const { rows } = await runSql<Record<string, unknown>>(
      strapi,
      `WITH created AS (${insertRow})${linkInserts.join('')}${alongside ? `, alongside AS (${alongside.sql})` : ''}
       SELECT created.*, ${alongside ? '(SELECT count(*) FROM alongside)' : '0'} AS lyceum_alongside_rows FROM (SELECT 1) AS one LEFT JOIN created ON true`,
      [
        ...values,
        ...linked.flatMap(({ link, targetId }) => [link.table, link.ownColumn, link.targetColumn, targetId]),
        ...(alongside?.bindings ?? []),
      ]
    );
    const { lyceum_alongside_rows: alongsideRows, ...written } = rows[0];
    return {
      row: written.id === null || written.id === undefined ? null : written,
      alongsideRows: Number(alongsideRows),
    };
  }
  return strapi.db.transaction(async () => {
    const { rows } = await runSql<Record<string, unknown>>(strapi, insertRow, values);
    if (rows.length > 0) {
      for (const { link, targetId } of linked) {
        await runSql(strapi, 'INSERT INTO ?? (??, ??) VALUES (?, ?)', [
          link.table,
          link.ownColumn,
          link.targetColumn,
          rows[0].id,
          targetId,
        ]);
      }
    }
    const alongsideRows = alongside ? (await runSql(strapi, alongside.sql, alongside.bindings)).rows.length : 0;
    return { row: rows[0] ?? null, alongsideRows };
  });
}
