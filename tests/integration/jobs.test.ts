import path from 'path';
import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * The transactional outbox and its runner: a job commits or rolls back with the change that caused it, runs once,
 * is retried with backoff until dead, and admins list and retry dead jobs over HTTP.
 */
type Jobs = typeof import('../../src/jobs');
type Runner = typeof import('../../src/jobs/runner');
type Settings = typeof import('../../src/jobs/settings');
// The modules the running Strapi uses (compiled into dist/), not ts-jest's copies: job kinds live in their registry.
const fromDist = <Module>(file: string): Module => require(path.join(process.cwd(), 'dist', 'src', 'jobs', file));
const jobs = fromDist<Jobs>('index.js');
const { JobRunner } = fromDist<Runner>('runner.js');
const { jobSettings } = fromDist<Settings>('settings.js');

const effects: number[] = [];
const recorded = jobs.defineJob<{ n: number }>('test.record', async (_strapi, payload) => {
  effects.push(payload.n);
});
let isMailServerDown = true;
const failedAt: number[] = [];
const sendMail = jobs.defineJob<{ to: string }>('test.mail', async () => {
  failedAt.push(Date.now());
  if (isMailServerDown) throw new Error('mail server said no');
});
let slowRuns = 0;
let releaseSlow: () => void = () => undefined;
const slow = jobs.defineJob<Record<string, never>>('test.slow', async () => {
  slowRuns += 1;
  await new Promise<void>((resolve) => {
    releaseSlow = resolve;
  });
});

let app: TestApp;
let admin: TestUser;
let teacher: TestUser;
let student: TestUser;

const jobRow = async (id: number) =>
  (await app.strapi.db.connection.raw('SELECT * FROM ?? WHERE id = ?', [table(), id])) as unknown;
const table = () => {
  const schema = app.strapi.db.dialect.client === 'postgres' ? app.strapi.db.getSchemaName() : null;
  return schema ? `${schema}.lyceum_jobs` : 'lyceum_jobs';
};
async function row(id: number): Promise<Record<string, any> | undefined> {
  const result = (await jobRow(id)) as any;
  return Array.isArray(result) ? result[0] : result.rows[0];
}
async function countRows(where: string, bindings: unknown[]): Promise<number> {
  const result = (await app.strapi.db.connection.raw(`SELECT COUNT(*) AS n FROM ?? WHERE ${where}`, [
    table(),
    ...bindings,
  ])) as any;
  return Number((Array.isArray(result) ? result[0] : result.rows[0]).n);
}
async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  app = await startLyceum({
    JOBS_POLL_MS: '50',
    JOBS_BACKOFF_BASE_MS: '100',
    JOBS_BACKOFF_MAX_MS: '200',
    JOBS_MAX_ATTEMPTS: '3',
  });
  const make = factories(app.strapi);
  [admin, teacher, student] = await Promise.all([
    make.createUser('admin'),
    make.createUser('teacher'),
    make.createUser('student'),
  ]);
});
afterAll(stopLyceum);

