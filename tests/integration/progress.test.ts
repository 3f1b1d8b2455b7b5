import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;

const complete = (user: TestUser | null, lessonDocumentId: string) =>
  app.request.post(`/api/lessons/${lessonDocumentId}/complete`).set(user ? user.auth : {});
const enroll = (user: TestUser, course: TestCourse) =>
  app.request.post(`/api/courses/${course.documentId}/enrollments`).set(user.auth);
const enrollment = (user: TestUser, course: TestCourse) =>
  app.strapi.db.query('plugin::enrollment.enrollment').findOne({ where: { key: `${user.id}:${course.documentId}` } });

/** A student enrolled through the API in a fresh course. */
const enrolledStudent = async (options: Parameters<ReturnType<typeof factories>['createCourse']>[0] = {}) => {
  const course = await make.createCourse({ teacher: owner, lessons: 3, ...options });
  const student = await make.createUser('student');
  expect((await enroll(student, course)).status).toBe(201);
  return { course, student };
};

/** What the grading plugin stores when a student passes a quiz. */
const passQuiz = (student: TestUser, quiz: { documentId: string }) =>
  app.strapi.db.query('plugin::grading.quiz-attempt').create({
    data: {
      key: `${student.id}:${quiz.documentId}:1`,
      user: student.id,
      quizDocumentId: quiz.documentId,
      attemptNumber: 1,
      status: 'submitted',
      passed: true,
      percent: 100,
    },
  });

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  owner = await make.createUser('teacher');
});
afterAll(stopLyceum);

