import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { unzipSync } from 'fflate';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { PNG } from '../helpers/sample-files';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Tutor marketplace, profiles and reviews (contract "Tutor marketplace"): teachers' tutor profiles with validated
 * rates, currencies, subjects and languages; the public list with filters, sorts and search; the public profile
 * and its intro video; reviews by verified clients only, once each, with exact figures under concurrency.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let ada: TestUser;
let boris: TestUser;
let chen: TestUser;
let student: TestUser;
let racingTutor: TestUser;
let client: TestUser;
let adaCourse: TestCourse;
let draftCourse: TestCourse;
let math: string;
let physics: string;
let music: string;
let workDir: string;
const uploaded: string[] = [];

async function tag(name: string): Promise<string> {
  const created = await app.strapi.documents('api::tag.tag').create({ data: { name } as any });
  return created.documentId;
}

const putProfile = (user: TestUser, body: unknown) =>
  app.request
    .put('/api/me/tutor-profile')
    .set(user.auth)
    .send(body as object);

const profileBody = (overrides: Record<string, unknown> = {}) => ({
  headline: 'Patient algebra and calculus tutor',
  subjects: [math],
  experienceYears: 5,
  hourlyRate: '25.00',
  currency: 'USD',
  languages: ['en'],
  ...overrides,
});

function expectFieldError(response: any, field: string) {
  expect(response.status).toBe(400);
  expect(response.body.error.name).toBe('ValidationError');
  const paths = (response.body.error.details?.errors ?? []).map((error: any) => error.path.join('.'));
  expect(paths).toContain(field);
}

function upload(user: TestUser, content: Buffer, filename: string, contentType: string) {
  return app.request.post('/api/upload').set(user.auth).attach('files', content, { filename, contentType });
}

