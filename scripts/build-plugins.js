#!/usr/bin/env node
'use strict';
// Type-checks the local plugins' admin pages (src/plugins/*/admin). Their server code needs no step of its own: the
// app's compile (`strapi build`, the tests' global setup) builds it into dist/ with the rest of src/.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
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
