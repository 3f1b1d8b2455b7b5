import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;

const ATTEMPT = 'plugin::grading.quiz-attempt';
const ANSWER_FIELDS = ['correct', 'acceptedAnswers', 'numericAnswer', 'tolerance', 'explanation', 'correctChoices'];

const start = (user: TestUser | null, quiz: { documentId: string }) =>
  app.request.post(`/api/quizzes/${quiz.documentId}/attempts`).set(user ? user.auth : {});
const submit = (user: TestUser, attemptId: number, answers: unknown) =>
  app.request.post(`/api/quiz-attempts/${attemptId}/submit`).set(user.auth).send({ answers });

interface ShownQuestion {
  id: number;
  type: string;
  prompt: string;
  options?: Array<{ id: number; text: string }>;
}

/** Answers to the factory quiz (single, short text, numeric) from the questions an attempt returned. */
function answersFor(questions: ShownQuestion[], right: boolean) {
  return questions.map((question) => {
    if (question.type === 'single')
      return {
        question: question.id,
        choices: [question.options!.find((option) => option.text === (right ? 'Right' : 'Wrong'))!.id],
      };
    if (question.type === 'short_text') return { question: question.id, text: right ? '  HELLO ' : 'bye' };
    return { question: question.id, number: right ? 3.145 : 2 };
  });
}

const expectNoAnswerFields = (value: unknown) => {
  const text = JSON.stringify(value);
  for (const field of ANSWER_FIELDS) expect(text).not.toContain(`"${field}"`);
  expect(text).not.toContain('Because it is right');
};

const enrolled = async (course: TestCourse) => {
  const student = await make.createUser('student');
  await make.enroll(student, course);
  return student;
};

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  owner = await make.createUser('teacher');
});
afterAll(stopLyceum);

