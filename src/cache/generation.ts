/**
 * Counts purges in this process. A response computed while a purge happened may hold the old data: it is
 * not stored (a read racing a write must not put the old answer back after the write purged it).
 */
let purges = 0;

export const purgeGeneration = () => purges;
export const notePurge = () => {
  purges += 1;
};
