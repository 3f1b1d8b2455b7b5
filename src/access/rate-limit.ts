import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { queuePrefix } from '../jobs/bullmq-driver';
import { connectForgivingRedis } from '../cache/redis-provider';

/** A limit read from the environment: a positive whole number, else the default. */
export function limitSetting(value: string | undefined, fallback: number): number {
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : fallback;
}

export interface LimiterOptions {
  /** Names the counters, so limiters sharing one store never mix their keys. */
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

/** The calls of rate-limiter-flexible's common interface Lyceum uses; a refusal rejects with a RateLimiterRes. */
export interface Limiter {
  consume(key: string, points?: number): Promise<RateLimiterRes>;
  reward(key: string, points?: number): Promise<RateLimiterRes>;
  get(key: string): Promise<RateLimiterRes | null>;
  delete(key: string): Promise<boolean>;
}

/** Where counters shared by every instance of one database live. */
export interface SharedLimitStore {
  client: Redis;
  /** Unique to the database (the job queue's prefix), so databases sharing one Redis never share counts. */
  prefix: string;
}

/**
 * A limiter on `store`, or in this instance's memory without one. On Redis, a RateLimiterMemory with the same
 * options stands in while Redis is unreachable (rate-limiter-flexible's insurance limiter): an outage costs the
 * sharing of counts, never a failed request.
 */
export function limiterOn(store: SharedLimitStore | undefined, options: LimiterOptions): RateLimiterAbstract {
  const { keyPrefix, points, durationSeconds } = options;
  const memory = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
  if (!store) return memory;
  return new RateLimiterRedis({
    storeClient: store.client,
    useRedisPackage: false,
    rejectIfRedisNotReady: true,
    keyPrefix: `${store.prefix}:rate-limit:${keyPrefix}`,
    points,
    duration: durationSeconds,
    insuranceLimiter: memory,
  });
}

let sharedStore: SharedLimitStore | undefined;

/** In the app's bootstrap: with REDIS_URL every limiter counts in Redis, shared by all instances. */
export function shareRateLimitsWhenConfigured(strapi: Core.Strapi): void {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl || sharedStore) return;
  // Fail-fast and reconnecting in the background: meanwhile each instance counts in memory.
  const client = connectForgivingRedis(redisUrl);
  let lastWarning = 0;
  client.on('error', (error: Error) => {
    if (Date.now() - lastWarning < 60_000) return;
    lastWarning = Date.now();
    strapi.log.warn(`Rate limits: Redis unavailable, counting per instance (${error.message})`);
  });
  sharedStore = { client, prefix: queuePrefix(strapi) };
}

export async function stopSharingRateLimits(): Promise<void> {
  const store = sharedStore;
  sharedStore = undefined;
  store?.client.disconnect();
}

/** The store limiters use now: the tests build a second instance's limiters on it. */
export const sharedLimitStore = (): SharedLimitStore | undefined => sharedStore;

/**
 * The one place that decides where counters live: in Redis when the app shares them (REDIS_URL), else in this
 * instance's memory. Limiters are made when modules load, before bootstrap knows the store, so the real one is
 * built at first use (and again should the store change).
 */
export function createLimiter(options: LimiterOptions): Limiter {
  let built: { store: SharedLimitStore | undefined; limiter: RateLimiterAbstract } | undefined;
  const limiter = () => {
    if (!built || built.store !== sharedStore) built = { store: sharedStore, limiter: limiterOn(sharedStore, options) };
    return built.limiter;
  };
  return {
    consume: (key, points) => limiter().consume(key, points),
    reward: (key, points) => limiter().reward(key, points),
    get: (key) => limiter().get(key),
    delete: (key) => limiter().delete(key),
  };
}

/**
 * A route middleware allowing `points` requests per `durationSeconds` from one IP (with `server.proxy`
 * on, the client's real address), answering 429 beyond it. `name` keeps its counters apart from other limits'.
 */
export function limitPerIp(name: string, points: number, durationSeconds: number) {
  const limiter = createLimiter({ keyPrefix: `ip-${name}`, points, durationSeconds });
  return async (ctx: any, next: () => Promise<unknown>) => {
    try {
      await limiter.consume(ctx.request.ip || 'unknown');
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      ctx.set('Retry-After', String(Math.ceil(rejection.msBeforeNext / 1000)));
      throw new errors.RateLimitError('Too many requests, try again later', { reason: 'rate_limited' });
    }
    return next();
  };
}
