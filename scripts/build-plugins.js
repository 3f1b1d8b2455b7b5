#!/usr/bin/env node
'use strict';
// Compiles the local TypeScript plugins (src/plugins/*) to their dist/, which their strapi-server.js loads.
// The app's own compile skips src/plugins, so this runs before `strapi build`, `strapi start` and the tests.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const pluginsDir = path.join(root, 'src', 'plugins');
const projects = fs
  .readdirSync(pluginsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(pluginsDir, entry.name, 'tsconfig.json')))
  .map((entry) => path.join('src', 'plugins', entry.name));

/** Newest modification time of the TypeScript files under `dir`, skipping the plugins themselves and builds. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['plugins', 'dist', 'node_modules', 'admin'].includes(entry.name))
        newest = Math.max(newest, newestSource(full));
    } else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

// tsc -b judges a project up to date by the files its `include` names, not by the app's shared helpers
// (src/access, src/uploads…) that the plugins import: when one of those changed, rebuild everything.
const builtAt = Math.min(
  ...projects.map((project) => {
    const info = path.join(root, project, 'dist', '.tsbuildinfo');
    return fs.existsSync(info) ? fs.statSync(info).mtimeMs : 0;
  })
);
const force = newestSource(path.join(root, 'src')) > builtAt ? ['--force'] : [];

const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
execFileSync(process.execPath, [tsc, '-b', ...force, ...projects], { cwd: root, stdio: 'inherit' });
// The plugins' admin parts (admin/src, bundled by `strapi build`) are only type-checked here, so `npm test`
// fails on a type error in a page before anyone opens the admin panel. Incremental: an unchanged tree costs ~1 s.
fs.mkdirSync(path.join(root, '.tmp'), { recursive: true });
execFileSync(
  process.execPath,
  [
    tsc,
    '-p',
    path.join('src', 'admin', 'tsconfig.json'),
    '--noEmit',
    '--incremental',
    '--tsBuildInfoFile',
    path.join('.tmp', 'admin-typecheck.tsbuildinfo'),
  ],
  { cwd: root, stdio: 'inherit' }
);
