import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;
let otherTeacher: TestUser;
let admin: TestUser;

const enroll = (user: TestUser | null, course: { documentId: string }, body?: object) =>
  app.request
    .post(`/api/courses/${course.documentId}/enrollments`)
    .set(user ? user.auth : {})
    .send(body ?? {});

const studentsCount = async (course: { documentId: string }) => {
  const rows = await app.strapi.db
    .query('api::course.course')
    .findMany({ where: { documentId: course.documentId }, select: ['studentsCount'] });
  return [...new Set(rows.map((row: { studentsCount: number }) => row.studentsCount))];
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
afterAll(stopLyceum);

describe('enrolling', () => {
  test('a student enrolls once: 201 with the enrollment, then 409 already_enrolled', async () => {
    const course = await make.createCourse({ teacher: owner });
    const student = await make.createUser('student');
    const first = await enroll(student, course);
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({
      status: 'active',
      progressPercent: 0,
      course: { documentId: course.documentId, title: course.title },
      completedAt: null,
    });
    const second = await enroll(student, course);
    expect(second.status).toBe(409);
    expect(second.body.error.details.reason).toBe('already_enrolled');
    expect(await studentsCount(course)).toEqual([1]);
  });

  test('a visitor without a token gets 401', async () => {
    const course = await make.createCourse({ teacher: owner });
    expect((await enroll(null, course)).status).toBe(401);
  });

  test.each([
    ['a draft course', { published: false }, 'not_published'],
    [
      'a course whose enrollment opens tomorrow',
      { data: { enrollmentOpensAt: new Date(Date.now() + 86_400_000).toISOString() } },
      'enrollment_closed',
    ],
    [
      'a course whose enrollment closed yesterday',
      { data: { enrollmentClosesAt: new Date(Date.now() - 86_400_000).toISOString() } },
      'enrollment_closed',
    ],
    ['a paid course with no order', { data: { price: 49 } }, 'payment_required'],
  ])('%s is refused with 403 %s and nothing stored', async (_case, options, reason) => {
    const course = await make.createCourse({ teacher: owner, ...options });
    const student = await make.createUser('student');
    const response = await enroll(student, course);
    expect(response.status).toBe(403);
    expect(response.body.error.details.reason).toBe(reason);
    expect(
      await app.strapi.db
        .query('plugin::enrollment.enrollment')
        .count({ where: { key: `${student.id}:${course.documentId}` } })
    ).toBe(0);
  });

  test('prerequisites must be completed first', async () => {
    const basics = await make.createCourse({ teacher: owner });
    const advanced = await make.createCourse({ teacher: owner, published: false });
    await app.strapi
      .documents('api::course.course')
      .update({ documentId: advanced.documentId, data: { prerequisites: [basics.documentId] } as any });
    await app.strapi.documents('api::course.course').publish({ documentId: advanced.documentId });
    const student = await make.createUser('student');
    const refused = await enroll(student, advanced);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.reason).toBe('prerequisites_missing');
    expect((await enroll(student, basics)).status).toBe(201);
    for (const lesson of basics.lessons)
      expect((await app.request.post(`/api/lessons/${lesson.documentId}/complete`).set(student.auth)).status).toBe(200);
    expect((await enroll(student, advanced)).status).toBe(201);
  });

  test('unknown courses are 404, malformed ids and bodies 400', async () => {
    const student = await make.createUser('student');
    expect((await enroll(student, { documentId: 'nosuchcourse0000' })).status).toBe(404);
    expect((await enroll(student, { documentId: 'x'.repeat(65) })).status).toBe(400);
    const course = await make.createCourse({ teacher: owner });
    const unknownField = await enroll(student, course, { coupon: 'FREE' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.details.errors[0].path).toEqual(['coupon']);
    expect((await enroll(student, course, { user: 'abc' })).status).toBe(400);
    expect((await enroll(student, course, { user: -3 })).status).toBe(400);
  });
});

describe('capacity holds under concurrent requests', () => {
  test('50 students race for 10 seats: exactly 10 get in, the rest 403 course_full, no 500', async () => {
    const course = await make.createCourse({ teacher: owner, data: { capacity: 10 } });
    const students = await Promise.all(Array.from({ length: 50 }, () => make.createUser('student')));
    const responses = await Promise.all(students.map((student) => enroll(student, course)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(statuses.filter((status) => status === 403)).toHaveLength(40);
    expect(
      responses
        .filter((response) => response.status === 403)
        .every((response) => response.body.error.details.reason === 'course_full')
    ).toBe(true);
    expect(
      await app.strapi.db
        .query('plugin::enrollment.enrollment')
        .count({ where: { key: { $endsWith: `:${course.documentId}` }, status: 'active' } })
    ).toBe(10);
    expect(await studentsCount(course)).toEqual([10]);
  });

  test('one student sending 10 enrollments at once gets exactly one', async () => {
    const course = await make.createCourse({ teacher: owner, data: { capacity: 5 } });
    const student = await make.createUser('student');
    const statuses = (await Promise.all(Array.from({ length: 10 }, () => enroll(student, course)))).map(
      (response) => response.status
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(9);
    expect(await studentsCount(course)).toEqual([1]);
  });

  test('a cancellation frees a seat', async () => {
    const course = await make.createCourse({ teacher: owner, data: { capacity: 1 } });
    const [first, second] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    expect((await enroll(first, course)).status).toBe(201);
    expect((await enroll(second, course)).body.error.details.reason).toBe('course_full');
    expect((await app.request.delete(`/api/courses/${course.documentId}/enrollments/me`).set(first.auth)).status).toBe(
      200
    );
    expect((await enroll(second, course)).status).toBe(201);
  });
});

describe('leaving and returning', () => {
  test('unenrolling keeps progress, closes the lessons, and re-enrolling restores both', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 3 });
    const student = await make.createUser('student');
    await enroll(student, course);
    await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth);
    const left = await app.request.delete(`/api/courses/${course.documentId}/enrollments/me`).set(student.auth);
    expect(left.status).toBe(200);
    expect(left.body.data.status).toBe('cancelled');
    expect(await studentsCount(course)).toEqual([0]);
    const closed = await app.request.get(`/api/lessons/${course.lessons[1].documentId}`).set(student.auth);
    expect(closed.body.error.details.reason).toBe('not_enrolled');

    const back = await enroll(student, course);
    expect(back.status).toBe(201);
    expect(back.body.data).toMatchObject({ status: 'active', progressPercent: 33 });
    const outline = await app.request.get(`/api/courses/${course.documentId}/outline`).set(student.auth);
    expect(outline.body.data.map((lesson: { completed: boolean }) => lesson.completed)).toEqual([true, false, false]);
    expect(await studentsCount(course)).toEqual([1]);
  });

  test('leaving a course one is not in is 404', async () => {
    const course = await make.createCourse({ teacher: owner });
    const student = await make.createUser('student');
    expect(
      (await app.request.delete(`/api/courses/${course.documentId}/enrollments/me`).set(student.auth)).status
    ).toBe(404);
  });
});

