import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { pdfText } from '../helpers/pdf';
import { adminSession, expectStatus, type AdminSession } from '../helpers/admin-users';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * The admin panel's LMS pages (Enrollments, Course insights, Certificates) through their admin routes, called
 * as the admin panel calls them: a real admin user logged in with POST /admin/login. A Teacher acts on the
 * courses they teach (matched by email to the course teachers), a Super Admin on all, a Marketer on none.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;

const ENROLLMENT = 'plugin::enrollment.enrollment';
const PROGRESS = 'plugin::progress.lesson-progress';
const ATTEMPT = 'plugin::grading.quiz-attempt';

const adminUser = (roleName: string, email?: string) => adminSession(app, roleName, email);

const binary = (request: any) =>
  request.buffer(true).parse((response: any, done: (error: Error | null, body: Buffer) => void) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => done(null, Buffer.concat(chunks)));
  });

let teacherA: TestUser;
let teacherB: TestUser;
let superAdmin: AdminSession;
let adminA: AdminSession;
let adminB: AdminSession;
let marketer: AdminSession;
let teacherWithoutAccount: AdminSession;
let courseA: TestCourse;
let courseB: TestCourse;

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  jest.spyOn(app.strapi.plugin('email').service('email'), 'send').mockResolvedValue(undefined as never);
  [teacherA, teacherB] = await Promise.all([make.createUser('teacher'), make.createUser('teacher')]);
  superAdmin = await adminUser('Super Admin');
  adminA = await adminUser('Teacher', teacherA.email);
  adminB = await adminUser('Teacher', teacherB.email);
  marketer = await adminUser('Marketer');
  // A Teacher admin account whose email no users-permissions teacher has: it teaches nothing it can prove.
  teacherWithoutAccount = await adminUser('Teacher');
  courseA = await make.createCourse({ teacher: teacherA, lessons: 1 });
  courseB = await make.createCourse({ teacher: teacherB, lessons: 1 });
});
afterAll(stopLyceum);

async function publishedCourseRowId(courseDocumentId: string): Promise<number> {
  const row = await app.strapi.db
    .query('api::course.course')
    .findOne({ where: { documentId: courseDocumentId, publishedAt: { $notNull: true } }, select: ['id'] });
  return row.id;
}

describe('who may use the pages', () => {
  const pageRoutes = () => [
    `/enrollment/courses`,
    `/enrollment/courses/${courseA.documentId}/students`,
    `/progress/courses`,
    `/progress/insights/${courseA.documentId}`,
    `/certificates/search`,
  ];

  test('without an admin login every page route answers 401', async () => {
    for (const path of pageRoutes()) expectStatus(await app.request.get(path), 401);
  });

  test('a Marketer gets 403 on every page route', async () => {
    for (const path of pageRoutes()) expectStatus(await app.request.get(path).set(marketer.auth), 403);
  });

  test('a Teacher admin user with no teacher account of the same email gets 403 no_teacher_account', async () => {
    for (const path of pageRoutes()) {
      const response = await app.request.get(path).set(teacherWithoutAccount.auth);
      expectStatus(response, 403);
      expect(response.body.error.details.reason).toBe('no_teacher_account');
    }
  });

  test('the course pickers list a teacher\u2019s own courses, and every course for a Super Admin', async () => {
    for (const path of ['/enrollment/courses', '/progress/courses']) {
      const mine = await app.request.get(path).set(adminA.auth);
      expectStatus(mine, 200);
      expect(mine.body.data.map((course: any) => course.documentId)).toEqual([courseA.documentId]);
      expect(mine.body.data[0]).toMatchObject({ title: courseA.title, status: 'published' });
      const all = await app.request.get(path).set(superAdmin.auth);
      expectStatus(all, 200);
      expect(all.body.data.map((course: any) => course.documentId)).toEqual(
        expect.arrayContaining([courseA.documentId, courseB.documentId])
      );
    }
  });
});

