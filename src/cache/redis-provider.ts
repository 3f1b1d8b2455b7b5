import type { Core } from '@strapi/strapi';
import Redis from 'ioredis';
import { useSharedProvider } from './response-store';
// The provider package's own init() needs @strapi-community/plugin-redis and refuses to boot while Redis is
// down; its provider class, given our client, keeps the plugin's storage format.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RedisCacheProvider } = require('@strapi-community/provider-rest-cache-redis/lib/RedisCacheProvider');

const WARNING_INTERVAL_MS = 60_000;
// Keyv stores every entry as `<namespace>:<key>`; the provider keeps Keyv's default namespace.
const KEYV_NAMESPACE = 'keyv';

/**
 * Redis behind the REST cache. When Redis is unreachable every call fails at once (no offline queue, no
 * retries per command, short timeouts) and answers "not cached": the API keeps serving from the database.
 */
class ForgivingRedisProvider extends RedisCacheProvider {
  private lastWarning = 0;

  constructor(
    private readonly redis: Redis,
    private readonly strapi: Core.Strapi,
    options: Record<string, unknown>
  ) {
    super(redis, options);
  }

  private warn(error: unknown) {
    if (Date.now() - this.lastWarning < WARNING_INTERVAL_MS) return;
    this.lastWarning = Date.now();
    this.strapi.log.warn(
      `REST cache: Redis unavailable, serving from the database (${(error as Error)?.message ?? error})`
    );
  }

  private async quietly<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
    if (this.redis.status !== 'ready') return fallback;
    try {
      return await operation();
    } catch (error) {
      this.warn(error);
      return fallback;
    }
  }

  async get(key: string) {
    return this.quietly(() => super.get(key), undefined);
  }

  async set(key: string, value: unknown, maxAge?: number) {
    return this.quietly(() => super.set(key, value, maxAge), undefined);
  }

  async del(key: string) {
    return this.quietly(() => super.del(key), undefined);
  }

  /** Keys under the plugin's prefix, by SCAN on names only (the provider's own iterator reads every value). */
  async keys(prefix = '') {
    return this.quietly(async () => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, names] = await this.redis.scan(cursor, 'MATCH', `${KEYV_NAMESPACE}:${prefix}*`, 'COUNT', 1000);
        cursor = next;
        for (const name of names) found.push(name.slice(KEYV_NAMESPACE.length + 1));
      } while (cursor !== '0');
      return found;
    }, [] as string[]);
  }

  // Reported ready even while Redis is away: the plugin would otherwise log an error on every request.
  get ready() {
    return true;
  }

  onError(error: unknown) {
    this.warn(error);
  }
}

export interface RedisCache {
  /** A PING on the cache's connection: rejects at once while it is down, or after REDIS_TIMEOUT_MS. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A Redis connection that never makes a caller wait for an outage: no offline queue, no retries per command, short
 * timeouts (REDIS_TIMEOUT_MS). It reconnects in the background.
 */
export function connectForgivingRedis(url: string): Redis {
  const timeout = Number(process.env.REDIS_TIMEOUT_MS ?? 1000);
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeout,
    commandTimeout: timeout,
    // Keeps trying in the background; requests meanwhile go to the database.
    retryStrategy: (attempt) => Math.min(attempt * 500, 5_000),
  });
}

/** Replaces the REST cache's memory provider with Redis when REDIS_URL is set. */
export function useRedisWhenConfigured(strapi: Core.Strapi): RedisCache | undefined {
  const url = process.env.REDIS_URL;
  if (!url || !strapi.plugin('rest-cache')) return undefined;
  const client = connectForgivingRedis(url);
  const provider = new ForgivingRedisProvider(client, strapi, {});
  client.on('error', (error) => provider.onError(error));
  void strapi.plugin('rest-cache').service('cacheStore').init(provider);
  useSharedProvider(strapi, provider);
  strapi.log.info('REST cache: Redis provider');
  return {
    async ping() {
      await client.ping();
    },
    async close() {
      client.disconnect();
    },
  };
}
