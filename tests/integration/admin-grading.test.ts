import { randomBytes } from 'crypto';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { adminSession, expectStatus, type AdminSession } from '../helpers/admin-users';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * The admin panel's grading queue and quiz preview, through the admin API the plugin's pages call: real admin
 * users log in with POST /admin/login. A Teacher admin user is the teacher account with the same email.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;

const HOUR = 3_600_000;
const FILE = 'plugin::upload.file';
const NOTIFICATION = 'api::notification.notification';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

const adminUser = (roleName: string, email?: string) => adminSession(app, roleName, email);

const expectRefusal = (response: { status: number; body: any }, status: number, reason: string) => {
  expect([response.status, response.body.error?.details?.reason]).toEqual([status, reason]);
};

async function createAssignment(course: TestCourse, data: Record<string, unknown> = {}) {
  const assignment = await app.strapi.documents('api::assignment.assignment').create({
    data: {
      title: `Essay ${randomBytes(3).toString('hex')}`,
      instructions: 'Write it',
      maxPoints: 10,
      course: course.documentId,
      ...data,
    } as any,
  });
  await app.strapi.documents('api::assignment.assignment').publish({ documentId: assignment.documentId });
  return { documentId: assignment.documentId as string, title: (data.title as string) ?? assignment.title };
}

async function enrolled(course: TestCourse, fullName: string) {
  const student = await make.createUser('student', { fullName });
  await make.enroll(student, course);
  return student;
}

async function submit(student: TestUser, assignment: { documentId: string }, text: string) {
  const response = await app.request
    .post(`/api/assignments/${assignment.documentId}/submissions`)
    .set(student.auth)
    .send({ text });
  expectStatus(response, 201);
  return response.body.data as { documentId: string; attempt: number };
}

const queue = (session: AdminSession, query: Record<string, string | number> = {}) =>
  app.request.get('/grading/queue').query(query).set(session.auth);
const open = (session: AdminSession, documentId: string) =>
  app.request.get(`/grading/queue/${documentId}`).set(session.auth);
const gradeIt = (session: AdminSession, documentId: string, body: unknown) =>
  app.request
    .post(`/grading/queue/${documentId}/grade`)
    .set(session.auth)
    .send(body as object);
const ownSubmission = async (student: TestUser, assignment: { documentId: string }) => {
  const response = await app.request.get(`/api/assignments/${assignment.documentId}/submissions`).set(student.auth);
  expectStatus(response, 200);
  return response.body.data[0];
};

let teacherUser: TestUser;
let otherTeacherUser: TestUser;
let teacher: AdminSession;
let otherTeacher: AdminSession;
let superAdmin: AdminSession;
let marketer: AdminSession;
let noAccount: AdminSession;
let mine: TestCourse;
let theirs: TestCourse;
let essay: { documentId: string; title: string };
let lateWork: { documentId: string; title: string };
let theirEssay: { documentId: string; title: string };
let alice: TestUser;
let boris: TestUser;
let carol: TestUser;
let aliceWork: { documentId: string; attempt: number };
let borisWork: { documentId: string; attempt: number };
let borisLate: { documentId: string; attempt: number };
let carolWork: { documentId: string; attempt: number };

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  [teacherUser, otherTeacherUser] = await Promise.all([make.createUser('teacher'), make.createUser('teacher')]);
  [teacher, otherTeacher, superAdmin, marketer, noAccount] = await Promise.all([
    adminUser('Teacher', teacherUser.email),
    adminUser('Teacher', otherTeacherUser.email),
    adminUser('Super Admin'),
    adminUser('Marketer'),
    // A Teacher admin user whose email no users-permissions account has.
    adminUser('Teacher'),
  ]);
  mine = await make.createCourse({ teacher: teacherUser, lessons: 1 });
  theirs = await make.createCourse({ teacher: otherTeacherUser, lessons: 1 });
  essay = await createAssignment(mine, {
    title: 'Essay on Pushkin',
    dueAt: new Date(Date.now() + 24 * HOUR).toISOString(),
  });
  lateWork = await createAssignment(mine, {
    title: 'Late lab report',
    dueAt: new Date(Date.now() - HOUR).toISOString(),
    allowLate: true,
    latePenaltyPercent: 20,
  });
  theirEssay = await createAssignment(theirs, { title: 'Their essay' });
  alice = await enrolled(mine, 'Alice Archer');
  boris = await enrolled(mine, 'Борис Бойко');
  carol = await enrolled(theirs, 'Carol Crane');
  // Handed in one after the other: the queue is oldest first.
  aliceWork = await submit(alice, essay, 'Alice <b>writes</b> <script>alert(1)</script>');
  borisWork = await submit(boris, essay, 'Boris writes');
  borisLate = await submit(boris, lateWork, 'Late, sorry');
  carolWork = await submit(carol, theirEssay, 'Carol writes');
});
afterAll(async () => {
  const upload = app.strapi.plugin('upload').service('upload');
  for (const file of await app.strapi.db.query(FILE).findMany({})) await upload.remove(file);
  await stopLyceum();
});

