import { spawn, type ChildProcess } from 'child_process';
import net from 'net';
import path from 'path';
import { Writable } from 'stream';
import { winston } from '@strapi/logger';
import Redis from 'ioredis';
import { factories } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Contract "Operations": GET /_ready (each part named, 503 for a failing database or Redis and from the first moment
 * of a shutdown), GET /metrics (404 without METRICS_TOKEN, 401 without the right bearer, route templates never raw
 * URLs, job and pool metrics), X-Request-Id on every answer and in JSON log lines.
 * With REDIS_URL set (the PostgreSQL + Redis run) the app runs on a Redis server this file starts on a port of its own,
 * so stopping it never touches the shared one.
 */
type Jobs = typeof import('../../src/jobs');
type Lifecycle = typeof import('../../src/operations/lifecycle');
// The modules the running Strapi uses (compiled into dist/), not ts-jest's copies.
const fromDist = <Module>(file: string): Module => require(path.join(process.cwd(), 'dist', 'src', file));
const jobs = fromDist<Jobs>('jobs/index.js');
const lifecycle = fromDist<Lifecycle>('operations/lifecycle.js');

const alwaysFails = jobs.defineJob<Record<string, never>>('operations-test.always-fails', async () => {
  throw new Error('this job always fails');
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TOKEN = 'metrics-token-for-the-test';
const usesRedis = Boolean(process.env.REDIS_URL);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A redis-server of this file's own, on `port`: started, answering PING. */
async function startRedisServer(port: number): Promise<ChildProcess> {
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' }
  );
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await until(async () => {
      try {
        if (client.status !== 'ready') await client.connect();
        return (await client.ping()) === 'PONG';
      } catch {
        client.disconnect();
        return false;
      }
    }, `redis-server on port ${port}`);
  } finally {
    client.disconnect();
  }
  return server;
}

async function stopRedisServer(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGKILL');
  await exited;
}

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let app: TestApp;
let redisPort = 0;
let redisServer: ChildProcess | undefined;

beforeAll(async () => {
  const env: Record<string, string> = { LOG_FORMAT: 'json', METRICS_TOKEN: '' };
  if (usesRedis) {
    redisPort = await freePort();
    redisServer = await startRedisServer(redisPort);
    env.REDIS_URL = `redis://127.0.0.1:${redisPort}`;
  }
  app = await startLyceum(env);
});
afterAll(async () => {
  await stopLyceum();
  await stopRedisServer(redisServer);
});

afterEach(() => {
  jest.restoreAllMocks();
  process.env.METRICS_TOKEN = '';
});

const metrics = async () => {
  process.env.METRICS_TOKEN = TOKEN;
  const response = await app.request.get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
  expect(response.status).toBe(200);
  return response.text;
};

