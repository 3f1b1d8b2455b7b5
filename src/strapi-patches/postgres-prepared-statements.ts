import { createHash } from 'crypto';
import type { Core } from '@strapi/strapi';
import { DatabaseError, Pool, type PoolClient } from 'pg';

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
 *
 * A named statement is still planned again on every call whenever PostgreSQL judges its plan for the values at hand
 * cheaper than the plan made without them (plan_cache_mode `auto`): the search suggestions' statements were, all of
 * them, and planning cost PostgreSQL more than running them. A statement whose text fixes how its rows are reached
 * asks for `planOnce`: it runs on a connection of a second, small pool opened with plan_cache_mode
 * `force_generic_plan`, so it is planned once per connection whatever the values. Not on knex's connections: the
 * setting holds for every statement of a session, unnamed ones too, and knex's own queries and `planEachCall` ones
 * need their values planned. The pool is the app's (`closePlanOncePool` in its destroy).
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
    connectionSettings: Record<string, unknown>;
    config: { pool?: { max?: number }; acquireConnectionTimeout?: number };
  };
};

/** Sends the statement by name on a connection of either pool. */
async function sendNamed<Row>(
  knex: KnexInternals,
  connection: PgConnection,
  connectionUid: string | undefined,
  text: string,
  values: unknown[]
): Promise<{ rows: Row[]; count: number }> {
  // Whoever watches knex's queries (debug logging, the query-plan tests) sees these too.
  if (knex.listenerCount('query') > 0)
    knex.client.emit('query', { sql: text, bindings: values, method: 'raw', __knexUid: connectionUid });
  const result = await connection.query({ name: statementName(text), text, values });
  return { rows: result.rows as Row[], count: result.rowCount ?? result.rows.length };
}

export async function runAsPreparedStatement<Row>(
  strapi: Core.Strapi,
  sql: string,
  bindings: readonly unknown[],
  options: { planOnce?: boolean } = {}
): Promise<{ rows: Row[]; count: number }> {
  const { text, values } = toPostgres(sql, bindings);
  // Once the pool is closed (the app's destroy, while requests may still be answered) knex's connections serve.
  if (options.planOnce && !closedPlanOnceApps.has(strapi)) return runPlannedOnce<Row>(strapi, text, values);
  const knex = strapi.db.connection as unknown as KnexInternals;
  const connection = await knex.client.acquireConnection();
  try {
    return await sendNamed<Row>(knex, connection, connection.__knexUid, text, values);
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

/** The connections of `planOnce` statements, per app: PostgreSQL plans each statement once on each of them. */
const planOncePools = new WeakMap<Core.Strapi, Pool>();
const closedPlanOnceApps = new WeakSet<Core.Strapi>();

function planOncePool(strapi: Core.Strapi): Pool {
  let pool = planOncePools.get(strapi);
  if (pool) return pool;
  const knex = strapi.db.connection as unknown as KnexInternals;
  // The same server, credentials and TLS as knex's connections. Not `schema`: knex qualifies names with it rather
  // than setting search_path, and these statements name their tables the same way.
  const { schema: _schema, ...settings } = knex.client.connectionSettings;
  // JIT off too: a plan made without the values is costed for the average value, which on a large index passes
  // jit_above_cost, and compiling took 10 ms where the statement ran in 1.4 (the suggestion "lesson 3 of", 1.1 million
  // titles).
  pool = new Pool({
    ...settings,
    options: '-c plan_cache_mode=force_generic_plan -c jit=off',
    max: knex.client.config.pool?.max ?? 10,
    // Connections close when idle, so a quiet instance holds none; a busy one keeps its prepared statements.
    idleTimeoutMillis: 30_000,
    // Nor do idle connections keep the process alive.
    allowExitOnIdle: true,
    // Waiting for a free connection is bounded like knex's (DATABASE_CONNECTION_TIMEOUT); an unreachable server
    // fails the connection attempt as knex's does (src/errors/database-unavailable.ts answers both 503).
    connectionTimeoutMillis: knex.client.config.acquireConnectionTimeout ?? 60_000,
  });
  // A connection that breaks while idle (the server restarted) is dropped by the pool; the next call opens another.
  pool.on('error', () => undefined);
  planOncePools.set(strapi, pool);
  return pool;
}

async function runPlannedOnce<Row>(
  strapi: Core.Strapi,
  text: string,
  values: unknown[]
): Promise<{ rows: Row[]; count: number }> {
  const connection: PoolClient = await planOncePool(strapi).connect();
  let broken: Error | undefined;
  try {
    return await sendNamed<Row>(
      strapi.db.connection as unknown as KnexInternals,
      connection,
      'plan-once',
      text,
      values
    );
  } catch (error) {
    // The server's refusal of the statement leaves the connection usable; anything else (a lost socket) does not.
    if (!(error instanceof DatabaseError)) broken = error as Error;
    throw error;
  } finally {
    connection.release(broken);
  }
}

/** Closes the app's `planOnce` connections (its destroy): a database is dropped only once nobody is connected. */
export async function closePlanOncePool(strapi: Core.Strapi): Promise<void> {
  const pool = planOncePools.get(strapi);
  closedPlanOnceApps.add(strapi);
  planOncePools.delete(strapi);
  await pool?.end();
}
