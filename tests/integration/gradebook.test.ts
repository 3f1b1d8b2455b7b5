import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;
let otherTeacher: TestUser;
let admin: TestUser;
let course: TestCourse;
let anna: TestUser;
let boris: TestUser;
let smith: TestUser;
let cancelled: TestUser;
let quizOnLesson: { documentId: string };
let finalTest: { documentId: string };
let essay: { documentId: string };
let project: { documentId: string };

const ATTEMPT = 'plugin::grading.quiz-attempt';
const ASSIGNMENT = 'api::assignment.assignment';
const HOUR = 3_600_000;

const binary = (request: any) =>
  request.buffer(true).parse((response: any, done: (error: Error | null, body: Buffer) => void) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => done(null, Buffer.concat(chunks)));
  });

/** RFC 4180 read back, so the test checks what a spreadsheet sees rather than string fragments. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += 1;
    } else field += char;
  }
  if (field || row.length) throw new Error('the CSV does not end with CRLF');
  return rows;
}

async function createAssignment(data: Record<string, unknown>, published = true) {
  const assignment = await app.strapi
    .documents(ASSIGNMENT)
    .create({ data: { instructions: 'Do it', course: course.documentId, ...data } as any });
  if (published) await app.strapi.documents(ASSIGNMENT).publish({ documentId: assignment.documentId });
  return { documentId: assignment.documentId as string };
}

/** A finished attempt as the quiz routes leave it. */
async function finishedAttempt(student: TestUser, quiz: { documentId: string }, attemptNumber: number, score: number) {
  await app.strapi.db.query(ATTEMPT).create({
    data: {
      key: `${student.id}:${quiz.documentId}:${attemptNumber}`,
      user: student.id,
      quizDocumentId: quiz.documentId,
      courseDocumentId: course.documentId,
      attemptNumber,
      status: 'submitted',
      startedAt: new Date(),
      submittedAt: new Date(),
      score,
      maxScore: 3,
      percent: Math.round((score / 3) * 10000) / 100,
      passed: score >= 3,
    },
  });
}

/** One attempt through the quiz routes, every answer right or every answer wrong. */
async function takeQuiz(student: TestUser, quiz: { documentId: string }, right: boolean) {
  const started = await app.request.post(`/api/quizzes/${quiz.documentId}/attempts`).set(student.auth);
  expect(started.status).toBe(201);
  const answers = started.body.data.questions.map((question: any) => {
    if (question.type === 'single')
      return {
        question: question.id,
        choices: [question.options.find((option: any) => option.text === (right ? 'Right' : 'Wrong')).id],
      };
    if (question.type === 'short_text') return { question: question.id, text: right ? 'hello' : 'bye' };
    return { question: question.id, number: right ? 3.14 : 2 };
  });
  const submitted = await app.request
    .post(`/api/quiz-attempts/${started.body.data.id}/submit`)
    .set(student.auth)
    .send({ answers });
  expect(submitted.body.data.percent).toBe(right ? 100 : 0);
}

async function handIn(student: TestUser, assignment: { documentId: string }) {
  const response = await app.request
    .post(`/api/assignments/${assignment.documentId}/submissions`)
    .set(student.auth)
    .send({ text: 'my work' });
  expect(response.status).toBe(201);
  return response.body.data;
}

async function gradeIt(submission: { documentId: string }, points: number) {
  expect(
    (await app.request.put(`/api/submissions/${submission.documentId}/grade`).set(owner.auth).send({ grade: points }))
      .status
  ).toBe(200);
}