describe('grading queue', () => {
  test('a Teacher sees only the work of the courses they teach, oldest first, with what a row shows', async () => {
    const response = await queue(teacher);
    expectStatus(response, 200);
    expect(response.body.data.map((row: any) => row.documentId)).toEqual([
      aliceWork.documentId,
      borisWork.documentId,
      borisLate.documentId,
    ]);
    expect(response.body.meta.pagination).toEqual({ page: 1, pageSize: 25, pageCount: 1, total: 3 });
    expect(response.body.data[0]).toMatchObject({
      student: { id: alice.id, fullName: 'Alice Archer', username: alice.username },
      course: { documentId: mine.documentId, title: mine.title },
      assignment: { documentId: essay.documentId, title: 'Essay on Pushkin', maxPoints: 10 },
      attempt: 1,
      status: 'submitted',
      isLate: false,
    });
    expect(response.body.data[0].submittedAt).toEqual(expect.any(String));
    expect(response.body.data[2]).toMatchObject({
      student: { fullName: 'Борис Бойко' },
      assignment: { title: 'Late lab report' },
      isLate: true,
      latePenaltyPercent: 20,
    });
    // The list carries no submission text: that is for the page of one submission.
    expect(response.body.data[0].text).toBeUndefined();

    const others = await queue(otherTeacher);
    expectStatus(others, 200);
    expect(others.body.data.map((row: any) => row.documentId)).toEqual([carolWork.documentId]);
  });

  test('the course picker lists the caller’s courses; a Super Admin sees every course and all the work', async () => {
    const courses = await app.request.get('/grading/courses').set(teacher.auth);
    expectStatus(courses, 200);
    expect(courses.body.data).toEqual([{ documentId: mine.documentId, title: mine.title }]);
    const all = await app.request.get('/grading/courses').set(superAdmin.auth);
    expectStatus(all, 200);
    expect(all.body.data.map((course: any) => course.documentId)).toEqual(
      expect.arrayContaining([mine.documentId, theirs.documentId])
    );

    const everything = await queue(superAdmin, { pageSize: 100 });
    expectStatus(everything, 200);
    expect(everything.body.data.map((row: any) => row.documentId)).toEqual(
      expect.arrayContaining([aliceWork.documentId, borisWork.documentId, borisLate.documentId, carolWork.documentId])
    );
    const filtered = await queue(superAdmin, { course: theirs.documentId });
    expect(filtered.body.data.map((row: any) => row.documentId)).toEqual([carolWork.documentId]);
  });

  test('filtered by course and paginated', async () => {
    const filtered = await queue(teacher, { course: mine.documentId, page: 2, pageSize: 2 });
    expectStatus(filtered, 200);
    expect(filtered.body.data.map((row: any) => row.documentId)).toEqual([borisLate.documentId]);
    expect(filtered.body.meta.pagination).toEqual({ page: 2, pageSize: 2, pageCount: 2, total: 3 });

    expectRefusal(await queue(teacher, { course: theirs.documentId }), 403, 'not_course_owner');
    expectStatus(await queue(teacher, { course: 'nosuchcourse000000000000' }), 404);
    expectStatus(await queue(teacher, { course: 'not a document id!' }), 400);
    expectStatus(await queue(teacher, { page: 0 }), 400);
    expectStatus(await queue(teacher, { pageSize: 101 }), 400);
    expectStatus(await queue(teacher, { page: 'two' }), 400);
  });

  test('one submission opens with its text, files, the assignment’s points and late penalty', async () => {
    const withFile = await createAssignment(mine, { title: 'Upload a PDF' });
    const handed = await app.request
      .post(`/api/assignments/${withFile.documentId}/submissions`)
      .set(alice.auth)
      .field('text', 'See the attachment')
      .attach('files', PDF, { filename: 'essay.pdf', contentType: 'application/pdf' });
    expectStatus(handed, 201);

    const response = await open(teacher, handed.body.data.documentId);
    expectStatus(response, 200);
    expect(response.body.data).toMatchObject({
      documentId: handed.body.data.documentId,
      text: 'See the attachment',
      attempt: 1,
      status: 'submitted',
      student: { id: alice.id, fullName: 'Alice Archer' },
      assignment: { documentId: withFile.documentId, title: 'Upload a PDF', maxPoints: 10, latePenaltyPercent: 0 },
      course: { documentId: mine.documentId, title: mine.title },
    });
    expect(response.body.data.files).toEqual([
      expect.objectContaining({ name: 'essay.pdf', mime: 'application/pdf', url: expect.stringMatching(/\.pdf$/) }),
    ]);
    // The link opens the file.
    const file = await app.request.get(response.body.data.files[0].url);
    expectStatus(file, 200);

    const late = await open(teacher, borisLate.documentId);
    expectStatus(late, 200);
    expect(late.body.data).toMatchObject({
      isLate: true,
      latePenaltyPercent: 20,
      assignment: { latePenaltyPercent: 20, allowLate: true },
    });
    // Submission text is Markdown-sanitised on write (src/content/text-policy.ts): the script is gone, basic
    // formatting stays; the page still shows it as text, never as markup.
    expect((await open(teacher, aliceWork.documentId)).body.data.text).toBe('Alice <b>writes</b>');
  });

  test('grading: the student sees the grade through the REST API and is notified; the work leaves the queue', async () => {
    const graded = await gradeIt(teacher, aliceWork.documentId, {
      grade: 9,
      feedback: 'Well argued',
      status: 'graded',
      attempt: 1,
    });
    expectStatus(graded, 200);
    expect(graded.body.data).toMatchObject({
      status: 'graded',
      grade: 9,
      finalGrade: 9,
      feedback: 'Well argued',
      assignment: { maxPoints: 10 },
    });

    const seen = await ownSubmission(alice, essay);
    expect(seen).toMatchObject({
      documentId: aliceWork.documentId,
      status: 'graded',
      grade: 9,
      finalGrade: 9,
      feedback: 'Well argued',
    });
    const notices = await app.strapi.db
      .query(NOTIFICATION)
      .findMany({ where: { user: { id: alice.id }, type: 'grade_posted' } });
    expect(notices.map((notice: any) => notice.title)).toContain('Grade posted: Essay on Pushkin');

    const left = await queue(teacher);
    expect(left.body.data.map((row: any) => row.documentId)).not.toContain(aliceWork.documentId);
  });

  test('the late penalty applies as on the REST route', async () => {
    const graded = await gradeIt(teacher, borisLate.documentId, { grade: 10, status: 'graded' });
    expectStatus(graded, 200);
    expect(graded.body.data).toMatchObject({ grade: 10, finalGrade: 8, isLate: true });
    expect(await ownSubmission(boris, lateWork)).toMatchObject({ status: 'graded', finalGrade: 8 });
  });

  test('return and resubmission requested: the student hands in again and the new attempt is back in the queue', async () => {
    const returned = await gradeIt(teacher, borisWork.documentId, {
      feedback: 'Look at chapter 2 again',
      status: 'returned',
    });
    expectStatus(returned, 200);
    expect(returned.body.data).toMatchObject({ status: 'returned', grade: null, feedback: 'Look at chapter 2 again' });
    expect(await ownSubmission(boris, essay)).toMatchObject({
      status: 'returned',
      feedback: 'Look at chapter 2 again',
    });

    const second = await submit(boris, essay, 'Boris writes, better');
    expect(second).toMatchObject({ documentId: borisWork.documentId, attempt: 2 });
    const back = await queue(teacher);
    expect(back.body.data.find((row: any) => row.documentId === borisWork.documentId)).toMatchObject({
      attempt: 2,
      status: 'submitted',
    });

    // The page showed attempt 1: grading it now would grade work the teacher has not read.
    expectRefusal(
      await gradeIt(teacher, borisWork.documentId, { grade: 5, status: 'graded', attempt: 1 }),
      409,
      'submission_changed'
    );

    const requested = await gradeIt(teacher, borisWork.documentId, {
      grade: 4,
      feedback: 'Needs sources',
      status: 'resubmit_requested',
      attempt: 2,
    });
    expectStatus(requested, 200);
    expect(requested.body.data).toMatchObject({ status: 'resubmit_requested', grade: 4, attempt: 2 });
    expect(await ownSubmission(boris, essay)).toMatchObject({
      status: 'resubmit_requested',
      grade: 4,
      feedback: 'Needs sources',
    });
    const notices = await app.strapi.db
      .query(NOTIFICATION)
      .findMany({ where: { user: { id: boris.id }, type: 'grade_posted' } });
    expect(notices.map((notice: any) => notice.title)).toEqual(
      expect.arrayContaining(['Returned with feedback: Essay on Pushkin', 'Resubmission requested: Essay on Pushkin'])
    );
    expect((await queue(teacher)).body.data.map((row: any) => row.documentId)).not.toContain(borisWork.documentId);
  });

  test('bad input: unknown 404, malformed 400, grade out of range 400, another course’s work 403', async () => {
    expectStatus(await open(teacher, 'nosuchsubmission00000000'), 404);
    expectStatus(await gradeIt(teacher, 'nosuchsubmission00000000', { grade: 1 }), 404);
    expectStatus(await open(teacher, 'bad id!'), 400);
    expectStatus(await gradeIt(teacher, 'bad%20id', { grade: 1 }), 400);

    const fresh = await submit(await enrolled(mine, 'Dmitri Dolgov'), essay, 'Fresh work');
    const over = await gradeIt(teacher, fresh.documentId, { grade: 11, status: 'graded' });
    expectStatus(over, 400);
    expect(over.body.error.details.errors[0].path).toEqual(['grade']);
    expectStatus(await gradeIt(teacher, fresh.documentId, { grade: -1 }), 400);
    expectStatus(await gradeIt(teacher, fresh.documentId, { grade: '7' }), 400);
    expectStatus(await gradeIt(teacher, fresh.documentId, { status: 'graded' }), 400);
    expectStatus(await gradeIt(teacher, fresh.documentId, { grade: 7, status: 'excellent' }), 400);
    expectStatus(await gradeIt(teacher, fresh.documentId, { grade: 7, attempt: 0 }), 400);
    expectStatus(await gradeIt(teacher, fresh.documentId, { grade: 7, student: 1 }), 400);
    expectStatus(await gradeIt(teacher, fresh.documentId, { grade: 7, feedback: 'x'.repeat(20_001) }), 400);
    expect((await open(teacher, fresh.documentId)).body.data).toMatchObject({ status: 'submitted', grade: null });

    expectRefusal(await open(teacher, carolWork.documentId), 403, 'not_course_owner');
    expectRefusal(
      await gradeIt(teacher, carolWork.documentId, { grade: 1, status: 'graded' }),
      403,
      'not_course_owner'
    );
    expect(await ownSubmission(carol, theirEssay)).toMatchObject({ status: 'submitted', grade: null });
  });

  test('a Super Admin grades any course’s work', async () => {
    const graded = await gradeIt(superAdmin, carolWork.documentId, { grade: 7, status: 'graded' });
    expectStatus(graded, 200);
    expect(await ownSubmission(carol, theirEssay)).toMatchObject({ status: 'graded', grade: 7 });
  });

  test('a Marketer gets 403 everywhere; a Teacher admin user without a teacher account gets 403 no_teacher_account; no login 401', async () => {
    for (const response of [
      await queue(marketer),
      await app.request.get('/grading/courses').set(marketer.auth),
      await open(marketer, aliceWork.documentId),
      await gradeIt(marketer, aliceWork.documentId, { grade: 1 }),
      await app.request.get(`/grading/quiz-preview/${(await make.createQuiz(mine)).documentId}`).set(marketer.auth),
    ]) {
      expectStatus(response, 403);
    }
    expectRefusal(await queue(noAccount), 403, 'no_teacher_account');
    expectRefusal(await app.request.get('/grading/courses').set(noAccount.auth), 403, 'no_teacher_account');
    expectRefusal(await open(noAccount, aliceWork.documentId), 403, 'no_teacher_account');
    expectRefusal(await gradeIt(noAccount, aliceWork.documentId, { grade: 1 }), 403, 'no_teacher_account');
    expectStatus(await app.request.get('/grading/queue'), 401);
    // An API (users-permissions) token is not an admin session.
    expectStatus(await app.request.get('/grading/queue').set(teacherUser.auth), 401);
  });
});

