import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;
let student: TestUser;
let admin: TestUser;
let published: TestCourse;
let draft: TestCourse;
let quiz: { documentId: string };

const ANSWER_FIELDS = ['correct', 'acceptedAnswers', 'numericAnswer', 'tolerance', 'explanation'];
const LESSON_CONTENT_FIELDS = ['content', 'video', 'videoUrl', 'materials'];

/** Fails when any of the names appears as a key anywhere in the response body. */
const expectNoKeys = (body: unknown, names: string[]) => {
  const found: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (names.includes(key)) found.push(key);
        walk(child);
      }
    }
  };
  walk(body);
  expect(found).toEqual([]);
};

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  [owner, student, admin] = await Promise.all([
    make.createUser('teacher'),
    make.createUser('student'),
    make.createUser('admin'),
  ]);
  published = await make.createCourse({ teacher: owner, lessons: 2, freePreviewLessons: 1 });
  draft = await make.createCourse({ teacher: owner, lessons: 1, published: false });
  await make.enroll(student, published);
  quiz = await make.createQuiz(published);
});
afterAll(stopLyceum);

describe('drafts are invisible outside their authors', () => {
  test.each(['public', 'student', 'teacher'] as const)(
    '%s cannot see a draft course, even asking ?status=draft',
    async (who) => {
      const headers =
        who === 'public' ? {} : who === 'student' ? student.auth : (await make.createUser('teacher')).auth;
      expect((await app.request.get(`/api/courses/${draft.documentId}`).set(headers)).status).toBe(404);
      expect((await app.request.get(`/api/courses/${draft.documentId}?status=draft`).set(headers)).status).toBe(404);
      const list = await app.request.get('/api/courses?status=draft&pagination[pageSize]=100').set(headers);
      expect(list.status).toBe(200);
      const ids = list.body.data.map((course: { documentId: string }) => course.documentId);
      expect(ids).toContain(published.documentId);
      expect(ids).not.toContain(draft.documentId);
      expect(list.body.data.every((course: { publishedAt: string | null }) => course.publishedAt)).toBe(true);
      const lessons = await app.request.get(`/api/lessons/${draft.lessons[0].documentId}`).set(headers);
      expect(lessons.status).toBe(404);
    }
  );

  test('the owner reads their draft with ?status=draft; an admin lists drafts', async () => {
    expect((await app.request.get(`/api/courses/${draft.documentId}?status=draft`).set(owner.auth)).status).toBe(200);
    const adminList = await app.request.get('/api/courses?status=draft&pagination[pageSize]=100').set(admin.auth);
    expect(adminList.body.data.map((course: { documentId: string }) => course.documentId)).toContain(draft.documentId);
  });

  test('publicationFilter cannot be used to probe for drafts', async () => {
    const response = await app.request.get('/api/courses?publicationFilter=never-published-document');
    expect(response.status).toBe(200);
    expect(response.body.data.map((course: { documentId: string }) => course.documentId)).not.toContain(
      draft.documentId
    );
  });
});

describe('lesson content never leaks through lists, populate or filters', () => {
  test.each([
    '/api/lessons?populate=*',
    '/api/lessons?fields[0]=content',
    '/api/courses?populate[lessons][populate]=*',
    '/api/courses?populate=*',
  ])('GET %s has no lesson content', async (path) => {
    const response = await app.request.get(path).set(student.auth);
    expect(response.status).toBeLessThan(500);
    expectNoKeys(response.body.data, LESSON_CONTENT_FIELDS);
  });

  test('filtering or sorting on lesson content is refused', async () => {
    for (const path of [
      '/api/lessons?filters[content][$contains]=Secret',
      '/api/lessons?sort=content',
      '/api/courses?filters[lessons][content][$contains]=Secret',
    ]) {
      const response = await app.request.get(path);
      expect([path, response.status]).toEqual([path, 400]);
    }
  });

  test('a free-preview lesson shows its content to anyone', async () => {
    const response = await app.request.get(`/api/lessons/${published.lessons[0].documentId}`);
    expect(response.status).toBe(200);
    expect(response.body.data.content).toBe('Secret content 1');
  });

  test('an enrolled student whose enrollment was cancelled is refused again', async () => {
    const leaver = await make.createUser('student');
    await make.enroll(leaver, published, 'cancelled');
    const response = await app.request.get(`/api/lessons/${published.lessons[1].documentId}`).set(leaver.auth);
    expect(response.status).toBe(403);
    expect(response.body.error.details.reason).toBe('not_enrolled');
  });
});

