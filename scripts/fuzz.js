#!/usr/bin/env node
'use strict';
// `npm run fuzz`: the fuzz suite (tests/fuzz) with a random seed and more requests than `npm test` sends.
// FUZZ_SEED and FUZZ_RUNS override both; FUZZ_KEEP_GOING=1 lists every kind of failure instead of stopping at the
// first. A failure prints its seed and fast-check's path: FUZZ_SEED=… FUZZ_PATH=… npm run fuzz replays it.
// Extra arguments go to jest (e.g. -t 'lists').
const { spawnSync } = require('child_process');
const { randomInt } = require('crypto');
const path = require('path');

const seed = process.env.FUZZ_SEED || String(randomInt(1, 2 ** 31 - 1));
const runs = process.env.FUZZ_RUNS || '20000';
console.log(`[lyceum] fuzzing with FUZZ_SEED=${seed} FUZZ_RUNS=${runs}`);
const run = spawnSync(process.execPath, [path.join(__dirname, 'test.js'), 'tests/fuzz', ...process.argv.slice(2)], {
  stdio: 'inherit',
  // Each group may take much longer than in npm test: jest's per-test timeout grows with the run count.
  env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs },
});
console.log(
  `[lyceum] fuzzed with FUZZ_SEED=${seed} FUZZ_RUNS=${runs}: ${run.status === 0 ? 'no failure' : 'failures above; replay with the same FUZZ_SEED'}`
);
process.exit(run.status ?? 1);
