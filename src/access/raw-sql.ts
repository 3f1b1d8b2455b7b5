import type { Core } from '@strapi/strapi';

/**
 * Hand-written statements for the few paths every student request takes (the enrollment and completed lessons
 * behind each lesson request, a completion's writes, a quiz attempt). There the query engine's building and
 * population cost several times the database work; a fixed statement costs a fraction of it.
 *
 * They bypass database lifecycles: a caller whose write changes a cached answer purges it itself.
 */

export interface SqlResult<Row> {
  rows: Row[];
  /** Rows written by an INSERT, UPDATE or DELETE without RETURNING. */
  count: number;
}

/**
 * Runs one statement (`?` for values, `??` for identifiers), in the caller's transaction when there is one:
 * SQLite has one connection, so a statement beside the transaction would wait for it to end.
 */
export async function runSql<Row = Record<string, unknown>>(strapi: Core.Strapi, sql: string, bindings: readonly unknown[] = []): Promise<SqlResult<Row>> {
  const run = async (knex: any): Promise<SqlResult<Row>> => {
    const result = await knex.raw(sql, bindings);
    // PostgreSQL answers a pg Result; better-sqlite3 rows for a reader, run info ({ changes }) otherwise.
    if (Array.isArray(result)) return { rows: result, count: result.length };
    if (Array.isArray(result?.rows)) return { rows: result.rows, count: result.rowCount ?? result.rows.length };
    return { rows: [], count: Number(result?.changes ?? 0) };
  };
  if (strapi.db.inTransaction()) return strapi.db.transaction(({ trx }) => run(trx));
  return run(strapi.db.connection);
}

export const isPostgres = (strapi: Core.Strapi) => strapi.db.dialect.client === 'postgres';

/** A content type's table, with the PostgreSQL schema when one is set, for a `??` binding. */
export function tableOf(strapi: Core.Strapi, uid: string): string {
  return qualified(strapi, strapi.db.metadata.get(uid as any).tableName);
}

/** The link table of a relation attribute and its two columns (this side's id, the target's id). */
export function linkOf(strapi: Core.Strapi, uid: string, attribute: string): { table: string; ownColumn: string; targetColumn: string } {
  const { joinTable } = strapi.db.metadata.get(uid as any).attributes[attribute] as unknown as {
    joinTable: { name: string; joinColumn: { name: string }; inverseJoinColumn: { name: string } };
  };
  return { table: qualified(strapi, joinTable.name), ownColumn: joinTable.joinColumn.name, targetColumn: joinTable.inverseJoinColumn.name };
}

function qualified(strapi: Core.Strapi, table: string): string {
  const schema = strapi.db.getSchemaName();
  return schema && isPostgres(strapi) ? `${schema}.${table}` : table;
}

/** A datetime column's value as read back raw: a Date (PostgreSQL), milliseconds or ISO text (SQLite). */
export const toDateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string));
