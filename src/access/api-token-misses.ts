import type { Core } from '@strapi/strapi';
import { LRUCache } from 'lru-cache';

const MISS_TTL_MS = 10_000;
const MAX_MISSES = 10_000;

/**
 * Every request with a bearer token asks the API-token strategy first, and it looks the token's hash up in
 * the database even when the token is a users-permissions JWT: one query on every signed-in request for
 * nothing. Hashes that matched no API token are remembered for a few seconds. An API token's key is fresh
 * random bytes nobody could have presented before it existed, so a remembered miss never hides a new token;
 * found tokens are not remembered, so a revoked one stops working at once.
 */
export function rememberApiTokenMisses(strapi: Core.Strapi): void {
  const service = strapi.service('admin::api-token-content-api') as { getByAccessKey?: (hash: string, options?: object) => Promise<unknown> } | undefined;
  if (!service?.getByAccessKey) return;
  const lookUp = service.getByAccessKey.bind(service);
  const misses = new LRUCache<string, true>({ max: MAX_MISSES, ttl: MISS_TTL_MS });
  service.getByAccessKey = async (hash: string, options?: object) => {
    if (misses.get(hash)) return null;
    const token = await lookUp(hash, options);
    if (token) misses.delete(hash);
    else misses.set(hash, true);
    return token;
  };
}
