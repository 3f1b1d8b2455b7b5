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

const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
execFileSync(process.execPath, [tsc, '-b', ...projects], { cwd: root, stdio: 'inherit' });
// The plugins' admin parts (admin/src, bundled by `strapi build`) are only type-checked here, so `npm test`
// fails on a type error in a page before anyone opens the admin panel.
execFileSync(process.execPath, [tsc, '-p', path.join('src', 'admin', 'tsconfig.json'), '--noEmit'], { cwd: root, stdio: 'inherit' });
