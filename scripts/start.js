#!/usr/bin/env node
'use strict';
// `npm start`: on a fresh clone installs dependencies, writes .env with random secrets, builds the plugins
// and the admin panel, then starts Strapi, which migrates and (outside production) loads the demo data once.
// Run again, it only rebuilds what changed and starts.
const { spawn, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { root, log, installDependencies, ensureEnvFile, buildPlugins } = require('./lib');

installDependencies();
ensureEnvFile();
fs.mkdirSync(path.join(root, '.tmp'), { recursive: true });
buildPlugins();

/** A fingerprint of everything `strapi build` reads, so an unchanged tree is not rebuilt. */
function sourceFingerprint() {
  const hash = crypto.createHash('sha256');
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (['node_modules', 'dist', '.tmp'].includes(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(full).update(fs.readFileSync(full));
    }
  };
  for (const dir of ['src', 'config', 'types']) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  for (const file of ['package-lock.json', 'tsconfig.json']) hash.update(fs.readFileSync(path.join(root, file)));
  return hash.digest('hex');
}

const strapiBin = path.join(root, 'node_modules', '.bin', 'strapi');
const env = { NODE_ENV: 'development', STRAPI_TELEMETRY_DISABLED: 'true', ...process.env };
const stamp = path.join(root, 'dist', '.lyceum-build');
const fingerprint = sourceFingerprint();
if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== fingerprint) {
  log('building the app and the admin panel…');
  const build = spawnSync(strapiBin, ['build'], { cwd: root, stdio: 'inherit', env });
  if (build.status !== 0) {
    log('build failed');
    process.exit(build.status || 1);
  }
  fs.writeFileSync(stamp, fingerprint);
}

log(`starting on ${process.env.DATABASE_CLIENT || 'the DATABASE_CLIENT in .env (sqlite by default)'}…`);
// Strapi itself, not `npx strapi`: a wrapper would leave the server running when this process is stopped.
const server = spawn(strapiBin, ['start'], { cwd: root, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