describe('quiz preview', () => {
  const preview = (session: AdminSession, documentId: string, query: Record<string, string> = {}) =>
    app.request.get(`/grading/quiz-preview/${documentId}`).query(query).set(session.auth);

  test('a Teacher previews their own quiz as a student gets it, with the answers marked', async () => {
    const quiz = await make.createQuiz(mine, {
      data: { timeLimitSeconds: 600, passingPercent: 60, maxAttempts: 3, description: 'A warm-up' },
    });
    const response = await preview(teacher, quiz.documentId);
    expectStatus(response, 200);
    expect(response.body.data).toMatchObject({
      documentId: quiz.documentId,
      locale: 'en',
      status: 'draft',
      description: 'A warm-up',
      course: { documentId: mine.documentId, title: mine.title },
      lesson: { documentId: mine.lessons[0].documentId },
      timeLimitSeconds: 600,
      passingPercent: 60,
      maxAttempts: 3,
      totalPoints: 3,
    });
    expect(response.body.data.questions).toEqual([
      expect.objectContaining({
        type: 'single',
        prompt: 'Pick the right one',
        points: 1,
        explanation: 'Because it is right',
        options: [
          expect.objectContaining({ text: 'Right', correct: true }),
          expect.objectContaining({ text: 'Wrong', correct: false }),
        ],
      }),
      expect.objectContaining({ type: 'short_text', prompt: 'Say hello', acceptedAnswers: ['hello'] }),
      expect.objectContaining({ type: 'numeric', prompt: 'Pi to two places', numericAnswer: 3.14, tolerance: 0.01 }),
    ]);
    expectStatus(await preview(teacher, quiz.documentId, { status: 'published' }), 200);
  });

  test('a draft-only quiz has no published version to preview; a final test of the course previews too', async () => {
    const draft = await make.createQuiz(mine, { published: false });
    expectStatus(await preview(teacher, draft.documentId), 200);
    expectStatus(await preview(teacher, draft.documentId, { status: 'published' }), 404);
    const finalTest = await make.createQuiz(mine, { onLesson: false });
    const response = await preview(teacher, finalTest.documentId);
    expectStatus(response, 200);
    expect(response.body.data).toMatchObject({ isFinal: true, course: { documentId: mine.documentId }, lesson: null });
  });

  test('another teacher’s quiz is 403; a Super Admin previews any; bad input 400, unknown 404', async () => {
    const theirQuiz = await make.createQuiz(theirs);
    expectRefusal(await preview(teacher, theirQuiz.documentId), 403, 'not_course_owner');
    expectStatus(await preview(otherTeacher, theirQuiz.documentId), 200);
    expectStatus(await preview(superAdmin, theirQuiz.documentId), 200);
    expectRefusal(await preview(noAccount, theirQuiz.documentId), 403, 'no_teacher_account');
    expectStatus(await preview(teacher, 'nosuchquiz00000000000000'), 404);
    expectStatus(await preview(teacher, 'bad id!'), 400);
    expectStatus(await preview(teacher, theirQuiz.documentId, { status: 'archived' }), 400);
    expectStatus(await preview(teacher, theirQuiz.documentId, { locale: '<script>' }), 400);
  });
});

