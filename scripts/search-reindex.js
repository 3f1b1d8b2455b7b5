#!/usr/bin/env node
'use strict';
// `npm run search:reindex`: empties the search index and makes it again from the published content (README
// "Search"), with a progress bar per kind. Like `npm run worker` it builds first when dist/ is older than the
// sources, then boots the built app without HTTP, jobs or schedules, rebuilds, and exits. Safe while the site
// runs: writes meanwhile enqueue their own index jobs, which make their documents again after the rebuild.
const path = require('path');
const { root, log, prepareApp } = require('./lib');

Object.assign(process.env, prepareApp(), {
  JOBS_WORKER: 'false',
  CRON_ENABLED: 'false',
  LYCEUM_DEMO_DATA: 'false',
});
const { createStrapi } = require('@strapi/strapi');

const WIDTH = 30;
function progressBar({ type, done, total }) {
  const share = total === 0 ? 1 : done / total;
  const filled = Math.round(share * WIDTH);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
  return `${type.padEnd(8)} [${bar}] ${String(Math.round(share * 100)).padStart(3)}% ${done}/${total}`;
}

async function main() {
  const app = createStrapi({ appDir: root, distDir: path.join(root, 'dist') });
  app.log.level = process.env.LOG_LEVEL || 'warn';
  const strapi = await app.load();
  // The same module instance the app loaded (the plugin's server code is compiled into dist/).
  const { rebuildIndex } = require(path.join(root, 'dist', 'src', 'plugins', 'search', 'server', 'src', 'facade.js'));
  const interactive = process.stderr.isTTY;
  let lastType = null;
  let lastTenth = -1;
  const started = Date.now();
  const indexed = await rebuildIndex(strapi, (progress) => {
    const line = progressBar(progress);
    if (interactive) {
      if (lastType !== null && lastType !== progress.type) process.stderr.write('\n');
      process.stderr.write(`\r${line}`);
    } else {
      // Not a terminal (CI, a log file): a line per tenth.
      const tenth = progress.total === 0 ? 10 : Math.floor((progress.done / progress.total) * 10);
      if (progress.type !== lastType || tenth !== lastTenth) process.stderr.write(`${line}\n`);
      lastTenth = tenth;
    }
    lastType = progress.type;
  });
  if (interactive) process.stderr.write('\n');
  const summary = Object.entries(indexed)
    .map(([type, count]) => `${count} ${type} document(s)`)
    .join(', ');
  log(`search index rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s: ${summary || 'nothing to index'}`);
  await strapi.destroy();
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exit(1);
  }
);
