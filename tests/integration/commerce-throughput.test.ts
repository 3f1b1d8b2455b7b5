import { Session } from 'inspector';
import { Client } from 'pg';
import { factories, type TestUser } from '../helpers/factories';
import { eventId, paidCourse, placeOrder, sendSandboxWebhook } from '../helpers/commerce';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * A timing run of the bench's purchase and webhook-replay rows in-process (issue #22, "Measure"), for comparing a
 * change before and after under the same conditions without `npm run bench`: purchases (order, then the signed
 * sandbox webhook) sent by 10 concurrent clients, concurrent buyers on different courses as the bench's pairs are
 * (or all on one course: MEASURE_ONE_COURSE_AT_A_TIME=1); then the time until the jobs they recorded are done; then
 * every event replayed. It prints rates, latencies, statements per purchase, and (PostgreSQL) what the server's sessions were waiting on, sampled.
 * Skipped unless MEASURE_PURCHASES=1 (it proves nothing the other commerce tests do not, and takes a minute).
 * MEASURE_PURCHASES_ENV='{"REDIS_URL":""}' runs it as the bench's "REST cache off" pass (no Redis: database driver).
 */
const enabled = process.env.MEASURE_PURCHASES === '1';
const describeIf = enabled ? describe : describe.skip;

const CONNECTIONS = 10;
const BUYERS = Number(process.env.MEASURE_BUYERS ?? 60);
const COURSES = Number(process.env.MEASURE_COURSES ?? 6);

let app: TestApp;
let make: ReturnType<typeof factories>;

beforeAll(async () => {
  if (!enabled) return;
  const extra = JSON.parse(process.env.MEASURE_PURCHASES_ENV ?? '{}') as Record<string, string>;
  app = await startLyceum(extra);
  make = factories(app.strapi);
}, 180_000);
afterAll(async () => {
  if (enabled) await stopLyceum();
});

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]) : 0;
};

type QueryEvents = { on(e: string, l: (q: { sql: string }) => void): void; off(e: string, l: () => void): void };

/** Counts statements by their first words while `work` runs (knex's query event). */
async function counting<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  let statements = 0;
  const listener = () => {
    statements += 1;
  };
  const knex = app.strapi.db.connection as unknown as QueryEvents;
  knex.on('query', listener);
  try {
    return { result: await work(), statements };
  } finally {
    knex.off('query', listener);
  }
}

/** Samples pg_stat_activity while `work` runs: what the other sessions wait on, with the statement's start. */
async function sampledWaits<T>(work: () => Promise<T>): Promise<{ result: T; waits: Record<string, number> }> {
  const waits: Record<string, number> = {};
  if (app.strapi.db.dialect.client !== 'postgres') return { result: await work(), waits };
  const config = app.strapi.db.connection.client.config.connection as Record<string, unknown>;
  const client = new Client({
    host: config.host as string,
    port: Number(config.port),
    user: config.user as string,
    password: config.password as string,
    database: config.database as string,
  });
  await client.connect();
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const { rows } = await client.query(
        `SELECT wait_event_type, wait_event, state, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
         FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`
      );
      for (const row of rows) {
        const key = `${row.wait_event_type ?? 'CPU'}:${row.wait_event ?? '-'} ${row.state} | ${row.query}`;
        waits[key] = (waits[key] ?? 0) + 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  try {
    return { result: await work(), waits };
  } finally {
    done = true;
    await sampler;
    await client.end();
  }
}

/** Profiles `work` with V8's CPU profiler (MEASURE_PROFILE=1): the functions with the most self time, summed. */
async function profiled<T>(work: () => Promise<T>): Promise<{ result: T; top: string }> {
  if (process.env.MEASURE_PROFILE !== '1') return { result: await work(), top: '' };
  const session = new Session();
  session.connect();
  const post = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, params, (error, answer) => (error ? reject(error) : resolve(answer)))
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  let result: T;
  let profile: { nodes: unknown[]; samples: number[] };
  try {
    result = await work();
  } finally {
    profile = (await post('Profiler.stop')).profile;
    session.disconnect();
  }
  type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number } };
  const nodes = new Map<number, Node>((profile.nodes as Node[]).map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const id of profile.samples as number[]) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    const where = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
    const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + 1);
    const pkg = url.includes('node_modules/')
      ? url
          .replace(/^.*node_modules\//, '')
          .split('/')
          .slice(0, url.includes('node_modules/@') ? 2 : 1)
          .join('/')
      : url.includes('/dist/')
        ? 'dist (the app)'
        : url || functionName;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + 1);
  }
  const total = (profile.samples as number[]).length;
  const lines = (map: Map<string, number>, count: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, n]) => `    ${((100 * n) / total).toFixed(1).padStart(5)}% ${key}`)
      .join('\n');
  return { result, top: `  by package:\n${lines(byPackage, 15)}\n  by function:\n${lines(self, 25)}` };
}

async function dueJobs(): Promise<number> {
  const rows = await app.strapi.db
    .connection('lyceum_jobs')
    .whereIn('status', ['pending', 'running'])
    .count('* as due');
  return Number(rows[0].due);
}

async function enrollmentCount(): Promise<number> {
  return app.strapi.db.query('plugin::enrollment.enrollment').count({});
}

