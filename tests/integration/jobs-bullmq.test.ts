import path from 'path';
import { QueueEvents } from 'bullmq';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * The BullMQ driver (REDIS_URL set): it is the one in use, jobs reach their handlers through its queue, and two
 * instances on one database and one Redis run a committed job once. Without REDIS_URL (the SQLite run) it is skipped:
 * the database driver's tests are tests/integration/jobs.test.ts.
 */
type Jobs = typeof import('../../src/jobs');
type Runner = typeof import('../../src/jobs/runner');
type Settings = typeof import('../../src/jobs/settings');
type Driver = typeof import('../../src/jobs/bullmq-driver');
// The modules the running Strapi uses (compiled into dist/), not ts-jest's copies: job kinds live in their registry.
const fromDist = <Module>(file: string): Module => require(path.join(process.cwd(), 'dist', 'src', 'jobs', file));
const jobs = fromDist<Jobs>('index.js');
const { JobRunner } = fromDist<Runner>('runner.js');
const { jobSettings } = fromDist<Settings>('settings.js');
const { BullmqDriver, queueJobId } = fromDist<Driver>('bullmq-driver.js');

const runs = new Map<number, number>();
const counted = jobs.defineJob<{ n: number }>('test.bullmq-count', async (_strapi, { n }) => {
  runs.set(n, (runs.get(n) ?? 0) + 1);
  // Long enough for both instances' relays and workers to reach the job while it runs.
  await new Promise((resolve) => setTimeout(resolve, 30));
});

const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;

let app: TestApp;

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const table = () => {
  const schema = app.strapi.db.dialect.client === 'postgres' ? app.strapi.db.getSchemaName() : null;
  return schema ? `${schema}.lyceum_jobs` : 'lyceum_jobs';
};
async function rowsOf(ids: number[]): Promise<Array<{ status: string; attempts: number }>> {
  const result = (await app.strapi.db.connection.raw(
    `SELECT status, attempts FROM ?? WHERE id IN (${ids.map(() => '?').join(', ')})`,
    [table(), ...ids]
  )) as { rows: Array<{ status: string; attempts: unknown }> } | Array<{ status: string; attempts: unknown }>;
  const rows = Array.isArray(result) ? result : result.rows;
  return rows.map((row) => ({ status: row.status, attempts: Number(row.attempts) }));
}

describeWithRedis('the BullMQ driver', () => {
  beforeAll(async () => {
    app = await startLyceum({ JOBS_POLL_MS: '100' });
  });
  afterAll(stopLyceum);

  test('with REDIS_URL set it is the driver in use, and a committed job runs through its queue', async () => {
    const driver = jobs.jobDriver(app.strapi);
    expect(driver).toBeInstanceOf(BullmqDriver);
    const prefix = (driver as InstanceType<typeof BullmqDriver>).keyPrefix;
    // QueueEvents takes ioredis options: the test Redis's host and port.
    const url = new URL(redisUrl!);
    const listening = new QueueEvents('jobs', {
      connection: { host: url.hostname, port: Number(url.port || 6379) },
      prefix,
    });
    try {
      await listening.waitUntilReady();
      const completed = new Set<string>();
      listening.on('completed', ({ jobId }) => completed.add(jobId));
      const job = await app.strapi.db.transaction(() => jobs.enqueue(app.strapi, counted, { n: 0 }));
      await until(() => completed.has(queueJobId(job.id)), 'the BullMQ job to complete');
      expect(runs.get(0)).toBe(1);
      expect(await rowsOf([job.id])).toEqual([{ status: 'done', attempts: 1 }]);
    } finally {
      await listening.close();
    }
  });

  test('two instances on one database and one Redis: each committed job runs once', async () => {
    // A second instance's driver: its own runner (its own worker id) and its own Redis connections.
    const settings = jobSettings(process.env);
    expect(settings.driver).toBe('bullmq');
    const second = new BullmqDriver(
      app.strapi,
      settings,
      new JobRunner(app.strapi, settings, jobs.jobHandler),
      redisUrl!
    );
    await second.start();
    try {
      const numbers = Array.from({ length: 20 }, (_, index) => index + 1);
      const enqueued = await app.strapi.db.transaction(() =>
        Promise.all(numbers.map((n) => jobs.enqueue(app.strapi, counted, { n })))
      );
      // Both relays hand the same rows to the queue, at once.
      second.wake();
      await Promise.all([second.relay(), second.relay()]);
      const ids = enqueued.map((job) => job.id);
      await until(async () => (await rowsOf(ids)).every((row) => row.status === 'done'), 'all jobs to be done');
      expect(numbers.map((n) => runs.get(n))).toEqual(numbers.map(() => 1));
      expect(await rowsOf(ids)).toEqual(ids.map(() => ({ status: 'done', attempts: 1 })));
    } finally {
      await second.stop();
    }
  });
});

// Keeps jest from failing a file whose only describe is skipped (the SQLite run).
test('the database driver without REDIS_URL', () => {
  if (redisUrl) return;
  expect(jobSettings({}).driver).toBe('database');
});
