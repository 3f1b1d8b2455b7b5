import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { adminSession, expectStatus } from '../helpers/admin-users';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Rubric grading (contract, "Teaching depth"): an assignment's rubric, a grade by levels computed as their sum
 * with the late penalty as always, every criterion and level checked, the levels kept and shown to the student,
 * and the gradebook CSV's criterion columns.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;
let otherTeacher: TestUser;
let course: TestCourse;

const ASSIGNMENT = 'api::assignment.assignment';
const HOUR = 3_600_000;

const RUBRIC = [
  {
    criterion: 'Argument',
    levels: [
      { label: 'Weak', points: 1 },
      { label: 'Sound', points: 3 },
      { label: 'Compelling', points: 5 },
    ],
  },
  {
    criterion: 'Style',
    levels: [
      { label: 'Rough', points: 0 },
      { label: 'Clear', points: 2.5 },
    ],
  },
];

const fieldPaths = (response: { body: any }) =>
  (response.body.error?.details?.errors ?? []).map((error: { path: Array<string | number> }) => error.path.join('.'));

async function createAssignment(data: Record<string, unknown> = {}) {
  const assignment = await app.strapi.documents(ASSIGNMENT).create({
    data: {
      title: 'Essay',
      instructions: 'Write',
      maxPoints: 10,
      course: course.documentId,
      rubric: RUBRIC,
      ...data,
    } as any,
  });
  await app.strapi.documents(ASSIGNMENT).publish({ documentId: assignment.documentId });
  return { documentId: assignment.documentId as string };
}

async function handIn(assignment: { documentId: string }) {
  const student = await make.createUser('student');
  await make.enroll(student, course);
  const response = await app.request
    .post(`/api/assignments/${assignment.documentId}/submissions`)
    .set(student.auth)
    .send({ text: 'My essay' });
  expectStatus(response, 201);
  return { student, submission: response.body.data as { documentId: string } };
}

const grade = (user: TestUser, submission: { documentId: string }, body: unknown) =>
  app.request
    .put(`/api/submissions/${submission.documentId}/grade`)
    .set(user.auth)
    .send(body as object);

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  owner = await make.createUser('teacher');
  otherTeacher = await make.createUser('teacher');
  course = await make.createCourse({ teacher: owner });
});
afterAll(stopLyceum);

describe('a rubric on an assignment', () => {
  test('is saved and shown to the students of the course', async () => {
    const created = await app.request
      .post('/api/assignments')
      .set(owner.auth)
      .send({ data: { title: 'Report', maxPoints: 10, course: course.documentId, rubric: RUBRIC } });
    expectStatus(created, 201);
    await app.strapi.documents(ASSIGNMENT).publish({ documentId: created.body.data.documentId });
    const student = await make.createUser('student');
    await make.enroll(student, course);
    const shown = await app.request.get(`/api/assignments/${created.body.data.documentId}`).set(student.auth);
    expectStatus(shown, 200);
    expect(shown.body.data.rubric).toEqual(RUBRIC);
  });

  test.each([
    ['not a list', { criterion: 'A' }, 'rubric'],
    ['a criterion without a name', [{ criterion: ' ', levels: [{ label: 'L', points: 1 }] }], 'rubric.0.criterion'],
    ['a criterion twice', [RUBRIC[0], RUBRIC[0]], 'rubric.1.criterion'],
    ['no levels', [{ criterion: 'A', levels: [] }], 'rubric.0.levels'],
    ['negative points', [{ criterion: 'A', levels: [{ label: 'L', points: -1 }] }], 'rubric.0.levels.0.points'],
    ['points that are text', [{ criterion: 'A', levels: [{ label: 'L', points: '3' }] }], 'rubric.0.levels.0.points'],
    [
      'a level twice',
      [
        {
          criterion: 'A',
          levels: [
            { label: 'L', points: 1 },
            { label: 'L', points: 2 },
          ],
        },
      ],
      'rubric.0.levels.1.label',
    ],
    ['an unknown field', [{ criterion: 'A', levels: [{ label: 'L', points: 1 }], weight: 2 }], 'rubric.0.weight'],
    ['best levels above maxPoints', [{ criterion: 'A', levels: [{ label: 'L', points: 11 }] }], 'rubric'],
  ])('refuses a rubric with %s (400 naming it)', async (_name, rubric, path) => {
    const response = await app.request
      .post('/api/assignments')
      .set(owner.auth)
      .send({ data: { title: 'Bad', maxPoints: 10, course: course.documentId, rubric } });
    expect(response.status).toBe(400);
    expect(fieldPaths(response)).toContain(path);
  });
});