const gradebook = (user: TestUser | null, query: Record<string, string> = {}, courseDocumentId = course.documentId) =>
  app.request
    .get(`/api/courses/${courseDocumentId}/gradebook`)
    .query(query)
    .set(user ? user.auth : {});

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  [owner, otherTeacher, admin] = await Promise.all([
    make.createUser('teacher'),
    make.createUser('teacher'),
    make.createUser('admin'),
  ]);
  course = await make.createCourse({ teacher: owner, lessons: 2 });
  [anna, boris, smith, cancelled] = await Promise.all([
    make.createUser('student', { fullName: 'Анна Каренина' }),
    make.createUser('student', { fullName: 'Борис "Годунов"' }),
    make.createUser('student', { fullName: 'Smith, John' }),
    make.createUser('student', { fullName: 'Left Early' }),
  ]);
  for (const student of [anna, boris, smith]) await make.enroll(student, course);
  await make.enroll(cancelled, course, 'cancelled');

  // Weights: lesson quiz 1, final test 2, essay 1, project 1 (5 in all); a weight-0 draft never shows.
  quizOnLesson = await make.createQuiz(course, {
    onLesson: true,
    lessonIndex: 0,
    data: { title: 'Тест 1', scoringPolicy: 'best' },
  });
  finalTest = await make.createQuiz(course, {
    onLesson: false,
    data: { title: 'Final', scoringPolicy: 'last', weight: 2 },
  });
  essay = await createAssignment({
    title: 'Essay, short',
    maxPoints: 10,
    dueAt: new Date(Date.now() + HOUR).toISOString(),
    allowLate: true,
    latePenaltyPercent: 50,
  });
  project = await createAssignment({
    title: 'Проект',
    maxPoints: 20,
    dueAt: new Date(Date.now() + 48 * HOUR).toISOString(),
  });
  await createAssignment({ title: 'Unpublished', maxPoints: 5 }, false);

  // Anna: lesson quiz wrong then right (best: 100), final 100 then 0 (last: 0), essay 8/10 on time, no project.
  await takeQuiz(anna, quizOnLesson, false);
  await takeQuiz(anna, quizOnLesson, true);
  await finishedAttempt(anna, finalTest, 1, 3);
  await finishedAttempt(anna, finalTest, 2, 0);
  await gradeIt(await handIn(anna, essay), 8);

  // Boris: no lesson quiz, final 3/3, essay 10/10 but late (50% off), project 20/20.
  await finishedAttempt(boris, finalTest, 1, 3);
  await app.strapi.db
    .query(ASSIGNMENT)
    .updateMany({ where: { documentId: essay.documentId }, data: { dueAt: new Date(Date.now() - HOUR) } });
  await gradeIt(await handIn(boris, essay), 10);
  await gradeIt(await handIn(boris, project), 20);
  // Smith has done nothing yet; an ungraded hand-in does not count.
  await handIn(smith, project);
});
afterAll(stopLyceum);

