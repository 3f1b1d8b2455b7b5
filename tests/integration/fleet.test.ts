import path from 'path';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import {
  runsAsFleet,
  startInstance,
  startRoundRobinProxy,
  stopFleet,
  runJobsHereUntil,
  until,
  type LyceumProcess,
  type RoundRobinProxy,
} from '../helpers/fleet';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Lyceum as a fleet (issue 21, CONTRACT "Operations"): two web instances behind a round-robin proxy and one worker,
 * all on one PostgreSQL database and one Redis. Web instance A is this test's own Strapi (it also makes the data
 * with the factories), B and the worker are child processes (tests/helpers/fleet.ts). Three boots for the file.
 * PostgreSQL + Redis only: SQLite is one instance by design.
 */
if (!runsAsFleet()) {
  console.info('fleet.test.ts: skipped; it needs DATABASE_CLIENT=postgres and REDIS_URL (several instances).');
}
const describeOnFleet = runsAsFleet() ? describe : describe.skip;

const ENROLLMENT = 'plugin::enrollment.enrollment';
const USER = 'plugin::users-permissions.user';
const FAILED_SIGN_INS_ALLOWED = 3;

let app: TestApp;
let make: ReturnType<typeof factories>;
let webB: LyceumProcess;
let worker: LyceumProcess;
let proxy: RoundRobinProxy;
let teacher: TestUser;

/** The two web instances, by name, as a client of each would reach it. */
const web = () => ({ A: app.baseUrl, B: webB.url });

