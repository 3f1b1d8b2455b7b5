import { randomUUID } from 'crypto';

/** The header every answer carries (contract, "Operations"). */
export const REQUEST_ID_HEADER = 'X-Request-Id';

const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id of a request: the caller's own (a proxy's or a client's, so one id follows a request across systems) when
 * it is 1–128 characters of `[A-Za-z0-9._:-]`, else a new UUID. Anything else could carry spaces, quotes or line
 * breaks into log lines, or grow them without bound.
 */
export function requestIdOf(sent: string | string[] | undefined): string {
  return typeof sent === 'string' && ACCEPTED_REQUEST_ID.test(sent) ? sent : randomUUID();
}
