import { snakeCase, toUpper } from 'lodash/fp';
import { databaseUnavailable, isDatabaseUnreachable } from './database-unavailable';
import { Refusal } from './refusal';

/**
 * What a GraphQL error may carry to a caller. GraphQL callers are API users, never admin-panel Super Admins,
 * so no answer shows SQL text, a stack trace or a server path: Strapi's formatter keeps a non-Strapi error's
 * message (a driver error's message is the SQL statement) and Apollo adds `stacktrace` outside production.
 */
export interface FormattedError {
  message: string;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

export const INTERNAL_MESSAGE = 'Internal Server Error';
const WITHHELD_MESSAGE = 'The request could not be completed';

const SERVER_DETAIL = [
  // SQL statements and driver words (SQLite, PostgreSQL, knex)
  /\b(select|insert|update|delete)\b[\s\S]{0,200}\b(from|into|set|where)\b/i,
  /`t\d+`|"t\d+"\./,
  /SQLITE_|sqlite|\bknex\b|syntax error at or near|violates .* constraint|relation ".*" does not exist|column ".*" does not exist/i,
  // server paths and stack frames
  /(^|[\s("'])\/(home|usr|work|var|tmp|opt|app|srv|root|Users|private)\//,
  /[A-Za-z]:\\[^\s]+/,
  /node_modules|\bat .+:\d+:\d+/,
  /\.(js|ts|mjs|cjs):\d+/,
];

/** Whether a text shows the server's insides: SQL, driver messages, file paths or stack frames. */
export function leaksServerDetail(text: unknown): boolean {
  if (text === undefined || text === null) return false;
  const value = typeof text === 'string' ? text : JSON.stringify(text);
  return SERVER_DETAIL.some((pattern) => pattern.test(value));
}

/**
 * A formatted error as a caller may see it: its code and a safe message; never `stacktrace` or `exception`;
 * an internal error becomes the generic message with nothing else; any other error that would show server
 * detail keeps its code but loses the detail.
 */
export function safeGraphqlError(error: FormattedError): FormattedError {
  const { stacktrace: _stacktrace, exception: _exception, ...extensions } = error.extensions ?? {};
  const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
  const where = {
    ...(error.locations ? { locations: error.locations } : {}),
    ...(error.path ? { path: error.path } : {}),
  };
  if (code === 'INTERNAL_SERVER_ERROR') return { message: INTERNAL_MESSAGE, ...where, extensions: { code } };
  if (leaksServerDetail(error.message) || leaksServerDetail(extensions.error)) {
    return { message: WITHHELD_MESSAGE, ...where, extensions: { code } };
  }
  return { ...error, extensions: { ...extensions, code } };
}

/**
 * The GraphQL code of a Refusal, the one Strapi's formatter (@strapi/plugin-graphql dist/server/
 * format-graphql-error.js) gives its own typed errors of that status: FORBIDDEN for 401 and 403, BAD_USER_INPUT
 * for 400, `STRAPI_<NAME>` for the others (STRAPI_NOT_FOUND_ERROR, STRAPI_CONFLICT_ERROR…).
 */
export function graphqlCodeOf(refusal: Refusal): string {
  if (refusal.status === 401 || refusal.status === 403) return 'FORBIDDEN';
  if (refusal.status === 400) return 'BAD_USER_INPUT';
  return `STRAPI_${toUpper(snakeCase(refusal.name))}`;
}

/** What a Refusal shows in `extensions.error`, as Strapi's formatter shows its own errors. */
export const graphqlErrorOf = (refusal: Refusal) => ({
  name: refusal.name,
  message: refusal.message,
  details: refusal.details,
});

/**
 * A formatted error as its Refusal should read (same reason, message and details as REST; the code of its
 * status), an unreachable database as the Refusal 503 `database_unavailable`; any other error as it was formatted. `original` is the error the resolver threw (a GraphQLError
 * wrapping it, as Apollo hands it over).
 */
export function withRefusalCode(formatted: FormattedError, original: unknown): FormattedError {
  const originalError = (original as { originalError?: unknown } | null)?.originalError ?? original;
  const thrown = isDatabaseUnreachable(originalError) ? databaseUnavailable() : originalError;
  if (!(thrown instanceof Refusal)) return formatted;
  return {
    ...formatted,
    message: thrown.message,
    extensions: { ...formatted.extensions, error: graphqlErrorOf(thrown), code: graphqlCodeOf(thrown) },
  };
}
