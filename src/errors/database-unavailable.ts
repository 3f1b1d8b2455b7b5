import { serviceUnavailable, type Refusal } from './refusal';

/**
 * Errors that say the database cannot be reached (it restarts, fails over, or the pool cannot get a connection in
 * DATABASE_CONNECTION_TIMEOUT), as opposed to a statement the database refused. Such a request may succeed when
 * repeated, so it is answered 503 `database_unavailable`, not 500; the pool reconnects by itself.
 */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, and the connection_exception class.
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

const UNREACHABLE_MESSAGES = [
  /Knex: Timeout acquiring a connection/i,
  // pg's own pool (the planOnce statements' connections, src/strapi-patches/postgres-prepared-statements.ts).
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /Client has encountered a connection error/i,
  /terminating connection due to administrator command/i,
  /the database system is (starting up|shutting down)/i,
  /connect ECONNREFUSED/i,
  /read ECONNRESET/i,
  // knex, for a statement sent on a transaction whose connection was lost under it (seen when PostgreSQL restarts
  // mid-request). The same words would follow a statement sent after its own commit, a bug that the warning
  // `global::refusals` logs still shows.
  /Transaction query already complete/i,
];

const MAX_DEPTH = 4;

export function isDatabaseUnreachable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > MAX_DEPTH) return false;
  const { code, name, message, cause } = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  if (name === 'KnexTimeoutError') return true;
  if (typeof message === 'string' && UNREACHABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  // Strapi's database layer wraps driver errors (DatabaseError); the driver's is kept as the cause.
  return isDatabaseUnreachable(cause, depth + 1);
}

/** The 503 a request gets in place of an unreachable database's error (never its text, which may hold SQL). */
export const databaseUnavailable = (): Refusal =>
  serviceUnavailable('The database is unavailable right now; try again in a moment', 'database_unavailable');
