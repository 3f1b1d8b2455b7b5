import type { Core } from '@strapi/strapi';
import { LRUCache } from 'lru-cache';
import { isPatchOn, withStock } from './switches';

const MAX_MISSES = 10_000;

/**
 * Patch: the admin API-token service (`admin::api-token-content-api`) remembers misses and hashes.
 *
 * Stock: every request with a bearer token asks the API-token strategy first (@strapi/admin dist/server/server/
 * src/strategies/content-api-token.js, `authenticate`), which hashes the bearer (services/api-token.js `hash`,
 * HMAC-SHA512 with the configured salt) and looks the hash up (`getByAccessKey`) even when the token is a
 * users-permissions JWT: one query on every signed-in request for nothing.
 * Change: hashes that matched no API token are remembered (the most recent MAX_MISSES, with no expiry), and a
 * bearer's hash is computed once. An API token's key is fresh random bytes nobody could have presented before it
 * existed, so a remembered miss never hides a new token; found tokens are not remembered, so a revoked one stops
 * working at once.
 * Gain: not measured on its own yet (see UPGRADE.md).
 * Off (STRAPI_PATCHES_OFF=api-token-lookup): the service is left as it ships.
 * On upgrade: that the strategy still calls `hash` and `getByAccessKey` on this service (not module functions),
 * and that an API token's key is still random (a remembered miss relies on it).
 */
export function rememberApiTokenMisses(strapi: Core.Strapi): void {
  if (!isPatchOn('api-token-lookup')) return;
  const service = strapi.service('admin::api-token-content-api') as
    | { getByAccessKey?: (hash: string, options?: object) => Promise<unknown>; hash?: (accessKey: string) => string }
    | undefined;
  if (!service?.getByAccessKey) return;
  // The strategy hashes the bearer first (HMAC-SHA512 with the configured salt): the same bearer gives the
  // same hash, so a student's requests hash their token once, not on every request.
  if (service.hash) {
    const hash = service.hash.bind(service);
    const hashes = new LRUCache<string, string>({ max: MAX_MISSES });
    const rememberedHash = (accessKey: string) => {
      let hashed = hashes.get(accessKey);
      if (hashed === undefined) hashes.set(accessKey, (hashed = hash(accessKey)));
      return hashed;
    };
    service.hash = withStock(rememberedHash, hash);
  }
  const lookUp = service.getByAccessKey.bind(service);
  const misses = new LRUCache<string, true>({ max: MAX_MISSES });
  const rememberedLookUp = async (hash: string, options?: object) => {
    if (misses.get(hash)) return null;
    const token = await lookUp(hash, options);
    if (token) misses.delete(hash);
    else misses.set(hash, true);
    return token;
  };
  service.getByAccessKey = withStock(rememberedLookUp, lookUp);
}
