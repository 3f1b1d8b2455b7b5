import { createHash } from 'crypto';
import type { Core } from '@strapi/strapi';

/**
 * Patch: hand-written statements (src/access/raw-sql.ts `runSql`) run on PostgreSQL as named prepared statements,
 * sent to a pg connection borrowed from knex's pool.
 *
 * Stock: `knex.raw(sql, bindings)` (knex's pg client, `_query`) sends an unnamed statement; PostgreSQL parses and
 * plans it again on every call, which for these short statements costs more than running them.
 * Change: the text is turned into pg's `$n` form here and sent with a name (the text's hash), so each connection
 * parses and plans it once. It reaches into knex's internals: `client.acquireConnection`, `releaseConnection`, the
 * `query` event (so debug logging and the query-plan tests still see the statement) and the connection's
 * `__knexUid`. Inside a transaction, and on SQLite, runSql uses knex.raw as stock.
 * Gain: measured with the statement paths (lesson, completion, quiz attempt); see UPGRADE.md for how to measure.
 * Off (STRAPI_PATCHES_OFF=postgres-prepared-statements): every statement goes through knex.raw.
 */

/**
 * Statement texts are fixed per call site (a handful of column lists at most), so the names stay few. A name is
 * the text's hash: one connection must never see one name for two texts.
 */
const statementNames = new Map<string, string>();
const MAX_NAMED_STATEMENTS = 500;
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (!name && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `lyceum_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    statementNames.set(text, name);
  }
  return name;
}

/** `??` becomes a quoted identifier (schema.table split), `?` becomes `$n`; values stay bound. */
export function toPostgres(sql: string, bindings: readonly unknown[]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  let next = 0;
  const text = sql.replace(/\?\??/g, (marker) => {
    const binding = bindings[next++];
    if (marker === '??')
      return String(binding)
        .split('.')
        .map((part) => `"${part.replace(/"/g, '""')}"`)
        .join('.');
    values.push(binding);
    return `$${values.length}`;
  });
  if (next !== bindings.length) throw new Error(`runSql: ${bindings.length} bindings for ${next} placeholders`);
  return { text, values };
}

type PgConnection = {
  __knexUid?: string;
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: any[]; rowCount: number | null }>;
};
type KnexInternals = {
  listenerCount(event: string): number;
  client: {
    acquireConnection(): Promise<PgConnection>;
    releaseConnection(connection: PgConnection): Promise<unknown>;
    emit(event: string, data: object): void;
  };
};

export async function runAsPreparedStatement<Row>(
  strapi: Core.Strapi,
  sql: string,
  bindings: readonly unknown[]
): Promise<{ rows: Row[]; count: number }> {
  const { text, values } = toPostgres(sql, bindings);
  const knex = strapi.db.connection as unknown as KnexInternals;
  const client = knex.client;
  const connection = await client.acquireConnection();
  // Whoever watches knex's queries (debug logging, the query-plan tests) sees these too.
  if (knex.listenerCount('query') > 0)
    client.emit('query', { sql: text, bindings: values, method: 'raw', __knexUid: connection.__knexUid });
  try {
    const result = await connection.query({ name: statementName(text), text, values });
    return { rows: result.rows as Row[], count: result.rowCount ?? result.rows.length };
  } finally {
    await client.releaseConnection(connection);
  }
}