describe('Enrollments page', () => {
  test('lists a course\u2019s students with status, progress and last activity', async () => {
    const student = await make.createUser('student');
    await app.strapi.db.query(ENROLLMENT).create({
      data: {
        key: `${student.id}:${courseA.documentId}`,
        user: student.id,
        course: await publishedCourseRowId(courseA.documentId),
        status: 'active',
        enrolledAt: new Date('2026-11-02T12:00:00Z'),
        lastActivityAt: new Date('2026-11-03T12:00:00Z'),
        progressPercent: 40,
      },
    });
    const list = await app.request.get(`/enrollment/courses/${courseA.documentId}/students`).set(adminA.auth);
    expectStatus(list, 200);
    const row = list.body.data.find((entry: any) => entry.student.id === student.id);
    expect(row).toMatchObject({ status: 'active', progressPercent: 40, student: { email: student.email } });
    expect(new Date(row.lastActivityAt).toISOString()).toBe('2026-11-03T12:00:00.000Z');
    expect(list.body.meta.pagination).toMatchObject({ page: 1, pageSize: 25 });
    expectStatus(await app.request.get(`/enrollment/courses/${courseA.documentId}/students`).set(superAdmin.auth), 200);
  });

  test('a teacher of another course gets 403; unknown course 404; malformed id or paging 400', async () => {
    const other = await app.request.get(`/enrollment/courses/${courseA.documentId}/students`).set(adminB.auth);
    expectStatus(other, 403);
    expect(other.body.error.details.reason).toBe('not_course_owner');
    expectStatus(await app.request.get('/enrollment/courses/nosuchcourse000000000000/students').set(adminA.auth), 404);
    expectStatus(await app.request.get('/enrollment/courses/not-a-document-id/students').set(adminA.auth), 400);
    expectStatus(
      await app.request
        .get(`/enrollment/courses/${courseA.documentId}/students`)
        .query({ 'pagination[pageSize]': 1000 })
        .set(adminA.auth),
      400
    );
  });

  test('enrolling by email shows in the student\u2019s own enrollments; twice is 409; cancelling shows as cancelled', async () => {
    const student = await make.createUser('student');
    const enrolled = await app.request
      .post(`/enrollment/courses/${courseA.documentId}/enrollments`)
      .set(adminA.auth)
      .send({ email: student.email.toUpperCase() });
    expectStatus(enrolled, 201);
    expect(enrolled.body.data).toMatchObject({ status: 'active', course: { documentId: courseA.documentId } });
    const mine = await app.request.get('/api/me/enrollments').set(student.auth);
    expect(mine.body.data).toEqual([
      expect.objectContaining({
        status: 'active',
        course: expect.objectContaining({ documentId: courseA.documentId }),
      }),
    ]);

    const again = await app.request
      .post(`/enrollment/courses/${courseA.documentId}/enrollments`)
      .set(adminA.auth)
      .send({ email: student.email });
    expectStatus(again, 409);
    expect(again.body.error.details.reason).toBe('already_enrolled');

    const cancelled = await app.request
      .delete(`/enrollment/courses/${courseA.documentId}/enrollments/${student.id}`)
      .set(adminA.auth);
    expectStatus(cancelled, 200);
    expect(cancelled.body.data.status).toBe('cancelled');
    const after = await app.request.get('/api/me/enrollments').set(student.auth);
    expect(after.body.data).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    const list = await app.request.get(`/enrollment/courses/${courseA.documentId}/students`).set(adminA.auth);
    expect(list.body.data.map((entry: any) => entry.student.id)).not.toContain(student.id);
    expectStatus(
      await app.request.delete(`/enrollment/courses/${courseA.documentId}/enrollments/${student.id}`).set(adminA.auth),
      404
    );
  });

  test('a full course refuses the next student placed by staff (403 course_full)', async () => {
    const small = await make.createCourse({ teacher: teacherA, lessons: 1, data: { capacity: 1 } });
    const [first, second] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    expectStatus(
      await app.request
        .post(`/enrollment/courses/${small.documentId}/enrollments`)
        .set(adminA.auth)
        .send({ email: first.email }),
      201
    );
    const full = await app.request
      .post(`/enrollment/courses/${small.documentId}/enrollments`)
      .set(adminA.auth)
      .send({ email: second.email });
    expectStatus(full, 403);
    expect(full.body.error.details.reason).toBe('course_full');
  });

  test('bad enroll and cancel requests: 400, 404, and 403 for another course\u2019s teacher', async () => {
    const student = await make.createUser('student');
    const url = `/enrollment/courses/${courseA.documentId}/enrollments`;
    expectStatus(await app.request.post(url).set(adminA.auth).send({}), 400);
    expectStatus(await app.request.post(url).set(adminA.auth).send({ email: 'not an email' }), 400);
    expectStatus(await app.request.post(url).set(adminA.auth).send({ email: student.email, user: student.id }), 400);
    const unknown = await app.request.post(url).set(adminA.auth).send({ email: 'nobody-here@example.test' });
    expectStatus(unknown, 404);
    expect(unknown.body.error.details.reason).toBe('user_not_found');
    expectStatus(await app.request.post(url).set(adminB.auth).send({ email: student.email }), 403);
    expectStatus(await app.request.post(url).set(marketer.auth).send({ email: student.email }), 403);
    expectStatus(
      await app.request
        .post('/enrollment/courses/nosuchcourse000000000000/enrollments')
        .set(superAdmin.auth)
        .send({ email: student.email }),
      404
    );
    expectStatus(
      await app.request.delete(`/enrollment/courses/${courseA.documentId}/enrollments/abc`).set(adminA.auth),
      400
    );
    // Enrolled by its teacher, the student still cannot be removed by another course's teacher or a Marketer.
    expectStatus(await app.request.post(url).set(adminA.auth).send({ email: student.email }), 201);
    expectStatus(
      await app.request.delete(`/enrollment/courses/${courseA.documentId}/enrollments/${student.id}`).set(adminB.auth),
      403
    );
    expectStatus(
      await app.request
        .delete(`/enrollment/courses/${courseA.documentId}/enrollments/${student.id}`)
        .set(marketer.auth),
      403
    );
    expectStatus(
      await app.request
        .delete(`/enrollment/courses/${courseA.documentId}/enrollments/${student.id}`)
        .set(superAdmin.auth),
      200
    );
    expectStatus(
      await app.request.delete(`/enrollment/courses/${courseA.documentId}/enrollments/${student.id}`).set(adminA.auth),
      404
    );
    const mine = await app.request.get('/api/me/enrollments').set(student.auth);
    expect(mine.body.data).toEqual([expect.objectContaining({ status: 'cancelled' })]);
  });

  test('a Super Admin enrolls in any course', async () => {
    const student = await make.createUser('student');
    expectStatus(
      await app.request
        .post(`/enrollment/courses/${courseB.documentId}/enrollments`)
        .set(superAdmin.auth)
        .send({ email: student.email }),
      201
    );
  });
});

