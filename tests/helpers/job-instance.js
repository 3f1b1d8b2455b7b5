'use strict';
/**
 * One more Lyceum in its own process, for the kill tests (tests/integration/job-kill.test.ts): boots the compiled
 * Strapi (dist/) on the database the test's own instance made (the DATABASE_* variables it passes), listens on a
 * free port and prints `listening <port>`. With TEST_HANG_CERTIFICATE=before|after its certificate issue stops for
 * good before or after the certificate's insert and prints `hung before|after`, so the test can SIGKILL the process
 * right there. TEST_HANG_FULFILMENT=before|after does the same to a paid order's fulfilment (before enrolling, or
 * after the enrollment and before the order is marked fulfilled), printing `hung fulfilment before|after`. With
 * TEST_INSTANCE_LISTEN=false it serves no HTTP (a worker: it only runs jobs) and prints `ready`.
 * SIGTERM stops it cleanly. tests/helpers/fleet.ts starts these.
 *
 * For the shutdown test (tests/integration/process-roles.test.ts), test-only hooks that production code never has:
 * TEST_SLOW_REQUESTS=true serves `GET /__test/slow?ms=N`, which prints `slow request started`, answers after N ms
 * with `{ shuttingDown }` (the lifecycle state at the end) and prints `slow request answered`; TEST_SLOW_JOBS=true
 * handles jobs of type `test.slow` (`{ ms }`), printing `slow job started` and `slow job done`.
 */
const path = require('path');
const { createStrapi } = require('@strapi/strapi');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const appDir = process.cwd();
  // The modules the app itself loads from dist/ (one module instance each).
  const fromDist = (file) => require(path.join(appDir, 'dist', 'src', file));
  if (process.env.TEST_SLOW_JOBS === 'true') {
    fromDist('jobs/index.js').defineJob('test.slow', async (_strapi, { ms }) => {
      process.stdout.write('slow job started\n');
      await sleep(ms);
      process.stdout.write('slow job done\n');
    });
  }
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
  const hangFulfilment = process.env.TEST_HANG_FULFILMENT;
  if (hangFulfilment) {
    // `before`: a paid order's fulfilment stops before enrolling anyone; `after`: once the enrollment is written,
    // before the order is marked fulfilled (its receipt and notice not yet recorded).
    const hangForGood = () => {
      process.stdout.write(`hung fulfilment ${hangFulfilment}\n`);
      return new Promise(() => undefined);
    };
    if (hangFulfilment === 'before') strapi.plugin('commerce').service('fulfilment').fulfil = hangForGood;
    else {
      const enrollments = strapi.plugin('enrollment').service('enrollments');
      const enrollBuyer = enrollments.enrollBuyer.bind(enrollments);
      enrollments.enrollBuyer = async (params) => {
        await enrollBuyer(params);
        return hangForGood();
      };
    }
  }
  if (process.env.TEST_SLOW_REQUESTS === 'true') {
    const { isShuttingDown } = fromDist('operations/lifecycle.js');
    // First in the chain, before Strapi's own middlewares (Koa composes them at the first request).
    strapi.server.app.middleware.unshift(async (ctx, next) => {
      if (ctx.path !== '/__test/slow') return next();
      process.stdout.write('slow request started\n');
      await sleep(Number(ctx.query.ms));
      ctx.body = { shuttingDown: isShuttingDown() };
      process.stdout.write('slow request answered\n');
    });
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