async function call(base: string, method: string, route: string, user?: TestUser, body?: unknown) {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { ...(user?.auth ?? {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: response.status, body: json, headers: response.headers };
}

beforeAll(async () => {
  if (!runsAsFleet()) return;
  // Every instance inherits these (and the database and Redis prefix startLyceum sets).
  app = await startLyceum({
    JOBS_WORKER: 'false',
    JOBS_LEASE_MS: '2000',
    JOBS_POLL_MS: '200',
    RATE_LIMIT_AUTH_PER_IDENTIFIER: String(FAILED_SIGN_INS_ALLOWED),
    RATE_LIMIT_AUTH_PER_IP: '100000',
    BLOG_PUBLISH_CRON: '* * * * * *',
  });
  make = factories(app.strapi);
  teacher = await make.createUser('teacher');
  [webB, worker] = await Promise.all([
    startInstance('web B', { JOBS_WORKER: 'false' }),
    // The worker stops for good inside any certificate issue it runs: the SIGKILL test kills it there.
    startInstance('worker', { JOBS_WORKER: 'true', TEST_HANG_CERTIFICATE: 'before' }, { listen: false }),
  ]);
  proxy = await startRoundRobinProxy([app.baseUrl, webB.url]);
}, 240_000);

afterAll(async () => {
  await stopFleet();
  if (app) await stopLyceum();
});

describeOnFleet('one fleet, one truth', () => {
  test('the proxy spreads requests over both web instances', async () => {
    const served = await Promise.all(
      Array.from({ length: 4 }, () =>
        call(proxy.url, 'GET', '/api/categories').then((r) => r.headers.get('x-fleet-target'))
      )
    );
    expect(new Set(served)).toEqual(new Set(['0', '1']));
  });

  test('a course title changed through A is what B answers on the next request, cached or not', async () => {
    const course = await make.createCourse({ teacher, lessons: 1 });
    const [first, second] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    // B remembers the course: its public answer (REST cache) and its title for enrollment answers (in process).
    expect((await call(web().B, 'GET', `/api/courses/${course.documentId}`)).body.data.title).toBe(course.title);
    expect((await call(web().B, 'GET', `/api/courses/${course.documentId}`)).body.data.title).toBe(course.title);
    const enrolled = await call(web().B, 'POST', `/api/courses/${course.documentId}/enrollments`, first);
    expect(enrolled.status).toBe(201);
    expect(JSON.stringify(enrolled.body)).toContain(course.title);

    const title = `Renamed ${course.title}`;
    const renamed = await call(web().A, 'PUT', `/api/courses/${course.documentId}?status=published`, teacher, {
      data: { title },
    });
    expect(renamed.status).toBe(200);

    const read = await call(web().B, 'GET', `/api/courses/${course.documentId}`);
    expect(read.body.data.title).toBe(title);
    const cached = await call(web().B, 'GET', `/api/courses/${course.documentId}`);
    expect(cached.body.data.title).toBe(title);
    const secondEnrollment = await call(web().B, 'POST', `/api/courses/${course.documentId}/enrollments`, second);
    expect(secondEnrollment.status).toBe(201);
    expect(JSON.stringify(secondEnrollment.body)).toContain(title);
    expect(JSON.stringify(secondEnrollment.body)).not.toContain(`"${course.title}"`);
  });

  test('a user blocked through A is refused by both instances on the next request', async () => {
    const student = await make.createUser('student');
    for (const base of Object.values(web()))
      expect((await call(base, 'GET', '/api/me/enrollments', student)).status).toBe(200);
    // A write in A's process, as the admin panel of A makes it.
    await app.strapi.db.query(USER).update({ where: { id: student.id }, data: { blocked: true } });
    for (const base of Object.values(web()))
      expect((await call(base, 'GET', '/api/me/enrollments', student)).status).toBe(401);
  });

  test('failed sign-ins of one account share one budget across instances', async () => {
    const student = await make.createUser('student');
    const attempt = (base: string) =>
      call(base, 'POST', '/api/auth/local', undefined, { identifier: student.email, password: 'Wrong-password-1' });
    const statuses: number[] = [];
    // Alternating A and B: an instance alone sees at most two failures, under the limit of three.
    for (const base of [web().A, web().B, web().A, web().B, web().A]) statuses.push((await attempt(base)).status);
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
  });

  test('a scheduled article is published by one run of its schedule, however many instances run', async () => {
    const article = await app.strapi.documents('api::article.article').create({
      locale: 'en',
      data: {
        title: `Scheduled ${Date.now()}`,
        body: 'Published by the schedule',
        publishAt: new Date(Date.now() - 1000),
      } as any,
    });
    const publishedRows = () =>
      app.strapi.db
        .query('api::article.article')
        .count({ where: { documentId: article.documentId, publishedAt: { $notNull: true } } });
    await until(async () => (await publishedRows()) > 0, 'the scheduled article to be published', 30_000);
    // Three more ticks of the schedule on every instance.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await publishedRows()).toBe(1);
    // Each tick is one run on the whole fleet: one outbox row per run of the scheduled kind, none run twice.
    const runs = await scheduledRuns('blog');
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((run) => run.attempts === 1)).toBe(true);
    expect(new Set(runs.map((run) => run.key)).size).toBe(runs.length);
  });

  test('50 enrollments racing through both instances for 10 seats give exactly 10', async () => {
    const course = await make.createCourse({ teacher, data: { capacity: 10 } });
    // Made ten at a time: each sign-up holds a pooled connection while its password is hashed, and this process
    // shares two cores with two more instances.
    const students: TestUser[] = [];
    for (let batch = 0; batch < 5; batch += 1)
      students.push(...(await Promise.all(Array.from({ length: 10 }, () => make.createUser('student')))));
    const answers = await Promise.all(
      students.map((student) => call(proxy.url, 'POST', `/api/courses/${course.documentId}/enrollments`, student))
    );
    expect(new Set(answers.map((answer) => answer.headers.get('x-fleet-target')))).toEqual(new Set(['0', '1']));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    const refused = answers.filter((answer) => answer.status !== 201);
    expect(refused).toHaveLength(40);
    expect(refused.every((answer) => answer.status === 403 && answer.body.error.details.reason === 'course_full')).toBe(
      true
    );
    expect(
      await app.strapi.db
        .query(ENROLLMENT)
        .count({ where: { key: { $endsWith: `:${course.documentId}` }, status: 'active' } })
    ).toBe(10);
    const read = await call(proxy.url, 'GET', `/api/courses/${course.documentId}`);
    expect(read.body.data.studentsCount).toBe(10);
  });

  test('a worker killed by SIGKILL mid-job leaves the job to finish elsewhere, with one effect', async () => {
    const { course, student } = await completedCourse();
    const fromDist = <Module>(file: string): Module => require(path.join(process.cwd(), 'dist', 'src', 'jobs', file));
    const jobs = fromDist<typeof import('../../src/jobs')>('index.js');
    const { certificateIssue, certificateIssueKey } =
      fromDist<typeof import('../../src/jobs/certificate-issue')>('certificate-issue.js');
    // Recorded by web instance A (which runs no jobs): the worker takes it and dies inside it.
    await jobs.enqueue(
      app.strapi,
      certificateIssue,
      {
        userId: student.id,
        courseDocumentId: course.documentId,
        completedAt: new Date().toISOString(),
        progressPercent: 100,
      },
      { key: certificateIssueKey(student.id, course.documentId) }
    );
    await worker.waitFor(/hung before/, 30_000);
    worker.child.kill('SIGKILL');
    expect(await worker.exited).toBe('SIGKILL');
    expect(await certificateJob(student.id, course.documentId)).toEqual({ status: 'running', attempts: 1 });
    expect(await certificatesOf(student)).toBe(0);

    // Another worker (a runner in A's process) takes it over once the dead worker's lease has run out.
    await runJobsHereUntil(
      app.strapi,
      async () => (await certificateJob(student.id, course.documentId))?.status === 'done',
      'the certificate job to be done elsewhere'
    );
    expect(await certificateJob(student.id, course.documentId)).toEqual({ status: 'done', attempts: 2 });
    expect(await certificatesOf(student)).toBe(1);
    expect(
      await app.strapi.db
        .query('api::notification.notification')
        .count({ where: { user: { id: student.id }, type: 'certificate_issued' } })
    ).toBe(1);
  }, 120_000);
});

const jobsTable = () => `${app.strapi.db.getSchemaName() ?? 'public'}.lyceum_jobs`;

async function certificateJob(userId: number, courseDocumentId: string) {
  const { rows } = (await app.strapi.db.connection.raw('SELECT status, attempts FROM ?? WHERE type = ? AND "key" = ?', [
    jobsTable(),
    'certificates.issue',
    `${userId}:${courseDocumentId}`,
  ])) as { rows: Array<{ status: string; attempts: unknown }> };
  return rows[0] && { status: rows[0].status, attempts: Number(rows[0].attempts) };
}

/** Outbox rows of scheduled kinds whose type names `family` (e.g. blog's scheduled publishing). */
async function scheduledRuns(family: string) {
  const { rows } = (await app.strapi.db.connection.raw(
    'SELECT type, "key", attempts FROM ?? WHERE type LIKE ? AND type LIKE ?',
    [jobsTable(), `%${family}%`, '%schedul%']
  )) as { rows: Array<{ type: string; key: string; attempts: unknown }> };
  return rows.map((row) => ({ ...row, attempts: Number(row.attempts) }));
}

const certificatesOf = (student: TestUser) =>
  app.strapi.db.query('plugin::certificates.certificate').count({ where: { user: { id: student.id } } });

/** A student whose enrollment is completed, with no certificate yet (the job is what issues it). */
async function completedCourse(): Promise<{ course: TestCourse; student: TestUser }> {
  const course = await make.createCourse({ teacher, lessons: 1 });
  const student = await make.createUser('student');
  await make.enroll(student, course, 'completed');
  return { course, student };
}