describe('Course insights page', () => {
  let course: TestCourse;
  let lessonQuiz: string;
  let finalQuiz: string;

  /**
   * Seven students, numbers worked out by hand below. Enrollments (all at noon UTC):
   *   s1 2026-11-02 completed 100% | s2 2026-11-02 active 0% | s3 2026-11-04 active 33%
   *   s4 2026-11-10 active 33%     | s5 2026-11-10 cancelled 66% | s6 2026-11-12 active 67%
   *   s7 2026-11-12 active 90% (every lesson done, a required quiz not yet)
   * Lessons done: s1 L1 L2 L3; s3 L1; s4 L1; s5 L1 L2; s6 L1 L3; s7 L1 L2 L3; s2 only opened L1.
   */
  beforeAll(async () => {
    course = await make.createCourse({ teacher: teacherA, lessons: 3 });
    lessonQuiz = (await make.createQuiz(course)).documentId;
    finalQuiz = (await make.createQuiz(course, { onLesson: false })).documentId;
    const courseRowId = await publishedCourseRowId(course.documentId);
    const students = await Promise.all(Array.from({ length: 7 }, () => make.createUser('student')));
    const [s1, s2, s3, s4, s5, s6, s7] = students;
    const noon = (day: string) => new Date(`${day}T12:00:00Z`);
    const enrollments: Array<[TestUser, string, string, number]> = [
      [s1, '2026-11-02', 'completed', 100],
      [s2, '2026-11-02', 'active', 0],
      [s3, '2026-11-04', 'active', 33],
      [s4, '2026-11-10', 'active', 33],
      [s5, '2026-11-10', 'cancelled', 66],
      [s6, '2026-11-12', 'active', 67],
      [s7, '2026-11-12', 'active', 90],
    ];
    for (const [student, day, status, progressPercent] of enrollments) {
      await app.strapi.db.query(ENROLLMENT).create({
        data: {
          key: `${student.id}:${course.documentId}`,
          user: student.id,
          course: courseRowId,
          status,
          enrolledAt: noon(day),
          progressPercent,
          completedAt: status === 'completed' ? noon('2026-11-20') : null,
          cancelledAt: status === 'cancelled' ? noon('2026-11-21') : null,
        },
      });
    }
    const [l1, l2, l3] = course.lessons.map((lesson) => lesson.documentId);
    const done: Array<[TestUser, string[]]> = [
      [s1, [l1, l2, l3]],
      [s3, [l1]],
      [s4, [l1]],
      [s5, [l1, l2]],
      [s6, [l1, l3]],
      [s7, [l1, l2, l3]],
    ];
    const progress = (student: TestUser, lesson: string, completedAt: Date | null) =>
      app.strapi.db.query(PROGRESS).create({
        data: {
          key: `${student.id}:${lesson}`,
          user: student.id,
          lessonDocumentId: lesson,
          courseDocumentId: course.documentId,
          completedAt,
          positionSeconds: 10,
        },
      });
    for (const [student, lessons] of done)
      for (const lesson of lessons) await progress(student, lesson, noon('2026-11-15'));
    await progress(s2, l1, null);

    const attempt = (student: TestUser, quiz: string, attemptNumber: number, status: string, percent: number | null) =>
      app.strapi.db.query(ATTEMPT).create({
        data: {
          key: `${student.id}:${quiz}:${attemptNumber}`,
          user: student.id,
          quizDocumentId: quiz,
          courseDocumentId: course.documentId,
          attemptNumber,
          status,
          percent,
          startedAt: noon('2026-11-15'),
        },
      });
    // Lesson quiz, best attempts: s1 100, s2 85 (after 45), s3 9.5, s4 10, s7 90 (after an expired 0); s6 only has one in progress.
    await attempt(s1, lessonQuiz, 1, 'submitted', 100);
    await attempt(s2, lessonQuiz, 1, 'submitted', 45);
    await attempt(s2, lessonQuiz, 2, 'submitted', 85);
    await attempt(s3, lessonQuiz, 1, 'submitted', 9.5);
    await attempt(s4, lessonQuiz, 1, 'submitted', 10);
    await attempt(s6, lessonQuiz, 1, 'in_progress', null);
    await attempt(s7, lessonQuiz, 1, 'expired', 0);
    await attempt(s7, lessonQuiz, 2, 'submitted', 90);
    // Final test: s1 70, s7 69.99.
    await attempt(s1, finalQuiz, 1, 'submitted', 70);
    await attempt(s7, finalQuiz, 1, 'submitted', 69.99);
    // Another course's attempts and enrollments never count here.
    const elsewhere = await make.createUser('student');
    await app.strapi.db.query(ENROLLMENT).create({
      data: {
        key: `${elsewhere.id}:${courseB.documentId}`,
        user: elsewhere.id,
        course: await publishedCourseRowId(courseB.documentId),
        status: 'active',
        enrolledAt: noon('2026-11-02'),
      },
    });
  });

  const bucketsWith = (counts: Record<number, number>) =>
    Array.from({ length: 10 }, (_, index) => ({ from: index * 10, to: index * 10 + 10, students: counts[index] ?? 0 }));

  const expected = () => ({
    course: { documentId: course.documentId, title: course.title },
    // Not cancelled: s1 s2 s3 s4 s6 s7 = 6; completed: s1 = 1 → 16.7 %; progress (100+0+33+33+67+90)/6 = 53.83 → 53.8.
    enrollments: { enrolled: 6, active: 5, completed: 1, expired: 0, cancelled: 1 },
    completionRatePercent: 16.7,
    averageProgressPercent: 53.8,
    quizzes: [
      {
        documentId: lessonQuiz,
        title: expect.any(String),
        students: 5,
        buckets: bucketsWith({ 0: 1, 1: 1, 8: 1, 9: 2 }),
      },
      { documentId: finalQuiz, title: expect.any(String), students: 2, buckets: bucketsWith({ 6: 1, 7: 1 }) },
    ],
    // Active s2 s3 s4 s6 s7: s2 stopped at L1; s3, s4, s6 at L2 (s6 skipped it); s7 has done every lesson.
    dropOff: {
      activeStudents: 5,
      finishedAllLessons: 1,
      lesson: { documentId: course.lessons[1].documentId, title: 'Lesson 2', students: 3 },
      lessons: [
        { documentId: course.lessons[0].documentId, title: 'Lesson 1', position: 1, students: 1 },
        { documentId: course.lessons[1].documentId, title: 'Lesson 2', position: 2, students: 3 },
        { documentId: course.lessons[2].documentId, title: 'Lesson 3', position: 3, students: 0 },
      ],
    },
  });

  test('the service computes the numbers worked out by hand, per day and per week', async () => {
    const service = app.strapi.plugin('progress').service('course-insights');
    const byDay = await service.compute(course.documentId, 'day');
    expect(byDay).toEqual({
      ...expected(),
      period: 'day',
      // Every enrollment ever made, the cancelled one too.
      enrollmentsOverTime: [
        { periodStart: '2026-11-02', enrollments: 2 },
        { periodStart: '2026-11-04', enrollments: 1 },
        { periodStart: '2026-11-10', enrollments: 2 },
        { periodStart: '2026-11-12', enrollments: 2 },
      ],
    });
    const byWeek = await service.compute(course.documentId, 'week');
    // Weeks start on Monday: 2026-11-02 and 2026-11-09 are Mondays.
    expect(byWeek.enrollmentsOverTime).toEqual([
      { periodStart: '2026-11-02', enrollments: 3 },
      { periodStart: '2026-11-09', enrollments: 4 },
    ]);
  });

  test('GET /progress/insights/:courseDocumentId gives the same numbers to its teacher and to a Super Admin', async () => {
    for (const session of [adminA, superAdmin]) {
      const response = await app.request
        .get(`/progress/insights/${course.documentId}`)
        .query({ period: 'week' })
        .set(session.auth);
      expectStatus(response, 200);
      expect(response.body.data).toEqual({
        ...expected(),
        period: 'week',
        enrollmentsOverTime: [
          { periodStart: '2026-11-02', enrollments: 3 },
          { periodStart: '2026-11-09', enrollments: 4 },
        ],
      });
    }
  });

  test('a course with nobody in it gives zeros, not errors', async () => {
    const empty = await make.createCourse({ teacher: teacherA, lessons: 1 });
    const response = await app.request.get(`/progress/insights/${empty.documentId}`).set(adminA.auth);
    expectStatus(response, 200);
    expect(response.body.data).toMatchObject({
      period: 'week',
      enrollments: { enrolled: 0 },
      completionRatePercent: 0,
      averageProgressPercent: 0,
      enrollmentsOverTime: [],
      quizzes: [],
      dropOff: { activeStudents: 0, lesson: null },
    });
  });

  test('another course\u2019s teacher 403; unknown course 404; malformed id or period 400', async () => {
    const other = await app.request.get(`/progress/insights/${course.documentId}`).set(adminB.auth);
    expectStatus(other, 403);
    expect(other.body.error.details.reason).toBe('not_course_owner');
    expectStatus(await app.request.get('/progress/insights/nosuchcourse000000000000').set(superAdmin.auth), 404);
    expectStatus(await app.request.get('/progress/insights/not-a-document-id').set(superAdmin.auth), 400);
    expectStatus(
      await app.request.get(`/progress/insights/${course.documentId}`).query({ period: 'month' }).set(adminA.auth),
      400
    );
  });
});