describe('owners and admins manage enrollments', () => {
  test('the owner places a student in a paid course; another teacher or a student cannot', async () => {
    const course = await make.createCourse({ teacher: owner, data: { price: 99 } });
    const [student, peer] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    const byPeer = await enroll(peer, course, { user: student.id });
    expect(byPeer.status).toBe(403);
    expect(byPeer.body.error.details.reason).toBe('not_course_owner');
    expect((await enroll(otherTeacher, course, { user: student.id })).status).toBe(403);
    expect((await enroll(owner, course, { user: 999_999 })).status).toBe(404);
    expect((await enroll(owner, course, { user: student.id })).status).toBe(201);
    expect((await enroll(admin, course, { user: peer.id })).status).toBe(201);
  });

  test('the owner cancels a student; another teacher cannot', async () => {
    const course = await make.createCourse({ teacher: owner });
    const student = await make.createUser('student');
    await enroll(student, course);
    expect(
      (await app.request.delete(`/api/courses/${course.documentId}/enrollments/${student.id}`).set(otherTeacher.auth))
        .status
    ).toBe(403);
    expect(
      (await app.request.delete(`/api/courses/${course.documentId}/enrollments/${student.id}`).set(student.auth)).status
    ).toBe(403);
    expect((await app.request.delete(`/api/courses/${course.documentId}/enrollments/abc`).set(owner.auth)).status).toBe(
      400
    );
    const cancelled = await app.request
      .delete(`/api/courses/${course.documentId}/enrollments/${student.id}`)
      .set(owner.auth);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.status).toBe('cancelled');
  });

  test("GET /courses/:id/students shows the owner their students' progress and emails, to nobody else", async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 2 });
    const student = await make.createUser('student');
    await enroll(student, course);
    await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth);
    const list = await app.request.get(`/api/courses/${course.documentId}/students`).set(owner.auth);
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([
      expect.objectContaining({
        student: expect.objectContaining({ id: student.id, email: student.email }),
        status: 'active',
        progressPercent: 50,
        lastActivityAt: expect.any(String),
        lastLesson: expect.objectContaining({ documentId: course.lessons[0].documentId }),
      }),
    ]);
    expect(list.body.meta.pagination).toMatchObject({ page: 1, total: 1 });
    expect(JSON.stringify(list.body)).not.toMatch(/password|resetPasswordToken/);
    expect((await app.request.get(`/api/courses/${course.documentId}/students`).set(otherTeacher.auth)).status).toBe(
      403
    );
    expect((await app.request.get(`/api/courses/${course.documentId}/students`).set(student.auth)).status).toBe(403);
    expect((await app.request.get(`/api/courses/${course.documentId}/students`)).status).toBe(401);
    expect(
      (await app.request.get(`/api/courses/${course.documentId}/students?pagination[pageSize]=1000`).set(owner.auth))
        .status
    ).toBe(400);
    expect((await app.request.get('/api/courses/nosuchcourse0000/students').set(admin.auth)).status).toBe(404);
  });
});

