import { createRequire } from 'module';
import { randomUUID } from 'crypto';
import type { Core } from '@strapi/strapi';
import { cachesAreCoherent, sharedCache } from '../cache/bus';
import { RememberedLoads } from '../cache/remembered-loads';
import { unauthorized } from '../errors/refusal';
import { forgetAgainAfterCommit } from './forget-on-writes';

/**
 * Sign-in sessions of the Content API (users-permissions in refresh mode), kept by core's session manager in
 * `admin::session` rows. Each refresh rotates the session: a new row (the child) is created and the old one is
 * marked `rotated`; an access token names the row it was minted from. A login's rows share their `deviceId`,
 * which rotation copies, so "the session" a client holds is the set of rows with one user and device: its family.
 * Contract, "Security": logout ends the session, its access token refused at once; reusing a rotated refresh
 * token ends the whole session (OAuth 2.1, RFC 6819 5.2.2.3).
 */
const SESSION = 'admin::session';
export const ORIGIN = 'users-permissions';
/** The sessions table's `device_id` is a varchar(255): a longer id sent at login would fail the insert (500). */
export const MAX_DEVICE_ID_LENGTH = 255;

export interface SessionRow {
  sessionId: string;
  userId: string;
  deviceId?: string | null;
  childId?: string | null;
  status?: string | null;
  absoluteExpiresAt?: string | Date | null;
}

// jsonwebtoken is what core's session manager signs and checks these tokens with: the same library, resolved from
// @strapi/core (a dependency of it, not of this app), so both always agree.
type Jwt = { verify(token: string, key: string, options: Record<string, unknown>): unknown };
const jwt: Jwt = createRequire(require.resolve('@strapi/core'))('jsonwebtoken');

/**
 * The user and session a refresh token names, when it is one this server signed (signature, algorithm, expiry,
 * `type: 'refresh'`), whatever state its row is in; else null. It repeats the check of the session manager's
 * `rotateRefreshToken` with the key users-permissions gives its origin at bootstrap, since core offers no check that
 * does not also require the row to be active, and a rotated row is exactly what reuse detection looks for.
 */
export function verifyRefreshToken(strapi: Core.Strapi, token: string): { userId: string; sessionId: string } | null {
  const config = strapi.config.get<Record<string, any>>('plugin::users-permissions', {});
  const jwtOptions: Record<string, unknown> = { ...(config.jwt ?? {}) };
  const algorithm = typeof config.jwt?.algorithm === 'string' ? config.jwt.algorithm : 'HS256';
  const isAsymmetric = /^(RS|ES|PS)/.test(algorithm);
  const key = isAsymmetric ? jwtOptions.publicKey : config.jwtSecret || strapi.config.get('admin.auth.secret');
  delete jwtOptions.expiresIn;
  delete jwtOptions.privateKey;
  delete jwtOptions.publicKey;
  if (typeof key !== 'string' || !key) return null;
  try {
    const payload = jwt.verify(token, key, { algorithms: [algorithm], ...jwtOptions }) as Record<string, unknown>;
    if (payload?.type !== 'refresh' || typeof payload.sessionId !== 'string' || payload.userId == null) return null;
    return { userId: String(payload.userId), sessionId: payload.sessionId };
  } catch {
    return null;
  }
}

export async function findSession(strapi: Core.Strapi, sessionId: string): Promise<SessionRow | null> {
  return strapi.db.query(SESSION).findOne({ where: { sessionId, origin: ORIGIN } });
}

/** Rows of a family written before every row had a device id: found by following the rotation links. */
const MAX_CHAIN = 1_000;
async function chainOf(strapi: Core.Strapi, row: SessionRow): Promise<string[]> {
  const ids = [row.sessionId];
  for (let child = row.childId; child && ids.length < MAX_CHAIN;) {
    ids.push(child);
    const next: SessionRow | null = await findSession(strapi, child);
    child = next?.childId;
  }
  for (let current = row.sessionId; ids.length < MAX_CHAIN;) {
    const parent: SessionRow | null = await strapi.db
      .query(SESSION)
      .findOne({ where: { childId: current, origin: ORIGIN }, select: ['sessionId'] });
    if (!parent) break;
    ids.push(parent.sessionId);
    current = parent.sessionId;
  }
  return ids;
}

