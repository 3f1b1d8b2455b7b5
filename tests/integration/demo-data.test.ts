import fs from 'fs';
import path from 'path';
import { DEMO_PASSWORD, DEMO_USERS } from '../../src/demo/accounts';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;

beforeAll(async () => {
  app = await startLyceum({ LYCEUM_DEMO_DATA: 'true' });
}, 300_000);
afterAll(stopLyceum);

const login = async (email: string) => {
  const response = await app.request.post('/api/auth/local').send({ identifier: email, password: DEMO_PASSWORD });
  expect(response.status).toBe(200);
  return { Authorization: `Bearer ${response.body.jwt}` };
};

test.each(DEMO_USERS.map((user) => [user.email, user.role]))(
  '%s logs in with the demo password and has role %s',
  async (email, role) => {
    const me = await app.request.get('/api/users/me').set(await login(email));
    expect(me.body.role.type).toBe(role);
  }
);

test('the admin panel super admin logs in', async () => {
  const response = await app.request.post('/admin/login').send({ email: 'admin@example.com', password: DEMO_PASSWORD });
  expect(response.status).toBe(200);
  expect(response.body.data.token).toEqual(expect.any(String));
});

const adminLogin = async (email: string) => {
  const response = await app.request.post('/admin/login').send({ email, password: DEMO_PASSWORD });
  expect(response.status).toBe(200);
  return { Authorization: `Bearer ${response.body.data.token}` };
};

test('the admin panel Teacher is the demo teacher: the LMS pages list the demo courses', async () => {
  const courses = await app.request.get('/grading/courses').set(await adminLogin('teacher@example.com'));
  expect(courses.status).toBe(200);
  expect(courses.body.data.map((course: { title: string }) => course.title)).toEqual(
    expect.arrayContaining(['TypeScript from Zero'])
  );
});

test('the admin panel Marketer writes the blog and nothing else', async () => {
  const auth = await adminLogin('marketer@example.com');
  expect((await app.request.get('/content-manager/collection-types/api::article.article').set(auth)).status).toBe(200);
  expect((await app.request.get('/content-manager/collection-types/api::course.course').set(auth)).status).toBe(403);
});

test('the admin panel Finance user opens the Orders page and the coupons, not the courses', async () => {
  const auth = await adminLogin('finance@example.com');
  expect((await app.request.get('/commerce/orders').set(auth)).status).toBe(200);
  expect((await app.request.get('/content-manager/collection-types/api::coupon.coupon').set(auth)).status).toBe(200);
  expect((await app.request.get('/content-manager/collection-types/api::course.course').set(auth)).status).toBe(403);
});

test('the demo student has one open support ticket, in the demo Support user’s inbox', async () => {
  const student = await login('student@example.com');
  const mine = await app.request.get('/api/support/tickets').set(student);
  expect(mine.status).toBe(200);
  expect(mine.body.data).toEqual([
    expect.objectContaining({ subject: 'Where do I find my certificate?', status: 'open', messagesCount: 1 }),
  ]);
  const inbox = await app.request.get('/support/tickets?status=open').set(await adminLogin('support@example.com'));
  expect(inbox.status).toBe(200);
  expect(inbox.body.data.map((ticket: { documentId: string }) => ticket.documentId)).toContain(
    mine.body.data[0].documentId
  );
});

test('published courses exist in English and Russian, with lessons, a quiz, an assignment and a review', async () => {
  const english = await app.request.get('/api/courses?populate[lessons]=true&sort=title');
  const russian = await app.request.get('/api/courses?locale=ru');
  expect(english.body.data.length).toBeGreaterThanOrEqual(3);
  expect(russian.body.data.length).toBe(english.body.data.length);
  expect(russian.body.data.map((course: { title: string }) => course.title)).toContain('TypeScript с нуля');
  expect(english.body.data.every((course: { lessons: unknown[] }) => course.lessons.length > 0)).toBe(true);
  expect(
    await app.strapi.db.query('api::quiz.quiz').count({ where: { publishedAt: { $notNull: true } } })
  ).toBeGreaterThan(0);
  expect(
    await app.strapi.db.query('api::assignment.assignment').count({ where: { publishedAt: { $notNull: true } } })
  ).toBeGreaterThan(0);
  expect(await app.strapi.db.query('api::review.review').count()).toBeGreaterThan(0);
  const articles = await app.request.get('/api/articles?locale=ru');
  expect(articles.body.data.length).toBeGreaterThanOrEqual(2);
  expect(articles.body.data.every((article: { slug: string }) => article.slug)).toBe(true);
});