describe('completing lessons', () => {
  test('last activity is kept to the minute: a completion sent again within it writes nothing, a later one or another lesson does', async () => {
    const { course, student } = await enrolledStudent();
    const progress = app.strapi.plugin('progress').service('progress');
    const caller = { userId: student.id, role: 'student' };
    const [first, second] = course.lessons;
    const start = new Date(Date.now() + 1_000);
    const activityAt = async () => new Date((await enrollment(student, course)).lastActivityAt).getTime();

    await progress.completeLesson(caller, first.documentId, start);
    expect(await activityAt()).toBe(start.getTime());
    await progress.completeLesson(caller, first.documentId, new Date(start.getTime() + 30_000));
    expect(await activityAt()).toBe(start.getTime());

    const later = new Date(start.getTime() + 61_000);
    await progress.completeLesson(caller, first.documentId, later);
    expect(await activityAt()).toBe(later.getTime());

    // Another lesson within the minute still moves the last lesson and the percent.
    const next = new Date(later.getTime() + 5_000);
    await progress.completeLesson(caller, second.documentId, next);
    const row = await enrollment(student, course);
    expect(new Date(row.lastActivityAt).getTime()).toBe(next.getTime());
    expect(row.lastLessonDocumentId).toBe(second.documentId);
    // Going back to the first lesson within the minute moves the last lesson back.
    await progress.completeLesson(caller, first.documentId, new Date(next.getTime() + 1_000));
    expect((await enrollment(student, course)).lastLessonDocumentId).toBe(first.documentId);
  });

  test('completion is idempotent and reports the course percentage', async () => {
    const { course, student } = await enrolledStudent();
    const first = await complete(student, course.lessons[0].documentId);
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({ completedLessons: 1, totalLessons: 3, percent: 33, courseCompleted: false });
    const again = await complete(student, course.lessons[0].documentId);
    expect(again.body.data).toEqual(first.body.data);
    expect(
      await app.strapi.db
        .query('plugin::progress.lesson-progress')
        .count({ where: { key: `${student.id}:${course.lessons[0].documentId}` } })
    ).toBe(1);
    expect((await enrollment(student, course)).progressPercent).toBe(33);
  });

  test('completing every lesson completes the course once: status, dates, one event', async () => {
    const { course, student } = await enrolledStudent({ data: { accessDaysAfterCompletion: 10 } });
    await complete(student, course.lessons[0].documentId);
    await complete(student, course.lessons[1].documentId);
    // The last lesson, sent ten times at once: one completion, one certificate.
    const last = await Promise.all(Array.from({ length: 10 }, () => complete(student, course.lessons[2].documentId)));
    expect(last.every((response) => response.status === 200 && response.body.data.courseCompleted)).toBe(true);
    const stored = await enrollment(student, course);
    expect(stored).toMatchObject({ status: 'completed', progressPercent: 100 });
    const days = (new Date(stored.accessExpiresAt).getTime() - new Date(stored.completedAt).getTime()) / 86_400_000;
    expect(days).toBeCloseTo(10);
    // One completion records one certificate job: one certificate, there when the answers came.
    expect(
      await app.strapi.db
        .query('plugin::certificates.certificate')
        .count({ where: { key: `${student.id}:${course.documentId}` } })
    ).toBe(1);
    const mine = await app.request.get('/api/me/enrollments').set(student.auth);
    expect(mine.body.data[0]).toMatchObject({
      status: 'completed',
      progressPercent: 100,
      completedAt: expect.any(String),
      accessExpiresAt: expect.any(String),
    });
  });

  test('the last two lessons completed at the same moment still complete the course', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { course, student } = await enrolledStudent();
      await complete(student, course.lessons[0].documentId);
      // Each request reads the other's lesson as not done yet; whichever writes last must see both.
      const [second, third] = await Promise.all([
        complete(student, course.lessons[1].documentId),
        complete(student, course.lessons[2].documentId),
      ]);
      expect([second.status, third.status]).toEqual([200, 200]);
      expect(second.body.data.courseCompleted || third.body.data.courseCompleted).toBe(true);
      expect(await enrollment(student, course)).toMatchObject({ status: 'completed', progressPercent: 100 });
    }
  });

  test('refusals: not enrolled 403, unknown lesson 404, malformed id or body 400, no token 401', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 1, freePreviewLessons: 1 });
    const outsider = await make.createUser('student');
    const notEnrolled = await complete(outsider, course.lessons[0].documentId);
    expect(notEnrolled.status).toBe(403);
    expect(notEnrolled.body.error.details.reason).toBe('not_enrolled');
    expect((await complete(outsider, 'nosuchlesson0000')).status).toBe(404);
    expect((await complete(outsider, 'x'.repeat(65))).status).toBe(400);
    expect(
      (
        await app.request
          .post(`/api/lessons/${course.lessons[0].documentId}/complete`)
          .set(outsider.auth)
          .send({ force: true })
      ).status
    ).toBe(400);
    expect((await complete(null, course.lessons[0].documentId)).status).toBe(401);
    expect(
      await app.strapi.db.query('plugin::progress.lesson-progress').count({ where: { user: { id: outsider.id } } })
    ).toBe(0);
  });

  test('a draft lesson cannot be completed', async () => {
    const { course, student } = await enrolledStudent();
    const draft = await app.strapi
      .documents('api::lesson.lesson')
      .create({ locale: 'en', data: { title: 'Soon', position: 9, course: course.documentId } as any });
    expect((await complete(student, draft.documentId)).status).toBe(404);
  });
});

