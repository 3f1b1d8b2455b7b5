import { cacheBus } from '../cache/bus';

/**
 * Holds an answer until the cache drops its request published are in Redis (src/cache/bus.ts). A write answered by
 * one instance is then seen by the caller's next request to any other one, not only within the bus's usual
 * milliseconds. Costs one Redis round trip, and only to requests that dropped something.
 */
export default () => async (_ctx: unknown, next: () => Promise<unknown>) => {
  try {
    await next();
  } finally {
    await cacheBus()?.settled();
  }
};
