import type { Core } from '@strapi/strapi';
import { winston } from '@strapi/logger';

/**
 * How log lines are written (config/logger.ts): `json`, one JSON object a line for a log collector, each line
 * written during a request carrying that request's `requestId`; or `pretty`, Strapi's coloured lines for a person.
 * LOG_FORMAT chooses; by default `json` in production (NODE_ENV=production) and `pretty` elsewhere.
 */
export type LogFormat = 'json' | 'pretty';

export function logFormatOf(env: { NODE_ENV?: string; LOG_FORMAT?: string }): LogFormat {
  const chosen = (env.LOG_FORMAT ?? '').trim().toLowerCase();
  if (chosen === '') return env.NODE_ENV === 'production' ? 'json' : 'pretty';
  if (chosen === 'json' || chosen === 'pretty') return chosen;
  throw new Error(`LOG_FORMAT: expected json or pretty, got "${env.LOG_FORMAT}"`);
}

/** The id of the request this code runs for, from Strapi's request context (set by global::request-id). */
function currentRequestId(): string | undefined {
  const strapi = (globalThis as { strapi?: Core.Strapi }).strapi;
  const ctx = strapi?.requestContext?.get() as { state?: { requestId?: unknown } } | undefined;
  const requestId = ctx?.state?.requestId;
  return typeof requestId === 'string' ? requestId : undefined;
}

// Strapi colours some of its own messages; a JSON line carries the text alone.
// eslint-disable-next-line no-control-regex
const COLOUR_CODES = /[\u001b\u009b][[()#;?]*(?:[0-9]{1,4}(?:;[0-9]{0,4})*)?[0-9A-ORZcf-nqry=><]/g;

const withRequestContext = winston.format((info) => {
  if (typeof info.message === 'string') info.message = info.message.replace(COLOUR_CODES, '');
  const requestId = currentRequestId();
  if (requestId !== undefined && info.requestId === undefined) info.requestId = requestId;
  return info;
});

/** JSON lines: `{"level","message","timestamp","requestId"?, …fields the call passed}`; errors keep their stack. */
export function jsonLines(): winston.Logform.Format {
  return winston.format.combine(
    winston.format.errors({ stack: true }),
    winston.format.timestamp(),
    withRequestContext(),
    winston.format.json()
  );
}
