'use strict';
// Run by the global setup in a child process: boots Strapi once on the database its environment names, so schema
// sync, migrations and the bootstrap's seeding happen there, then shuts it down. Test files copy that database
// instead of syncing a schema each (about 6 s of every boot). A child, not the jest process itself: Strapi's pools
// and timers must not outlive the boot in the process that runs the suite.
const path = require('path');
const { createStrapi } = require('@strapi/strapi');

(async () => {
  const appDir = process.cwd();
  const strapi = createStrapi({ appDir, distDir: path.join(appDir, 'dist') });
  strapi.log.level = 'warn';
  await strapi.load();
  await strapi.destroy();
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