test('the demo teacher owns the demo courses and the demo student is enrolled in one', async () => {
  const teacher = await login('teacher@example.com');
  const [course] = (await app.request.get('/api/courses?filters[title][$eq]=TypeScript from Zero&populate=lessons'))
    .body.data;
  expect(
    (
      await app.request
        .put(`/api/courses/${course.documentId}`)
        .set(teacher)
        .send({ data: { summary: 'Edited' } })
    ).status
  ).toBe(200);
  const student = await login('student@example.com');
  const [first, second] = [...course.lessons].sort(
    (a: { position: number }, b: { position: number }) => a.position - b.position
  );
  // The demo course is sequential: the second lesson opens once the first is complete.
  const locked = await app.request.get(`/api/lessons/${second.documentId}`).set(student);
  expect(locked.status).toBe(403);
  expect(locked.body.error.details.reason).toBe('lesson_locked');
  expect((await app.request.post(`/api/lessons/${first.documentId}/complete`).set(student)).status).toBe(200);
  expect((await app.request.get(`/api/lessons/${second.documentId}`).set(student)).status).toBe(200);
});

test('the demo student buys the paid course through the sandbox, with the demo coupon', async () => {
  const student = await login('student@example.com');
  const [course] = (await app.request.get('/api/courses?filters[title][$eq]=SQL for Builders')).body.data;
  expect(Number(course.price)).toBeGreaterThan(0);
  const refused = await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student);
  expect(refused.body.error.details.reason).toBe('payment_required');
  const order = await app.request
    .post('/api/orders')
    .set(student)
    .send({ courses: [course.documentId], provider: 'sandbox', coupon: 'welcome10' });
  expect(order.status).toBe(201);
  expect(order.body.data).toMatchObject({ status: 'pending', total: 44.1, coupon: 'WELCOME10' });
  const checkout = new URL(order.body.meta.checkoutUrl).pathname;
  expect((await app.request.get(checkout)).text).toContain('Pay');
  const paid = await app.request.post(checkout).send({ outcome: 'paid' });
  expect(paid.body.data.status).toBe('paid');
  const mine = await app.request.get('/api/me/enrollments').set(student);
  expect(mine.body.data.map((enrollment: { course: { title: string } }) => enrollment.course.title)).toContain(
    'SQL for Builders'
  );
});

test("the demo student's feed is not empty: recent posts of the teacher they follow, and recommendations", async () => {
  const student = await login('student@example.com');
  const recent = await app.request.get('/api/feed?sort=recent').set(student);
  expect(recent.status).toBe(200);
  expect(recent.body.data.length).toBeGreaterThanOrEqual(3);
  expect(recent.body.data.every((post: { author: { username: string } }) => post.author.username === 'teacher')).toBe(
    true
  );
  const recommended = await app.request.get('/api/feed?sort=recommended').set(student);
  expect(recommended.body.data.length).toBeGreaterThan(0);
  const article = recent.body.data.find((post: { kind: string }) => post.kind === 'article');
  expect(article).toMatchObject({ likesCount: 2, commentsCount: 3, likedByMe: true });
  const thread = await app.request.get(`/api/posts/${article.documentId}/comments`).set(student);
  expect(thread.body.data[0].replies[0].replies).toHaveLength(1);
});

test('the demo has tutors with profiles and reviews, and best reviews for the home page', async () => {
  const tutors = await app.request.get('/api/tutors?pageSize=100');
  expect(tutors.status).toBe(200);
  expect(tutors.body.data.length).toBeGreaterThanOrEqual(4);
  const teacher = tutors.body.data.find((tutor: { username: string }) => tutor.username === 'teacher');
  expect(teacher).toMatchObject({ ratingCount: 1, ratingAverage: 5, currency: 'USD' });
  const nadia = await app.request.get('/api/tutors').query({ q: 'window functions' });
  expect(nadia.body.data.map((tutor: { username: string }) => tutor.username)).toContain('nadia_tutor');
  const best = await app.request.get('/api/reviews/best');
  expect(best.body.data.length).toBeGreaterThanOrEqual(3);
  const { seedTutorsDemoOnce } = await import('../../src/demo/tutors');
  expect(await seedTutorsDemoOnce(app.strapi)).toBe(false);
});

test('the demo student has one open task request, and it has matches with scores and reasons', async () => {
  const student = await login('student@example.com');
  const mine = await app.request.get('/api/tasks').set(student);
  expect(mine.status).toBe(200);
  const open = mine.body.data.filter((task: { status: string }) => task.status === 'open');
  expect(open).toHaveLength(1);
  const matches = await app.request.get(`/api/tasks/${open[0].documentId}/matches`).set(student);
  expect(matches.status).toBe(200);
  expect(matches.body.data.length).toBeGreaterThan(0);
  expect(matches.body.data[0]).toMatchObject({ score: expect.any(Number), reasons: expect.any(Array) });
  expect(matches.body.data[0].reasons.length).toBeGreaterThan(0);
  const { seedTaskDemoOnce } = await import('../../src/demo/tasks');
  expect(await seedTaskDemoOnce(app.strapi)).toBe(false);
});