describe('starting an attempt', () => {
  test('gives the questions without answers, and hands the open attempt back instead of a second one', async () => {
    const course = await make.createCourse({ teacher: owner });
    const quiz = await make.createQuiz(course, { data: { timeLimitSeconds: 600 } });
    const student = await enrolled(course);
    const before = Date.now();
    const first = await start(student, quiz);
    expect(first.status).toBe(201);
    const attempt = first.body.data;
    expect(attempt).toMatchObject({ quiz: quiz.documentId, attemptNumber: 1, status: 'in_progress', attemptsUsed: 1 });
    expect(attempt.questions).toHaveLength(3);
    expect(attempt.questions[0].options.map((option: { text: string }) => option.text).sort()).toEqual([
      'Right',
      'Wrong',
    ]);
    expectNoAnswerFields(first.body);
    const limit = new Date(attempt.expiresAt).getTime() - new Date(attempt.startedAt).getTime();
    expect(limit).toBe(600_000);
    expect(new Date(attempt.startedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);

    const again = await start(student, quiz);
    expect(again.status).toBe(200);
    expect(again.body.data.id).toBe(attempt.id);
    expect(await app.strapi.db.query(ATTEMPT).count({ where: { quizDocumentId: quiz.documentId } })).toBe(1);
  });

  test('five starts at once make one attempt', async () => {
    const course = await make.createCourse({ teacher: owner });
    const quiz = await make.createQuiz(course);
    const student = await enrolled(course);
    const responses = await Promise.all(Array.from({ length: 5 }, () => start(student, quiz)));
    expect(responses.map((response) => response.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(responses.map((response) => response.body.data.id)).size).toBe(1);
    expect(await app.strapi.db.query(ATTEMPT).count({ where: { quizDocumentId: quiz.documentId } })).toBe(1);
  });

  test('refuses those who may not take the quiz', async () => {
    const course = await make.createCourse({ teacher: owner, data: { sequential: true } });
    const onSecondLesson = await make.createQuiz(course, { lessonIndex: 1 });
    const stranger = await make.createUser('student');
    const anonymous = await start(null, onSecondLesson);
    expect(anonymous.status).toBe(401);
    const notEnrolled = await start(stranger, onSecondLesson);
    expect([notEnrolled.status, notEnrolled.body.error.details.reason]).toEqual([403, 'not_enrolled']);
    // Teaching a course is not being enrolled in it.
    const teacher = await start(owner, onSecondLesson);
    expect([teacher.status, teacher.body.error.details.reason]).toEqual([403, 'not_enrolled']);

    const student = await enrolled(course);
    const locked = await start(student, onSecondLesson);
    expect([locked.status, locked.body.error.details.reason]).toEqual([403, 'lesson_locked']);
    expect(
      (await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth)).status
    ).toBe(200);
    expect((await start(student, onSecondLesson)).status).toBe(201);

    const expired = await make.createUser('student');
    await make.enroll(expired, course, 'expired');
    const afterAccess = await start(expired, onSecondLesson);
    expect([afterAccess.status, afterAccess.body.error.details.reason]).toEqual([403, 'access_expired']);
    expect(await app.strapi.db.query(ATTEMPT).count({ where: { quizDocumentId: onSecondLesson.documentId } })).toBe(1);
  });

  test('unknown, unpublished and malformed quizzes', async () => {
    const course = await make.createCourse({ teacher: owner });
    const draft = await make.createQuiz(course, { published: false });
    const student = await enrolled(course);
    expect((await start(student, draft)).status).toBe(404);
    expect((await start(student, { documentId: 'abcdefghijklmnopqrstuvwx' })).status).toBe(404);
    const malformed = await start(student, { documentId: 'not-a-valid-id!' });
    expect(malformed.status).toBe(400);
    const withBody = await app.request
      .post(`/api/quizzes/${draft.documentId}/attempts`)
      .set(student.auth)
      .send({ score: 100 });
    expect(withBody.status).toBe(400);
    expect(withBody.body.error.details.errors[0].path).toEqual(['score']);
  });
});

describe('submitting an attempt', () => {
  test('scores the answers, passes, reveals the answers after submit, and refuses a second submit', async () => {
    const course = await make.createCourse({ teacher: owner });
    const quiz = await make.createQuiz(course);
    const student = await enrolled(course);
    const attempt = (await start(student, quiz)).body.data;
    const response = await submit(student, attempt.id, answersFor(attempt.questions, true));
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ score: 3, maxScore: 3, percent: 100, passed: true, attemptNumber: 1 });
    const single = attempt.questions.find((question: ShownQuestion) => question.type === 'single');
    const result = response.body.data.results.find((entry: { question: number }) => entry.question === single.id);
    expect(result).toMatchObject({
      correct: true,
      earned: 1,
      explanation: 'Because it is right',
      correctChoices: [single.options.find((option: { text: string }) => option.text === 'Right').id],
    });

    const second = await submit(student, attempt.id, answersFor(attempt.questions, false));
    expect([second.status, second.body.error.details.reason]).toEqual([409, 'already_submitted']);
    const stored = await app.strapi.db.query(ATTEMPT).findOne({ where: { id: attempt.id } });
    expect(stored).toMatchObject({ status: 'submitted', passed: true });
    expect(Number(stored.score)).toBe(3);
  });

  test('ten submits at once: one is scored, nine get 409', async () => {
    const course = await make.createCourse({ teacher: owner });
    const quiz = await make.createQuiz(course);
    const student = await enrolled(course);
    const attempt = (await start(student, quiz)).body.data;
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        submit(student, attempt.id, answersFor(attempt.questions, index % 2 === 0))
      )
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(9);
    const winner = responses.find((response) => response.status === 200)!;
    const stored = await app.strapi.db.query(ATTEMPT).findOne({ where: { id: attempt.id } });
    expect(Number(stored.score)).toBe(winner.body.data.score);
  });

  test('a failing score does not pass; with review after_pass the answers stay hidden', async () => {
    const course = await make.createCourse({ teacher: owner });
    const quiz = await make.createQuiz(course, { data: { reviewPolicy: 'after_pass', passingPercent: 70 } });
    const student = await enrolled(course);
    const attempt = (await start(student, quiz)).body.data;
    const answers = answersFor(attempt.questions, true).map((answer) =>
      'number' in answer ? { ...answer, number: 10 } : answer
    );
    const response = await submit(student, attempt.id, answers);
    expect(response.body.data).toMatchObject({ score: 2, maxScore: 3, percent: 66.67, passed: false });
    expect(response.body.data.results).toBeUndefined();
    expectNoAnswerFields(response.body);
    const shown = await app.request.get(`/api/quiz-attempts/${attempt.id}`).set(student.auth);
    expect(shown.status).toBe(200);
    expect(shown.body.data).toMatchObject({ status: 'submitted', percent: 66.67, passed: false });
    expectNoAnswerFields(shown.body);

    const retry = (await start(student, quiz)).body.data;
    const passed = await submit(student, retry.id, answersFor(retry.questions, true));
    expect(passed.body.data.passed).toBe(true);
    expect(passed.body.data.results).toHaveLength(3);
  });

  test('review policy never: a score, never the answers', async () => {
    const course = await make.createCourse({ teacher: owner });
    const quiz = await make.createQuiz(course, { data: { reviewPolicy: 'never' } });
    const student = await enrolled(course);
    const attempt = (await start(student, quiz)).body.data;
    const response = await submit(student, attempt.id, answersFor(attempt.questions, true));
    expect(response.body.data.passed).toBe(true);
    expectNoAnswerFields(response.body);
    expectNoAnswerFields((await app.request.get(`/api/quiz-attempts/${attempt.id}`).set(student.auth)).body);
  });

  test('review after the last attempt: answers only once no attempt is left', async () => {
    const course = await make.createCourse({ teacher: owner });
    const quiz = await make.createQuiz(course, { data: { reviewPolicy: 'after_last_attempt', maxAttempts: 2 } });
    const student = await enrolled(course);
    const first = (await start(student, quiz)).body.data;
    expect((await submit(student, first.id, answersFor(first.questions, false))).body.data.results).toBeUndefined();
    const second = (await start(student, quiz)).body.data;
    expect(second.attemptNumber).toBe(2);
    expect((await submit(student, second.id, answersFor(second.questions, false))).body.data.results).toHaveLength(3);
    // The first attempt may now be reviewed too.
    expect((await app.request.get(`/api/quiz-attempts/${first.id}`).set(student.auth)).body.data.results).toHaveLength(
      3
    );
    const third = await start(student, quiz);
    expect([third.status, third.body.error.details.reason]).toEqual([403, 'attempts_exhausted']);
  });

  test('after the time limit the attempt is closed as expired, counted, and a new one may start', async () => {
    const course = await make.createCourse({ teacher: owner });
    const quiz = await make.createQuiz(course, { data: { timeLimitSeconds: 60, maxAttempts: 2 } });
    const student = await enrolled(course);
    const attempt = (await start(student, quiz)).body.data;
    // The clock moves on: the attempt started two minutes ago.
    const twoMinutesAgo = Date.now() - 120_000;
    await app.strapi.db.query(ATTEMPT).update({
      where: { id: attempt.id },
      data: { startedAt: new Date(twoMinutesAgo), expiresAt: new Date(twoMinutesAgo + 60_000) },
    });
    const late = await submit(student, attempt.id, answersFor(attempt.questions, true));
    expect([late.status, late.body.error.details.reason]).toEqual([409, 'attempt_expired']);
    expect(await app.strapi.db.query(ATTEMPT).findOne({ where: { id: attempt.id } })).toMatchObject({
      status: 'expired',
      passed: false,
    });
    const again = await submit(student, attempt.id, answersFor(attempt.questions, true));
    expect(again.body.error.details.reason).toBe('attempt_expired');

    const next = await start(student, quiz);
    expect(next.status).toBe(201);
    expect(next.body.data.attemptNumber).toBe(2);
    const mine = await app.request.get(`/api/me/quiz-attempts?quiz=${quiz.documentId}`).set(student.auth);
    expect(mine.body.data.map((entry: { status: string }) => entry.status)).toEqual(['in_progress', 'expired']);
  });

  test('an attempt left open past its limit counts as used when the next one starts', async () => {
    const course = await make.createCourse({ teacher: owner });
    const quiz = await make.createQuiz(course, { data: { timeLimitSeconds: 30, maxAttempts: 1 } });
    const student = await enrolled(course);
    const attempt = (await start(student, quiz)).body.data;
    await app.strapi.db
      .query(ATTEMPT)
      .update({ where: { id: attempt.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    const next = await start(student, quiz);
    expect([next.status, next.body.error.details.reason]).toEqual([403, 'attempts_exhausted']);
    expect((await app.strapi.db.query(ATTEMPT).findOne({ where: { id: attempt.id } })).status).toBe('expired');
  });

  test('malformed answers are 400 with the field named, and the attempt stays open', async () => {
    const course = await make.createCourse({ teacher: owner });
    const quiz = await make.createQuiz(course);
    const otherQuiz = await make.createQuiz(course);
    const student = await enrolled(course);
    const attempt = (await start(student, quiz)).body.data;
    const other = (await start(student, otherQuiz)).body.data;
    const single = attempt.questions.find((question: ShownQuestion) => question.type === 'single');
    const foreignOption = other.questions.find((question: ShownQuestion) => question.type === 'single').options[0].id;
    const cases: Array<[unknown, string[]]> = [
      ['all right', ['answers']],
      [[{ question: 999999, choices: [] }], ['answers', '0', 'question']],
      [[{ question: single.id, choices: [foreignOption] }], ['answers', '0', 'choices']],
      [[{ question: single.id, choices: [single.options[0].id, single.options[0].id] }], ['answers', '0', 'choices']],
      [
        [
          { question: single.id, choices: [single.options[0].id] },
          { question: single.id, choices: [] },
        ],
        ['answers', '1', 'question'],
      ],
    ];
    for (const [answers, path] of cases) {
      const response = await submit(student, attempt.id, answers);
      expect([JSON.stringify(answers), response.status]).toEqual([JSON.stringify(answers), 400]);
      expect(response.body.error.details.errors[0].path).toEqual(path);
    }
    const noAnswers = await app.request.post(`/api/quiz-attempts/${attempt.id}/submit`).set(student.auth).send({});
    expect(noAnswers.status).toBe(400);
    const extraField = await app.request
      .post(`/api/quiz-attempts/${attempt.id}/submit`)
      .set(student.auth)
      .send({ answers: [], score: 3 });
    expect(extraField.status).toBe(400);
    expect(await app.strapi.db.query(ATTEMPT).findOne({ where: { id: attempt.id } })).toMatchObject({
      status: 'in_progress',
      submittedAt: null,
    });
    // An empty list is a valid, if poor, submission.
    const empty = await submit(student, attempt.id, []);
    expect(empty.body.data).toMatchObject({ score: 0, passed: false });
  });

  test("another student's attempt can be neither read nor submitted; bad ids are 400 and 404", async () => {
    const course = await make.createCourse({ teacher: owner });
    const quiz = await make.createQuiz(course);
    const student = await enrolled(course);
    const other = await enrolled(course);
    const attempt = (await start(student, quiz)).body.data;
    const foreignSubmit = await submit(other, attempt.id, []);
    expect(foreignSubmit.status).toBe(403);
    expect((await app.request.get(`/api/quiz-attempts/${attempt.id}`).set(other.auth)).status).toBe(403);
    expect((await app.request.get(`/api/quiz-attempts/${attempt.id}`).set(owner.auth)).status).toBe(403);
    expect((await app.strapi.db.query(ATTEMPT).findOne({ where: { id: attempt.id } })).status).toBe('in_progress');
    expect((await submit(student, 99_999_999, [])).status).toBe(404);
    expect(
      (await app.request.post('/api/quiz-attempts/abc/submit').set(student.auth).send({ answers: [] })).status
    ).toBe(400);
    expect((await app.request.post(`/api/quiz-attempts/${attempt.id}/submit`).send({ answers: [] })).status).toBe(401);
  });
});

describe('passing quizzes drives progress', () => {
  test("passing a lesson's required quiz completes that lesson and, last, the course with a certificate", async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 2 });
    const quiz = await make.createQuiz(course, { lessonIndex: 1 });
    const student = await enrolled(course);
    expect(
      (await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth)).status
    ).toBe(200);
    const gated = await app.request.post(`/api/lessons/${course.lessons[1].documentId}/complete`).set(student.auth);
    expect([gated.status, gated.body.error.details.reason]).toEqual([403, 'quiz_not_passed']);

    const attempt = (await start(student, quiz)).body.data;
    expect((await submit(student, attempt.id, answersFor(attempt.questions, true))).body.data.passed).toBe(true);
    const enrollment = await app.strapi.db
      .query('plugin::enrollment.enrollment')
      .findOne({ where: { key: `${student.id}:${course.documentId}` } });
    expect(enrollment).toMatchObject({ status: 'completed', progressPercent: 100 });
    const certificates = await app.request.get('/api/me/certificates').set(student.auth);
    expect(certificates.body.data).toHaveLength(1);
  });

  test('a final test passed after the lessons completes the course', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 1 });
    const finalTest = await make.createQuiz(course, { onLesson: false });
    const student = await enrolled(course);
    const lesson = await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth);
    expect(lesson.body.data.courseCompleted).toBe(false);
    const attempt = (await start(student, finalTest)).body.data;
    const failed = await submit(student, attempt.id, answersFor(attempt.questions, false));
    expect(failed.body.data.passed).toBe(false);
    let enrollment = await app.strapi.db
      .query('plugin::enrollment.enrollment')
      .findOne({ where: { key: `${student.id}:${course.documentId}` } });
    expect(enrollment.status).toBe('active');
    const retry = (await start(student, finalTest)).body.data;
    expect((await submit(student, retry.id, answersFor(retry.questions, true))).body.data.passed).toBe(true);
    enrollment = await app.strapi.db
      .query('plugin::enrollment.enrollment')
      .findOne({ where: { key: `${student.id}:${course.documentId}` } });
    expect(enrollment.status).toBe('completed');
  });
});

