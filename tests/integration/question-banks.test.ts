import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { adminSession, expectStatus, type AdminSession } from '../helpers/admin-users';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Question banks and random draws (contract, "Teaching depth"): banks are their course's owners' only, a quiz's
 * draws are checked when it is saved, each attempt takes distinct tag-filtered questions, keeps them and is
 * scored against them, and no path shows the answer key.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;
let otherTeacher: TestUser;
let admin: TestUser;
let course: TestCourse;
let bank: { documentId: string };

const QUIZ = 'api::quiz.quiz';
const ATTEMPT = 'plugin::grading.quiz-attempt';
const ANSWER_FIELDS = ['correct', 'acceptedAnswers', 'numericAnswer', 'tolerance', 'explanation', 'correctChoices'];

/** A bank question: single choice, "Right" is right; its explanation is part of the answer key. */
const bankQuestion = (prompt: string, tags: string[]) => ({
  type: 'single',
  prompt,
  points: 1,
  tags,
  explanation: `Secret reason of ${prompt}`,
  options: [
    { text: 'Right', correct: true },
    { text: 'Wrong', correct: false },
  ],
});
const ALGEBRA = ['Algebra 1', 'Algebra 2', 'Algebra 3', 'Algebra 4'];
const GEOMETRY = ['Geometry 1', 'Geometry 2'];
const bankQuestions = () => [
  ...ALGEBRA.map((prompt) => bankQuestion(prompt, ['algebra', 'easy'])),
  ...GEOMETRY.map((prompt) => bankQuestion(prompt, ['geometry'])),
];

const expectNoAnswerFields = (value: unknown) => {
  const text = JSON.stringify(value);
  for (const field of ANSWER_FIELDS) expect(text).not.toContain(`"${field}"`);
  expect(text).not.toContain('Secret reason');
};

const fieldPaths = (response: { body: any }) =>
  (response.body.error?.details?.errors ?? []).map((error: { path: Array<string | number> }) => error.path.join('.'));

const createBank = (user: TestUser, data: Record<string, unknown>) =>
  app.request.post('/api/question-banks').set(user.auth).send({ data });
const putQuiz = (user: TestUser, documentId: string, data: Record<string, unknown>) =>
  app.request.put(`/api/quizzes/${documentId}`).set(user.auth).send({ data });

async function drawQuiz(draws: unknown, data: Record<string, unknown> = {}) {
  const quiz = await app.strapi.documents(QUIZ).create({
    locale: 'en',
    data: {
      title: 'Drawn quiz',
      lesson: course.lessons[0].documentId,
      questions: [bankQuestion('Fixed question', [])],
      draws,
      ...data,
    } as any,
  });
  await app.strapi.documents(QUIZ).publish({ documentId: quiz.documentId });
  return { documentId: quiz.documentId };
}

const start = (student: TestUser, quiz: { documentId: string }) =>
  app.request.post(`/api/quizzes/${quiz.documentId}/attempts`).set(student.auth);

interface ShownQuestion {
  id: number;
  prompt: string;
  options: Array<{ id: number; text: string }>;
}
const answersFor = (questions: ShownQuestion[]) =>
  questions.map((question) => ({
    question: question.id,
    choices: [question.options.find((option) => option.text === 'Right')!.id],
  }));

async function enrolledStudent() {
  const student = await make.createUser('student');
  await make.enroll(student, course);
  return student;
}

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  owner = await make.createUser('teacher');
  otherTeacher = await make.createUser('teacher');
  admin = await make.createUser('admin');
  course = await make.createCourse({ teacher: owner });
  const created = await createBank(owner, {
    title: 'Maths bank',
    course: course.documentId,
    questions: bankQuestions(),
  });
  expectStatus(created, 201);
  bank = { documentId: created.body.data.documentId };
});
afterAll(stopLyceum);

