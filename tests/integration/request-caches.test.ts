import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * The caller's account, the users-permissions settings and a course's structure are remembered for a few
 * seconds to spare queries on every request. A change made in this instance must still apply to the very
 * next request: these tests change each one and ask again at once.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
const USER = 'plugin::users-permissions.user';

beforeAll(async () => {
  app = await startLyceum({ REST_CACHE_ENABLED: 'false' });
  make = factories(app.strapi);
});
afterAll(stopLyceum);

const myEnrollments = (user: TestUser) => app.request.get('/api/me/enrollments').set(user.auth);

describe('the remembered caller', () => {
  test('a user blocked by an administrator is refused on the next request', async () => {
    const student = await make.createUser('student');
    expect((await myEnrollments(student)).status).toBe(200);
    await app.strapi.db.query(USER).update({ where: { id: student.id }, data: { blocked: true } });
    expect((await myEnrollments(student)).status).toBe(401);
  });

  test('a deleted user is refused on the next request', async () => {
    const student = await make.createUser('student');
    expect((await myEnrollments(student)).status).toBe(200);
    await app.strapi.db.query(USER).delete({ where: { id: student.id } });
    expect((await myEnrollments(student)).status).toBe(401);
  });

  test('a new role applies on the next request', async () => {
    const teacher = await make.createUser('teacher');
    const course = await make.createCourse({ teacher });
    const student = await make.createUser('student');
    const students = () => app.request.get(`/api/courses/${course.documentId}/students`).set(student.auth);
    expect((await students()).status).toBe(403);
    const adminRole = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'admin' } });
    await app.strapi.db.query(USER).update({ where: { id: student.id }, data: { role: adminRole.id } });
    expect((await students()).status).toBe(200);
  });

  test('requests of one user do not share a mutable copy of the account', async () => {
    const student = await make.createUser('student', { fullName: 'Ada Lovelace' });
    const [first, second] = await Promise.all([
      app.request.get('/api/users/me').set(student.auth),
      app.request.get('/api/users/me').set(student.auth),
    ]);
    expect(first.body.fullName).toBe('Ada Lovelace');
    expect(second.body.fullName).toBe('Ada Lovelace');
    expect(first.body.password).toBeUndefined();
  });
});

describe('remembered users-permissions settings', () => {
  test('requiring email confirmation shuts out unconfirmed users on the next request', async () => {
    const student = await make.createUser('student');
    await app.strapi.db.query(USER).update({ where: { id: student.id }, data: { confirmed: false } });
    const store = app.strapi.store({ type: 'plugin', name: 'users-permissions' });
    const advanced = (await store.get({ key: 'advanced' })) as Record<string, unknown>;
    expect((await myEnrollments(student)).status).toBe(200);
    await store.set({ key: 'advanced', value: { ...advanced, email_confirmation: true } });
    try {
      expect((await myEnrollments(student)).status).toBe(401);
    } finally {
      await store.set({ key: 'advanced', value: advanced });
    }
    expect((await myEnrollments(student)).status).toBe(200);
  });
});

describe('the remembered course structure', () => {
  test('a lesson published after the outline was read is in the next outline and gates completion', async () => {
    const teacher = await make.createUser('teacher');
    const course = await make.createCourse({ teacher, lessons: 2, data: { sequential: true } });
    const student = await make.createUser('student');
    expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth)).status).toBe(
      201
    );
    const outline = () => app.request.get(`/api/courses/${course.documentId}/outline`).set(student.auth);
    expect((await outline()).body.data).toHaveLength(2);

    const lesson = await app.strapi.documents('api::lesson.lesson').create({
      locale: 'en',
      data: {
        title: 'Lesson 0',
        position: 0,
        kind: 'text',
        content: 'First things first',
        course: course.documentId,
      } as any,
    });
    await app.strapi.documents('api::lesson.lesson').publish({ documentId: lesson.documentId });
    const titles = (await outline()).body.data.map((entry: { title: string }) => entry.title);
    expect(titles).toEqual(['Lesson 0', 'Lesson 1', 'Lesson 2']);
    // The course is sequential: the new first lesson now comes before the one that was open.
    const refused = await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.reason).toBe('lesson_locked');
  });

  test('a final test added after progress was counted holds back course completion at once', async () => {
    const teacher = await make.createUser('teacher');
    const course = await make.createCourse({ teacher, lessons: 2 });
    const student = await make.createUser('student');
    expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth)).status).toBe(
      201
    );
    const first = await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth);
    expect(first.body.data).toMatchObject({ percent: 50, courseCompleted: false });
    await make.createQuiz(course, { onLesson: false, data: { required: true } });
    const last = await app.request.post(`/api/lessons/${course.lessons[1].documentId}/complete`).set(student.auth);
    expect(last.status).toBe(200);
    // Two lessons and one required final test: two of three steps done.
    expect(last.body.data).toMatchObject({ percent: 66, courseCompleted: false });
  });
  test("a quiz's new passing mark applies to the next submission", async () => {
    const teacher = await make.createUser('teacher');
    const course = await make.createCourse({ teacher, lessons: 1 });
    const quiz = await make.createQuiz(course, { onLesson: true, lessonIndex: 0, data: { passingPercent: 70 } });
    const student = await make.createUser('student');
    await make.enroll(student, course);
    const started = await app.request.post(`/api/quizzes/${quiz.documentId}/attempts`).set(student.auth);
    expect(started.status).toBe(201);
    await app.strapi
      .documents('api::quiz.quiz')
      .update({ documentId: quiz.documentId, locale: 'en', data: { passingPercent: 30 } as any });
    await app.strapi.documents('api::quiz.quiz').publish({ documentId: quiz.documentId, locale: 'en' });
    // One right answer of three: 33.33 %, a pass only under the new mark.
    const answers = started.body.data.questions.map(
      (question: { id: number; type: string; options?: Array<{ id: number; text: string }> }) => {
        if (question.type === 'single')
          return { question: question.id, choices: [question.options!.find((option) => option.text === 'Right')!.id] };
        if (question.type === 'short_text') return { question: question.id, text: 'bye' };
        return { question: question.id, number: 2 };
      }
    );
    const submitted = await app.request
      .post(`/api/quiz-attempts/${started.body.data.id}/submit`)
      .set(student.auth)
      .send({ answers });
    expect(submitted.status).toBe(200);
    expect(submitted.body.data).toMatchObject({ percent: 33.33, passingPercent: 30, passed: true });
  });
});