describe("a student's own lists", () => {
  test("GET /me/enrollments lists courses with status and progress, only the caller's", async () => {
    const course = await make.createCourse({ teacher: owner });
    const [student, other] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    await enroll(student, course);
    await enroll(other, course);
    const mine = await app.request.get('/api/me/enrollments').set(student.auth);
    expect(mine.status).toBe(200);
    expect(mine.body.data).toEqual([
      expect.objectContaining({
        course: expect.objectContaining({ documentId: course.documentId }),
        status: 'active',
        progressPercent: 0,
      }),
    ]);
    expect((await app.request.get('/api/me/enrollments?status=active').set(student.auth)).body.data).toHaveLength(1);
    expect((await app.request.get('/api/me/enrollments?status=completed').set(student.auth)).body.data).toHaveLength(0);
    expect((await app.request.get('/api/me/enrollments?status=bogus').set(student.auth)).status).toBe(400);
    expect((await app.request.get('/api/me/enrollments')).status).toBe(401);
  });

  test("GET /me/teaching lists a teacher's courses, drafts included; students are refused", async () => {
    const teacher = await make.createUser('teacher');
    const live = await make.createCourse({ teacher });
    const draft = await make.createCourse({ teacher, published: false });
    const response = await app.request.get('/api/me/teaching').set(teacher.auth);
    expect(response.status).toBe(200);
    expect(
      response.body.data
        .map((course: { documentId: string; status: string }) => [course.documentId, course.status])
        .sort()
    ).toEqual(
      [
        [live.documentId, 'published'],
        [draft.documentId, 'draft'],
      ].sort()
    );
    expect((await app.request.get('/api/me/teaching').set((await make.createUser('student')).auth)).status).toBe(403);
  });
});
