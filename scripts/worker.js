#!/usr/bin/env node
'use strict';
// `npm run worker`: a Lyceum process that runs jobs and schedules and serves no HTTP (README "Processes"). Like
// `npm start` it installs what is missing and builds when dist/ is missing or older than the sources, then boots the
// built app (scripts/worker-process.js). SIGTERM or SIGINT lets the running jobs finish, then it exits.
const { spawn } = require('child_process');
const path = require('path');
const { root, log, prepareApp } = require('./lib');

const env = prepareApp();

log('starting a worker (jobs and schedules, no HTTP)…');
const worker = spawn(process.execPath, [path.join(root, 'scripts', 'worker-process.js')], {
  cwd: root,
  stdio: 'inherit',
  env,
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => worker.kill(signal));
worker.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