describe('Certificates page', () => {
  let annaCertificate: any;
  let borisCertificate: any;
  let anna: TestUser;
  let boris: TestUser;

  beforeAll(async () => {
    const certificates = app.strapi.plugin('certificates').service('certificates');
    anna = await make.createUser('student', { fullName: 'Анна Каренина' });
    boris = await make.createUser('student', { fullName: 'Boris Godunov' });
    annaCertificate = (
      await certificates.issue({
        userId: anna.id,
        courseDocumentId: courseA.documentId,
        now: new Date('2026-11-20T12:00:00Z'),
      })
    ).certificate;
    borisCertificate = (
      await certificates.issue({
        userId: boris.id,
        courseDocumentId: courseB.documentId,
        now: new Date('2026-11-21T12:00:00Z'),
      })
    ).certificate;
  });

  const search = (session: AdminSession, query: Record<string, unknown> = {}) =>
    app.request.get('/certificates/search').query(query).set(session.auth);
  const codesOf = (response: any) => response.body.data.map((certificate: any) => certificate.code);

  test('a teacher finds only the certificates of the courses they teach', async () => {
    const mine = await search(adminA);
    expectStatus(mine, 200);
    expect(codesOf(mine)).toEqual([annaCertificate.code]);
    expect(mine.body.data[0]).toMatchObject({
      studentName: 'Анна Каренина',
      courseTitle: courseA.title,
      status: 'issued',
      student: { id: anna.id, email: anna.email },
    });
    expect(codesOf(await search(adminA, { course: courseB.title }))).toEqual([]);
    expect(codesOf(await search(adminB))).toEqual([borisCertificate.code]);
    const all = await search(superAdmin, { 'pagination[pageSize]': 100 });
    expect(codesOf(all)).toEqual(expect.arrayContaining([annaCertificate.code, borisCertificate.code]));
  });

  test('search by student name or email, course title and code, each a case-insensitive part', async () => {
    // SQLite folds the case of ASCII letters only, so a Cyrillic name is searched as written.
    expect(codesOf(await search(superAdmin, { student: 'Каренина' }))).toEqual([annaCertificate.code]);
    expect(codesOf(await search(superAdmin, { student: 'godunov' }))).toEqual([borisCertificate.code]);
    expect(codesOf(await search(superAdmin, { student: boris.email.slice(0, 14).toUpperCase() }))).toEqual([
      borisCertificate.code,
    ]);
    expect(codesOf(await search(superAdmin, { course: courseA.title.toLowerCase() }))).toEqual([annaCertificate.code]);
    expect(codesOf(await search(superAdmin, { code: annaCertificate.code }))).toEqual([annaCertificate.code]);
    expect(codesOf(await search(superAdmin, { code: borisCertificate.code.slice(3, 12) }))).toEqual([
      borisCertificate.code,
    ]);
    expect(codesOf(await search(superAdmin, { student: 'Анна', course: courseB.title }))).toEqual([]);
  });

  test('results are paginated', async () => {
    const first = await search(superAdmin, { 'pagination[pageSize]': 1, 'pagination[page]': 1 });
    expectStatus(first, 200);
    expect(first.body.data).toHaveLength(1);
    expect(first.body.meta.pagination).toMatchObject({ page: 1, pageSize: 1 });
    expect(first.body.meta.pagination.total).toBeGreaterThanOrEqual(2);
    const second = await search(superAdmin, { 'pagination[pageSize]': 1, 'pagination[page]': 2 });
    expect(codesOf(second)).not.toEqual(codesOf(first));
  });

  test('bad searches are 400', async () => {
    expectStatus(await search(superAdmin, { student: 'x'.repeat(201) }), 400);
    expectStatus(await search(superAdmin, { 'student[$ne]': 'x' }), 400);
    expectStatus(await search(superAdmin, { 'pagination[page]': 0 }), 400);
  });

  test('the PDF opens for the course\u2019s teacher: the API\u2019s certificate, as application/pdf', async () => {
    const response = await binary(app.request.get(`/certificates/${annaCertificate.documentId}/pdf`).set(adminA.auth));
    expectStatus(response, 200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.body.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(response.body);
    expect(text).toContain('Анна Каренина');
    expect(text).toContain(annaCertificate.code);
  });

  test('PDF: another course\u2019s teacher 403, unknown 404, malformed 400', async () => {
    expectStatus(await app.request.get(`/certificates/${borisCertificate.documentId}/pdf`).set(adminA.auth), 403);
    expectStatus(await app.request.get('/certificates/nosuchcertificate0000000/pdf').set(superAdmin.auth), 404);
    expectStatus(await app.request.get('/certificates/not-a-document-id/pdf').set(superAdmin.auth), 400);
    expectStatus(await app.request.get(`/certificates/${annaCertificate.documentId}/pdf`).set(marketer.auth), 403);
  });

  test('revoking needs a reason, the course\u2019s teacher, and shows on the public verification; twice is 409', async () => {
    const url = `/certificates/${annaCertificate.documentId}/revoke`;
    expectStatus(await app.request.post(url).set(adminA.auth).send({ reason: '   ' }), 400);
    expectStatus(await app.request.post(url).set(adminA.auth).send({}), 400);
    expectStatus(
      await app.request
        .post(url)
        .set(adminA.auth)
        .send({ reason: 'x'.repeat(2001) }),
      400
    );
    expectStatus(await app.request.post(url).set(adminA.auth).send({ reason: 'Plagiarism', extra: true }), 400);
    expectStatus(await app.request.post(url).set(adminB.auth).send({ reason: 'Not mine to revoke' }), 403);
    expectStatus(await app.request.post(url).set(marketer.auth).send({ reason: 'Not mine to revoke' }), 403);
    expectStatus(
      await app.request
        .post('/certificates/nosuchcertificate0000000/revoke')
        .set(superAdmin.auth)
        .send({ reason: 'Gone' }),
      404
    );

    const revoked = await app.request.post(url).set(adminA.auth).send({ reason: ' Plagiarism in the final project ' });
    expectStatus(revoked, 200);
    expect(revoked.body.data).toMatchObject({ status: 'revoked', revokeReason: 'Plagiarism in the final project' });
    const verify = await app.request.get(`/api/certificates/verify/${annaCertificate.code}`);
    expectStatus(verify, 200);
    expect(verify.body.data).toMatchObject({ valid: false, status: 'revoked' });

    const again = await app.request.post(url).set(adminA.auth).send({ reason: 'Again' });
    expectStatus(again, 409);
    expect(again.body.error.details.reason).toBe('already_revoked');
    const listed = await search(adminA, { code: annaCertificate.code });
    expect(listed.body.data[0]).toMatchObject({ status: 'revoked', revokeReason: 'Plagiarism in the final project' });
  });
});
