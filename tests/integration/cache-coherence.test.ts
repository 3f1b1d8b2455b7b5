import path from 'path';
import Redis from 'ioredis';
import { columnOf, linkOf, tableOf } from '../../src/database/tables';
import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * One booted Lyceum and a second instance simulated in this process: its cache bus (a bus of its own on the same
 * channel, with caches of its own) and its rate limiters on the same Redis. Writes made "on the other instance" are
 * direct SQL (no lifecycle runs here, so nothing drops locally) followed by the drop that instance publishes; writes
 * made here must reach the other instance's caches. Without REDIS_URL (the SQLite run) there is no bus and the limits
 * stay in memory: the last block checks that, and that local writes still apply at once.
 */
type Bus = typeof import('../../src/cache/bus');
type RateLimit = typeof import('../../src/access/rate-limit');
type CourseStructure = typeof import('../../src/access/course-structure-cache');
// The modules the running Strapi uses (compiled into dist/), not ts-jest's copies.
const fromDist = <Module>(...parts: string[]): Module => require(path.join(process.cwd(), 'dist', 'src', ...parts));
const bus = fromDist<Bus>('cache', 'bus.js');
const rateLimit = fromDist<RateLimit>('access', 'rate-limit.js');
const courseStructure = fromDist<CourseStructure>('access', 'course-structure-cache.js');

const USER = 'plugin::users-permissions.user';
const ROLE = 'plugin::users-permissions.role';
const PERMISSION = 'plugin::users-permissions.permission';

const redisUrl = process.env.REDIS_URL;
/** The factories' password. */
const PASSWORD = 'Secret-pass-1';

let app: TestApp;
let make: ReturnType<typeof factories>;

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const myEnrollments = (user: TestUser) => app.request.get('/api/me/enrollments').set(user.auth);
const sessionIdOf = (jwt: string): string =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')).sessionId;