describe('the outbox', () => {
  test('a job recorded in a rolled-back transaction never runs; one in a committed transaction runs once', async () => {
    await expect(
      app.strapi.db.transaction(async () => {
        await jobs.enqueue(app.strapi, recorded, { n: 1 });
        throw new Error('the change failed');
      })
    ).rejects.toThrow('the change failed');
    const committed = await app.strapi.db.transaction(() => jobs.enqueue(app.strapi, recorded, { n: 2 }));
    await until(async () => (await row(committed.id))?.status === 'done', 'the committed job');
    expect(await countRows('payload = ?', ['{"n":1}'])).toBe(0);
    expect(effects).toEqual([2]);
    expect(await row(committed.id)).toMatchObject({ attempts: 1, last_error: null });
  });

  test('a second enqueue with the same key adds nothing, even sent at once', async () => {
    const enqueued = await Promise.all(
      Array.from({ length: 5 }, () => jobs.enqueue(app.strapi, recorded, { n: 3 }, { key: 'once' }))
    );
    expect(new Set(enqueued.map((job) => job.id)).size).toBe(1);
    expect(await countRows(`type = ? AND "key" = ?`, ['test.record', 'once'])).toBe(1);
    await until(async () => (await row(enqueued[0].id))?.status === 'done', 'the keyed job');
    expect(effects.filter((n) => n === 3)).toEqual([3]);
  });

  test('deliver() runs the job before it resolves', async () => {
    const job = await jobs.enqueue(app.strapi, recorded, { n: 4 });
    await job.deliver();
    expect(effects).toContain(4);
    expect((await row(job.id))?.status).toBe('done');
  });

  test('a failing job is retried with growing waits and ends dead with its error', async () => {
    const job = await jobs.enqueue(app.strapi, sendMail, { to: 'someone@example.com' });
    await until(async () => (await row(job.id))?.status === 'dead', 'the dead job');
    expect(await row(job.id)).toMatchObject({ attempts: 3, last_error: 'mail server said no' });
    expect(failedAt).toHaveLength(3);
    // Backoff: 100 ms after the first failure, 200 ms (doubled, the cap) after the second.
    expect(failedAt[1] - failedAt[0]).toBeGreaterThanOrEqual(100);
    expect(failedAt[2] - failedAt[1]).toBeGreaterThanOrEqual(200);
  });

  test('two runners racing for one job: it runs once', async () => {
    // Due an hour from now: only the two racing runners (whose clocks run ahead) see it, not this instance's own.
    const job = await jobs.enqueue(app.strapi, slow, {}, { runAt: new Date(Date.now() + 3_600_000) });
    const settings = jobSettings(process.env);
    const later = () => Date.now() + 7_200_000;
    const runners = [1, 2].map(() => new JobRunner(app.strapi, settings, jobs.jobHandler, later));
    const racing = Promise.all(
      runners.flatMap((runner) => [runner.runNow(job.id), runner.poll(), runner.runNow(job.id)])
    );
    await until(() => slowRuns > 0, 'the slow job to start');
    releaseSlow();
    await racing;
    await Promise.all(runners.map((runner) => runner.stop()));
    expect(slowRuns).toBe(1);
    expect(await row(job.id)).toMatchObject({ status: 'done', attempts: 1 });
  });

  (process.env.DATABASE_CLIENT === 'postgres' ? test : test.skip)(
    'an inline delivery that finds the row locked by another claim (skipped, still pending) waits and runs it',
    async () => {
      // PostgreSQL claims with FOR UPDATE SKIP LOCKED: while another claim's UPDATE holds the row, ours finds nothing
      // and the committed status still says pending.
      const job = await jobs.enqueue(app.strapi, recorded, { n: 41 }, { runAt: new Date(Date.now() + 3_600_000) });
      const settings = jobSettings(process.env);
      const inline = new JobRunner(app.strapi, settings, jobs.jobHandler, () => Date.now() + 7_200_000);
      let release: () => void = () => undefined;
      let locked: () => void = () => undefined;
      const isLocked = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const holder = app.strapi.db.connection.transaction(async (trx) => {
        await trx.raw('SELECT id FROM ?? WHERE id = ? FOR UPDATE', [table(), job.id]);
        locked();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      });
      await isLocked;
      let delivered = false;
      const delivery = inline.runNow(job.id).then(() => {
        delivered = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(delivered).toBe(false);
      release();
      await holder;
      await delivery;
      expect(effects).toContain(41);
      expect(await row(job.id)).toMatchObject({ status: 'done' });
      await inline.stop();
    }
  );

  test("an inline delivery that loses the claim waits for the winner's run", async () => {
    // A webhook answers "enrolled" only after its job ran, whichever claim (its own, the polling loop's, the BullMQ
    // worker's, another instance's) won the row.
    const job = await jobs.enqueue(app.strapi, slow, {}, { runAt: new Date(Date.now() + 3_600_000) });
    const settings = jobSettings(process.env);
    const later = () => Date.now() + 7_200_000;
    const [inline, winner] = [1, 2].map(() => new JobRunner(app.strapi, settings, jobs.jobHandler, later));
    const runsBefore = slowRuns;
    expect(await winner.poll()).toBeGreaterThan(0);
    await until(() => slowRuns > runsBefore, 'the winner to start the slow job');
    let delivered = false;
    const delivery = inline.runNow(job.id).then(() => {
      delivered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(delivered).toBe(false);
    releaseSlow();
    await delivery;
    expect(await row(job.id)).toMatchObject({ status: 'done', attempts: 1 });
    await Promise.all([inline, winner].map((runner) => runner.stop()));
  });

  (process.env.DATABASE_CLIENT === 'postgres' ? test : test.skip)(
    'a job held for its request: no poll takes it, its delivery runs it once; a process gone, the next runner after the lease',
    async () => {
      // What a paid webhook does with its fulfilment (enqueueHeldInStatement): the job written claimed by its own
      // statement, then delivered by the request, while other runners poll all along.
      const record = async (n: number) => {
        const held = jobs.enqueueHeldInStatement(app.strapi, recorded, {
          payload: { n },
          key: `held-${n}-${Date.now()}`,
          from: 'source',
        });
        const result = (await app.strapi.db.connection.raw(
          `WITH source AS (SELECT 1 AS one), job AS (${held.statement.sql} RETURNING id) SELECT id FROM job`,
          held.statement.bindings as any[]
        )) as any;
        return held.recorded(Number(result.rows[0].id));
      };
      const settings = jobSettings(process.env);
      const poller = new JobRunner(app.strapi, settings, jobs.jobHandler);
      const job = await record(51);
      expect(await row(job.id)).toMatchObject({ status: 'running', attempts: 1 });
      await poller.poll();
      expect(effects).not.toContain(51);
      expect(await row(job.id)).toMatchObject({ status: 'running', attempts: 1 });
      await job.deliver();
      expect(effects.filter((n) => n === 51)).toEqual([51]);
      expect(await row(job.id)).toMatchObject({ status: 'done', attempts: 1 });

      // Recorded, then the process died before delivering it: the job waits for its lease, then runs elsewhere.
      const orphan = await record(52);
      await poller.poll();
      expect(await row(orphan.id)).toMatchObject({ status: 'running', attempts: 1 });
      const afterTheLease = new JobRunner(
        app.strapi,
        settings,
        jobs.jobHandler,
        () => Date.now() + settings.leaseMs + 1
      );
      await afterTheLease.poll();
      await until(async () => (await row(orphan.id))?.status === 'done', 'the orphan to run after its lease');
      expect(effects.filter((n) => n === 52)).toEqual([52]);
      expect(await row(orphan.id)).toMatchObject({ attempts: 2 });
      await Promise.all([poller, afterTheLease].map((runner) => runner.stop()));
    }
  );
});

describe('dead jobs over HTTP', () => {
  let deadId: number;
  beforeAll(async () => {
    const dead = await app.request.get('/api/jobs?status=dead').set(admin.auth);
    deadId = dead.body.data.find((job: { type: string }) => job.type === 'test.mail').id;
  });

  test('admins list dead jobs, paged, with their error and payload', async () => {
    const response = await app.request
      .get('/api/jobs')
      .query({ status: 'dead', 'pagination[page]': 1, 'pagination[pageSize]': 10 })
      .set(admin.auth);
    expect(response.status).toBe(200);
    expect(response.body.meta.pagination).toEqual({ page: 1, pageSize: 10, pageCount: 1, total: 1 });
    expect(response.body.data).toEqual([
      {
        id: deadId,
        type: 'test.mail',
        key: null,
        status: 'dead',
        payload: { to: 'someone@example.com' },
        attempts: 3,
        maxAttempts: 3,
        lastError: 'mail server said no',
        runAt: expect.any(String),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        finishedAt: expect.any(String),
      },
    ]);
    const all = await app.request.get('/api/jobs').set(admin.auth);
    expect(all.body.data.length).toBeGreaterThan(1);
  });

  test('others are refused: 401 without a token, 403 for students and teachers', async () => {
    expect((await app.request.get('/api/jobs')).status).toBe(401);
    expect((await app.request.post(`/api/jobs/${deadId}/retry`)).status).toBe(401);
    for (const user of [student, teacher]) {
      expect((await app.request.get('/api/jobs').set(user.auth)).status).toBe(403);
      expect((await app.request.post(`/api/jobs/${deadId}/retry`).set(user.auth)).status).toBe(403);
    }
  });

  test.each([
    ['an unknown status', '/api/jobs?status=lost'],
    ['a status list', '/api/jobs?status[]=dead'],
    ['a page size of 0', '/api/jobs?pagination[pageSize]=0'],
    ['a page size over 100', '/api/jobs?pagination[pageSize]=101'],
    ['a page that is no number', '/api/jobs?pagination[page]=first'],
  ])('%s is a 400', async (_, url) => {
    const response = await app.request.get(url).set(admin.auth);
    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('ValidationError');
  });

  test.each([
    ['abc', 400],
    ['0', 400],
    ['99999999999', 400],
    ['999999', 404],
  ])('retrying job id %s is a %s', async (id, status) => {
    expect((await app.request.post(`/api/jobs/${id}/retry`).set(admin.auth)).status).toBe(status);
  });

  test('a retried dead job runs again with its attempts reset; a job that is not dead is a 409', async () => {
    isMailServerDown = false;
    const retried = await app.request.post(`/api/jobs/${deadId}/retry`).set(admin.auth);
    expect(retried.status).toBe(200);
    expect(retried.body.data).toMatchObject({ id: deadId, status: 'pending', attempts: 0 });
    await until(async () => (await row(deadId))?.status === 'done', 'the retried job');
    expect(await row(deadId)).toMatchObject({ attempts: 1 });
    const again = await app.request.post(`/api/jobs/${deadId}/retry`).set(admin.auth);
    expect(again.status).toBe(409);
    expect(again.body.error.details.reason).toBe('job_not_dead');
  });
});
