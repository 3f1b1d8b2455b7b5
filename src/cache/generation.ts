import { sharedCache } from './bus';

/**
 * Counts purges of the REST cache, in this instance and (through the cache bus) in every other one sharing the Redis
 * store. A response computed while a purge happened may hold the old data: it is not stored (a read racing a write,
 * here or on another instance, must not put the old answer back after the write purged it).
 */
let purges = 0;
const countPurge = () => {
  purges += 1;
};
const purgesEverywhere = sharedCache('rest-cache-purges', { forget: countPurge, forgetAll: countPurge });

export const purgeGeneration = () => purges;
export const notePurge = () => purgesEverywhere.forgetAll();