describe('grading by rubric', () => {
  test('computes the grade as the sum of the levels, keeps them, and the student sees them with the feedback', async () => {
    const assignment = await createAssignment();
    const { student, submission } = await handIn(assignment);
    const response = await grade(owner, submission, {
      rubric: [
        { criterion: 'Style', level: 'Clear' },
        { criterion: 'Argument', level: 'Sound' },
      ],
      feedback: 'Tighten the second part',
    });
    expectStatus(response, 200);
    expect(response.body.data).toMatchObject({
      grade: 5.5,
      finalGrade: 5.5,
      status: 'graded',
      feedback: 'Tighten the second part',
      rubric: [
        { criterion: 'Argument', level: 'Sound', points: 3 },
        { criterion: 'Style', level: 'Clear', points: 2.5 },
      ],
    });
    const seen = await app.request.get(`/api/assignments/${assignment.documentId}/submissions`).set(student.auth);
    expectStatus(seen, 200);
    expect(seen.body.data[0]).toMatchObject({
      grade: 5.5,
      feedback: 'Tighten the second part',
      rubric: [
        { criterion: 'Argument', level: 'Sound', points: 3 },
        { criterion: 'Style', level: 'Clear', points: 2.5 },
      ],
    });
    // Returning the work keeps the grade and its levels; a grade in points replaces them.
    const returned = await grade(owner, submission, { status: 'returned' });
    expect(returned.body.data.rubric).toHaveLength(2);
    const inPoints = await grade(owner, submission, { grade: 4 });
    expectStatus(inPoints, 200);
    expect(inPoints.body.data).toMatchObject({ grade: 4, rubric: null });
  });

  test('takes the late penalty off the rubric grade, as for points', async () => {
    const assignment = await createAssignment({
      dueAt: new Date(Date.now() - HOUR).toISOString(),
      allowLate: true,
      latePenaltyPercent: 20,
    });
    const { submission } = await handIn(assignment);
    const response = await grade(owner, submission, {
      rubric: [
        { criterion: 'Argument', level: 'Compelling' },
        { criterion: 'Style', level: 'Clear' },
      ],
    });
    expectStatus(response, 200);
    expect(response.body.data).toMatchObject({ grade: 7.5, finalGrade: 6, isLate: true });
  });

  test.each([
    [
      'an unknown criterion',
      [
        { criterion: 'Argument', level: 'Sound' },
        { criterion: 'Style', level: 'Clear' },
        { criterion: 'Spelling', level: 'Good' },
      ],
      ['rubric.2.criterion'],
      'Spelling',
    ],
    [
      'an unknown level',
      [
        { criterion: 'Argument', level: 'Brilliant' },
        { criterion: 'Style', level: 'Clear' },
      ],
      ['rubric.0.level'],
      'Brilliant',
    ],
    ['a missing criterion', [{ criterion: 'Argument', level: 'Sound' }], ['rubric'], 'Style'],
    ['every criterion missing', [], ['rubric', 'rubric'], 'Argument'],
    [
      'a criterion twice',
      [
        { criterion: 'Argument', level: 'Sound' },
        { criterion: 'Argument', level: 'Weak' },
        { criterion: 'Style', level: 'Clear' },
      ],
      ['rubric.1.criterion'],
      'twice',
    ],
    [
      'a level of another criterion',
      [
        { criterion: 'Argument', level: 'Clear' },
        { criterion: 'Style', level: 'Clear' },
      ],
      ['rubric.0.level'],
      'Clear',
    ],
    [
      'an extra field',
      [
        { criterion: 'Argument', level: 'Sound', points: 5 },
        { criterion: 'Style', level: 'Clear' },
      ],
      ['rubric.0.points'],
      'points',
    ],
    ['not a list', { Argument: 'Sound' }, ['rubric'], 'list'],
  ])('refuses %s with 400 naming it, and grades nothing', async (_name, rubric, paths, named) => {
    const assignment = await createAssignment();
    const { submission } = await handIn(assignment);
    const response = await grade(owner, submission, { rubric });
    expect(response.status).toBe(400);
    expect(fieldPaths(response)).toEqual(paths);
    expect(response.body.error.message).toContain(named);
    const stored = await app.strapi.db.query('api::submission.submission').findOne({
      where: { documentId: submission.documentId },
    });
    expect([stored.status, stored.grade, stored.rubricLevels]).toEqual(['submitted', null, null]);
  });

  test('refuses a rubric with points beside it, and a rubric for an assignment without one', async () => {
    const assignment = await createAssignment();
    const { submission } = await handIn(assignment);
    const both = await grade(owner, submission, { grade: 5, rubric: [{ criterion: 'Argument', level: 'Sound' }] });
    expect(both.status).toBe(400);
    expect(fieldPaths(both)).toEqual(['grade']);

    const plain = await createAssignment({ rubric: null });
    const { submission: plainWork } = await handIn(plain);
    const refused = await grade(owner, plainWork, { rubric: [{ criterion: 'Argument', level: 'Sound' }] });
    expect(refused.status).toBe(400);
    expect(fieldPaths(refused)).toEqual(['rubric']);
  });

  test("refuses another course's teacher", async () => {
    const assignment = await createAssignment();
    const { submission } = await handIn(assignment);
    const response = await grade(otherTeacher, submission, {
      rubric: [
        { criterion: 'Argument', level: 'Sound' },
        { criterion: 'Style', level: 'Clear' },
      ],
    });
    expect([response.status, response.body.error?.details?.reason]).toEqual([403, 'not_course_owner']);
  });

  test('a resubmission clears the levels with the grade', async () => {
    const assignment = await createAssignment();
    const { student, submission } = await handIn(assignment);
    await grade(owner, submission, {
      rubric: [
        { criterion: 'Argument', level: 'Weak' },
        { criterion: 'Style', level: 'Rough' },
      ],
      status: 'resubmit_requested',
    });
    const again = await app.request
      .post(`/api/assignments/${assignment.documentId}/submissions`)
      .set(student.auth)
      .send({ text: 'Better' });
    expectStatus(again, 201);
    expect(again.body.data).toMatchObject({ attempt: 2, grade: null, rubric: null });
  });

  test('the grading queue grades by rubric and shows the rubric', async () => {
    const teacherAdmin = await adminSession(app, 'Teacher', owner.email);
    const assignment = await createAssignment();
    const { submission } = await handIn(assignment);
    const shown = await app.request.get(`/grading/queue/${submission.documentId}`).set(teacherAdmin.auth);
    expectStatus(shown, 200);
    expect(shown.body.data.assignment.rubric).toEqual(RUBRIC);
    const bad = await app.request
      .post(`/grading/queue/${submission.documentId}/grade`)
      .set(teacherAdmin.auth)
      .send({ rubric: [{ criterion: 'Argument', level: 'Sound' }], attempt: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('Style');
    const graded = await app.request
      .post(`/grading/queue/${submission.documentId}/grade`)
      .set(teacherAdmin.auth)
      .send({
        rubric: [
          { criterion: 'Argument', level: 'Compelling' },
          { criterion: 'Style', level: 'Rough' },
        ],
        attempt: 1,
      });
    expectStatus(graded, 200);
    expect(graded.body.data).toMatchObject({ grade: 5, status: 'graded' });
  });
});

describe('the gradebook CSV with rubric=true', () => {
  test('adds one column per criterion with the points of the chosen level', async () => {
    const own = await make.createCourse({ teacher: owner });
    const assignment = await app.strapi.documents(ASSIGNMENT).create({
      data: { title: 'Essay', maxPoints: 10, course: own.documentId, rubric: RUBRIC } as any,
    });
    await app.strapi.documents(ASSIGNMENT).publish({ documentId: assignment.documentId });
    const student = await make.createUser('student', { fullName: 'Anna Graded' });
    await make.enroll(student, own);
    const handedIn = await app.request
      .post(`/api/assignments/${assignment.documentId}/submissions`)
      .set(student.auth)
      .send({ text: 'Essay' });
    expectStatus(handedIn, 201);
    const waiting = await make.createUser('student', { fullName: 'Boris Waiting' });
    await make.enroll(waiting, own);
    expectStatus(
      await grade(owner, handedIn.body.data, {
        rubric: [
          { criterion: 'Argument', level: 'Compelling' },
          { criterion: 'Style', level: 'Clear' },
        ],
      }),
      200
    );

    const plain = await app.request.get(`/api/courses/${own.documentId}/gradebook?format=csv`).set(owner.auth);
    expectStatus(plain, 200);
    expect(plain.text).not.toContain('Essay: Argument');

    const csv = await app.request
      .get(`/api/courses/${own.documentId}/gradebook?format=csv&rubric=true`)
      .set(owner.auth);
    expectStatus(csv, 200);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    const header = lines[0].split(',');
    expect(header.slice(-2)).toEqual(['Essay: Argument', 'Essay: Style']);
    const anna = lines.find((line) => line.startsWith('Anna Graded'))!.split(',');
    expect(anna.slice(-2)).toEqual(['5', '2.5']);
    const boris = lines.find((line) => line.startsWith('Boris Waiting'))!.split(',');
    expect(boris.slice(-2)).toEqual(['', '']);

    const bad = await app.request.get(`/api/courses/${own.documentId}/gradebook?format=csv&rubric=yes`).set(owner.auth);
    expect(bad.status).toBe(400);
    expect(fieldPaths(bad)).toEqual(['rubric']);
  });
});
