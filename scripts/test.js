#!/usr/bin/env node
'use strict';
// `npm test`: installs what is missing, builds the local plugins, runs the whole jest suite against a real
// Strapi, and ends with one line `N passed, N failed`. Extra arguments go to jest (e.g. a test path).
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { root, log, installDependencies, buildPlugins } = require('./lib');

installDependencies();
buildPlugins();

const resultsFile = path.join(root, '.tmp', `jest-results-${process.pid}.json`);
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
log(`running tests on ${process.env.DATABASE_CLIENT || 'sqlite'}`);
const jest = spawnSync(
  process.execPath,
  [require.resolve('jest/bin/jest', { paths: [root] }), '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { STRAPI_TELEMETRY_DISABLED: 'true', ...process.env } }
);

let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  // A file that cannot boot or compile has no test results of its own: count it as a failure.
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
  fs.rmSync(resultsFile, { force: true });
} catch {
  failed = Math.max(failed, 1);
}
if (jest.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(jest.status === 0 && failed === 0 ? 0 : 1);
