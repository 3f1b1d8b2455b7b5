'use strict';
// The worker itself (`npm run worker` builds, then runs this): the built app (dist/) loaded as `strapi start` loads
// it, with its job runner and schedule ticker on (JOBS_WORKER=true), and no HTTP server listening. Strapi's own
// signal handler destroys it on SIGTERM or SIGINT; Lyceum's destroy lets the running jobs finish first
// (src/operations/graceful-shutdown.ts).
const path = require('path');

const root = path.resolve(__dirname, '..');
// A worker that runs no jobs would do nothing at all.
process.env.JOBS_WORKER = 'true';
// The web instance loads the demo data (outside production); two processes loading it at once would race.
process.env.LYCEUM_DEMO_DATA = 'false';
const { createStrapi } = require('@strapi/strapi');

async function main() {
  const strapi = createStrapi({ appDir: root, distDir: path.join(root, 'dist') });
  await strapi.load();
  strapi.log.info(`Lyceum worker running (pid ${process.pid}): jobs and schedules, no HTTP`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