/** Runs `tasks` through `connections` concurrent lanes; answers the wall time. */
async function lanes<T>(items: T[], connections: number, run: (item: T) => Promise<void>): Promise<number> {
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < items.length) await run(items[next++]);
    })
  );
  return Date.now() - started;
}

describeIf('purchase throughput (a measurement, not a rule)', () => {
  test('purchases, their jobs, then their webhooks replayed', async () => {
    const teacher = await make.createUser('teacher');
    const courses: Array<Awaited<ReturnType<typeof paidCourse>>> = [];
    for (let index = 0; index < COURSES; index += 1)
      courses.push(await paidCourse(make, teacher, 19, index % 2 ? { capacity: 100_000 } : {}));
    const buyers: TestUser[] = [];
    for (let index = 0; index < BUYERS; index += 1) buyers.push(await make.createUser('student'));
    // As the bench's pairs: in each round every buyer buys another course (buyer b the course b + round), so
    // concurrent buyers meet on different courses' seat rows; MEASURE_ONE_COURSE_AT_A_TIME=1 gives every buyer's first
    // course first (the bench before, a launch-day peak on one course).
    const pairs =
      process.env.MEASURE_ONE_COURSE_AT_A_TIME === '1'
        ? courses.flatMap((course) => buyers.map((buyer) => ({ buyer, course: course.documentId })))
        : courses.flatMap((_, round) =>
            buyers.map((buyer, index) => ({ buyer, course: courses[(index + round) % courses.length].documentId }))
          );
    const warmUp = pairs.splice(0, CONNECTIONS * 2);

    const orderMs: number[] = [];
    const webhookMs: number[] = [];
    const events: Array<Record<string, unknown>> = [];
    const purchase = async ({ buyer, course }: { buyer: TestUser; course: string }) => {
      let started = Date.now();
      const order = await placeOrder(app, buyer, { courses: [course], provider: 'sandbox' });
      orderMs.push(Date.now() - started);
      expect(order.status).toBe(201);
      const event = { id: eventId(), type: 'payment.succeeded', order: order.body.data.documentId };
      started = Date.now();
      const paid = await sendSandboxWebhook(app, event);
      webhookMs.push(Date.now() - started);
      expect(paid.status).toBe(200);
      events.push(event);
    };
    await lanes(warmUp, CONNECTIONS, purchase);
    while ((await dueJobs()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    orderMs.length = 0;
    webhookMs.length = 0;

    const enrolledBefore = await enrollmentCount();
    const measured = await counting(() => sampledWaits(() => profiled(() => lanes(pairs, CONNECTIONS, purchase))));
    const purchaseMs = measured.result.result.result;
    const trailStarted = Date.now();
    const trail = await counting(async () => {
      while ((await dueJobs()) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    });
    const trailMs = Date.now() - trailStarted;
    expect((await enrollmentCount()) - enrolledBefore).toBe(pairs.length);

    const replayMs: number[] = [];
    const replayed = events.slice(CONNECTIONS * 2);
    const enrolledAfter = await enrollmentCount();
    const replay = await counting(() =>
      sampledWaits(() =>
        profiled(() =>
          lanes(replayed, CONNECTIONS, async (event) => {
            const started = Date.now();
            const response = await sendSandboxWebhook(app, event);
            replayMs.push(Date.now() - started);
            expect(response.body.data).toMatchObject({ outcome: 'duplicate' });
          })
        )
      )
    );
    const replayWallMs = replay.result.result.result;
    expect(await enrollmentCount()).toBe(enrolledAfter);

    const topWaits = (waits: Record<string, number>) =>
      Object.entries(waits)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([key, count]) => `    ${String(count).padStart(5)} ${key}`)
        .join('\n');
    const n = pairs.length;
    const rate = (count: number, ms: number) => ((count * 1000) / ms).toFixed(1);
    const latencies = (values: number[]) =>
      `p50 ${percentile(values, 50)} p95 ${percentile(values, 95)} p99 ${percentile(values, 99)} ms`;
    process.stdout.write(
      [
        `purchase throughput on ${app.strapi.db.dialect.client} (${CONNECTIONS} connections, ${n} purchases, ${COURSES} courses × ${BUYERS} buyers, env ${process.env.MEASURE_PURCHASES_ENV ?? '{}'})`,
        `  purchases: ${purchaseMs} ms, ${rate(n, purchaseMs)} completed/s; order ${latencies(orderMs)}; webhook ${latencies(webhookMs)}`,
        `  jobs trailing: ${trailMs} ms; with them ${rate(n, purchaseMs + trailMs)} purchases/s`,
        `  statements per purchase (requests + jobs run meanwhile): ${(measured.statements / n).toFixed(1)}; trailing jobs' statements per purchase ${(trail.statements / n).toFixed(1)}`,
        `  replay: ${replayed.length} in ${replayWallMs} ms, ${rate(replayed.length, replayWallMs)}/s; ${latencies(replayMs)}; statements per replay ${(replay.statements / replayed.length).toFixed(1)}`,
        `  waits sampled during purchases:\n${topWaits(measured.result.waits)}`,
        `  waits sampled during replays:\n${topWaits(replay.result.waits)}`,
        `  CPU during purchases:\n${measured.result.result.top}`,
        `  CPU during replays:\n${replay.result.result.top}`,
        '',
      ].join('\n')
    );
  }, 900_000);
});
