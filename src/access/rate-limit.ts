import { errors } from '@strapi/utils';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

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

/**
 * The one place that decides where counters live: in this instance's memory for now. Every limiter is built here
 * and used only through rate-limiter-flexible's common interface (consume, reward, get, delete), so a shared store
 * (its RateLimiterRedis takes the same options plus a client) replaces this body alone.
 */
export function createLimiter({ keyPrefix, points, durationSeconds }: LimiterOptions): RateLimiterAbstract {
  return new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
}

/**
 * A route middleware allowing `points` requests per `durationSeconds` from one IP (with `server.proxy`
 * on, the client's real address), answering 429 beyond it. In memory: per instance.
 */
export function limitPerIp(points: number, durationSeconds: number) {
  const limiter = new RateLimiterMemory({ points, duration: durationSeconds });
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