describe('the gradebook as JSON', () => {
  test('lists the published quizzes and assignments, in course order, with points and weights', async () => {
    const response = await gradebook(owner);
    expect(response.status).toBe(200);
    expect(response.body.data.course).toEqual({ documentId: course.documentId, title: course.title });
    expect(response.body.data.items).toEqual([
      {
        id: `quiz:${quizOnLesson.documentId}`,
        kind: 'quiz',
        documentId: quizOnLesson.documentId,
        title: 'Тест 1',
        maxPoints: 3,
        weight: 1,
      },
      {
        id: `quiz:${finalTest.documentId}`,
        kind: 'quiz',
        documentId: finalTest.documentId,
        title: 'Final',
        maxPoints: 3,
        weight: 2,
      },
      {
        id: `assignment:${essay.documentId}`,
        kind: 'assignment',
        documentId: essay.documentId,
        title: 'Essay, short',
        maxPoints: 10,
        weight: 1,
      },
      {
        id: `assignment:${project.documentId}`,
        kind: 'assignment',
        documentId: project.documentId,
        title: 'Проект',
        maxPoints: 20,
        weight: 1,
      },
    ]);
    expect(response.body.meta).toEqual({ students: 3, items: 4 });
  });

  test('has a row per current student with best or last quiz scores, penalised grades and weighted totals', async () => {
    const rows = (await gradebook(owner)).body.data.rows;
    expect(rows.map((row: any) => row.student.id).sort()).toEqual([anna.id, boris.id, smith.id].sort());
    const rowOf = (student: TestUser) => rows.find((row: any) => row.student.id === student.id);
    expect(rows.indexOf(rowOf(anna))).toBeLessThan(rows.indexOf(rowOf(boris)));

    expect(rowOf(anna)).toEqual({
      student: { id: anna.id, username: anna.username, fullName: 'Анна Каренина', email: anna.email },
      grades: [
        { item: `quiz:${quizOnLesson.documentId}`, score: 3, maxPoints: 3, percent: 100 },
        { item: `quiz:${finalTest.documentId}`, score: 0, maxPoints: 3, percent: 0 },
        { item: `assignment:${essay.documentId}`, score: 8, maxPoints: 10, percent: 80 },
        { item: `assignment:${project.documentId}`, score: null, maxPoints: 20, percent: null },
      ],
      // (100·1 + 0·2 + 80·1 + 0·1) / 5 and, over what is graded, / 4.
      totalPercent: 36,
      gradedPercent: 45,
    });
    expect(rowOf(boris)).toMatchObject({
      grades: [{ score: null }, { score: 3, percent: 100 }, { score: 5, percent: 50 }, { score: 20, percent: 100 }],
      totalPercent: 70,
      gradedPercent: 87.5,
    });
    expect(rowOf(smith)).toMatchObject({
      grades: [{ score: null }, { score: null }, { score: null }, { score: null }],
      totalPercent: 0,
      gradedPercent: null,
    });
  });

  test('admins see it too; students, other teachers and anonymous callers do not', async () => {
    expect((await gradebook(admin)).status).toBe(200);
    expect((await gradebook(anna)).status).toBe(403);
    const other = await gradebook(otherTeacher);
    expect([other.status, other.body.error.details.reason]).toEqual([403, 'not_course_owner']);
    expect((await gradebook(otherTeacher, { format: 'csv' })).status).toBe(403);
    expect((await gradebook(null)).status).toBe(401);
  });

  test('unknown courses are 404, malformed ids and formats 400', async () => {
    expect((await gradebook(owner, {}, 'abcdefghijklmnopqrstuvwx')).status).toBe(404);
    expect((await gradebook(owner, {}, 'bad-id!')).status).toBe(400);
    const format = await gradebook(owner, { format: 'xml' });
    expect([format.status, format.body.error.details.errors[0].path]).toEqual([400, ['format']]);
  });

  test('a course with no items or students has an empty gradebook', async () => {
    const empty = await make.createCourse({ teacher: owner, lessons: 1 });
    const response = await gradebook(owner, {}, empty.documentId);
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ items: [], rows: [] });
  });
});

describe('the gradebook as CSV', () => {
  test('is UTF-8 with a BOM, RFC 4180 quoted, and holds the same numbers', async () => {
    const response = await binary(gradebook(owner, { format: 'csv' }));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="gradebook-${course.documentId}.csv"`);
    const bytes: Buffer = response.body;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text).toContain('\r\n');

    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([
      'Student',
      'Username',
      'Email',
      'Тест 1 (quiz, 3 pts, weight 1)',
      'Final (quiz, 3 pts, weight 2)',
      'Essay, short (assignment, 10 pts, weight 1)',
      'Проект (assignment, 20 pts, weight 1)',
      'Total %',
      'Graded %',
    ]);
    expect(rows).toHaveLength(3);
    const rowOf = (student: TestUser) => rows.find((row) => row[1] === student.username);
    expect(rowOf(anna)).toEqual(['Анна Каренина', anna.username, anna.email, '3', '0', '8', '', '36', '45']);
    expect(rowOf(boris)).toEqual(['Борис "Годунов"', boris.username, boris.email, '', '3', '5', '20', '70', '87.5']);
    expect(rowOf(smith)).toEqual(['Smith, John', smith.username, smith.email, '', '', '', '', '0', '']);
    // The raw text quotes exactly the fields that need it.
    expect(text).toContain('"Smith, John",');
    expect(text).toContain('"Борис ""Годунов""",');
    expect(text).not.toContain('Left Early');
  });
});