describe('question banks through REST', () => {
  test("are written and read by the course's owners and admins only, never with the answer key", async () => {
    const mine = await app.request
      .get(`/api/question-banks/${bank.documentId}?populate[questions][populate]=*`)
      .set(owner.auth);
    expectStatus(mine, 200);
    expect(mine.body.data.questions).toHaveLength(6);
    expect(mine.body.data.questions[0].tags).toEqual(['algebra', 'easy']);
    expectNoAnswerFields(mine.body);

    const listed = await app.request.get('/api/question-banks?populate[questions][populate]=*').set(owner.auth);
    expectStatus(listed, 200);
    expect(listed.body.data.map((entry: { documentId: string }) => entry.documentId)).toEqual([bank.documentId]);
    expectNoAnswerFields(listed.body);

    const theirs = await app.request.get(`/api/question-banks/${bank.documentId}`).set(otherTeacher.auth);
    expect([theirs.status, theirs.body.error?.details?.reason]).toEqual([403, 'not_course_owner']);
    const theirList = await app.request.get('/api/question-banks').set(otherTeacher.auth);
    expectStatus(theirList, 200);
    expect(theirList.body.data).toEqual([]);
    const change = await app.request
      .put(`/api/question-banks/${bank.documentId}`)
      .set(otherTeacher.auth)
      .send({ data: { title: 'Taken over' } });
    expect([change.status, change.body.error?.details?.reason]).toEqual([403, 'not_course_owner']);
    const intoTheirs = await createBank(otherTeacher, { title: 'Mine now', course: course.documentId });
    expect([intoTheirs.status, intoTheirs.body.error?.details?.reason]).toEqual([403, 'not_course_owner']);

    const student = await enrolledStudent();
    expect((await app.request.get('/api/question-banks').set(student.auth)).status).toBe(403);
    expect((await app.request.get(`/api/question-banks/${bank.documentId}`).set(student.auth)).status).toBe(403);
    expect((await app.request.get('/api/question-banks')).status).toBe(401);

    const byAdmin = await app.request.get(`/api/question-banks/${bank.documentId}`).set(admin.auth);
    expectStatus(byAdmin, 200);
  });

  test('refuse a bank of no course and tags that are not strings, naming the field', async () => {
    const orphan = await createBank(owner, { title: 'Nowhere', questions: [] });
    expect(orphan.status).toBe(400);
    expect(fieldPaths(orphan)).toContain('course');

    const badTags = await createBank(owner, {
      title: 'Bad tags',
      course: course.documentId,
      questions: [bankQuestion('Tagged', ['fine']), { ...bankQuestion('Numbers', []), tags: ['ok', 7] }],
    });
    expect(badTags.status).toBe(400);
    expect(fieldPaths(badTags)).toEqual(['questions.1.tags.1']);
  });
});

describe('saving a quiz with draws', () => {
  let quizId: string;
  beforeAll(async () => {
    quizId = (await drawQuiz(null)).documentId;
  });

  test.each([
    ['a draw larger than its bank', [{ bank: 'BANK', count: 7 }], 'draws.0.count'],
    [
      'a draw larger than its bank after tag filtering',
      [{ bank: 'BANK', count: 3, tags: ['geometry'] }],
      'draws.0.count',
    ],
    [
      'a draw of tags no question carries together',
      [{ bank: 'BANK', count: 1, tags: ['geometry', 'easy'] }],
      'draws.0.count',
    ],
    [
      'two draws from one bank asking for more than it holds',
      [
        { bank: 'BANK', count: 4 },
        { bank: 'BANK', count: 3 },
      ],
      'draws.1.count',
    ],
    ['a count of 0', [{ bank: 'BANK', count: 0 }], 'draws.0.count'],
    ['a negative count', [{ bank: 'BANK', count: -2 }], 'draws.0.count'],
    ['a fractional count', [{ bank: 'BANK', count: 1.5 }], 'draws.0.count'],
    ['an unknown bank', [{ bank: 'nosuchbank000000000000000', count: 1 }], 'draws.0.bank'],
    ['tags that are not strings', [{ bank: 'BANK', count: 1, tags: [3] }], 'draws.0.tags.0'],
    ['an unknown draw field', [{ bank: 'BANK', count: 1, weight: 2 }], 'draws.0.weight'],
    ['draws that are not a list', { bank: 'BANK', count: 1 }, 'draws'],
  ])('refuses %s with 400 naming draws', async (_name, draws, path) => {
    const withBank = JSON.parse(JSON.stringify(draws).replace(/BANK/g, bank.documentId));
    const response = await putQuiz(owner, quizId, { draws: withBank });
    expect(response.status).toBe(400);
    expect(fieldPaths(response)).toContain(path);
    const stored = await app.strapi.db.query(QUIZ).findOne({ where: { documentId: quizId, publishedAt: null } });
    expect(stored.draws).toBeNull();
  });

  test("refuses a bank of another course, even the admin's", async () => {
    const elsewhere = await make.createCourse({ teacher: owner });
    const foreign = await createBank(owner, {
      title: 'Other course',
      course: elsewhere.documentId,
      questions: [bankQuestion('Q', [])],
    });
    expectStatus(foreign, 201);
    const response = await putQuiz(admin, quizId, { draws: [{ bank: foreign.body.data.documentId, count: 1 }] });
    expect(response.status).toBe(400);
    expect(fieldPaths(response)).toEqual(['draws.0.bank']);
  });

  test('accepts draws that fit, and a draw of the whole filtered bank', async () => {
    const response = await putQuiz(owner, quizId, {
      draws: [
        { bank: bank.documentId, count: 2, tags: ['geometry'] },
        { bank: bank.documentId, count: 4 },
      ],
    });
    expectStatus(response, 200);
  });
});