/** Ends the session `row` belongs to: every row of its family goes, so every refresh and access token of it dies. */
export async function endSessionFamily(strapi: Core.Strapi, row: SessionRow): Promise<void> {
  const family = row.deviceId ? { deviceId: row.deviceId } : { sessionId: { $in: await chainOf(strapi, row) } };
  // The user id is in the condition so the cache below forgets exactly this user's sessions.
  await strapi.db.query(SESSION).deleteMany({ where: { origin: ORIGIN, userId: String(row.userId), ...family } });
}

/**
 * Whether each access token's session still exists is asked on every signed-in request, so the answer is kept
 * here with the row's absolute expiry, checked at each use: a session that runs out is refused at that moment, not
 * when the kept answer goes. Any write to sessions drops it at once, in this instance and, through the cache bus
 * (src/cache/bus.ts), on every other one, so a logout, a refresh's reuse detection or a revoked session ends access
 * everywhere on the next request. Since those drops are what keep the answer true, it is kept for minutes, not
 * seconds: the bound only covers writes made outside Strapi (SQL by hand). A session that is gone is remembered too,
 * so replaying a dead token costs no query.
 */
const SESSION_TTL_MS = 5 * 60_000;
const MAX_SESSIONS = 10_000;

/** What a session's row says about its use: gone, or usable until `absoluteExpiresAt` (null: no such limit). */
interface SessionValidity {
  exists: boolean;
  absoluteExpiresAt: number | null;
}
// Tagged with the session's user: a drop of `user:<id>` forgets every session of theirs.
const sessions = new RememberedLoads<SessionValidity, string>({ max: MAX_SESSIONS, ttl: SESSION_TTL_MS });

const validityOf = (row: SessionRow | null): SessionValidity => ({
  exists: !!row,
  absoluteExpiresAt: row?.absoluteExpiresAt ? new Date(row.absoluteExpiresAt).getTime() : null,
});
const isUsable = (validity: SessionValidity, now: number) =>
  validity.exists && (validity.absoluteExpiresAt === null || validity.absoluteExpiresAt > now);

const USER_KEY = 'user:';
const SESSION_KEY = 'session:';

/** Keys on the bus: `user:<id>` (every session of a user) or `session:<id>`. */
const sessionCache = sharedCache('sessions', {
  forget(key) {
    if (key.startsWith(USER_KEY)) {
      const userId = key.slice(USER_KEY.length);
      sessions.forgetTagged((sessionUserId) => sessionUserId === userId);
    } else if (key.startsWith(SESSION_KEY)) sessions.forget(key.slice(SESSION_KEY.length));
    else sessions.forgetAll();
  },
  forgetAll: () => sessions.forgetAll(),
});

const readSession = (strapi: Core.Strapi, sessionId: string): Promise<SessionValidity> =>
  strapi.db
    .query(SESSION)
    .findOne({ where: { sessionId, origin: ORIGIN }, select: ['absoluteExpiresAt'] })
    .then(validityOf);

export function isSessionLive(strapi: Core.Strapi, sessionId: string, userId: string): Promise<boolean> {
  // Not listening to the other instances (Redis away): a logout there could not reach this cache.
  if (!cachesAreCoherent()) return readSession(strapi, sessionId).then((validity) => isUsable(validity, Date.now()));
  return sessions
    .get(sessionId, () => readSession(strapi, sessionId), { tag: String(userId) })
    .then((validity) => isUsable(validity, Date.now()));
}

