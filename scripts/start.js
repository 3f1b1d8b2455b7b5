#!/usr/bin/env node
'use strict';
// `npm start`: on a fresh clone installs dependencies, writes .env with random secrets, builds the plugins
// and the admin panel, then starts Strapi, which migrates and (outside production) loads the demo data once.
// Run again, it only rebuilds what changed and starts.
const { spawn } = require('child_process');
const { root, log, prepareApp, strapiBin } = require('./lib');

const env = prepareApp();

log(`starting on ${process.env.DATABASE_CLIENT || 'the DATABASE_CLIENT in .env (sqlite by default)'}…`);
// Strapi itself, not `npx strapi`: a wrapper would leave the server running when this process is stopped.
const server = spawn(strapiBin, ['start'], { cwd: root, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
