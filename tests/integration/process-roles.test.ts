import { spawn, type ChildProcess } from 'child_process';
import { readdirSync, readFileSync, readlinkSync } from 'fs';
import net from 'net';
import path from 'path';
import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Process roles (README "Processes"): schedules run once per slot however many instances tick, `npm run worker`
 * runs jobs and schedules without serving HTTP, and SIGTERM drains a serving instance (the request and the job in
 * flight finish, new connections are refused, exit 0). The instances are child processes on this test's database;
 * this test's own Strapi only prepares and inspects (it runs no jobs and ticks no schedule).
 */
const EXPIRY = 'enrollment.expire-finished-access';
const PUBLISHING = 'blog.publish-scheduled-articles';
const SLOT_MS = 1000;

let app: TestApp;
let make: ReturnType<typeof factories>;
let admin: TestUser;
const children = new Set<ChildProcess>();

interface Child {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A Lyceum child process on this test's database (the DATABASE_* variables startLyceum set). */
function startChild(script: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, [script], {
    cwd: process.cwd(),
    env: { ...process.env, LOG_LEVEL: 'debug', JOBS_POLL_MS: '250', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, at: Date.now() });
    })
  );
  const waitFor = (pattern: RegExp, timeoutMs?: number) =>
    until(
      () => {
        if (pattern.test(output)) return true;
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`the process ended before ${pattern}: ${output.slice(-4000)}`);
        return false;
      },
      `${pattern} from ${script}`,
      timeoutMs
    );
  return { child, output: () => output, waitFor, exited };
}

/** The slots of `schedule` an instance enqueued, with the job id it got for each (from its debug log). */
function slotsTicked(child: Child, schedule: string): Map<string, number> {
  const pattern = new RegExp(`schedules: ${schedule.replace(/\./g, '\\.')}@(\\S+) is job #(\\d+)`, 'g');
  return new Map([...child.output().matchAll(pattern)].map((match) => [match[1], Number(match[2])]));
}

/** The TCP ports process `pid` listens on (Linux: its socket inodes among the LISTEN rows of /proc/net/tcp*). */
function listeningPorts(pid: number): number[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      })
      .filter((inode): inode is string => inode !== undefined)
  );
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '0A' && inodes.has(fields[9]))
      .map((fields) => parseInt(fields[1].split(':')[1], 16))
  );
}

const jobsTable = () => {
  const schema = app.strapi.db.dialect.client === 'postgres' ? app.strapi.db.getSchemaName() : null;
  return schema ? `${schema}.lyceum_jobs` : 'lyceum_jobs';
};
async function jobRows(type: string): Promise<Array<{ id: number; key: string; status: string; attempts: number }>> {
  const result = (await app.strapi.db.connection.raw('SELECT id, "key", status, attempts FROM ?? WHERE type = ?', [
    jobsTable(),
    type,
  ])) as any;
  const rows = (Array.isArray(result) ? result : result.rows) as Array<Record<string, unknown>>;
  return rows.map((row) => ({
    id: Number(row.id),
    key: String(row.key),
    status: String(row.status),
    attempts: Number(row.attempts),
  }));
}

const enrollmentStatus = async (student: TestUser) =>
  (
    await app.strapi.db
      .query('plugin::enrollment.enrollment')
      .findOne({ where: { user: { id: student.id } }, select: ['status'] })
  )?.status;

async function isArticlePublished(documentId: string): Promise<boolean> {
  return (
    (await app.strapi.db
      .query('api::article.article')
      .count({ where: { documentId, publishedAt: { $notNull: true } } })) > 0
  );
}

// The schedules come round every second in the children (a cadence in ms instead of a cron expression).
const scheduleEnv = { ENROLLMENT_EXPIRY_CRON: String(SLOT_MS), BLOG_PUBLISH_CRON: String(SLOT_MS) };

let expiring: TestUser;
let scheduledArticle: string;

beforeAll(async () => {
  app = await startLyceum({ JOBS_WORKER: 'false' });
  make = factories(app.strapi);
  admin = await make.createUser('admin');
  // Written before the other instances start: on SQLite, writes from several processes at once fail fast with
  // "database is locked" (SQLite is the one-instance database; README "Processes").
  const teacher = await make.createUser('teacher');
  const course = await make.createCourse({ teacher, lessons: 1 });
  expiring = await make.createUser('student');
  await make.enroll(expiring, course, 'completed');
  await app.strapi.db.query('plugin::enrollment.enrollment').update({
    where: { key: `${expiring.id}:${course.documentId}` },
    data: { accessExpiresAt: new Date(Date.now() - 60_000) },
  });
  const article = await app.strapi.documents('api::article.article').create({
    locale: 'en',
    data: {
      title: 'Scheduled by the worker',
      slug: `scheduled-${process.pid}-${Date.now()}`,
      body: 'Short body',
      publishAt: new Date(Date.now() - 60_000).toISOString(),
    } as any,
  });
  scheduledArticle = article.documentId;
  expect(await enrollmentStatus(expiring)).toBe('completed');
  expect(await isArticlePublished(scheduledArticle)).toBe(false);
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await stopLyceum();
});

