#!/usr/bin/env node
'use strict';
// `npm test`: installs what is missing, builds the local plugins, runs the whole jest suite against a real
// Strapi, and ends with one line `N passed, N failed`. Extra arguments go to jest (e.g. a test path).
// When the run includes browser tests (tests/e2e), it also installs Chromium if it can and builds the admin panel.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { root, log, installDependencies, buildPlugins, buildApp, ensureChromium } = require('./lib');

const jestArgs = process.argv.slice(2);
const env = { STRAPI_TELEMETRY_DISABLED: 'true', ...process.env };

installDependencies();
buildPlugins();
// Resolved only after the install: on a fresh clone jest is not there before it.
const jestBin = require.resolve('jest/bin/jest', { paths: [root] });

/** Whether this run includes a browser test: jest itself resolves the arguments to files. */
function selectsBrowserTests() {
  const listed = spawnSync(process.execPath, [jestBin, '--listTests', ...jestArgs], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  if (listed.status !== 0) return true;
  return listed.stdout.split('\n').some((file) => file.includes(`${path.sep}tests${path.sep}e2e${path.sep}`));
}

// The browser tests load the built admin panel from dist/build. The build takes a minute or more, so it is made only
// for a run that has browser tests to feed, and buildApp skips it when dist/ already holds this very tree.
if (selectsBrowserTests()) {
  const chromium = ensureChromium();
  if (chromium) {
    log(`browser tests use ${chromium}`);
    buildApp(env);
  }
}

const resultsFile = path.join(root, '.tmp', `jest-results-${process.pid}.json`);
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
log(`running tests on ${process.env.DATABASE_CLIENT || 'sqlite'}`);
const jest = spawnSync(process.execPath, [jestBin, '--json', `--outputFile=${resultsFile}`, ...jestArgs], {
  cwd: root,
  stdio: 'inherit',
  env,
});

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
