import type { Core } from '@strapi/strapi';
import { LRUCache } from 'lru-cache';

const MAX_MISSES = 10_000;

/**
 * Every request with a bearer token asks the API-token strategy first, and it looks the token's hash up in
 * the database even when the token is a users-permissions JWT: one query on every signed-in request for
 * nothing. Hashes that matched no API token are remembered (the most recent MAX_MISSES, with no expiry). An
 * API token's key is fresh random bytes nobody could have presented before it existed, so a remembered miss
 * never hides a new token; found tokens are not remembered, so a revoked one stops working at once.
 */
export function rememberApiTokenMisses(strapi: Core.Strapi): void {
  const service = strapi.service('admin::api-token-content-api') as
    | { getByAccessKey?: (hash: string, options?: object) => Promise<unknown>; hash?: (accessKey: string) => string }
    | undefined;
  if (!service?.getByAccessKey) return;
  // The strategy hashes the bearer first (HMAC-SHA512 with the configured salt): the same bearer gives the
  // same hash, so a student's requests hash their token once, not on every request.
  if (service.hash) {
    const hash = service.hash.bind(service);
    const hashes = new LRUCache<string, string>({ max: MAX_MISSES });
    service.hash = (accessKey: string) => {
      let hashed = hashes.get(accessKey);
      if (hashed === undefined) hashes.set(accessKey, (hashed = hash(accessKey)));
      return hashed;
    };
  }
  const lookUp = service.getByAccessKey.bind(service);
  const misses = new LRUCache<string, true>({ max: MAX_MISSES });
  service.getByAccessKey = async (hash: string, options?: object) => {
    if (misses.get(hash)) return null;
    const token = await lookUp(hash, options);
    if (token) misses.delete(hash);
    else misses.set(hash, true);
    return token;
  };
}