test('loading again changes nothing', async () => {
  const { seedDemoDataOnce } = await import('../../src/demo/seed');
  const before = await app.strapi.db.query('api::course.course').count();
  expect(await seedDemoDataOnce(app.strapi)).toBe(false);
  expect(await app.strapi.db.query('api::course.course').count()).toBe(before);
});

describe('?locale=ru on every public read', () => {
  const cyrillic = /[А-Яа-яЁё]/;

  test('courses, their lessons and outline, categories and articles come in Russian', async () => {
    const [course] = (
      await app.request.get(
        '/api/courses?locale=ru&filters[title][$eq]=TypeScript с нуля&populate[lessons]=true&populate[category]=true'
      )
    ).body.data;
    expect(course.locale).toBe('ru');
    expect(course.category?.name ?? '').toMatch(cyrillic);
    const detail = await app.request.get(`/api/courses/${course.documentId}?locale=ru`);
    expect(detail.body.data.title).toBe('TypeScript с нуля');

    const outline = await app.request.get(`/api/courses/${course.documentId}/outline?locale=ru`);
    expect(outline.status).toBe(200);
    expect(outline.body.data.every((lesson: { title: string }) => cyrillic.test(lesson.title))).toBe(true);

    const lessons = (await app.request.get('/api/lessons?locale=ru')).body.data;
    expect(lessons.length).toBeGreaterThan(0);
    expect(
      lessons.every(
        (lesson: { locale: string; title: string }) => lesson.locale === 'ru' && cyrillic.test(lesson.title)
      )
    ).toBe(true);
    const preview = outline.body.data.find((lesson: { freePreview: boolean }) => lesson.freePreview);
    expect(preview).toBeDefined();
    const lesson = await app.request.get(`/api/lessons/${preview.documentId}?locale=ru`);
    expect(lesson.status).toBe(200);
    expect(lesson.body.data.title).toMatch(cyrillic);

    const categories = (await app.request.get('/api/categories?locale=ru')).body.data;
    expect(categories.length).toBeGreaterThan(0);
    expect(categories.every((category: { name: string }) => cyrillic.test(category.name))).toBe(true);
    const articles = (await app.request.get('/api/articles?locale=ru')).body.data;
    expect(articles.every((article: { locale: string }) => article.locale === 'ru')).toBe(true);
  });

  test('an enrolled student reads a quiz in Russian', async () => {
    const student = await login('student@example.com');
    const quizzes = (await app.request.get('/api/quizzes?locale=ru').set(student)).body.data;
    expect(quizzes.length).toBeGreaterThan(0);
    const quiz = await app.request.get(`/api/quizzes/${quizzes[0].documentId}?locale=ru`).set(student);
    expect(quiz.status).toBe(200);
    expect(quiz.body.data.title).toMatch(cyrillic);
  });
});

test('the demo video lesson has a real video, converted by the job: its teacher gets a signed HLS playback', async () => {
  const teacher = await login('teacher@example.com');
  const [course] = (await app.request.get('/api/courses?filters[title][$eq]=TypeScript from Zero&populate=lessons'))
    .body.data;
  const lesson = course.lessons.find((candidate: { kind: string }) => candidate.kind === 'video');
  let playback = await app.request.get(`/api/lessons/${lesson.documentId}/playback`).set(teacher);
  for (let attempt = 0; attempt < 240 && ['queued', 'processing'].includes(playback.body.data?.status); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    playback = await app.request.get(`/api/lessons/${lesson.documentId}/playback`).set(teacher);
  }
  expect(playback.status).toBe(200);
  expect(playback.body.data).toMatchObject({ status: 'ready', hlsUrl: expect.stringContaining('/master.m3u8?') });
  expect(playback.body.data.durationSeconds).toBeGreaterThan(5);
  const master = await app.request.get(playback.body.data.hlsUrl);
  expect(master.status).toBe(200);
  expect(master.text).toContain('RESOLUTION=1280x720');
  // What the demo stored in public/uploads goes with this throwaway database.
  const assetId = /\/videos\/([a-z0-9]+)\//.exec(playback.body.data.hlsUrl)![1];
  const files: Array<{ url: string }> = await app.strapi.db.query('plugin::upload.file').findMany({});
  for (const file of files) fs.rmSync(path.join(process.cwd(), 'public', file.url), { force: true });
  const uploads = path.join(process.cwd(), 'public', 'uploads');
  for (const name of fs.readdirSync(uploads))
    if (name.startsWith(`video_${assetId}_`)) fs.rmSync(path.join(uploads, name), { force: true });
});