describe('sequential courses and drip release', () => {
  test('a sequential course locks each lesson until the one before is complete', async () => {
    const { course, student } = await enrolledStudent({ data: { sequential: true } });
    const locked = await app.request.get(`/api/lessons/${course.lessons[1].documentId}`).set(student.auth);
    expect(locked.status).toBe(403);
    expect(locked.body.error.details.reason).toBe('lesson_locked');
    expect((await complete(student, course.lessons[1].documentId)).body.error.details.reason).toBe('lesson_locked');
    await complete(student, course.lessons[0].documentId);
    expect((await app.request.get(`/api/lessons/${course.lessons[1].documentId}`).set(student.auth)).status).toBe(200);
    expect(
      (await app.request.get(`/api/lessons/${course.lessons[2].documentId}`).set(student.auth)).body.error.details
        .reason
    ).toBe('lesson_locked');
  });

  test('a lesson released tomorrow, or 3 days after enrolling, is not_released', async () => {
    const { course, student } = await enrolledStudent();
    await app.strapi.db.query('api::lesson.lesson').updateMany({
      where: { documentId: course.lessons[1].documentId },
      data: { releaseAt: new Date(Date.now() + 86_400_000) },
    });
    await app.strapi.db
      .query('api::lesson.lesson')
      .updateMany({ where: { documentId: course.lessons[2].documentId }, data: { releaseAfterDays: 3 } });
    for (const lesson of course.lessons.slice(1)) {
      const response = await app.request.get(`/api/lessons/${lesson.documentId}`).set(student.auth);
      expect([lesson.documentId, response.status, response.body.error?.details?.reason]).toEqual([
        lesson.documentId,
        403,
        'not_released',
      ]);
    }
    const outline = await app.request.get(`/api/courses/${course.documentId}/outline`).set(student.auth);
    expect(
      outline.body.data.map((lesson: { locked: boolean; lockedReason?: string }) => [
        lesson.locked,
        lesson.lockedReason,
      ])
    ).toEqual([
      [false, undefined],
      [true, 'not_released'],
      [true, 'not_released'],
    ]);
    // The teacher is never held back by drip dates.
    expect((await app.request.get(`/api/lessons/${course.lessons[1].documentId}`).set(owner.auth)).status).toBe(200);
  });
});

describe('required quizzes', () => {
  test('a lesson with a required quiz completes only when the quiz is passed', async () => {
    const { course, student } = await enrolledStudent({ lessons: 1 });
    const quiz = await make.createQuiz(course);
    const refused = await complete(student, course.lessons[0].documentId);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.reason).toBe('quiz_not_passed');
    await passQuiz(student, quiz);
    expect((await complete(student, course.lessons[0].documentId)).body.data).toMatchObject({
      completedLessons: 1,
      courseCompleted: true,
    });
  });

  test('a required final test keeps the course open until it is passed', async () => {
    const { course, student } = await enrolledStudent({ lessons: 2 });
    const finalTest = await make.createQuiz(course, { onLesson: false });
    await complete(student, course.lessons[0].documentId);
    const lessonsDone = await complete(student, course.lessons[1].documentId);
    expect(lessonsDone.body.data).toEqual({
      completedLessons: 2,
      totalLessons: 2,
      percent: 66,
      courseCompleted: false,
    });
    await passQuiz(student, finalTest);
    const result = await app.strapi
      .plugin('progress')
      .service('progress')
      .onQuizPassed(student.id, null, course.documentId, new Date());
    expect(result).toMatchObject({ percent: 100, courseCompleted: true });
    expect((await enrollment(student, course)).status).toBe('completed');
  });
});

describe('access after completion', () => {
  test('expired access: 403 access_expired on content, the course stays listed, the job marks it once', async () => {
    const { course, student } = await enrolledStudent({ lessons: 1 });
    await complete(student, course.lessons[0].documentId);
    const expiry = new Date(Date.now() - 60_000);
    await app.strapi.db
      .query('plugin::enrollment.enrollment')
      .update({ where: { key: `${student.id}:${course.documentId}` }, data: { accessExpiresAt: expiry } });

    const content = await app.request.get(`/api/lessons/${course.lessons[0].documentId}`).set(student.auth);
    expect(content.status).toBe(403);
    expect(content.body.error.details.reason).toBe('access_expired');
    const listed = await app.request.get('/api/me/enrollments').set(student.auth);
    expect(listed.body.data).toEqual([expect.objectContaining({ status: 'expired', completedAt: expect.any(String) })]);

    const enrollments = app.strapi.plugin('enrollment').service('enrollments');
    expect(await enrollments.expireFinishedAccess(new Date(expiry.getTime() - 1000))).toBe(0);
    expect(await enrollments.expireFinishedAccess(new Date())).toBeGreaterThanOrEqual(1);
    expect(await enrollments.expireFinishedAccess(new Date())).toBe(0);
    expect((await enrollment(student, course)).status).toBe('expired');
  });

  test('re-enrolling after expiry renews access and keeps the completion', async () => {
    const { course, student } = await enrolledStudent({ lessons: 1 });
    await complete(student, course.lessons[0].documentId);
    await app.strapi.db.query('plugin::enrollment.enrollment').update({
      where: { key: `${student.id}:${course.documentId}` },
      data: { status: 'expired', accessExpiresAt: new Date(Date.now() - 1000) },
    });
    const back = await enroll(student, course);
    expect(back.status).toBe(201);
    expect(back.body.data).toMatchObject({ status: 'completed', progressPercent: 100 });
    expect(new Date(back.body.data.accessExpiresAt).getTime()).toBeGreaterThan(Date.now());
    expect((await app.request.get(`/api/lessons/${course.lessons[0].documentId}`).set(student.auth)).status).toBe(200);
  });
});