(redisUrl ? describe : describe.skip)('with REDIS_URL, across instances', () => {
  /** The other instance: its bus, and every drop it received, as `cache` or `cache:key`. */
  let other: InstanceType<Bus['InvalidationBus']>;
  const receivedByOther: string[] = [];
  /** A cache registered here for the test: a drop of it, sent after the real one, says the real one was handled. */
  let markers = 0;

  beforeAll(async () => {
    app = await startLyceum({ REST_CACHE_ENABLED: 'false', RATE_LIMIT_AUTH_PER_IDENTIFIER: '10' });
    make = factories(app.strapi);
    bus.processCaches.register('test-marker', { forget: () => (markers += 1), forgetAll: () => (markers += 1) });
    const registry = new bus.CacheRegistry();
    for (const name of bus.processCaches.names())
      registry.register(name, {
        forget: (key) => receivedByOther.push(`${name}:${key}`),
        forgetAll: () => receivedByOther.push(name),
      });
    other = new bus.InvalidationBus(registry, { redisUrl: redisUrl!, channel: bus.cacheBusChannel(app.strapi) });
    await other.start();
  });
  afterAll(async () => {
    await other?.close();
    await stopLyceum();
  });

  /** Publishes a drop from the other instance and waits until this one handled it. */
  async function dropFromOtherInstance(cache: string, key?: string) {
    const before = markers;
    other.publish(cache, key);
    other.publish('test-marker');
    await until(() => markers > before, 'this instance to handle the drop');
  }

  test('this instance listens on a channel of its own database', () => {
    expect(bus.cacheBus()?.isListening).toBe(true);
    expect(bus.cachesAreCoherent()).toBe(true);
    expect(bus.cacheBusChannel(app.strapi)).toMatch(/^lyceum:.+:[0-9a-f]{12}:cache-invalidation$/);
    expect(bus.processCaches.names()).toEqual(
      expect.arrayContaining([
        'authenticated-users',
        'content-api-permissions',
        'sessions',
        'course-structure',
        'users-permissions-advanced-settings',
        'rest-cache-purges',
      ])
    );
  });

  test('a user blocked on another instance is refused here on their next request', async () => {
    const student = await make.createUser('student');
    expect((await myEnrollments(student)).status).toBe(200);
    await app.strapi.db
      .connection(tableOf(app.strapi, USER))
      .where({ id: student.id })
      .update({ [columnOf(app.strapi, USER, 'blocked')]: true });
    // Remembered here, and nothing dropped it: the change is not seen yet (the test can fail).
    expect((await myEnrollments(student)).status).toBe(200);
    await dropFromOtherInstance('authenticated-users', String(student.id));
    expect((await myEnrollments(student)).status).toBe(401);
  });

  test('a role changed on another instance applies here on the next request', async () => {
    const teacher = await make.createUser('teacher');
    const course = await make.createCourse({ teacher });
    const student = await make.createUser('student');
    const students = () => app.request.get(`/api/courses/${course.documentId}/students`).set(student.auth);
    expect((await students()).status).toBe(403);
    const adminRole = await app.strapi.db.query(ROLE).findOne({ where: { type: 'admin' } });
    const link = linkOf(app.strapi, USER, 'role');
    await app.strapi.db
      .connection(link.table)
      .where({ [link.ownColumn]: student.id })
      .update({ [link.targetColumn]: adminRole.id });
    expect((await students()).status).toBe(403);
    await dropFromOtherInstance('authenticated-users', String(student.id));
    expect((await students()).status).toBe(200);
  });

  test('a permission withdrawn on another instance applies here on the next request', async () => {
    expect((await app.request.get('/api/categories')).status).toBe(200);
    const publicRole = await app.strapi.db.query(ROLE).findOne({ where: { type: 'public' } });
    const permission = await app.strapi.db
      .query(PERMISSION)
      .findOne({ where: { action: 'api::category.category.find', role: publicRole.id } });
    const link = linkOf(app.strapi, PERMISSION, 'role');
    await app.strapi.db
      .connection(link.table)
      .where({ [link.ownColumn]: permission.id })
      .delete();
    try {
      expect((await app.request.get('/api/categories')).status).toBe(200);
      await dropFromOtherInstance('content-api-permissions');
      expect((await app.request.get('/api/categories')).status).toBe(401);
    } finally {
      await app.strapi.db
        .connection(link.table)
        .insert({ [link.ownColumn]: permission.id, [link.targetColumn]: publicRole.id });
      await dropFromOtherInstance('content-api-permissions');
    }
    expect((await app.request.get('/api/categories')).status).toBe(200);
  });

  test('a session ended on another instance ends here on the next request', async () => {
    const student = await make.createUser('student');
    expect((await myEnrollments(student)).status).toBe(200);
    await app.strapi.db
      .connection(tableOf(app.strapi, 'admin::session'))
      .where({ [columnOf(app.strapi, 'admin::session', 'sessionId')]: sessionIdOf(student.jwt) })
      .delete();
    expect((await myEnrollments(student)).status).toBe(200);
    await dropFromOtherInstance('sessions', `user:${student.id}`);
    expect((await myEnrollments(student)).status).toBe(401);
  });

  test('a lesson renamed on another instance shows here in the next outline', async () => {
    const teacher = await make.createUser('teacher');
    const course = await make.createCourse({ teacher, lessons: 1 });
    const student = await make.createUser('student');
    expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth)).status).toBe(
      201
    );
    const titles = async () =>
      (await app.request.get(`/api/courses/${course.documentId}/outline`).set(student.auth)).body.data.map(
        (lesson: { title: string }) => lesson.title
      );
    const before = await titles();
    expect(courseStructure.rememberedCourseStructureKeys()).toContain(`course-lessons:${course.documentId}`);
    await app.strapi.db
      .connection(tableOf(app.strapi, 'api::lesson.lesson'))
      .where({ document_id: course.lessons[0].documentId })
      .update({ [columnOf(app.strapi, 'api::lesson.lesson', 'title')]: 'Renamed elsewhere' });
    expect(await titles()).toEqual(before);
    await dropFromOtherInstance('course-structure');
    expect(await titles()).toEqual(['Renamed elsewhere']);
  });

  test('blocking, a role change, a logout and a password change here reach the other instance', async () => {
    const student = await make.createUser('student');
    /** Waits for `what` among the drops the other instance received since the last call. */
    const arrived = async (what: string) => {
      await until(() => receivedByOther.includes(what), what);
      receivedByOther.length = 0;
    };
    receivedByOther.length = 0;

    await app.strapi.db.query(USER).update({ where: { id: student.id }, data: { blocked: true } });
    await arrived('authenticated-users');
    await app.strapi.db.query(USER).update({ where: { id: student.id }, data: { blocked: false } });

    const teacherRole = await app.strapi.db.query(ROLE).findOne({ where: { type: 'teacher' } });
    await app.strapi.db.query(USER).update({ where: { id: student.id }, data: { role: teacherRole.id } });
    await arrived('authenticated-users');
    await app.strapi.db.query(PERMISSION).create({ data: { action: 'api::tag.tag.find', role: teacherRole.id } });
    await arrived('content-api-permissions');

    const login = await app.request.post('/api/auth/local').send({ identifier: student.email, password: PASSWORD });
    expect(login.status).toBe(200);
    const changed = await app.request
      .post('/api/auth/change-password')
      .set({ Authorization: `Bearer ${login.body.jwt}` })
      .send({
        currentPassword: PASSWORD,
        password: 'A-new-long-passphrase-42',
        passwordConfirmation: 'A-new-long-passphrase-42',
      });
    expect(changed.status).toBe(200);
    await arrived(`sessions:user:${student.id}`);

    const logout = await app.request
      .post('/api/auth/logout')
      .set({ Authorization: `Bearer ${changed.body.jwt}` })
      .send({ refreshToken: changed.body.refreshToken });
    expect(logout.status).toBe(200);
    await arrived(`sessions:user:${student.id}`);
  });

  test('when its subscription is lost, this instance forgets and reads the database until it listens again', async () => {
    const student = await make.createUser('student');
    expect((await myEnrollments(student)).status).toBe(200);
    const raw = new Redis(redisUrl!);
    try {
      const clients = String(await raw.client('LIST'));
      const name = `name=lyceum-cache-bus:${bus.cacheBus()!.instanceId}:subscriber`;
      const id = /\bid=(\d+)/.exec(clients.split('\n').find((line) => line.includes(name)) ?? '')?.[1];
      expect(id).toBeDefined();
      await raw.client('KILL', 'ID', id!);
      await until(() => !bus.cachesAreCoherent(), 'the lost subscription to be noticed');
      // Blocked "elsewhere" while no message can arrive: no drop is published, yet the next request sees it.
      await app.strapi.db
        .connection(tableOf(app.strapi, USER))
        .where({ id: student.id })
        .update({ [columnOf(app.strapi, USER, 'blocked')]: true });
      expect((await myEnrollments(student)).status).toBe(401);
      await until(() => bus.cachesAreCoherent(), 'the subscription to come back');
    } finally {
      raw.disconnect();
    }
  });

  test('sign-in, feedback and verification limits count across instances', async () => {
    const store = rateLimit.sharedLimitStore();
    expect(store).toBeDefined();
    // The other instance spends every attempt a forgot-password for this address has (10 a minute by default).
    const otherLimiter = rateLimit.limiterOn(store, { keyPrefix: 'auth-identifier', points: 10, durationSeconds: 60 });
    for (let i = 0; i < 10; i += 1) await otherLimiter.consume('/api/auth/forgot-password:spent@example.org');
    const refused = await app.request.post('/api/auth/forgot-password').send({ email: 'spent@example.org' });
    expect(refused.status).toBe(429);
    expect((await app.request.post('/api/auth/forgot-password').send({ email: 'fresh@example.org' })).status).toBe(200);

    // Feedback (5 per address in ten minutes by default): one message here, four there, the next one here is refused.
    const feedback = () =>
      app.request
        .post('/api/feedback')
        .send({ name: 'Ada', email: 'ada@example.org', message: 'Do you teach engines?' });
    expect((await feedback()).status).toBe(201);
    const client = store!.client;
    const keys = await client.keys(`${store!.prefix}:rate-limit:ip-feedback:*`);
    expect(keys).toHaveLength(1);
    const address = keys[0].slice(`${store!.prefix}:rate-limit:ip-feedback:`.length);
    const otherFeedback = rateLimit.limiterOn(store, { keyPrefix: 'ip-feedback', points: 5, durationSeconds: 600 });
    for (let i = 0; i < 4; i += 1) await otherFeedback.consume(address);
    expect((await feedback()).status).toBe(429);

    // Verification counts in Redis too.
    await app.request.get('/api/certificates/verify/NO-SUCH-CODE');
    expect(await client.keys(`${store!.prefix}:rate-limit:ip-certificate-verification:*`)).toHaveLength(1);
  });
});

(redisUrl ? describe.skip : describe)('without REDIS_URL, one instance', () => {
  beforeAll(async () => {
    app = await startLyceum({ REST_CACHE_ENABLED: 'false', RATE_LIMIT_AUTH_PER_IDENTIFIER: '10' });
    make = factories(app.strapi);
  });
  afterAll(stopLyceum);

  test('there is no bus, caches are used, limits count in memory, and a write here applies at once', async () => {
    expect(bus.cacheBus()).toBeUndefined();
    expect(bus.cachesAreCoherent()).toBe(true);
    expect(rateLimit.sharedLimitStore()).toBeUndefined();
    const student = await make.createUser('student');
    expect((await myEnrollments(student)).status).toBe(200);
    await app.strapi.db.query(USER).update({ where: { id: student.id }, data: { blocked: true } });
    expect((await myEnrollments(student)).status).toBe(401);
    for (let i = 0; i < 10; i += 1)
      await app.request.post('/api/auth/forgot-password').send({ email: 'memory@example.org' });
    expect((await app.request.post('/api/auth/forgot-password').send({ email: 'memory@example.org' })).status).toBe(
      429
    );
  });
});
