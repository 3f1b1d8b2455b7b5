'use strict';
/**
 * One more Lyceum in its own process, for the kill tests (tests/integration/job-kill.test.ts): boots the compiled
 * Strapi (dist/) on the database the test's own instance made (the DATABASE_* variables it passes), listens on a
 * free port and prints `listening <port>`. With TEST_HANG_CERTIFICATE=before|after its certificate issue stops for
 * good before or after the certificate's insert and prints `hung before|after`, so the test can SIGKILL the process
 * right there. With TEST_INSTANCE_LISTEN=false it serves no HTTP (a worker: it only runs jobs) and prints `ready`.
 * SIGTERM stops it cleanly. tests/helpers/fleet.ts starts these.
 */
const path = require('path');
const { createStrapi } = require('@strapi/strapi');

async function main() {
  const appDir = process.cwd();
  const strapi = createStrapi({ appDir, distDir: path.join(appDir, 'dist') });
  strapi.log.level = process.env.LOG_LEVEL || 'warn';
  await strapi.load();
  const hang = process.env.TEST_HANG_CERTIFICATE;
  if (hang) {
    const certificates = strapi.plugin('certificates').service('certificates');
    const issue = certificates.issue.bind(certificates);
    certificates.issue = async (params) => {
      if (hang === 'after') await issue(params);
      process.stdout.write(`hung ${hang}\n`);
      return new Promise(() => undefined);
    };
  }
  if (process.env.TEST_INSTANCE_LISTEN === 'false') process.stdout.write('ready\n');
  else {
    strapi.server.mount();
    const httpServer = strapi.server.httpServer;
    await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    process.stdout.write(`listening ${httpServer.address().port}\n`);
  }
  process.once('SIGTERM', () => {
    strapi.destroy().then(
      () => process.exit(0),
      () => process.exit(1)
    );
  });
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