/** What a write to sessions may have changed: one session, one user's, all (not knowing), or nothing kept here. */
function sessionDropOf(where: Record<string, unknown> | undefined): (() => void) | null {
  const conditions = where && typeof where === 'object' ? where : {};
  // Admin panel sessions share the table; their writes change nothing kept here.
  if (typeof conditions.origin === 'string' && conditions.origin !== ORIGIN) return null;
  const keys = Object.keys(conditions);
  // Expired rows are swept by date alone: a kept answer checks that same date at each use, so the sweep changes
  // nothing it would say.
  if (keys.length === 1 && keys[0] === 'absoluteExpiresAt') return null;
  if (typeof conditions.userId === 'string' || typeof conditions.userId === 'number') {
    const key = USER_KEY + String(conditions.userId);
    return () => sessionCache.forget(key);
  }
  if (typeof conditions.sessionId === 'string') {
    const key = SESSION_KEY + conditions.sessionId;
    return () => sessionCache.forget(key);
  }
  return () => sessionCache.forgetAll();
}

type SessionEvent = { params?: { where?: Record<string, unknown>; data?: Record<string, unknown> } };

/**
 * Gives every new Content API session a device id when the client sent none (stock login and `jwt.issue` leave it
 * empty; register and password changes already make one up), so that a family is always one query away, and keeps
 * the per-request answer above in step with every write to sessions.
 */
export function watchSessions(strapi: Core.Strapi): void {
  const forget = async (event: SessionEvent) => {
    const drop = sessionDropOf(event.params?.where);
    if (!drop) return;
    drop();
    await forgetAgainAfterCommit(strapi, drop);
  };
  strapi.db.lifecycles.subscribe({
    models: [SESSION],
    beforeCreate(event: SessionEvent) {
      const data = event.params?.data;
      if (data && data.origin === ORIGIN && !data.deviceId) data.deviceId = randomUUID();
    },
    afterUpdate: forget,
    afterUpdateMany: forget,
    afterDelete: forget,
    afterDeleteMany: forget,
  });
}

type AuthenticatedUser = { id: number | string; blocked?: boolean | null } | null;
const fetchUser = (strapi: Core.Strapi, userId: string): Promise<AuthenticatedUser> =>
  strapi
    .plugin('users-permissions')
    .service('user')
    .fetchAuthenticatedUser(Number(userId) || userId);

/**
 * Refuses a refresh the stock action would grant or merely refuse: a rotated (already used) refresh token ends its
 * whole session before the 401, since either the client or a thief holds the newer one; a blocked or deleted user's
 * token gets 401 and no new tokens. Anything else is left to the stock action (tokens it does not know: 401).
 */
export async function assertRefreshAllowed(strapi: Core.Strapi, token: string): Promise<void> {
  const claim = verifyRefreshToken(strapi, token);
  if (!claim) return;
  const row = await findSession(strapi, claim.sessionId);
  if (!row || String(row.userId) !== claim.userId) return;
  if (row.status !== 'active') {
    await endSessionFamily(strapi, row);
    throw unauthorized(
      'This refresh token was already used: the session has ended, sign in again',
      'refresh_token_reused'
    );
  }
  const user = await fetchUser(strapi, claim.userId);
  if (!user || user.blocked) throw unauthorized('Invalid refresh token', 'account_blocked');
}

/**
 * Logout ends the session of the access token it was sent with and of the refresh token in its body or cookie
 * (usually one and the same), each only if it is the caller's. The stock action runs after, for its answer and
 * for `scope: 'all'` and `deviceId`, which already remove whole families.
 */
export async function endCallerSessions(
  strapi: Core.Strapi,
  userId: string,
  sessionIds: Array<string | undefined>
): Promise<void> {
  for (const sessionId of new Set(sessionIds)) {
    if (!sessionId) continue;
    const row = await findSession(strapi, sessionId);
    if (row && String(row.userId) === userId) await endSessionFamily(strapi, row);
  }
}