describe('quiz answers are hidden on every path', () => {
  test.each([
    () => `/api/quizzes/${quiz.documentId}?populate[questions][populate]=*`,
    () => `/api/quizzes?populate[questions][populate][options]=*`,
    () => `/api/quizzes/${quiz.documentId}?populate=*`,
    () => `/api/lessons?populate[quizzes][populate][questions][populate]=*`,
    () => `/api/courses/${published.documentId}?populate[lessons][populate][quizzes][populate][questions][populate]=*`,
  ])('a student sees questions and options but no answers (%#)', async (path) => {
    const response = await app.request.get(path()).set(student.auth);
    expect(response.status).toBe(200);
    expectNoKeys(response.body.data, ANSWER_FIELDS);
  });

  test('the questions themselves are returned, without their answers', async () => {
    const response = await app.request
      .get(`/api/quizzes/${quiz.documentId}?populate[questions][populate]=*`)
      .set(student.auth);
    expect(response.body.data.questions).toHaveLength(3);
    expect(response.body.data.questions[0].options.map((option: { text: string }) => option.text)).toEqual([
      'Right',
      'Wrong',
    ]);
  });

  test.each([
    'filters[questions][options][correct][$eq]=true',
    'filters[questions][acceptedAnswers][$contains]=hello',
    'filters[questions][numericAnswer][$gt]=3',
    'filters[questions][explanation][$contains]=right',
    'sort=questions.explanation',
  ])('inferring answers with %s is refused with 400', async (query) => {
    const response = await app.request.get(`/api/quizzes?${query}`).set(student.auth);
    expect(response.status).toBe(400);
  });
});

describe('users are shown as public profiles only', () => {
  test('course teachers come as profiles without email, to everyone but admins', async () => {
    for (const path of [
      `/api/courses/${published.documentId}?populate=teachers`,
      '/api/courses?populate[teachers][fields][0]=email',
      '/api/courses?populate=*',
    ]) {
      const response = await app.request.get(path);
      expect([path, response.status]).toEqual([path, 200]);
      expectNoKeys(response.body.data, [
        'email',
        'password',
        'provider',
        'resetPasswordToken',
        'confirmationToken',
        'blocked',
        'confirmed',
      ]);
    }
    const profile = await app.request.get(`/api/courses/${published.documentId}?populate=teachers`);
    expect(profile.body.data.teachers).toEqual([
      expect.objectContaining({ username: owner.username, fullName: expect.any(String) }),
    ]);
  });

  test("filtering courses on a teacher's email or password is refused", async () => {
    for (const query of [
      `filters[teachers][email][$eq]=${encodeURIComponent(owner.email)}`,
      'filters[teachers][password][$notNull]=true',
    ]) {
      const response = await app.request.get(`/api/courses?${query}`).set(student.auth);
      expect([query, response.status]).toEqual([query, 400]);
    }
  });

  test('announcement authors are not exposed as user records', async () => {
    await make.createAnnouncement(published, owner);
    const response = await app.request.get('/api/announcements?populate=*');
    expect(response.status).toBe(200);
    expectNoKeys(response.body.data, ['email', 'password']);
  });
});

describe('locales and bad ids', () => {
  test('?locale=ru returns the Russian version', async () => {
    await app.strapi
      .documents('api::course.course')
      .update({ documentId: published.documentId, locale: 'ru', data: { title: 'Курс по-русски' } as any });
    await app.strapi.documents('api::course.course').publish({ documentId: published.documentId, locale: 'ru' });
    const response = await app.request.get(`/api/courses/${published.documentId}?locale=ru`);
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ title: 'Курс по-русски', locale: 'ru', slug: 'kurs-po-russki' });
  });

  test.each([
    '/api/courses/nosuchthing',
    '/api/lessons/nosuchthing',
    '/api/announcements/nosuchthing',
    "/api/courses/'%20OR%201=1",
  ])('GET %s is 404', async (path) => {
    expect((await app.request.get(path).set(student.auth)).status).toBe(404);
  });

  test.each(['/api/quizzes/nosuchthing', '/api/assignments/nosuchthing'])(
    'GET %s is 404 for a signed-in user',
    async (path) => {
      expect((await app.request.get(path).set(student.auth)).status).toBe(404);
    }
  );

  test('a malformed page size is a 400 naming it (issue #19: refused, no longer clamped)', async () => {
    const response = await app.request.get('/api/courses?pagination[pageSize]=abc');
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors[0].path).toEqual(['pagination', 'pageSize']);
  });

  test.each([
    '/api/courses?sort=nosuchfield',
    '/api/courses?filters[nosuchfield][$eq]=1',
    '/api/courses?populate=nosuchrelation',
  ])('GET %s is 400, not 500', async (path) => {
    expect((await app.request.get(path)).status).toBe(400);
  });
});