describe('my attempts', () => {
  test('lists only the caller’s attempts, newest first, filtered by quiz', async () => {
    const course = await make.createCourse({ teacher: owner });
    const quiz = await make.createQuiz(course);
    const otherQuiz = await make.createQuiz(course);
    const student = await enrolled(course);
    const other = await enrolled(course);
    const attempt = (await start(student, quiz)).body.data;
    await submit(student, attempt.id, answersFor(attempt.questions, true));
    await start(student, otherQuiz);
    await start(other, quiz);

    const all = await app.request.get('/api/me/quiz-attempts').set(student.auth);
    expect(all.status).toBe(200);
    expect(all.body.data.map((entry: { quiz: string }) => entry.quiz)).toEqual([otherQuiz.documentId, quiz.documentId]);
    const one = await app.request.get(`/api/me/quiz-attempts?quiz=${quiz.documentId}`).set(student.auth);
    expect(one.body.data).toEqual([
      expect.objectContaining({ id: attempt.id, status: 'submitted', score: 3, percent: 100, passed: true }),
    ]);
    expectNoAnswerFields(all.body);
    expect((await app.request.get('/api/me/quiz-attempts?quiz=bad!id').set(student.auth)).status).toBe(400);
    expect((await app.request.get('/api/me/quiz-attempts')).status).toBe(401);
  });
});
