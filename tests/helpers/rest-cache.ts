import { randomBytes } from 'crypto';
import Redis from 'ioredis';

/**
 * Cache settings for one test file: a key prefix of its own, so that with REDIS_URL set (the CI's
 * PostgreSQL pass) a run only ever reads and flushes its own keys.
 */
export function restCacheTestEnv(): Record<string, string> {
  return { REST_CACHE_KEYS_PREFIX: `lyceum-test-${process.pid}-${randomBytes(4).toString('hex')}:` };
}

/** Deletes this run's keys from Redis (no-op on the memory provider). */
export async function flushRestCachePrefix(prefix: string): Promise<void> {
  if (!process.env.REDIS_URL || !prefix) return;
  const client = new Redis(process.env.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    try {
      await client.connect();
    } catch {
      return; // nothing was stored in a Redis that cannot be reached (the Redis-down test)
    }
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== '0');
    // Keyv also lists its keys in one set per namespace.
    do {
      const [next, members] = await client.sscan('namespace:keyv', cursor, 'MATCH', `*${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (members.length) await client.srem('namespace:keyv', ...members);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/** How many keys of this run Redis holds (proves the Redis provider is the one in use). */
export async function countRedisKeys(prefix: string): Promise<number> {
  const client = new Redis(process.env.REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 500);
      cursor = next;
      count += keys.length;
    } while (cursor !== '0');
    return count;
  } finally {
    client.disconnect();
  }
}
