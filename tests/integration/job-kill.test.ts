import { spawn, type ChildProcess } from 'child_process';
import path from 'path';
import { factories, type TestUser } from '../helpers/factories';
import { runJobsHereUntil } from '../helpers/fleet';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Kill tests: a Lyceum process dies by SIGKILL (no clean-up of any kind) between the commit of a course completion
 * and the delivery of its certificate job, or in the middle of that job. Another instance on the same database (the
 * test's own) takes the job over once its lease runs out, and the effect happens exactly once: one certificate, one
 * "certificate issued" notification.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
const instances = new Set<ChildProcess>();

interface Instance {
  child: ChildProcess;
  port: number;
  waitFor(pattern: RegExp): Promise<void>;
  exited: Promise<unknown>;
}

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Boots another Lyceum process on this test's database (the DATABASE_* variables startLyceum set). */
async function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, [path.join('tests', 'helpers', 'job-instance.js')], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  instances.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      instances.delete(child);
      resolve(signal ?? code);
    })
  );
  const waitFor = (pattern: RegExp) =>
    until(() => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`the instance ended before ${pattern}: ${output}`);
      return pattern.test(output);
    }, `${pattern} from the instance`);
  await waitFor(/listening \d+/);
  const port = Number(/listening (\d+)/.exec(output)![1]);
  return { child, port, waitFor, exited };
}

const jobsTable = () => {
  const schema = app.strapi.db.dialect.client === 'postgres' ? app.strapi.db.getSchemaName() : null;
  return schema ? `${schema}.lyceum_jobs` : 'lyceum_jobs';
};
async function certificateJob(userId: number, courseDocumentId: string) {
  const result = (await app.strapi.db.connection.raw('SELECT status, attempts FROM ?? WHERE type = ? AND "key" = ?', [
    jobsTable(),
    'certificates.issue',
    `${userId}:${courseDocumentId}`,
  ])) as any;
  const row = (Array.isArray(result) ? result[0] : result.rows[0]) as { status: string; attempts: unknown } | undefined;
  return row && { status: row.status, attempts: Number(row.attempts) };
}
const certificatesOf = (student: TestUser) =>
  app.strapi.db.query('plugin::certificates.certificate').count({ where: { user: { id: student.id } } });
const certificateNotificationsOf = (student: TestUser) =>
  app.strapi.db
    .query('api::notification.notification')
    .count({ where: { user: { id: student.id }, type: 'certificate_issued' } });

beforeAll(async () => {
  // This instance only prepares and inspects: it runs no jobs.
  app = await startLyceum({ JOBS_WORKER: 'false' });
  make = factories(app.strapi);
  teacher = await make.createUser('teacher');
});
afterAll(async () => {
  for (const child of instances) child.kill('SIGKILL');
  await stopLyceum();
});

async function studentOneLessonFromCompletion() {
  const course = await make.createCourse({ teacher, lessons: 1 });
  const student = await make.createUser('student');
  await make.enroll(student, course);
  return { course, student, lesson: course.lessons[0].documentId };
}

/** Completes the course through the dying instance; its answer never comes. */
function completeThrough(instance: Instance, student: TestUser, lesson: string) {
  void fetch(`http://127.0.0.1:${instance.port}/api/lessons/${lesson}/complete`, {
    method: 'POST',
    headers: { ...student.auth, 'Content-Type': 'application/json' },
  }).catch(() => undefined);
}

/**
 * Another worker takes the job over: this test's own instance, through a runner of its own (the modules the running
 * Strapi uses, from dist/), once the dead worker's lease has run out.
 */
async function takeOver(student: TestUser, courseDocumentId: string) {
  await runJobsHereUntil(
    app.strapi,
    async () => (await certificateJob(student.id, courseDocumentId))?.status === 'done',
    'the certificate job to be done'
  );
}

test('killed between the commit and the delivery: the next worker issues the one certificate', async () => {
  const { course, student, lesson } = await studentOneLessonFromCompletion();
  const dying = await startInstance({ JOBS_WORKER: 'false', JOBS_LEASE_MS: '1000', TEST_HANG_CERTIFICATE: 'before' });
  completeThrough(dying, student, lesson);
  await dying.waitFor(/hung before/);
  dying.child.kill('SIGKILL');
  expect(await dying.exited).toBe('SIGKILL');

  // The completion committed with its job; nothing of the job happened.
  const enrollment = await app.strapi.db
    .query('plugin::enrollment.enrollment')
    .findOne({ where: { user: { id: student.id } } });
  expect(enrollment.status).toBe('completed');
  expect(await certificateJob(student.id, course.documentId)).toEqual({ status: 'running', attempts: 1 });
  expect(await certificatesOf(student)).toBe(0);

  await takeOver(student, course.documentId);
  expect(await certificateJob(student.id, course.documentId)).toEqual({ status: 'done', attempts: 2 });
  expect(await certificatesOf(student)).toBe(1);
  expect(await certificateNotificationsOf(student)).toBe(1);
}, 180_000);

test('killed mid-job, after the certificate was written: the retry issues nothing more', async () => {
  const { course, student, lesson } = await studentOneLessonFromCompletion();
  const dying = await startInstance({ JOBS_WORKER: 'false', JOBS_LEASE_MS: '1000', TEST_HANG_CERTIFICATE: 'after' });
  completeThrough(dying, student, lesson);
  await dying.waitFor(/hung after/);
  dying.child.kill('SIGKILL');
  expect(await dying.exited).toBe('SIGKILL');
  expect(await certificateJob(student.id, course.documentId)).toEqual({ status: 'running', attempts: 1 });
  expect(await certificatesOf(student)).toBe(1);

  await takeOver(student, course.documentId);
  expect(await certificateJob(student.id, course.documentId)).toEqual({ status: 'done', attempts: 2 });
  expect(await certificatesOf(student)).toBe(1);
  expect(await certificateNotificationsOf(student)).toBe(1);
}, 180_000);
