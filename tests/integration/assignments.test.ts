import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;
let otherTeacher: TestUser;
let admin: TestUser;

const SUBMISSION = 'api::submission.submission';
const FILE = 'plugin::upload.file';
const NOTIFICATION = 'api::notification.notification';
const HOUR = 3_600_000;

/** A small but real PDF: the upload plugin and the type rules both look at it. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

async function createAssignment(course: TestCourse, data: Record<string, unknown> = {}, published = true) {
  const assignment = await app.strapi.documents('api::assignment.assignment').create({
    data: {
      title: `Essay ${Math.random().toString(36).slice(2, 8)}`,
      instructions: 'Write it',
      maxPoints: 10,
      course: course.documentId,
      ...data,
    } as any,
  });
  if (published)
    await app.strapi.documents('api::assignment.assignment').publish({ documentId: assignment.documentId });
  return { documentId: assignment.documentId as string };
}

const submitJson = (user: TestUser | null, assignment: { documentId: string }, body: unknown) =>
  app.request
    .post(`/api/assignments/${assignment.documentId}/submissions`)
    .set(user ? user.auth : {})
    .send(body as object);
const listSubmissions = (user: TestUser, assignment: { documentId: string }) =>
  app.request.get(`/api/assignments/${assignment.documentId}/submissions`).set(user.auth);
const grade = (user: TestUser, submission: { documentId: string }, body: unknown) =>
  app.request
    .put(`/api/submissions/${submission.documentId}/grade`)
    .set(user.auth)
    .send(body as object);

const submissionCount = (assignment: { documentId: string }) =>
  app.strapi.db.query(SUBMISSION).count({ where: { key: { $endsWith: `:${assignment.documentId}` } } });
const fileCount = () => app.strapi.db.query(FILE).count({});

const enrolled = async (course: TestCourse, overrides: Record<string, unknown> = {}) => {
  const student = await make.createUser('student', overrides);
  await make.enroll(student, course);
  return student;
};

const expectRefusal = (response: { status: number; body: any }, status: number, reason: string) => {
  expect([response.status, response.body.error?.details?.reason]).toEqual([status, reason]);
};

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  [owner, otherTeacher, admin] = await Promise.all([
    make.createUser('teacher'),
    make.createUser('teacher'),
    make.createUser('admin'),
  ]);
});
afterAll(async () => {
  // Uploaded test files live in public/uploads: leave the working tree as it was.
  const upload = app.strapi.plugin('upload').service('upload');
  for (const file of await app.strapi.db.query(FILE).findMany({})) await upload.remove(file);
  await stopLyceum();
});

describe('handing work in', () => {
  test('a JSON text submission is attempt 1, on time, and its student sees it', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course, { dueAt: new Date(Date.now() + 24 * HOUR).toISOString() });
    const student = await enrolled(course);
    const response = await submitJson(student, assignment, { text: 'Моё эссе' });
    expect(response.status).toBe(201);
    expect(response.body.data).toMatchObject({
      assignment: assignment.documentId,
      text: 'Моё эссе',
      files: [],
      attempt: 1,
      status: 'submitted',
      isLate: false,
      latePenaltyPercent: 0,
      grade: null,
      finalGrade: null,
      student: { id: student.id },
    });
    expect(response.body.data.key).toBeUndefined();
    const mine = await listSubmissions(student, assignment);
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((submission: any) => submission.documentId)).toEqual([response.body.data.documentId]);
  });

  test('a multipart submission stores its files; a resubmission replaces text and files and raises the attempt', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course, { allowedFileTypes: ['.pdf', 'text/plain'], maxFileSizeMb: 1 });
    const student = await enrolled(course);
    const filesBefore = await fileCount();
    const first = await app.request
      .post(`/api/assignments/${assignment.documentId}/submissions`)
      .set(student.auth)
      .field('text', 'See the attachments')
      .attach('files', PDF, { filename: 'essay.pdf', contentType: 'application/pdf' })
      .attach('files', Buffer.from('notes'), { filename: 'notes.txt', contentType: 'text/plain' });
    expect(first.status).toBe(201);
    expect(first.body.data.files.map((file: any) => [file.name, file.mime]).sort()).toEqual([
      ['essay.pdf', 'application/pdf'],
      ['notes.txt', 'text/plain'],
    ]);
    expect(await fileCount()).toBe(filesBefore + 2);

    const second = await app.request
      .post(`/api/assignments/${assignment.documentId}/submissions`)
      .set(student.auth)
      .attach('files', PDF, { filename: 'essay-v2.pdf', contentType: 'application/pdf' });
    expect(second.status).toBe(201);
    expect(second.body.data).toMatchObject({
      documentId: first.body.data.documentId,
      attempt: 2,
      text: null,
      status: 'submitted',
    });
    expect(second.body.data.files.map((file: any) => file.name)).toEqual(['essay-v2.pdf']);
    // The replaced files are gone, not orphaned.
    expect(await fileCount()).toBe(filesBefore + 1);
    expect(await submissionCount(assignment)).toBe(1);
  });

  test('two first submissions at once make one submission', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course);
    const student = await enrolled(course);
    const responses = await Promise.all([
      submitJson(student, assignment, { text: 'one' }),
      submitJson(student, assignment, { text: 'two' }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([201, 201]);
    expect(await submissionCount(assignment)).toBe(1);
    expect(responses.map((response) => response.body.data.attempt).sort()).toEqual([1, 2]);
    const stored = await app.strapi.db
      .query(SUBMISSION)
      .findOne({ where: { key: `${student.id}:${assignment.documentId}` } });
    expect(stored.attempt).toBe(2);
  });

  test('five hand-ins at once by one student leave one submission whose attempt counts them all', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course);
    const student = await enrolled(course);
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, index) => submitJson(student, assignment, { text: `version ${index}` }))
    );
    expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201, 201]);
    expect(await submissionCount(assignment)).toBe(1);
    expect(responses.map((response) => response.body.data.attempt).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  test('only enrolled students of a published assignment hand in', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course);
    const draft = await createAssignment(course, {}, false);
    const stranger = await make.createUser('student');
    expect((await submitJson(null, assignment, { text: 'x' })).status).toBe(401);
    expectRefusal(await submitJson(stranger, assignment, { text: 'x' }), 403, 'not_enrolled');
    // Teaching a course is not being enrolled in it.
    expectRefusal(await submitJson(owner, assignment, { text: 'x' }), 403, 'not_enrolled');
    const expired = await make.createUser('student');
    await make.enroll(expired, course, 'expired');
    expectRefusal(await submitJson(expired, assignment, { text: 'x' }), 403, 'access_expired');
    const cancelled = await make.createUser('student');
    await make.enroll(cancelled, course, 'cancelled');
    expectRefusal(await submitJson(cancelled, assignment, { text: 'x' }), 403, 'not_enrolled');

    const student = await enrolled(course);
    expect((await submitJson(student, draft, { text: 'x' })).status).toBe(404);
    expect((await submitJson(student, { documentId: 'abcdefghijklmnopqrstuvwx' }, { text: 'x' })).status).toBe(404);
    expect((await submitJson(student, { documentId: 'not-an-id!' }, { text: 'x' })).status).toBe(400);
    expect(await submissionCount(assignment)).toBe(0);
  });

  test('an assignment of a lesson waits until that lesson is open to the student', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 2, data: { sequential: true } });
    const assignment = await createAssignment(course, { lesson: course.lessons[1].documentId });
    const student = await enrolled(course);
    expectRefusal(await submitJson(student, assignment, { text: 'too early' }), 403, 'lesson_locked');
    expect(await submissionCount(assignment)).toBe(0);
    expect(
      (await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth)).status
    ).toBe(200);
    expect((await submitJson(student, assignment, { text: 'now' })).status).toBe(201);
  });

  test('malformed hand-ins are 400 naming the field, and store nothing', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course);
    const student = await enrolled(course);
    const empty = await submitJson(student, assignment, {});
    expect([empty.status, empty.body.error.details.errors[0].path]).toEqual([400, ['text']]);
    const blank = await submitJson(student, assignment, { text: '   ' });
    expect([blank.status, blank.body.error.details.errors[0].path]).toEqual([400, ['text']]);
    const wrongType = await submitJson(student, assignment, { text: 42 });
    expect([wrongType.status, wrongType.body.error.details.errors[0].path]).toEqual([400, ['text']]);
    const tooLong = await submitJson(student, assignment, { text: 'x'.repeat(50_001) });
    expect([tooLong.status, tooLong.body.error.details.errors[0].path]).toEqual([400, ['text']]);
    const unknown = await submitJson(student, assignment, { text: 'ok', grade: 10 });
    expect([unknown.status, unknown.body.error.details.errors[0].path]).toEqual([400, ['grade']]);
    const strayFile = await app.request
      .post(`/api/assignments/${assignment.documentId}/submissions`)
      .set(student.auth)
      .attach('attachment', PDF, { filename: 'essay.pdf', contentType: 'application/pdf' });
    expect([strayFile.status, strayFile.body.error.details.errors[0].path]).toEqual([400, ['attachment']]);
    expect(await submissionCount(assignment)).toBe(0);
  });
});

describe('files are checked against the assignment', () => {
  test('a type the assignment does not take is 400 and nothing is stored', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course, { allowedFileTypes: ['pdf'] });
    const student = await enrolled(course);
    const filesBefore = await fileCount();
    const response = await app.request
      .post(`/api/assignments/${assignment.documentId}/submissions`)
      .set(student.auth)
      .field('text', 'here')
      .attach('files', PDF, { filename: 'essay.pdf', contentType: 'application/pdf' })
      .attach('files', Buffer.from('notes'), { filename: 'notes.txt', contentType: 'text/plain' });
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors[0]).toMatchObject({
      path: ['files'],
      message: expect.stringContaining('notes.txt'),
    });
    // A declared type cannot pass off a file whose name says otherwise.
    const disguised = await app.request
      .post(`/api/assignments/${assignment.documentId}/submissions`)
      .set(student.auth)
      .attach('files', Buffer.from('MZ'), { filename: 'essay.exe', contentType: 'application/pdf' });
    expect(disguised.status).toBe(400);
    expect(disguised.body.error.details.errors[0]).toMatchObject({
      path: ['files'],
      message: expect.stringContaining('essay.exe'),
    });
    expect(await fileCount()).toBe(filesBefore);
    expect(await submissionCount(assignment)).toBe(0);
  });

  test('content decides, not the name: HTML or a program named as a PDF is 400 and nothing is stored', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course, { allowedFileTypes: ['pdf'] });
    const student = await enrolled(course);
    const filesBefore = await fileCount();
    for (const [content, reason] of [
      [Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>'), 'dangerous_content'],
      [Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(64)]), 'dangerous_content'],
    ] as const) {
      const response = await app.request
        .post(`/api/assignments/${assignment.documentId}/submissions`)
        .set(student.auth)
        .attach('files', content, { filename: 'essay.pdf', contentType: 'application/pdf' });
      expect(response.status).toBe(400);
      expect(response.body.error.details).toMatchObject({
        reason,
        errors: [expect.objectContaining({ path: ['files'], message: expect.stringContaining('essay.pdf') })],
      });
    }
    expect(await fileCount()).toBe(filesBefore);
    expect(await submissionCount(assignment)).toBe(0);
  });

  test('a file over maxFileSizeMb is 400 and nothing is stored', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course, { allowedFileTypes: ['application/pdf'], maxFileSizeMb: 1 });
    const student = await enrolled(course);
    const filesBefore = await fileCount();
    const big = Buffer.concat([PDF, Buffer.alloc(1024 * 1024)]);
    const response = await app.request
      .post(`/api/assignments/${assignment.documentId}/submissions`)
      .set(student.auth)
      .attach('files', big, { filename: 'essay.pdf', contentType: 'application/pdf' });
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors[0]).toMatchObject({
      path: ['files'],
      message: expect.stringContaining('1 MB'),
    });
    expect(await fileCount()).toBe(filesBefore);
    expect(await submissionCount(assignment)).toBe(0);
  });

  test("the site's own upload deny list applies even when the assignment takes any type", async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course, { allowedFileTypes: null });
    const student = await enrolled(course);
    const response = await app.request
      .post(`/api/assignments/${assignment.documentId}/submissions`)
      .set(student.auth)
      .attach('files', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), {
        filename: 'drawing.svg',
        contentType: 'image/svg+xml',
      });
    expect([response.status, response.body.error.details.errors[0].path]).toEqual([400, ['files']]);
    expect(await submissionCount(assignment)).toBe(0);
  });
});

describe('due dates', () => {
  test('past the due date without allowLate: 403 past_due, nothing stored', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course, {
      dueAt: new Date(Date.now() - HOUR).toISOString(),
      allowLate: false,
    });
    const student = await enrolled(course);
    const filesBefore = await fileCount();
    const response = await app.request
      .post(`/api/assignments/${assignment.documentId}/submissions`)
      .set(student.auth)
      .attach('files', PDF, { filename: 'essay.pdf', contentType: 'application/pdf' });
    expectRefusal(response, 403, 'past_due');
    expect(await fileCount()).toBe(filesBefore);
    expect(await submissionCount(assignment)).toBe(0);
  });

  test('late work with allowLate is marked late and its grade loses latePenaltyPercent', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course, {
      dueAt: new Date(Date.now() - HOUR).toISOString(),
      allowLate: true,
      latePenaltyPercent: 20,
    });
    const student = await enrolled(course);
    const response = await submitJson(student, assignment, { text: 'sorry, late' });
    expect(response.status).toBe(201);
    expect(response.body.data).toMatchObject({ isLate: true, latePenaltyPercent: 20 });
    const graded = await grade(owner, response.body.data, { grade: 9, feedback: 'Good, but late' });
    expect(graded.status).toBe(200);
    expect(graded.body.data).toMatchObject({ grade: 9, finalGrade: 7.2, status: 'graded', feedback: 'Good, but late' });
  });

  test('a resubmission the teacher asked for is taken after the due date, keeping its lateness', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course, {
      dueAt: new Date(Date.now() + HOUR).toISOString(),
      allowLate: false,
      latePenaltyPercent: 50,
    });
    const student = await enrolled(course);
    const first = await submitJson(student, assignment, { text: 'on time' });
    expect(first.status).toBe(201);
    await app.strapi.db
      .query('api::assignment.assignment')
      .updateMany({ where: { documentId: assignment.documentId }, data: { dueAt: new Date(Date.now() - HOUR) } });
    expectRefusal(await submitJson(student, assignment, { text: 'a late change' }), 403, 'past_due');
    expect(
      (await grade(owner, first.body.data, { status: 'resubmit_requested', feedback: 'Add sources' })).status
    ).toBe(200);
    const again = await submitJson(student, assignment, { text: 'with sources' });
    expect(again.status).toBe(201);
    expect(again.body.data).toMatchObject({
      attempt: 2,
      isLate: false,
      latePenaltyPercent: 0,
      status: 'submitted',
      grade: null,
      feedback: null,
    });
  });
});

describe('grading', () => {
  test('the owner grades with feedback; the student is notified and sees it', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course);
    const student = await enrolled(course);
    const submitted = (await submitJson(student, assignment, { text: 'done' })).body.data;
    const response = await grade(owner, submitted, { grade: 9.5, feedback: 'Отлично', status: 'graded' });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      grade: 9.5,
      finalGrade: 9.5,
      feedback: 'Отлично',
      status: 'graded',
      attempt: 1,
    });
    expect(response.body.data.gradedAt).toEqual(expect.any(String));

    const notifications = await app.strapi.db.query(NOTIFICATION).findMany({ where: { user: { id: student.id } } });
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ type: 'grade_posted', link: `/assignments/${assignment.documentId}` });
    expect(notifications[0].title).toContain('Grade posted');
    expect(notifications[0].body).toContain('9.5 / 10');

    const seen = await listSubmissions(student, assignment);
    expect(seen.body.data[0]).toMatchObject({ grade: 9.5, feedback: 'Отлично', status: 'graded' });
    // An admin may regrade, and the student hears of it again.
    expect((await grade(admin, submitted, { grade: 10 })).body.data).toMatchObject({ grade: 10, feedback: 'Отлично' });
    expect(await app.strapi.db.query(NOTIFICATION).count({ where: { user: { id: student.id } } })).toBe(2);
  });

  test('a grade outside 0..maxPoints, a bad status or unknown field is 400 and changes nothing', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course);
    const student = await enrolled(course);
    const submitted = (await submitJson(student, assignment, { text: 'done' })).body.data;
    for (const [body, field] of [
      [{ grade: 11 }, 'grade'],
      [{ grade: -1 }, 'grade'],
      [{ grade: '9' }, 'grade'],
      [{ status: 'graded' }, 'grade'],
      [{ grade: 5, status: 'lost' }, 'status'],
      [{ grade: 5, feedback: 7 }, 'feedback'],
      [{ grade: 5, score: 5 }, 'score'],
    ] as const) {
      const response = await grade(owner, submitted, body);
      expect([JSON.stringify(body), response.status, response.body.error?.details?.errors?.[0]?.path]).toEqual([
        JSON.stringify(body),
        400,
        [field],
      ]);
    }
    const stored = await app.strapi.db.query(SUBMISSION).findOne({ where: { documentId: submitted.documentId } });
    expect([stored.status, stored.grade]).toEqual(['submitted', null]);
    expect(await app.strapi.db.query(NOTIFICATION).count({ where: { user: { id: student.id } } })).toBe(0);
  });

  test("only the course's owners and admins grade; unknown submissions are 404", async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course);
    const student = await enrolled(course);
    const classmate = await enrolled(course);
    const submitted = (await submitJson(student, assignment, { text: 'done' })).body.data;
    expectRefusal(await grade(otherTeacher, submitted, { grade: 10 }), 403, 'not_course_owner');
    // A student cannot grade anyone's work, their own or a classmate's.
    expect((await grade(classmate, submitted, { grade: 10 })).status).toBe(403);
    expect((await grade(student, submitted, { grade: 10 })).status).toBe(403);
    expect((await app.request.put(`/api/submissions/${submitted.documentId}/grade`).send({ grade: 10 })).status).toBe(
      401
    );
    expect((await grade(owner, { documentId: 'abcdefghijklmnopqrstuvwx' }, { grade: 1 })).status).toBe(404);
    expect((await grade(owner, { documentId: 'bad id!' }, { grade: 1 })).status).toBe(400);
    const stored = await app.strapi.db.query(SUBMISSION).findOne({ where: { documentId: submitted.documentId } });
    expect(stored.grade).toBeNull();
  });

  test('graded work is final (409 already_graded); returned work may be handed in again, clearing the grade', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course);
    const student = await enrolled(course);
    const submitted = (await submitJson(student, assignment, { text: 'v1' })).body.data;
    expect((await grade(owner, submitted, { grade: 6 })).status).toBe(200);
    expectRefusal(await submitJson(student, assignment, { text: 'v2' }), 409, 'already_graded');
    expect(
      (await grade(owner, submitted, { grade: 6, status: 'returned', feedback: 'Improve part 2' })).body.data.status
    ).toBe('returned');
    const again = await submitJson(student, assignment, { text: 'v2' });
    expect(again.status).toBe(201);
    expect(again.body.data).toMatchObject({
      documentId: submitted.documentId,
      attempt: 2,
      text: 'v2',
      status: 'submitted',
      grade: null,
      finalGrade: null,
    });
  });
});

describe('listing submissions', () => {
  test('owners and admins see every student with emails; a student sees only their own', async () => {
    const course = await make.createCourse({ teacher: owner });
    const assignment = await createAssignment(course);
    const anna = await enrolled(course, { fullName: 'Анна' });
    const boris = await enrolled(course, { fullName: 'Борис' });
    const quiet = await enrolled(course);
    await submitJson(anna, assignment, { text: 'Anna’s work' });
    await submitJson(boris, assignment, { text: 'Boris’s work' });

    for (const manager of [owner, admin]) {
      const all = await listSubmissions(manager, assignment);
      expect(all.status).toBe(200);
      expect(all.body.data.map((submission: any) => submission.student.email).sort()).toEqual(
        [anna.email, boris.email].sort()
      );
      expect(all.body.meta.pagination).toMatchObject({ page: 1, total: 2 });
    }
    const own = await listSubmissions(boris, assignment);
    expect(own.body.data).toHaveLength(1);
    expect(own.body.data[0]).toMatchObject({ text: 'Boris’s work', student: { id: boris.id } });
    expect(JSON.stringify(own.body)).not.toContain(anna.email);
    expect((await listSubmissions(quiet, assignment)).body.data).toEqual([]);

    expectRefusal(await listSubmissions(await make.createUser('student'), assignment), 403, 'not_enrolled');
    expectRefusal(await listSubmissions(otherTeacher, assignment), 403, 'not_enrolled');
    expect((await listSubmissions(anna, { documentId: 'abcdefghijklmnopqrstuvwx' })).status).toBe(404);
    expect((await app.request.get(`/api/assignments/${assignment.documentId}/submissions`)).status).toBe(401);
    const pageTooBig = await app.request
      .get(`/api/assignments/${assignment.documentId}/submissions`)
      .query({ pagination: { pageSize: 1000 } })
      .set(owner.auth);
    expect([pageTooBig.status, pageTooBig.body.error.details.errors[0].path]).toEqual([400, ['pagination.pageSize']]);
  });
});