async function uploadFile(user: TestUser, content: Buffer, filename: string, contentType: string) {
  const response = await upload(user, content, filename, contentType);
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${JSON.stringify(response.body)}`);
  uploaded.push(response.body[0].url);
  return response.body[0] as { id: number; url: string; videoAsset?: { id: string } };
}

async function enrolledClient(course: TestCourse): Promise<TestUser> {
  const user = await make.createUser('student');
  await make.enroll(user, course);
  return user;
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let attempt = 0; attempt < 120 && !done(value); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  [ada, boris, chen, student, client] = await Promise.all([
    make.createUser('teacher', { fullName: 'Ada Lovelace' }),
    make.createUser('teacher', { fullName: 'Boris Pasternak' }),
    make.createUser('teacher', { fullName: 'Chen Ning Yang' }),
    make.createUser('student'),
    make.createUser('student', { fullName: 'Carla Client' }),
  ]);
  [math, physics, music] = await Promise.all([tag('Mathematics'), tag('Physics'), tag('Music')]);
  adaCourse = await make.createCourse({ teacher: ada, lessons: 0 });
  draftCourse = await make.createCourse({ teacher: ada, lessons: 0, published: false });
  await make.enroll(client, adaCourse);
  racingTutor = await make.createUser('teacher');
  await putProfile(racingTutor, profileBody({ headline: 'Race tutor' }));
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-tutors-test-'));
});

afterAll(async () => {
  await stopLyceum();
  for (const url of uploaded) fs.rmSync(path.join(process.cwd(), 'public', url), { force: true });
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('PUT /me/tutor-profile', () => {
  test('a teacher saves a profile and reads it back; no email in the answer', async () => {
    const response = await putProfile(ada, profileBody({ subjects: [math, physics], languages: ['en', 'FR'] }));
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      id: ada.id,
      username: ada.username,
      fullName: 'Ada Lovelace',
      headline: 'Patient algebra and calculus tutor',
      subjects: [
        { documentId: math, name: 'Mathematics' },
        { documentId: physics, name: 'Physics' },
      ],
      experienceYears: 5,
      hourlyRate: '25.00',
      currency: 'USD',
      languages: ['en', 'fr'],
      hasIntroVideo: false,
      ratingAverage: 0,
      ratingCount: 0,
    });
    expect(JSON.stringify(response.body)).not.toContain(ada.email);
    const mine = await app.request.get('/api/me/tutor-profile').set(ada.auth);
    expect(mine.status).toBe(200);
    expect(mine.body.data.headline).toBe('Patient algebra and calculus tutor');
  });

  test('an update keeps the fields it leaves out', async () => {
    await putProfile(
      boris,
      profileBody({ headline: 'Poetry and piano', subjects: [music], hourlyRate: 40, currency: 'eur' })
    );
    const response = await putProfile(boris, { experienceYears: 12 });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      headline: 'Poetry and piano',
      experienceYears: 12,
      hourlyRate: '40.00',
      currency: 'EUR',
      subjects: [{ documentId: music }],
    });
  });

  test('refuses students (403 not_a_teacher) and visitors (401)', async () => {
    const response = await putProfile(student, profileBody());
    expect(response.status).toBe(403);
    expect(response.body.error.details.reason).toBe('not_a_teacher');
    expect((await app.request.put('/api/me/tutor-profile').send(profileBody())).status).toBe(401);
    expect((await app.request.get('/api/me/tutor-profile').set(student.auth)).status).toBe(404);
  });

  test('a first profile needs its headline, subjects, rate, currency and languages', async () => {
    const response = await putProfile(chen, { experienceYears: 3 });
    for (const field of ['headline', 'subjects', 'hourlyRate', 'currency', 'languages'])
      expectFieldError(response, field);
  });

  test.each([
    ['hourlyRate', { hourlyRate: '-5' }],
    ['hourlyRate', { hourlyRate: '12.345' }],
    ['hourlyRate', { hourlyRate: 'cheap' }],
    ['hourlyRate', { hourlyRate: 1e12 }],
    ['hourlyRate', { hourlyRate: '12.5', currency: 'JPY' }],
    ['currency', { currency: 'XYZ' }],
    ['currency', { currency: 'dollars' }],
    ['currency', { currency: 840 }],
    ['subjects', { subjects: ['nosuchtag000000000000000'] }],
    ['subjects', { subjects: [] }],
    ['subjects', { subjects: 'math' }],
    ['subjects', { subjects: ['bad id!'] }],
    ['languages', { languages: ['english'] }],
    ['languages', { languages: ['xx'] }],
    ['languages', { languages: [] }],
    ['experienceYears', { experienceYears: -1 }],
    ['experienceYears', { experienceYears: 2.5 }],
    ['experienceYears', { experienceYears: '5' }],
    ['headline', { headline: '' }],
    ['headline', { headline: 'h'.repeat(201) }],
    ['introVideo', { introVideo: 'clip.mp4' }],
    ['introVideo', { introVideo: 987654 }],
    ['surprise', { surprise: true }],
  ])('400 naming %s for %j', async (field, change) => {
    expectFieldError(await putProfile(chen, profileBody(change)), field);
  });

  test("the intro video must be the caller's own upload (403 not_file_owner) and a video (400)", async () => {
    const others = await uploadFile(boris, PNG, 'boris.png', 'image/png');
    const foreign = await putProfile(chen, profileBody({ introVideo: others.id }));
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.details.reason).toBe('not_file_owner');
    const picture = await uploadFile(chen, PNG, 'chen.png', 'image/png');
    expectFieldError(await putProfile(chen, profileBody({ introVideo: picture.id })), 'introVideo');
  });

  test('concurrent first saves leave one profile', async () => {
    const teacher = await make.createUser('teacher');
    const answers = await Promise.all([0, 1, 2, 3].map(() => putProfile(teacher, profileBody())));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(
      await app.strapi.db.query('plugin::marketplace.tutor-profile' as any).count({ where: { userId: teacher.id } })
    ).toBe(1);
  });
});

describe('GET /tutors', () => {
  let dora: TestUser;
  let blocked: TestUser;

  beforeAll(async () => {
    dora = await make.createUser('teacher', { fullName: 'Dora Quantum' });
    blocked = await make.createUser('teacher', { fullName: 'Blocked Tutor' });
    await putProfile(
      chen,
      profileBody({
        headline: 'Physics olympiad coach',
        subjects: [physics],
        hourlyRate: '60',
        experienceYears: 20,
        languages: ['zh', 'en'],
      })
    );
    await putProfile(
      dora,
      profileBody({
        headline: 'Quantum mechanics explained',
        subjects: [physics, math],
        hourlyRate: '15.50',
        experienceYears: 1,
        languages: ['ru'],
      })
    );
    await putProfile(blocked, profileBody({ headline: 'Hidden physics tutor', subjects: [physics] }));
    await app.strapi.db
      .query('plugin::users-permissions.user')
      .update({ where: { id: blocked.id }, data: { blocked: true } });
  });

  const ids = (response: any) => response.body.data.map((tutor: any) => tutor.id);

  test("lists visible tutors with the contract's pagination; never emails", async () => {
    const response = await app.request.get('/api/tutors?pageSize=2&page=1');
    expect(response.status).toBe(200);
    expect(response.body.data).toHaveLength(2);
    expect(response.body.meta.pagination).toMatchObject({ page: 1, pageSize: 2 });
    const all = await app.request.get('/api/tutors?pageSize=100');
    expect(ids(all)).toEqual(expect.arrayContaining([ada.id, boris.id, chen.id, dora.id]));
    expect(ids(all)).not.toContain(blocked.id);
    expect(all.body.meta.pagination.total).toBe(all.body.data.length);
    // The count rides on the page's statement: a page past the end still answers the total.
    const pastTheEnd = await app.request.get('/api/tutors?pageSize=2&page=1000');
    expect(pastTheEnd.status).toBe(200);
    expect(pastTheEnd.body.data).toEqual([]);
    expect(pastTheEnd.body.meta.pagination).toMatchObject({ page: 1000, total: all.body.data.length });
    const second = await app.request.get('/api/tutors?pageSize=2&page=2');
    expect(ids(second)).toEqual(ids(all).slice(2, 4));
    expect(second.body.meta.pagination.total).toBe(all.body.data.length);
    const text = JSON.stringify(all.body);
    for (const user of [ada, boris, chen, dora]) expect(text).not.toContain(user.email);
    for (const secret of ['email', 'password', 'blocked', 'role', 'provider'])
      expect(all.body.data[0]).not.toHaveProperty(secret);
  });

  test('filters by subject, language, price and rating', async () => {
    const bySubject = ids(await app.request.get(`/api/tutors?subject=${physics}&pageSize=100`));
    expect(bySubject).toEqual(expect.arrayContaining([ada.id, chen.id, dora.id]));
    expect(bySubject).not.toContain(boris.id);
    const byLanguage = ids(await app.request.get('/api/tutors?language=ru&pageSize=100'));
    expect(byLanguage).toEqual([dora.id]);
    const cheap = ids(await app.request.get(`/api/tutors?subject=${physics}&priceMax=30&pageSize=100`));
    expect(cheap).toEqual(expect.arrayContaining([ada.id, dora.id]));
    expect(cheap).not.toContain(chen.id);
    const rated = ids(await app.request.get('/api/tutors?ratingMin=1&pageSize=100'));
    expect(rated).not.toContain(dora.id);
  });

  test('sorts by price and by experience', async () => {
    const byPrice = ids(await app.request.get(`/api/tutors?subject=${physics}&sort=price`));
    expect(byPrice.indexOf(dora.id)).toBeLessThan(byPrice.indexOf(ada.id));
    expect(byPrice.indexOf(ada.id)).toBeLessThan(byPrice.indexOf(chen.id));
    const byExperience = ids(await app.request.get(`/api/tutors?subject=${physics}&sort=experience`));
    expect(byExperience[0]).toBe(chen.id);
    expect(byExperience[byExperience.length - 1]).toBe(dora.id);
  });

  test('q goes through search', async () => {
    const found = await eventually(
      () => app.request.get('/api/tutors?q=quantum'),
      (response) => response.body.data?.length > 0
    );
    expect(found.status).toBe(200);
    expect(ids(found)).toEqual([dora.id]);
    const none = await app.request.get('/api/tutors?q=quantum&language=en');
    expect(none.body.data).toEqual([]);
    const inSearch = await app.request.get('/api/search?q=quantum&type=tutor');
    expect(inSearch.status).toBe(200);
    expect(inSearch.body.data[0]).toMatchObject({ type: 'tutor', url: `/tutors/${dora.id}` });
  });

  test.each([
    ['language', 'language=english'],
    ['language', 'language=xx'],
    ['priceMax', 'priceMax=-1'],
    ['priceMax', 'priceMax=cheap'],
    ['ratingMin', 'ratingMin=6'],
    ['sort', 'sort=fame'],
    ['subject', 'subject=not%20an%20id'],
    ['pageSize', 'pageSize=1000'],
    ['q', `q=${'a'.repeat(201)}`.slice(0, 210)],
  ])('400 naming %s for %s', async (field, query) => {
    expectFieldError(await app.request.get(`/api/tutors?${query}`), field);
  });
});

describe('GET /tutors/:id', () => {
  test('the public profile: published courses, posts count, rating; no private fields', async () => {
    await app.request
      .post('/api/posts')
      .set(ada.auth)
      .send({ kind: 'note', title: 'Bernoulli numbers', body: 'A note on the engine' });
    const response = await app.request.get(`/api/tutors/${ada.id}`);
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ id: ada.id, fullName: 'Ada Lovelace', ratingCount: expect.any(Number) });
    expect(response.body.data.courses.map((course: any) => course.documentId)).toEqual([adaCourse.documentId]);
    expect(response.body.data.courses.map((course: any) => course.documentId)).not.toContain(draftCourse.documentId);
    expect(response.body.data.postsCount).toBe(1);
    const text = JSON.stringify(response.body);
    expect(text).not.toContain(ada.email);
    for (const secret of ['email', 'password', 'blocked', 'role', 'provider', 'lastActiveAt', 'ratingSum'])
      expect(response.body.data).not.toHaveProperty(secret);
  });

  test('404 for a user with no tutor profile or a blocked one; 400 for a malformed id', async () => {
    expect((await app.request.get(`/api/tutors/${student.id}`)).status).toBe(404);
    expect((await app.request.get('/api/tutors/999999')).status).toBe(404);
    expect((await app.request.get('/api/tutors/abc')).status).toBe(400);
  });
});

describe('intro video', () => {
  test('404 when the tutor has none', async () => {
    const response = await app.request.get(`/api/tutors/${boris.id}/intro/playback`);
    expect(response.status).toBe(404);
  });

  test('an uploaded video converts and plays publicly through a signed hlsUrl', async () => {
    const clipPath = path.join(workDir, 'intro.mp4');
    const made = spawnSync(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=320x240:rate=25',
        '-t',
        '1',
        '-c:v',
        'libx264',
        '-pix_fmt',
        'yuv420p',
        clipPath,
      ],
      { stdio: 'inherit' }
    );
    if (made.status !== 0) throw new Error('ffmpeg could not make the test clip');
    const video = await uploadFile(boris, fs.readFileSync(clipPath), 'intro.mp4', 'video/mp4');
    const saved = await putProfile(boris, { introVideo: video.id });
    expect(saved.status).toBe(200);
    expect(saved.body.data.hasIntroVideo).toBe(true);
    const playback = await eventually(
      () => app.request.get(`/api/tutors/${boris.id}/intro/playback`),
      (response) => ['ready', 'failed'].includes(response.body.data?.status)
    );
    expect(playback.status).toBe(200);
    expect(playback.body.data).toMatchObject({
      status: 'ready',
      hlsUrl: expect.stringMatching(/^\/api\/videos\/[a-z0-9]+\/hls\/master\.m3u8\?.+/),
    });
    const playlist = await app.request.get(playback.body.data.hlsUrl);
    expect(playlist.status).toBe(200);
    const removed = await putProfile(boris, { introVideo: null });
    expect(removed.body.data.hasIntroVideo).toBe(false);
    expect((await app.request.get(`/api/tutors/${boris.id}/intro/playback`)).status).toBe(404);
  });
});

describe('tutor reviews', () => {
  const review = (user: TestUser, tutor: TestUser, body: unknown) =>
    app.request
      .post(`/api/tutors/${tutor.id}/reviews`)
      .set(user.auth)
      .send(body as object);

  test("a client of one of the tutor's courses reviews once (201, then 409 already_reviewed)", async () => {
    const first = await review(client, ada, { rating: 5, body: 'Clear explanations' });
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({ rating: 5, body: 'Clear explanations', author: { name: 'Carla Client' } });
    expect(JSON.stringify(first.body)).not.toContain(client.email);
    const second = await review(client, ada, { rating: 1, body: 'Changed my mind' });
    expect(second.status).toBe(409);
    expect(second.body.error.details.reason).toBe('already_reviewed');
  });

  test('403 not_a_client for anyone else; 400 for oneself; 404 for no tutor; 401 for visitors', async () => {
    const stranger = await review(student, ada, { rating: 4, body: 'Never met' });
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.details.reason).toBe('not_a_client');
    const cancelled = await make.createUser('student');
    await make.enroll(cancelled, adaCourse, 'cancelled');
    expect((await review(cancelled, ada, { rating: 4, body: 'Left early' })).body.error.details.reason).toBe(
      'not_a_client'
    );
    const draftStudent = await make.createUser('student');
    await make.enroll(draftStudent, draftCourse);
    expect((await review(draftStudent, ada, { rating: 4, body: 'Draft' })).status).toBe(403);
    const self = await review(ada, ada, { rating: 5, body: 'I am great' });
    expect(self.status).toBe(400);
    expect((await review(client, student, { rating: 5, body: 'No such tutor' })).status).toBe(404);
    expect((await app.request.post(`/api/tutors/${ada.id}/reviews`).send({ rating: 5 })).status).toBe(401);
  });

  test.each([
    ['rating', { rating: 0, body: 'x' }],
    ['rating', { rating: 6, body: 'x' }],
    ['rating', { rating: '5', body: 'x' }],
    ['rating', { rating: 4.5, body: 'x' }],
    ['rating', { body: 'x' }],
    ['body', { rating: 5, body: 42 }],
    ['body', { rating: 5, body: 'b'.repeat(5001) }],
    ['extra', { rating: 5, body: 'x', extra: 1 }],
  ])('400 naming %s for %j', async (field, body) => {
    const fresh = await enrolledClient(adaCourse);
    expectFieldError(await review(fresh, ada, body), field);
  });

  test('20 concurrent reviews by different clients all count: exact ratingAverage and ratingCount', async () => {
    const course = await make.createCourse({ teacher: chen, lessons: 0 });
    const clients = await Promise.all(Array.from({ length: 20 }, () => enrolledClient(course)));
    const ratings = clients.map((_, index) => (index % 5) + 1);
    const answers = await Promise.all(
      clients.map((user, index) => review(user, chen, { rating: ratings[index], body: `Review number ${index}` }))
    );
    expect(answers.map((answer) => answer.status)).toEqual(clients.map(() => 201));
    const profile = await app.request.get(`/api/tutors/${chen.id}`);
    const sum = ratings.reduce((total, rating) => total + rating, 0);
    expect(profile.body.data.ratingCount).toBe(20);
    expect(profile.body.data.ratingAverage).toBe(Math.round((sum / 20) * 100) / 100);
    const stored = await app.strapi.db
      .query('plugin::marketplace.tutor-profile' as any)
      .findOne({ where: { userId: chen.id } });
    expect(Number(stored.ratingSum)).toBe(sum);
    const listed = await app.request.get(`/api/tutors/${chen.id}/reviews?pageSize=5`);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(5);
    expect(listed.body.meta).toMatchObject({ pagination: { total: 20 }, ratingCount: 20 });
  });

  test('the same client racing itself gets one 201 and 409s', async () => {
    const course = await make.createCourse({ teacher: racingTutor, lessons: 0 });
    const racer = await enrolledClient(course);
    const answers = await Promise.all(
      [0, 1, 2, 3, 4].map(() => review(racer, racingTutor, { rating: 3, body: 'Race' }))
    );
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 409)).toHaveLength(4);
    const profile = await app.request.get(`/api/tutors/${racingTutor.id}`);
    expect(profile.body.data).toMatchObject({ ratingCount: 1, ratingAverage: 3 });
  });

  test('GET /tutors/:id/reviews lists newest first with the public name only', async () => {
    const response = await app.request.get(`/api/tutors/${ada.id}/reviews`);
    expect(response.status).toBe(200);
    expect(response.body.data[0]).toMatchObject({ rating: 5, author: { name: 'Carla Client' } });
    expect(response.body.meta).toMatchObject({ ratingAverage: 5, ratingCount: 1 });
    expect((await app.request.get(`/api/tutors/${student.id}/reviews`)).status).toBe(404);
  });

  test('GET /reviews/best: high ratings with substantial text, recent first, one per tutor', async () => {
    const long = (text: string) => `${text} `.repeat(12).trim();
    const course = await make.createCourse({ teacher: boris, lessons: 0 });
    const [first, second, third] = await Promise.all([
      enrolledClient(course),
      enrolledClient(course),
      enrolledClient(course),
    ]);
    expect((await review(first, boris, { rating: 5, body: long('Older but excellent lessons.') })).status).toBe(201);
    expect((await review(second, boris, { rating: 5, body: long('Newer excellent lessons.') })).status).toBe(201);
    expect((await review(third, boris, { rating: 2, body: long('Did not like the pace.') })).status).toBe(201);
    const adaClient = await enrolledClient(adaCourse);
    expect((await review(adaClient, ada, { rating: 4, body: long('Ada made the engine clear.') })).status).toBe(201);
    const response = await app.request.get('/api/reviews/best?limit=10');
    expect(response.status).toBe(200);
    const tutors = response.body.data.map((item: any) => item.tutor.id);
    expect(new Set(tutors).size).toBe(tutors.length);
    expect(tutors.slice(0, 2)).toEqual([ada.id, boris.id]);
    const borisBest = response.body.data.find((item: any) => item.tutor.id === boris.id);
    expect(borisBest.body).toContain('Newer excellent');
    for (const item of response.body.data) {
      expect(item.rating).toBeGreaterThanOrEqual(4);
      expect(item.body.length).toBeGreaterThanOrEqual(80);
    }
    expect(response.body.data.map((item: any) => item.body)).not.toContain('Clear explanations');
    expect((await app.request.get('/api/reviews/best?limit=1')).body.data).toHaveLength(1);
    expectFieldError(await app.request.get('/api/reviews/best?limit=0'), 'limit');
    expectFieldError(await app.request.get('/api/reviews/best?limit=many'), 'limit');
  });
});

describe('personal data', () => {
  const binary = (request: any) =>
    request.buffer(true).parse((response: any, done: (error: Error | null, body: Buffer) => void) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });

  async function exported(user: TestUser): Promise<Record<string, any>> {
    const requested = await app.request.post('/api/me/data-export').set(user.auth);
    expect(requested.status).toBe(202);
    const ready = await eventually(
      () => app.request.get(`/api/me/data-export/${requested.body.data.id}`).set(user.auth),
      (response) => response.body.data?.status !== 'pending'
    );
    expect(ready.body.data.status).toBe('ready');
    const download = await binary(app.request.get(ready.body.data.downloadUrl).set(user.auth));
    const files = unzipSync(new Uint8Array(download.body));
    return Object.fromEntries(
      Object.entries(files).map(([name, bytes]) => [
        name,
        name.endsWith('.json') ? JSON.parse(Buffer.from(bytes).toString('utf8')) : null,
      ])
    );
  }

  test('the export holds the tutor profile and the reviews written and received', async () => {
    const tutor = await make.createUser('teacher');
    await putProfile(tutor, profileBody({ headline: 'Exported headline' }));
    const course = await make.createCourse({ teacher: tutor, lessons: 0 });
    const reviewer = await enrolledClient(course);
    expect(
      (
        await app.request
          .post(`/api/tutors/${tutor.id}/reviews`)
          .set(reviewer.auth)
          .send({ rating: 4, body: 'Exported review' })
      ).status
    ).toBe(201);
    const tutorFiles = await exported(tutor);
    expect(tutorFiles['tutor-profile.json']).toEqual([
      expect.objectContaining({ headline: 'Exported headline', subjects: [math] }),
    ]);
    expect(tutorFiles['tutor-review.json']).toEqual([
      expect.objectContaining({ direction: 'received', body: 'Exported review' }),
    ]);
    const reviewerFiles = await exported(reviewer);
    expect(reviewerFiles['tutor-review.json']).toEqual([expect.objectContaining({ direction: 'written', rating: 4 })]);
    expect(reviewerFiles['tutor-profile.json']).toEqual([]);
  });

  test('erasure: a client\'s review stays as "Deleted user" and still counts; a tutor\'s profile goes', async () => {
    const tutor = await make.createUser('teacher');
    await putProfile(tutor, profileBody({ headline: 'Soon erased tutor' }));
    const course = await make.createCourse({ teacher: tutor, lessons: 0 });
    const reviewer = await enrolledClient(course);
    await app.request
      .post(`/api/tutors/${tutor.id}/reviews`)
      .set(reviewer.auth)
      .send({ rating: 5, body: 'Erased client wrote this' });
    expect((await app.request.delete('/api/me').set(reviewer.auth).send({ password: 'Secret-pass-1' })).status).toBe(
      200
    );
    const listed = await app.request.get(`/api/tutors/${tutor.id}/reviews`);
    expect(listed.body.data).toEqual([
      expect.objectContaining({ body: 'Erased client wrote this', author: { name: 'Deleted user' } }),
    ]);
    expect(listed.body.meta).toMatchObject({ ratingCount: 1, ratingAverage: 5 });
    expect((await app.request.delete('/api/me').set(tutor.auth).send({ password: 'Secret-pass-1' })).status).toBe(200);
    expect((await app.request.get(`/api/tutors/${tutor.id}`)).status).toBe(404);
    for (const uid of ['tutor-profile', 'tutor-subject', 'tutor-language'])
      expect(
        await app.strapi.db.query(`plugin::marketplace.${uid}` as any).count({ where: { userId: tutor.id } })
      ).toBe(0);
    expect(
      await app.strapi.db.query('plugin::marketplace.tutor-review' as any).count({ where: { tutorId: tutor.id } })
    ).toBe(0);
  });
});
