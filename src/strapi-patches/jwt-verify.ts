import type { Core } from '@strapi/strapi';
import { LRUCache } from 'lru-cache';
import { isSessionLive } from '../access/sessions';
import { readAuthenticatedUser, sharedUser } from './authenticated-user';
import { isPatchOn, withStock } from './switches';

/**
 * Patch: the users-permissions jwt service's `verify`, in refresh mode (`jwtManagement: 'refresh'`).
 *
 * Stock (@strapi/plugin-users-permissions dist/server/services/jwt.js, `verify`): checks the access token with
 * the session manager (`strapi.sessionManager('users-permissions').validateAccessToken`: signature, expiry,
 * `type: 'access'`) on every request, then reads the token's user to see that it still exists: a second read of
 * the row the strategy then fetches with its role.
 * Change: a valid token's check is remembered (a minute at most, never past its `exp`; invalid ones are not), and
 * the user is read through the row authenticated-user.ts keeps. It adds one rule stock Strapi lacks (contract,
 * "Security"): the token's session must still exist, so logout and revocation end access at once.
 * Gain: not measured on its own yet (see UPGRADE.md). The signature check costs more than the rest of a cached
 * request: jsonwebtoken first tries the HMAC secret as a public key, and fails.
 * Off (STRAPI_PATCHES_OFF=jwt-verify): every token is checked anew and its user read anew; the session rule stays.
 * Legacy mode (no refresh tokens) is left to the stock function.
 * On upgrade: the stock `verify` (which errors it throws, what it returns: `{ id }`), `validateAccessToken`'s answer
 * and the payload's fields (`userId`, `sessionId`, `type`, `exp`).
 */
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
  const isRemembering = isPatchOn('jwt-verify');
  const known = isRemembering ? verifiedTokens.get(token) : undefined;
  if (known) return known;
  const result = strapi.sessionManager('users-permissions').validateAccessToken(token) as {
    isValid: boolean;
    payload: AccessTokenPayload;
  };
  if (!result.isValid || result.payload.type !== 'access') return null;
  const now = Date.now();
  const lifetime = typeof result.payload.exp === 'number' ? result.payload.exp * 1000 - now : 0;
  if (lifetime > 0 && isRemembering)
    verifiedTokens.set(token, result.payload, { ttl: Math.min(lifetime, VERIFIED_TOKEN_TTL_MS) });
  return result.payload;
}

/**
 * In refresh mode users-permissions checks, for every access token, that its user still exists: a second read
 * of the same row the strategy then fetches with its role. Both go through the one remembered row. The token
 * checks are the stock ones (signature, expiry, `type: 'access'`), their outcome remembered as above, plus one
 * stock Strapi lacks: the token's session still exists, so logout and revocation end access at once.
 */
export function withRememberedTokenUser<Service extends JwtService>(strapi: Core.Strapi, service: Service): Service {
  const stockVerify = (token: string) => service.verify(token);
  const verify = async (token: string) => {
    if (strapi.config.get<string>('plugin::users-permissions.jwtManagement', 'legacy-support') !== 'refresh')
      return service.verify(token);
    const payload = validAccessToken(strapi, token);
    if (!payload) throw new Error('Invalid token.');
    // Every access token the session manager mints names its session: one without is not ours.
    if (typeof payload.sessionId !== 'string') throw new Error('Invalid token.');
    const id = Number(payload.userId) || payload.userId;
    // Only the id is read here, so the shared row needs no copy. Off, the read is the stock one, every time.
    const read =
      readAuthenticatedUser ??
      ((userId: unknown) => strapi.plugin('users-permissions').service('user').fetchAuthenticatedUser(userId));
    // The session must still exist (not logged out, not revoked): both answers are usually kept, so no query.
    const [user, isLive] = await Promise.all([
      (isPatchOn('jwt-verify') ? sharedUser(id, read) : read(id)) as Promise<{ id: number } | null>,
      isSessionLive(strapi, payload.sessionId, String(payload.userId)),
    ]);
    if (!user || !isLive) throw new Error('Invalid token.');
    return { id: user.id, sessionId: payload.sessionId };
  };
  return { ...service, verify: withStock(verify, stockVerify) };
}