describe('quiz layouts in the content manager', () => {
  const configuration = (session: AdminSession) =>
    app.request.get('/content-manager/content-types/api::quiz.quiz/configuration').set(session.auth);

  test('questions show their prompt when collapsed, and fields say what they do', async () => {
    const response = await configuration(teacher);
    expectStatus(response, 200);
    const { contentType, components } = response.body.data;
    expect(contentType.metadatas.timeLimitSeconds.edit).toMatchObject({
      label: 'Time limit (seconds)',
      description: 'Empty: no time limit',
    });
    expect(contentType.layouts.list).toEqual(['id', 'title', 'lesson', 'course', 'isFinal', 'timeLimitSeconds']);
    // Every field is still on the edit view.
    const placed = contentType.layouts.edit
      .flat()
      .map((field: { name: string }) => field.name)
      .sort();
    expect(placed).toEqual(
      Object.keys(contentType.metadatas)
        .filter(
          (name) =>
            contentType.metadatas[name].edit.visible !== false &&
            ![
              'id',
              'documentId',
              'createdAt',
              'updatedAt',
              'publishedAt',
              'createdBy',
              'updatedBy',
              'locale',
              'localizations',
            ].includes(name)
        )
        .sort()
    );
    expect(components['quiz.question'].settings.mainField).toBe('prompt');
    expect(components['quiz.question'].layouts.edit[0]).toEqual([{ name: 'prompt', size: 12 }]);
    expect(components['quiz.question'].metadatas.acceptedAnswers.edit.label).toBe('Accepted answers');
    expect(components['quiz.option'].metadatas.correct.edit.label).toBe('Correct answer');
  });

  test('applied once: a label changed by hand later stays', async () => {
    const { applyQuizLayouts } = await import('../../src/bootstrap/quiz-layout');
    const contentTypes = app.strapi.plugin('content-manager').service('content-types');
    const model = contentTypes.findContentType('api::quiz.quiz');
    const current = await contentTypes.findConfiguration(model);
    current.metadatas.title.edit.label = 'Quiz name';
    await contentTypes.updateConfiguration(model, {
      settings: current.settings,
      metadatas: current.metadatas,
      layouts: current.layouts,
    });
    await applyQuizLayouts(app.strapi);
    expect((await configuration(superAdmin)).body.data.contentType.metadatas.title.edit.label).toBe('Quiz name');
  });
});
