import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { countRedisKeys, restCacheTestEnv } from '../helpers/rest-cache';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

// Memory provider by default (stopLyceum flushes this file's prefix); with REDIS_URL set (CI's PostgreSQL pass) the same tests run against Redis.
const cacheEnv = restCacheTestEnv();
const prefix = cacheEnv.REST_CACHE_KEYS_PREFIX;

let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;

/** Storing is not awaited by the request (Redis answers later): ask again until the entry is there. */
async function untilCached(path: string) {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const response = await app.request.get(path);
    if (response.headers['x-cache'] === 'HIT') return response;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${path} was never served from the cache`);
}

const titles = (response: any): string[] => response.body.data.map((entry: any) => entry.title ?? entry.name);

beforeAll(async () => {
  app = await startLyceum(cacheEnv);
  make = factories(app.strapi);
  owner = await make.createUser('teacher');
});
afterAll(stopLyceum);

describe('public catalog', () => {
  test('an anonymous course list is computed once, then served from the cache', async () => {
    await make.createCourse({ teacher: owner, lessons: 0 });
    const first = await app.request.get('/api/courses?sort=title');
    expect(first.status).toBe(200);
    expect(first.headers['x-cache']).toBe('MISS');
    const second = await untilCached('/api/courses?sort=title');
    expect(second.body).toEqual(first.body);
    // Served as the same JSON document, with the same type, not as text.
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(second.text).toBe(first.text);
    // Each query string is its own entry.
    expect((await app.request.get('/api/courses?sort=title&pagination[pageSize]=5')).headers['x-cache']).toBe('MISS');
  });

  test('a course changed through the document service is fresh in the list and in findOne', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 0 });
    expect((await app.request.get(`/api/courses/${course.documentId}`)).headers['x-cache']).toBe('MISS');
    expect((await untilCached(`/api/courses/${course.documentId}`)).body.data.title).toBe(course.title);
    await untilCached('/api/courses');

    await app.strapi
      .documents('api::course.course')
      .update({ documentId: course.documentId, locale: 'en', data: { title: `${course.title} v2` } as any });
    await app.strapi.documents('api::course.course').publish({ documentId: course.documentId, locale: 'en' });

    const one = await app.request.get(`/api/courses/${course.documentId}`);
    expect(one.headers['x-cache']).toBe('MISS');
    expect(one.body.data.title).toBe(`${course.title} v2`);
    expect(titles(await app.request.get('/api/courses'))).toContain(`${course.title} v2`);
  });

  test('a course changed through the REST API by its owner is fresh for anonymous readers', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 0 });
    await untilCached(`/api/courses/${course.documentId}`);
    const updated = await app.request
      .put(`/api/courses/${course.documentId}?status=published`)
      .set(owner.auth)
      .send({ data: { summary: 'Rewritten by its owner' } });
    expect(updated.status).toBe(200);
    expect((await app.request.get(`/api/courses/${course.documentId}`)).body.data.summary).toBe(
      'Rewritten by its owner'
    );
  });

  test('a write made with the query engine (as plugins do) purges too', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 0 });
    await untilCached(`/api/courses/${course.documentId}`);
    await app.strapi.db
      .query('api::course.course')
      .updateMany({ where: { documentId: course.documentId }, data: { summary: 'Changed underneath' } });
    expect((await app.request.get(`/api/courses/${course.documentId}`)).body.data.summary).toBe('Changed underneath');
  });

  test('an enrollment shows in the cached studentsCount of the course', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 1 });
    expect((await untilCached(`/api/courses/${course.documentId}`)).body.data.studentsCount).toBe(0);
    const student = await make.createUser('student');
    expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth)).status).toBe(
      201
    );
    const after = await app.request.get(`/api/courses/${course.documentId}`);
    expect(after.body.data.studentsCount).toBe(1);
  });

  test('a completed lesson leaves the cached course in place: where a student is shows in no cached answer', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 2 });
    const student = await make.createUser('student');
    expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth)).status).toBe(
      201
    );
    const cached = await untilCached(`/api/courses/${course.documentId}`);
    expect(
      (await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth)).status
    ).toBe(200);
    const after = await app.request.get(`/api/courses/${course.documentId}`);
    expect(after.headers['x-cache']).toBe('HIT');
    expect(after.body).toEqual(cached.body);
    // Leaving the course changes studentsCount: that write purges.
    expect(
      (await app.request.delete(`/api/courses/${course.documentId}/enrollments/me`).set(student.auth)).status
    ).toBeLessThan(300);
    const left = await app.request.get(`/api/courses/${course.documentId}`);
    expect(left.headers['x-cache']).toBe('MISS');
    expect(left.body.data.studentsCount).toBe(cached.body.data.studentsCount - 1);
  });

  test('categories, tags and articles are cached and purged by their own writes', async () => {
    for (const path of ['/api/categories', '/api/tags', '/api/articles']) {
      expect((await app.request.get(path)).status).toBe(200);
      await untilCached(path);
    }
    await app.strapi
      .documents('api::category.category')
      .create({ locale: 'en', data: { name: 'Cached category', slug: 'cached-category' } as any });
    await app.strapi.documents('api::tag.tag').create({ data: { name: 'cached-tag', slug: 'cached-tag' } as any });
    const article = await app.strapi
      .documents('api::article.article')
      .create({ locale: 'en', data: { title: 'Cached article', slug: 'cached-article' } as any });
    await app.strapi.documents('api::article.article').publish({ documentId: article.documentId, locale: 'en' });
    expect(titles(await app.request.get('/api/categories'))).toContain('Cached category');
    expect(titles(await app.request.get('/api/tags'))).toContain('cached-tag');
    expect(titles(await app.request.get('/api/articles'))).toContain('Cached article');
  });

  test('a request whose permission is refused is refused before the cache is consulted', async () => {
    // Warm the list, then a malformed token: 401, never the cached list.
    await app.request.get('/api/courses');
    const refused = await app.request.get('/api/courses').set({ Authorization: 'Bearer not-a-token' });
    expect(refused.status).toBe(401);
    expect(refused.body.data).toBeNull();
  });
});

describe('answers served before routing', () => {
  const PERMISSION = 'plugin::users-permissions.permission';
  const ROLE = 'plugin::users-permissions.role';

  test('a cached answer stops being served once the public role may no longer read it, and comes back with the permission', async () => {
    const path = '/api/tags?sort=name:asc&pagination[pageSize]=3';
    await app.request.get(path);
    await untilCached(path);

    const publicRole = await app.strapi.db.query(ROLE).findOne({ where: { type: 'public' } });
    const action = 'api::tag.tag.find';
    await app.strapi.db.query(PERMISSION).delete({ where: { action, role: publicRole.id } });
    try {
      const refused = await app.request.get(path);
      expect(refused.status).toBe(401);
      expect(refused.headers['x-cache']).not.toBe('HIT');
    } finally {
      await app.strapi.db.query(PERMISSION).create({ data: { action, role: publicRole.id } });
    }
    expect((await app.request.get(path)).headers['x-cache']).toBe('MISS');
    expect((await untilCached(path)).status).toBe(200);
  });

  test('a hit carries the same security and CORS headers as a miss', async () => {
    const path = '/api/categories?sort=name:desc';
    const origin = 'http://localhost:3000';
    const miss = await app.request.get(path).set('Origin', origin);
    const hit = await untilCached(path);
    const again = await app.request.get(path).set('Origin', origin);
    expect(miss.headers['x-cache']).toBe('MISS');
    expect(again.headers['x-cache']).toBe('HIT');
    for (const header of [
      'content-security-policy',
      'x-content-type-options',
      'access-control-allow-origin',
      'x-powered-by',
      'content-type',
    ]) {
      expect(again.headers[header]).toBe(miss.headers[header]);
    }
    expect(hit.text).toBe(miss.text);
  });

  test('the same parameters in another order are another entry, never a wrong answer', async () => {
    const ascending = await app.request.get('/api/courses?sort[0]=title:asc&sort[1]=createdAt:desc');
    const swapped = await app.request.get('/api/courses?sort[1]=createdAt:desc&sort[0]=title:asc');
    expect(swapped.headers['x-cache']).toBe('MISS');
    expect(swapped.body).toEqual(ascending.body);
  });
});

describe('private answers never reach another caller', () => {
  let course: TestCourse;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    course = await make.createCourse({ teacher: owner, lessons: 2 });
    [alice, bob] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    for (const student of [alice, bob]) {
      expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth)).status).toBe(
        201
      );
    }
    expect(
      (await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(alice.auth)).status
    ).toBe(200);
  });

  test('the outline is cached for anonymous callers only; each student gets their own completed/locked', async () => {
    const anonymous = await app.request.get(`/api/courses/${course.documentId}/outline`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers['x-cache']).toBe('MISS');
    await untilCached(`/api/courses/${course.documentId}/outline`);
    expect(anonymous.body.data.every((lesson: any) => lesson.completed === false)).toBe(true);

    const aliceOutline = await app.request.get(`/api/courses/${course.documentId}/outline`).set(alice.auth);
    expect(aliceOutline.headers['x-cache']).toBe('HITPASS');
    expect(aliceOutline.body.data[0].completed).toBe(true);

    const bobOutline = await app.request.get(`/api/courses/${course.documentId}/outline`).set(bob.auth);
    expect(bobOutline.headers['x-cache']).toBe('HITPASS');
    expect(bobOutline.body.data[0].completed).toBe(false);

    // Alice's answer was not stored for anyone: the anonymous entry is unchanged.
    const again = await app.request.get(`/api/courses/${course.documentId}/outline`);
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.body).toEqual(anonymous.body);
  });

  test("a teacher's view of their draft never reaches anonymous callers or another user", async () => {
    const draft = await make.createCourse({ teacher: owner, lessons: 0, published: false });
    const query = '/api/courses?status=draft&filters[title][$eq]=' + encodeURIComponent(draft.title);
    const own = await app.request.get(query).set(owner.auth);
    expect(own.headers['x-cache']).not.toBe('HIT');
    const anonymous = await app.request.get(query);
    expect(anonymous.headers['x-cache']).not.toBe('HIT');
    expect(JSON.stringify(anonymous.body)).not.toContain(draft.title);
    const other = await app.request.get(query).set(bob.auth);
    expect(other.headers['x-cache']).toBe('HITPASS');
    expect(JSON.stringify(other.body)).not.toContain(draft.title);
  });

  test('authenticated reads of the catalog bypass the cache both ways', async () => {
    await untilCached('/api/categories');
    expect((await app.request.get('/api/categories').set(alice.auth)).headers['x-cache']).toBe('HITPASS');
  });
});

describe('certificate verification', () => {
  test('a verified code is cached, a revocation shows at once, another casing is not the same code', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 1 });
    const student = await make.createUser('student', { fullName: 'Cached Holder' });
    await make.enroll(student, course);
    const issued = await app.request
      .post(`/api/courses/${course.documentId}/certificates`)
      .set(owner.auth)
      .send({ user: student.id });
    expect(issued.status).toBe(201);
    const { code, documentId } = issued.body.data;

    const first = await app.request.get(`/api/certificates/verify/${code}`);
    expect(first.status).toBe(200);
    expect(first.body.data ?? first.body).toMatchObject({ valid: true });
    await untilCached(`/api/certificates/verify/${code}`);

    const swapped = code.replace(/[a-zA-Z]/, (letter: string) =>
      letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase()
    );
    if (swapped !== code) expect((await app.request.get(`/api/certificates/verify/${swapped}`)).status).toBe(404);

    const revoked = await app.request
      .post(`/api/certificates/${documentId}/revoke`)
      .set(owner.auth)
      .send({ reason: 'Issued by mistake' });
    expect(revoked.status).toBe(200);
    const after = await app.request.get(`/api/certificates/verify/${code}`);
    expect(after.body.data ?? after.body).toMatchObject({ valid: false, status: 'revoked' });
  });

  test('an unknown code is not cached', async () => {
    const unknown = 'A'.repeat(22);
    expect((await app.request.get(`/api/certificates/verify/${unknown}`)).status).toBe(404);
    const again = await app.request.get(`/api/certificates/verify/${unknown}`);
    expect(again.status).toBe(404);
    expect(again.headers['x-cache']).not.toBe('HIT');
  });
});

describe('certificate verification under its rate limit', () => {
  test('answers from the cache still count against the per-address limit', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 1 });
    const student = await make.createUser('student');
    await make.enroll(student, course);
    const issued = await app.request
      .post(`/api/courses/${course.documentId}/certificates`)
      .set(owner.auth)
      .send({ user: student.id });
    const path = `/api/certificates/verify/${issued.body.data.code}`;
    await untilCached(path);
    let limited: any;
    for (let attempt = 0; attempt < 70 && !limited; attempt += 1) {
      const response = await app.request.get(path);
      if (response.status === 429) limited = response;
    }
    expect(limited?.body.error.details.reason).toBe('rate_limited');
  });
});

const describeWithRedis = process.env.REDIS_URL ? describe : describe.skip;
describeWithRedis('with REDIS_URL', () => {
  test('entries live in Redis under this run’s prefix', async () => {
    await untilCached('/api/tags?sort=name:desc');
    expect(await countRedisKeys(prefix)).toBeGreaterThan(0);
  });
});
