import type { Core } from '@strapi/strapi';
import { LRUCache } from 'lru-cache';
import { forgetOnWrites } from './forget-on-writes';
import { isSessionLive } from './sessions';

/**
 * users-permissions reads the caller and their role from the database on every authenticated request (three
 * queries), though both change rarely. The row is kept here briefly: dropped at once on any write to users or
 * roles in this instance, and after AUTHENTICATED_USER_TTL_MS at the latest for changes made through another
 * instance (a user blocked there keeps access for at most that long, well inside an access token's lifetime).
 * As long as the course structure is kept: a student's requests come seconds apart, so a shorter life would
 * read the row again on most of them.
 */
const AUTHENTICATED_USER_TTL_MS = 30_000;
const MAX_USERS = 10_000;

const USER = 'plugin::users-permissions.user';
const ROLE = 'plugin::users-permissions.role';

const users = new Map<string, { user: Promise<unknown>; expiresAt: number }>();

export function forgetAuthenticatedUsers() {
  users.clear();
}

/** The caller's user row with its role, shared: from this cache, or read once by `load` for all who ask meanwhile. */
function sharedUser(id: unknown, load: (id: unknown) => Promise<unknown>): Promise<unknown> {
  const key = String(id);
  const now = Date.now();
  let cached = users.get(key);
  if (!cached || cached.expiresAt <= now) {
    if (users.size >= MAX_USERS) users.clear();
    cached = { user: load(id), expiresAt: now + AUTHENTICATED_USER_TTL_MS };
    users.set(key, cached);
    // A failed or empty read is not kept: the next request asks the database again.
    cached.user.then(
      (user) => (user ? undefined : users.delete(key)),
      () => users.delete(key)
    );
  }
  return cached.user;
}

/** The stock read of users-permissions, kept by the user-service wrapper for the token check below. */
let readAuthenticatedUser: ((id: unknown) => Promise<unknown>) | null = null;

type UserService = { fetchAuthenticatedUser(id: unknown): Promise<unknown>; [name: string]: unknown };

/** The users-permissions user service with the per-request read of the caller remembered. */
export function withRememberedAuthenticatedUser<Service extends UserService>(service: Service): Service {
  const read = (id: unknown) => service.fetchAuthenticatedUser(id);
  readAuthenticatedUser = read;
  return {
    ...service,
    async fetchAuthenticatedUser(id: unknown) {
      const user = await sharedUser(id, read);
      // This row becomes ctx.state.user: code that decorates it (or its role) must not reach another request.
      // A copy of the row and its role, not structuredClone: that deep copy cost more than the rest of the read.
      if (!user) return user;
      const row = user as { role?: object | null };
      return { ...row, ...(row.role ? { role: { ...row.role } } : {}) };
    },
  };
}

type JwtService = { verify(token: string): Promise<unknown>; [name: string]: unknown };
type AccessTokenPayload = { type?: string; userId?: unknown; sessionId?: string; exp?: number };

const VERIFIED_TOKEN_TTL_MS = 60_000;
const MAX_VERIFIED_TOKENS = 10_000;
const verifiedTokens = new LRUCache<string, AccessTokenPayload>({ max: MAX_VERIFIED_TOKENS });

/**
 * An access token's signature check gives the same answer every time until the token expires, and costs
 * more than the rest of a cached request (jsonwebtoken first tries the HMAC secret as a public key, and
 * fails). Valid tokens are remembered for a minute, never past their own `exp`; invalid ones are not.
 */
function validAccessToken(strapi: Core.Strapi, token: string): AccessTokenPayload | null {
  const known = verifiedTokens.get(token);
  if (known) return known;
  const result = strapi.sessionManager('users-permissions').validateAccessToken(token) as {
    isValid: boolean;
    payload: AccessTokenPayload;
  };
  if (!result.isValid || result.payload.type !== 'access') return null;
  const now = Date.now();
  const lifetime = typeof result.payload.exp === 'number' ? result.payload.exp * 1000 - now : 0;
  if (lifetime > 0) verifiedTokens.set(token, result.payload, { ttl: Math.min(lifetime, VERIFIED_TOKEN_TTL_MS) });
  return result.payload;
}

/**
 * In refresh mode users-permissions checks, for every access token, that its user still exists: a second read
 * of the same row the strategy then fetches with its role. Both go through the one remembered row. The token
 * checks are the stock ones (signature, expiry, `type: 'access'`), their outcome remembered as above, plus one
 * stock Strapi lacks: the token's session still exists, so logout and revocation end access at once.
 */
export function withRememberedTokenUser<Service extends JwtService>(strapi: Core.Strapi, service: Service): Service {
  return {
    ...service,
    async verify(token: string) {
      if (strapi.config.get<string>('plugin::users-permissions.jwtManagement', 'legacy-support') !== 'refresh')
        return service.verify(token);
      const payload = validAccessToken(strapi, token);
      if (!payload) throw new Error('Invalid token.');
      // Every access token the session manager mints names its session: one without is not ours.
      if (typeof payload.sessionId !== 'string') throw new Error('Invalid token.');
      const id = Number(payload.userId) || payload.userId;
      // Only the id is read here, so the shared row needs no copy.
      const read =
        readAuthenticatedUser ??
        ((userId: unknown) => strapi.plugin('users-permissions').service('user').fetchAuthenticatedUser(userId));
      // The session must still exist (not logged out, not revoked): both answers are usually kept, so no query.
      const [user, isLive] = await Promise.all([
        sharedUser(id, read) as Promise<{ id: number } | null>,
        isSessionLive(strapi, payload.sessionId, String(payload.userId)),
      ]);
      if (!user || !isLive) throw new Error('Invalid token.');
      return { id: user.id, sessionId: payload.sessionId };
    },
  };
}

export function forgetAuthenticatedUsersOnWrites(strapi: Core.Strapi) {
  forgetOnWrites(strapi, [USER, ROLE], forgetAuthenticatedUsers);
}

const ADVANCED_SETTINGS_TTL_MS = 5_000;
let advancedSettings: { value: Promise<unknown>; expiresAt: number } | null = null;

type StoreParams = { type?: string; name?: string; key?: string; [other: string]: unknown };
const isAdvancedSettings = (params: StoreParams) =>
  params?.type === 'plugin' && params?.name === 'users-permissions' && params?.key === 'advanced';

/**
 * The strategy also reads the users-permissions "advanced" settings (is email confirmation required?) on every
 * authenticated request. Scoped stores call the core store's own get/set/delete, so wrapping those three keeps
 * the value for a few seconds and drops it on any write to it in this instance.
 */
export function rememberAdvancedSettings(strapi: Core.Strapi) {
  const store = strapi.store as unknown as {
    get: (params: StoreParams) => Promise<unknown>;
    set: (params: StoreParams) => Promise<unknown>;
    delete: (params: StoreParams) => Promise<unknown>;
  };
  const { get, set, delete: remove } = store;
  store.get = (params) => {
    if (!isAdvancedSettings(params)) return get(params);
    const now = Date.now();
    if (!advancedSettings || advancedSettings.expiresAt <= now) {
      const value = get(params);
      advancedSettings = { value, expiresAt: now + ADVANCED_SETTINGS_TTL_MS };
      value.catch(() => (advancedSettings = null));
    }
    return advancedSettings.value.then((value) => structuredClone(value));
  };
  store.set = (params) => {
    if (isAdvancedSettings(params)) advancedSettings = null;
    return set(params);
  };
  store.delete = (params) => {
    if (isAdvancedSettings(params)) advancedSettings = null;
    return remove(params);
  };
}