/** The value of one series in a Prometheus text answer, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).match(/^\{(.*)\}/)?.[1] ?? '';
    const found = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(line.split(' ').pop());
  }
  return undefined;
}

describe('GET /_ready', () => {
  test(`answers 200 with each part ok (redis ${usesRedis ? 'ok' : 'not_configured'}), past any credentials`, async () => {
    // A bearer that is no valid token: /_ready passes no auth, so it is not refused.
    const response = await app.request.get('/_ready').set('Authorization', 'Bearer not-a-token');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      database: 'ok',
      redis: usesRedis ? 'ok' : 'not_configured',
      jobs: 'ok',
      video: 'ok',
    });
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-cache']).toBeUndefined();
  });

  // The database's outage as the app meets it: its pool can give no connection.
  const poolGivesNoConnection = (refusal: () => Promise<never>) =>
    jest.spyOn(app.strapi.db.connection.client, 'acquireConnection').mockImplementation(refusal as never);

  test('a database that refuses the check: 503 naming the database', async () => {
    poolGivesNoConnection(() => Promise.reject(new Error('connection refused')));
    const response = await app.request.get('/_ready');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      database: 'down',
      redis: usesRedis ? 'ok' : 'not_configured',
      jobs: 'ok',
      video: 'ok',
    });
  });

  test('a database that hangs: 503 naming the database once the 2 s check times out, not later', async () => {
    // Refused only after 4 s (so the job runner's own waits end too).
    poolGivesNoConnection(
      () => new Promise((_resolve, reject) => setTimeout(() => reject(new Error('connect timed out')), 4_000))
    );
    const started = Date.now();
    const response = await app.request.get('/_ready');
    expect(response.status).toBe(503);
    expect(response.body.database).toBe('down');
    expect(Date.now() - started).toBeLessThan(5_000);
    jest.restoreAllMocks();
    expect((await app.request.get('/_ready')).status).toBe(200);
  });

  (usesRedis ? test : test.skip)('Redis stopped: 503 naming Redis, and 200 again once it is back', async () => {
    await stopRedisServer(redisServer);
    let body: Record<string, string> = {};
    await until(async () => {
      const response = await app.request.get('/_ready');
      body = response.body;
      return response.status === 503;
    }, '/_ready to see Redis down');
    expect(body).toEqual({ database: 'ok', redis: 'down', jobs: 'ok', video: 'ok' });
    // The API itself keeps answering.
    expect((await app.request.get('/api/courses')).status).toBe(200);

    redisServer = await startRedisServer(redisPort);
    await until(async () => (await app.request.get('/_ready')).status === 200, '/_ready to see Redis back');
  });
});

describe('GET /metrics', () => {
  test('without METRICS_TOKEN: 404, the same answer as an unknown path', async () => {
    const response = await app.request.get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    const unknown = await app.request.get('/no-such-endpoint');
    expect(response.status).toBe(404);
    expect(response.body).toEqual(unknown.body);
    expect(response.body).toMatchObject({ data: null, error: { status: 404, name: 'NotFoundError' } });
  });

  test('with METRICS_TOKEN: 401 in Strapi’s error shape without the bearer, or with a wrong one', async () => {
    process.env.METRICS_TOKEN = TOKEN;
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, 'Bearer wrong', TOKEN]) {
      const request = app.request.get('/metrics');
      const response = await (authorization ? request.set('Authorization', authorization) : request);
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ data: null, error: { status: 401, name: 'UnauthorizedError' } });
      expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(response.text).not.toContain('http_request_duration_seconds');
    }
  });

  test('latency is labelled by route template, never by the raw URL, cached answers included', async () => {
    const make = factories(app.strapi);
    const teacher = await make.createUser('teacher');
    const course = await make.createCourse({ teacher });
    expect((await app.request.get('/api/courses/some-slug-123')).status).toBe(404);
    const first = await app.request.get(`/api/courses/${course.documentId}`);
    const second = await app.request.get(`/api/courses/${course.documentId}`);
    expect([first.status, second.status]).toEqual([200, 200]);
    // The second is answered from the REST cache before routing.
    expect(second.headers['x-cache']).toBe('HIT');
    expect((await app.request.get('/no-such-path-4711')).status).toBe(404);

    const text = await metrics();
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    const route = { method: 'GET', route: '/api/courses/:id' };
    expect(
      sample(text, 'http_request_duration_seconds_count', { ...route, status_code: '404' })
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'http_request_duration_seconds_count', { ...route, status_code: '200' })
    ).toBeGreaterThanOrEqual(2);
    expect(
      sample(text, 'http_request_duration_seconds_bucket', { ...route, status_code: '200', le: '+Inf' })
    ).toBeGreaterThanOrEqual(2);
    expect(
      sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status_code: '404' })
    ).toBeGreaterThanOrEqual(1);
    for (const raw of ['some-slug-123', course.documentId, 'no-such-path-4711']) expect(text).not.toContain(raw);
    // Every route label is a template or "unmatched".
    const routes = [...text.matchAll(/route="([^"]*)"/g)].map((match) => match[1]);
    expect(routes.length).toBeGreaterThan(0);
    for (const label of routes) expect(label === 'unmatched' || label.startsWith('/')).toBe(true);
  });

  test('job queue depth, attempts by outcome and dead letters, the database pool and the process', async () => {
    const job = await jobs.enqueue(app.strapi, alwaysFails, {}, { maxAttempts: 1 });
    await job.deliver();
    let text = '';
    await until(async () => {
      text = await metrics();
      return (sample(text, 'lyceum_job_attempts_total', { type: alwaysFails.type, outcome: 'dead' }) ?? 0) >= 1;
    }, 'the dead job to be counted');
    expect(sample(text, 'lyceum_jobs', { status: 'dead' })).toBeGreaterThanOrEqual(1);
    for (const status of ['pending', 'running', 'done']) expect(sample(text, 'lyceum_jobs', { status })).toBeDefined();
    expect(sample(text, 'lyceum_jobs_due')).toBeDefined();
    for (const state of ['used', 'free', 'pending'])
      expect(sample(text, 'lyceum_db_pool_connections', { state })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'lyceum_db_pool_max_connections')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });
});

describe('X-Request-Id', () => {
  const valid = ['abc-123', 'trace.id:span_1-2', 'A'.repeat(128)];

  test.each(valid)('echoes the caller’s own id %p, on success and error answers alike', async (id) => {
    for (const url of ['/api/courses', '/no-such-endpoint', '/_health', '/_ready']) {
      const response = await app.request.get(url).set('X-Request-Id', id);
      expect(response.headers['x-request-id']).toBe(id);
    }
    // A refused request (401) too.
    process.env.METRICS_TOKEN = TOKEN;
    expect((await app.request.get('/metrics').set('X-Request-Id', id)).headers['x-request-id']).toBe(id);
  });

  test.each([
    ['129 characters', 'A'.repeat(129)],
    ['a space', 'abc def'],
    ['a slash', 'abc/def'],
    ['a quote', 'abc"def'],
  ])('replaces an id with %s by a new UUID', async (_case, id) => {
    const response = await app.request.get('/api/courses').set('X-Request-Id', id);
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  test('gives a request without one a new UUID, a different one each time, readable by a browser', async () => {
    const [one, two] = await Promise.all([
      app.request.get('/api/courses').set('Origin', 'http://localhost:3000'),
      app.request.get('/api/courses'),
    ]);
    expect(one.headers['x-request-id']).toMatch(UUID);
    expect(two.headers['x-request-id']).toMatch(UUID);
    expect(one.headers['x-request-id']).not.toBe(two.headers['x-request-id']);
    expect(one.headers['access-control-expose-headers']).toContain('X-Request-Id');
  });

  test('a JSON log line of the request carries its id', async () => {
    const lines: string[] = [];
    const capture = new winston.transports.Stream({
      stream: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
          done();
        },
      }),
    });
    const level = app.strapi.log.level;
    app.strapi.log.level = 'http';
    app.strapi.log.add(capture);
    try {
      await app.request.get('/api/courses?pagination[pageSize]=1').set('X-Request-Id', 'log-line-id-1');
    } finally {
      app.strapi.log.remove(capture);
      app.strapi.log.level = level;
    }
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestLine = entries.find((entry) => entry.requestId === 'log-line-id-1');
    expect(requestLine).toMatchObject({
      level: 'http',
      method: 'GET',
      url: expect.stringContaining('/api/courses?pagination'),
      status: 200,
      message: expect.stringContaining('GET /api/courses'),
      timestamp: expect.any(String),
    });
  });
});

// Last: there is no way back from a shutdown (the flag lives for this file's modules only).
describe('shutdown', () => {
  test('from the first moment of a shutdown /_ready answers 503 while /_health still says the process lives', async () => {
    expect((await app.request.get('/_ready')).status).toBe(200);
    lifecycle.beginShutdown();
    const response = await app.request.get('/_ready');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ process: 'shutting_down' });
    expect((await app.request.get('/_health')).status).toBe(204);
  });
});