describe('outline and resume position', () => {
  test('the outline lists lessons in order with completed and locked for the caller', async () => {
    const { course, student } = await enrolledStudent({ freePreviewLessons: 1 });
    await complete(student, course.lessons[1].documentId);
    const mine = await app.request.get(`/api/courses/${course.documentId}/outline`).set(student.auth);
    expect(mine.status).toBe(200);
    expect(
      mine.body.data.map((lesson: any) => [
        lesson.title,
        lesson.position,
        lesson.freePreview,
        lesson.completed,
        lesson.locked,
      ])
    ).toEqual([
      ['Lesson 1', 1, true, false, false],
      ['Lesson 2', 2, false, true, false],
      ['Lesson 3', 3, false, false, false],
    ]);
    const visitor = await app.request.get(`/api/courses/${course.documentId}/outline`);
    expect(visitor.body.data.map((lesson: any) => [lesson.completed, lesson.locked])).toEqual([
      [false, false],
      [false, true],
      [false, true],
    ]);
    expect(JSON.stringify(visitor.body)).not.toContain('Secret content');
  });

  test('outline errors: unknown or draft course 404, bad locale 400', async () => {
    const draft = await make.createCourse({ teacher: owner, published: false });
    expect((await app.request.get(`/api/courses/${draft.documentId}/outline`)).status).toBe(404);
    expect((await app.request.get('/api/courses/nosuchcourse0000/outline')).status).toBe(404);
    expect((await app.request.get(`/api/courses/${draft.documentId}/outline?locale=xx`)).status).toBe(400);
  });

  test('the outline speaks the asked locale', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 1 });
    await app.strapi.documents('api::lesson.lesson').update({
      documentId: course.lessons[0].documentId,
      locale: 'ru',
      data: { title: 'Урок 1', position: 1 } as any,
    });
    await app.strapi
      .documents('api::lesson.lesson')
      .publish({ documentId: course.lessons[0].documentId, locale: 'ru' });
    const outline = await app.request.get(`/api/courses/${course.documentId}/outline?locale=ru`);
    expect(outline.body.data[0].title).toBe('Урок 1');
  });

  test('the resume position is saved and shown on the enrollment', async () => {
    const { course, student } = await enrolledStudent();
    const saved = await app.request
      .put(`/api/lessons/${course.lessons[1].documentId}/position`)
      .set(student.auth)
      .send({ positionSeconds: 125 });
    expect(saved.status).toBe(200);
    const mine = await app.request.get('/api/me/enrollments').set(student.auth);
    expect(mine.body.data[0].lastLesson).toEqual({
      documentId: course.lessons[1].documentId,
      title: 'Lesson 2',
      positionSeconds: 125,
    });
    for (const body of [
      {},
      { positionSeconds: -1 },
      { positionSeconds: 'ten' },
      { positionSeconds: 1.5 },
      { positionSeconds: 5, extra: 1 },
    ]) {
      const response = await app.request
        .put(`/api/lessons/${course.lessons[1].documentId}/position`)
        .set(student.auth)
        .send(body);
      expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
    }
    const outsider = await make.createUser('student');
    expect(
      (
        await app.request
          .put(`/api/lessons/${course.lessons[1].documentId}/position`)
          .set(outsider.auth)
          .send({ positionSeconds: 5 })
      ).status
    ).toBe(403);
  });
});