describe('attempts of a quiz with draws', () => {
  test('take distinct, tag-filtered questions besides the fixed ones, and keep them with the attempt', async () => {
    const quiz = await drawQuiz([{ bank: bank.documentId, count: 3, tags: ['algebra'] }]);
    for (let round = 0; round < 4; round += 1) {
      const student = await enrolledStudent();
      const response = await start(student, quiz);
      expectStatus(response, 201);
      const prompts: string[] = response.body.data.questions.map((question: ShownQuestion) => question.prompt);
      expect(prompts).toHaveLength(4);
      expect(prompts[0]).toBe('Fixed question');
      const drawn = prompts.slice(1);
      expect(new Set(drawn).size).toBe(3);
      for (const prompt of drawn) expect(ALGEBRA).toContain(prompt);
      expectNoAnswerFields(response.body);

      const stored = await app.strapi.db.query(ATTEMPT).findOne({ where: { id: response.body.data.id } });
      const kept = typeof stored.questions === 'string' ? JSON.parse(stored.questions) : stored.questions;
      expect(kept.map((question: { prompt: string }) => question.prompt)).toEqual(prompts);
    }
  });

  test('two draws from one bank never give one question twice', async () => {
    const quiz = await drawQuiz([
      { bank: bank.documentId, count: 2, tags: ['geometry'] },
      { bank: bank.documentId, count: 4 },
    ]);
    const student = await enrolledStudent();
    const response = await start(student, quiz);
    expectStatus(response, 201);
    const prompts = response.body.data.questions.map((question: ShownQuestion) => question.prompt).slice(1);
    expect([...prompts].sort()).toEqual([...ALGEBRA, ...GEOMETRY].sort());
    expect(new Set(response.body.data.questions.map((question: ShownQuestion) => question.id)).size).toBe(7);
  });

  test('are scored against the stored draw, whatever happens to the bank meanwhile', async () => {
    const ownBank = await createBank(owner, {
      title: 'Changing bank',
      course: course.documentId,
      questions: bankQuestions(),
    });
    expectStatus(ownBank, 201);
    const quiz = await drawQuiz([{ bank: ownBank.body.data.documentId, count: 2, tags: ['geometry'] }], {
      reviewPolicy: 'after_submit',
    });
    const student = await enrolledStudent();
    const started = await start(student, quiz);
    expectStatus(started, 201);
    const shown: ShownQuestion[] = started.body.data.questions;

    // The teacher rewrites the bank: every question replaced, "Right" is now wrong.
    const rewritten = await app.request
      .put(`/api/question-banks/${ownBank.body.data.documentId}`)
      .set(owner.auth)
      .send({
        data: {
          questions: [...ALGEBRA, ...GEOMETRY].map((prompt) => ({
            ...bankQuestion(prompt, ['geometry']),
            options: [
              { text: 'Right', correct: false },
              { text: 'Wrong', correct: true },
            ],
          })),
        },
      });
    expectStatus(rewritten, 200);

    const reopened = await app.request.get(`/api/quiz-attempts/${started.body.data.id}`).set(student.auth);
    expectStatus(reopened, 200);
    expect(reopened.body.data.questions).toEqual(shown);
    expectNoAnswerFields(reopened.body);

    const submitted = await app.request
      .post(`/api/quiz-attempts/${started.body.data.id}/submit`)
      .set(student.auth)
      .send({ answers: answersFor(shown) });
    expectStatus(submitted, 200);
    expect(submitted.body.data).toMatchObject({ score: 3, maxScore: 3, percent: 100, passed: true });
    // The review shows the key of what was shown: the stored copy's, not the bank's new one.
    const results = submitted.body.data.results as Array<{ question: number; correctChoices: number[] }>;
    expect(results).toHaveLength(3);
    for (const result of results) {
      const question = shown.find((candidate) => candidate.id === result.question)!;
      expect(result.correctChoices).toEqual([question.options.find((option) => option.text === 'Right')!.id]);
    }
  });

  test('show no answer with reviewPolicy never, after submitting or reopening', async () => {
    const quiz = await drawQuiz([{ bank: bank.documentId, count: 3 }], { reviewPolicy: 'never' });
    const student = await enrolledStudent();
    const started = await start(student, quiz);
    expectStatus(started, 201);
    const submitted = await app.request
      .post(`/api/quiz-attempts/${started.body.data.id}/submit`)
      .set(student.auth)
      .send({ answers: answersFor(started.body.data.questions) });
    expectStatus(submitted, 200);
    expect(submitted.body.data.results).toBeUndefined();
    expectNoAnswerFields(submitted.body);
    const reopened = await app.request.get(`/api/quiz-attempts/${started.body.data.id}`).set(student.auth);
    expectNoAnswerFields(reopened.body);
    const mine = await app.request.get(`/api/me/quiz-attempts?quiz=${quiz.documentId}`).set(student.auth);
    expectNoAnswerFields(mine.body);
  });

  test('the quiz itself shows its draws to members, never a bank question', async () => {
    const quiz = await drawQuiz([{ bank: bank.documentId, count: 2 }]);
    const student = await enrolledStudent();
    const response = await app.request
      .get(`/api/quizzes/${quiz.documentId}?populate[questions][populate]=*`)
      .set(student.auth);
    expectStatus(response, 200);
    expect(response.body.data.draws).toEqual([{ bank: bank.documentId, count: 2 }]);
    expect(JSON.stringify(response.body)).not.toContain('Algebra');
    expectNoAnswerFields(response.body);
  });

  test('GraphQL serves no question bank', async () => {
    const response = await app.request
      .post('/graphql')
      .set(admin.auth)
      .send({ query: '{ questionBanks { documentId questions { prompt explanation } } }' });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).not.toContain('Secret reason');
  });

  test('the gradebook and its export carry scores, never drawn questions', async () => {
    const gradebook = await app.request.get(`/api/courses/${course.documentId}/gradebook`).set(owner.auth);
    expectStatus(gradebook, 200);
    const csv = await app.request.get(`/api/courses/${course.documentId}/gradebook?format=csv`).set(owner.auth);
    expectStatus(csv, 200);
    for (const body of [JSON.stringify(gradebook.body), csv.text]) {
      expect(body).not.toContain('Algebra');
      expect(body).not.toContain('Secret reason');
    }
  });
});