describe('a worker and a web instance on one database', () => {
  let worker: Child;
  let web: Child;
  let webPort: number;

  beforeAll(async () => {
    worker = startChild(path.join('scripts', 'worker-process.js'), scheduleEnv);
    web = startChild(path.join('tests', 'helpers', 'job-instance.js'), { ...scheduleEnv, JOBS_WORKER: 'true' });
    // Two boots at once on a busy machine take a while.
    await Promise.all([worker.waitFor(/Lyceum worker running/, 150_000), web.waitFor(/listening \d+/, 150_000)]);
    webPort = Number(/listening (\d+)/.exec(web.output())![1]);
  }, 180_000);

  test('each schedule slot is one job, run once, though both instances tick it', async () => {
    // Both instances have ticked the same three slots at least.
    const shared = () => {
      const fromWorker = slotsTicked(worker, EXPIRY);
      return [...slotsTicked(web, EXPIRY)].filter(([slot]) => fromWorker.has(slot));
    };
    await until(() => shared().length >= 3, 'three slots ticked by both instances');
    for (const [slot, id] of shared()) {
      expect(slotsTicked(worker, EXPIRY).get(slot)).toBe(id);
      expect(new Date(slot).getTime() % SLOT_MS).toBe(0);
    }
    const sharedKeys = new Set(shared().map(([slot]) => `${EXPIRY}@${slot}`));
    await until(
      async () =>
        (await jobRows(EXPIRY)).filter((row) => sharedKeys.has(row.key) && row.status === 'done').length ===
        sharedKeys.size,
      'the shared slots to be done'
    );
    const rows = (await jobRows(EXPIRY)).filter((row) => sharedKeys.has(row.key));
    expect(rows).toHaveLength(sharedKeys.size);
    // One claim each: no slot ran twice.
    expect(rows.every((row) => row.status === 'done' && row.attempts === 1)).toBe(true);
    // No stray slots either: every row of the schedule is a slot start, one row per key.
    const all = await jobRows(EXPIRY);
    expect(new Set(all.map((row) => row.key)).size).toBe(all.length);
  }, 120_000);

  test('access expiry and scheduled articles run as scheduled jobs', async () => {
    await until(async () => (await enrollmentStatus(expiring)) === 'expired', 'the access to expire');
    await until(() => isArticlePublished(scheduledArticle), 'the article to be published');
    expect((await jobRows(PUBLISHING)).some((row) => row.status === 'done')).toBe(true);
  }, 60_000);

  test('schedules show in GET /api/jobs like any job', async () => {
    const response = await app.request.get('/api/jobs').query({ 'pagination[pageSize]': 100 }).set(admin.auth);
    expect(response.status).toBe(200);
    const scheduled = response.body.data.filter((job: { type: string }) => job.type === EXPIRY);
    expect(scheduled.length).toBeGreaterThan(0);
    expect(scheduled[0]).toEqual(
      expect.objectContaining({
        key: expect.stringMatching(new RegExp(`^${EXPIRY.replace(/\./g, '\\.')}@\\d{4}-\\d\\d-\\d\\dT`)),
        payload: { schedule: EXPIRY, slot: expect.any(String) },
      })
    );
  });

  test('the worker listens on no port; the web instance on its own', () => {
    expect(listeningPorts(worker.child.pid!)).toEqual([]);
    expect(listeningPorts(web.child.pid!)).toContain(webPort);
  });

  test('SIGTERM ends the worker with exit code 0', async () => {
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual(expect.objectContaining({ code: 0, signal: null }));
    web.child.kill('SIGTERM');
    expect(await web.exited).toEqual(expect.objectContaining({ code: 0, signal: null }));
  }, 60_000);
});

describe('graceful shutdown of a serving instance', () => {
  test('SIGTERM: the request and the job in flight finish, new connections are refused, exit 0', async () => {
    const instance = startChild(path.join('tests', 'helpers', 'job-instance.js'), {
      JOBS_WORKER: 'true',
      CRON_ENABLED: 'false',
      TEST_SLOW_REQUESTS: 'true',
      TEST_SLOW_JOBS: 'true',
    });
    await instance.waitFor(/listening \d+/, 120_000);
    const port = Number(/listening (\d+)/.exec(instance.output())![1]);

    // A job of 3 s and a request of 3 s, both under way when the signal comes.
    const jobs = require(
      path.join(process.cwd(), 'dist', 'src', 'jobs', 'index.js')
    ) as typeof import('../../src/jobs');
    const job = await jobs.enqueue(app.strapi, jobs.declareJob<{ ms: number }>('test.slow'), { ms: 3000 });
    await instance.waitFor(/slow job started/);
    const answer = fetch(`http://127.0.0.1:${port}/__test/slow?ms=3000`).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as unknown,
    }));
    await instance.waitFor(/slow request started/);
    const signalledAt = Date.now();
    instance.child.kill('SIGTERM');

    // New connections are refused while the old ones finish.
    await until(
      () =>
        new Promise<boolean>((resolve) => {
          const socket = net.connect(port, '127.0.0.1');
          socket.once('connect', () => {
            socket.destroy();
            resolve(false);
          });
          socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
        }),
      'new connections to be refused',
      10_000
    );
    expect(instance.output()).not.toMatch(/slow request answered/);

    expect(await answer).toEqual({ status: 200, body: { shuttingDown: true } });
    const exit = await instance.exited;
    expect(exit).toEqual(expect.objectContaining({ code: 0, signal: null }));
    expect(exit.at - signalledAt).toBeLessThan(25_000);
    expect(instance.output()).toMatch(/slow job done/);
    const [row] = (await jobRows('test.slow')).filter((candidate) => candidate.id === job.id);
    expect(row).toEqual(expect.objectContaining({ status: 'done', attempts: 1 }));
  }, 180_000);
});