describe('the admin panel', () => {
  let superAdmin: AdminSession;
  let teacherAdmin: AdminSession;
  let stranger: AdminSession;
  beforeAll(async () => {
    superAdmin = await adminSession(app, 'Super Admin');
    teacherAdmin = await adminSession(app, 'Teacher', owner.email);
    stranger = await adminSession(app, 'Teacher', otherTeacher.email);
  });

  test("previews a sample draw with the answer key, for the quiz's staff", async () => {
    const quiz = await drawQuiz([{ bank: bank.documentId, count: 3, tags: ['algebra'] }]);
    for (const session of [superAdmin, teacherAdmin]) {
      const response = await app.request.get(`/grading/quiz-preview/${quiz.documentId}`).set(session.auth);
      expectStatus(response, 200);
      const { data } = response.body;
      expect(data.draws).toEqual([{ bank: bank.documentId, count: 3, tags: ['algebra'] }]);
      expect(data.questions.map((question: { prompt: string }) => question.prompt)).toEqual(['Fixed question']);
      expect(data.sampleDraw).toHaveLength(3);
      for (const question of data.sampleDraw) {
        expect(ALGEBRA).toContain(question.prompt);
        expect(question.explanation).toBe(`Secret reason of ${question.prompt}`);
        expect(question.options.find((option: { text: string }) => option.text === 'Right').correct).toBe(true);
      }
    }
    const refused = await app.request.get(`/grading/quiz-preview/${quiz.documentId}`).set(stranger.auth);
    expect([refused.status, refused.body.error?.details?.reason]).toEqual([403, 'not_course_owner']);
  });

  test("lets a Teacher edit only their courses' banks in the content manager", async () => {
    const uid = 'api::question-bank.question-bank';
    const list = await app.request.get(`/content-manager/collection-types/${uid}`).set(teacherAdmin.auth);
    expectStatus(list, 200);
    const listed = list.body.results.map((entry: { documentId: string }) => entry.documentId);
    expect(listed).toContain(bank.documentId);
    const theirs = await app.request.get(`/content-manager/collection-types/${uid}`).set(stranger.auth);
    expectStatus(theirs, 200);
    expect(theirs.body.results).toEqual([]);
    const edit = await app.request
      .put(`/content-manager/collection-types/${uid}/${bank.documentId}`)
      .set(stranger.auth)
      .send({ title: 'Taken' });
    expect(edit.status).toBe(403);
  });
});
