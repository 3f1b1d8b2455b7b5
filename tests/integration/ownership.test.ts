import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let teacherA: TestUser;
let teacherB: TestUser;
let admin: TestUser;
let courseA: TestCourse;
let courseB: TestCourse;

const teachersOf = async (documentId: string) => {
  const rows = await app.strapi.db
    .query('api::course.course')
    .findMany({ where: { documentId }, populate: { teachers: { select: ['id'] } } });
  return [...new Set(rows.flatMap((row: any) => row.teachers.map((teacher: { id: number }) => teacher.id)))];
};

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  [teacherA, teacherB, admin] = await Promise.all([
    make.createUser('teacher'),
    make.createUser('teacher'),
    make.createUser('admin'),
  ]);
  courseA = await make.createCourse({ teacher: teacherA, lessons: 2 });
  courseB = await make.createCourse({ teacher: teacherB, lessons: 2 });
});
afterAll(stopLyceum);

describe('courses', () => {
  test('a course a teacher creates lists them, and only them, as its teacher', async () => {
    // Teachers cannot read users, so naming co-teachers is not theirs to do: refused, nothing created.
    const withTeachers = await app.request
      .post('/api/courses')
      .set(teacherA.auth)
      .send({ data: { title: 'Theirs', teachers: [teacherB.documentId] } });
    expect(withTeachers.status).toBe(400);
    expect(withTeachers.body.error.details.key).toBe('teachers');
    expect(await app.strapi.db.query('api::course.course').count({ where: { title: 'Theirs' } })).toBe(0);
    const response = await app.request
      .post('/api/courses')
      .set(teacherA.auth)
      .send({ data: { title: 'Mine' } });
    expect(response.status).toBe(201);
    expect(response.body.data.slug).toBe('mine');
    expect(await teachersOf(response.body.data.documentId)).toEqual([teacherA.id]);
    expect(
      (
        await app.request
          .put(`/api/courses/${response.body.data.documentId}`)
          .set(teacherA.auth)
          .send({ data: { summary: 'ok' } })
      ).status
    ).toBe(200);
  });

  test("teacher A cannot edit or delete teacher B's course, and B's course is unchanged", async () => {
    const edit = await app.request
      .put(`/api/courses/${courseB.documentId}`)
      .set(teacherA.auth)
      .send({ data: { title: 'Hijacked' } });
    expect(edit.status).toBe(403);
    expect(edit.body.error.details.reason).toBe('not_course_owner');
    expect((await app.request.delete(`/api/courses/${courseB.documentId}`).set(teacherA.auth)).status).toBe(403);
    const stored = await app.strapi.db
      .query('api::course.course')
      .findOne({ where: { documentId: courseB.documentId } });
    expect(stored.title).toBe(courseB.title);
  });

  test('a teacher cannot add co-teachers through the API; an admin can', async () => {
    const byTeacher = await app.request
      .put(`/api/courses/${courseA.documentId}`)
      .set(teacherA.auth)
      .send({ data: { teachers: [teacherB.documentId] } });
    expect(byTeacher.status).toBe(400);
    expect(await teachersOf(courseA.documentId)).toEqual([teacherA.id]);
    const byAdmin = await app.request
      .put(`/api/courses/${courseA.documentId}`)
      .set(admin.auth)
      .send({ data: { teachers: { connect: [teacherB.documentId] } } });
    expect(byAdmin.status).toBe(200);
    expect((await teachersOf(courseA.documentId)).sort()).toEqual([teacherA.id, teacherB.id].sort());
    await app.request
      .put(`/api/courses/${courseA.documentId}`)
      .set(admin.auth)
      .send({ data: { teachers: { disconnect: [teacherB.documentId] } } });
    expect(await teachersOf(courseA.documentId)).toEqual([teacherA.id]);
  });

  test('an unknown course is 404 for an owner-checked write', async () => {
    expect(
      (
        await app.request
          .put('/api/courses/doesnotexist123')
          .set(teacherA.auth)
          .send({ data: { title: 'x' } })
      ).status
    ).toBe(404);
    expect((await app.request.delete('/api/courses/doesnotexist123').set(admin.auth)).status).toBe(404);
  });
});

describe('lessons, quizzes, assignments and announcements follow their course', () => {
  test("teacher A cannot add a lesson to B's course", async () => {
    const response = await app.request
      .post('/api/lessons')
      .set(teacherA.auth)
      .send({ data: { title: 'Sneaky', position: 5, course: courseB.documentId } });
    expect(response.status).toBe(403);
    expect(response.body.error.details.reason).toBe('not_course_owner');
    expect(await app.strapi.db.query('api::lesson.lesson').count({ where: { title: 'Sneaky' } })).toBe(0);
  });

  test("teacher A cannot edit B's lesson, nor move their own lesson into B's course", async () => {
    const edit = await app.request
      .put(`/api/lessons/${courseB.lessons[0].documentId}`)
      .set(teacherA.auth)
      .send({ data: { title: 'Mine now' } });
    expect(edit.status).toBe(403);
    const move = await app.request
      .put(`/api/lessons/${courseA.lessons[0].documentId}`)
      .set(teacherA.auth)
      .send({ data: { course: courseB.documentId } });
    expect(move.status).toBe(403);
    const lesson = await app.strapi.db
      .query('api::lesson.lesson')
      .findOne({ where: { documentId: courseA.lessons[0].documentId }, populate: { course: true } });
    expect(lesson.course.documentId).toBe(courseA.documentId);
  });

  test('relation values of every Strapi shape are checked', async () => {
    for (const course of [
      { documentId: courseB.documentId },
      { connect: [courseB.documentId] },
      { set: [{ documentId: courseB.documentId }] },
      [courseB.documentId],
    ]) {
      const response = await app.request
        .post('/api/lessons')
        .set(teacherA.auth)
        .send({ data: { title: 'Shape', position: 1, course } });
      expect([JSON.stringify(course), response.status]).toEqual([JSON.stringify(course), 403]);
    }
  });

  test.each([
    ['a missing course', () => ({ title: 'Orphan', position: 1 }), 'course'],
    ['an unknown course', () => ({ title: 'Lost', position: 1, course: 'nosuchcourse000' }), 'course'],
    ['a malformed course', () => ({ title: 'Odd', position: 1, course: 42 }), 'course'],
    ['two courses', () => ({ title: 'Both', position: 1, course: [courseA.documentId, courseB.documentId] }), 'course'],
  ])('a lesson with %s is 400 naming the field', async (_label, data, field) => {
    const response = await app.request.post('/api/lessons').set(teacherA.auth).send({ data: data() });
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors[0].path).toEqual([field]);
  });

  test("a quiz on B's lesson is refused; a quiz whose lesson and course disagree is 400", async () => {
    const foreign = await app.request
      .post('/api/quizzes')
      .set(teacherA.auth)
      .send({ data: { title: 'Q', lesson: courseB.lessons[0].documentId } });
    expect(foreign.status).toBe(403);
    const mixed = await app.request
      .post('/api/quizzes')
      .set(teacherA.auth)
      .send({ data: { title: 'Q', lesson: courseA.lessons[0].documentId, course: courseB.documentId } });
    expect(mixed.status).toBe(400);
    const unknownLesson = await app.request
      .post('/api/quizzes')
      .set(teacherA.auth)
      .send({ data: { title: 'Q', lesson: 'nosuchlesson000' } });
    expect(unknownLesson.status).toBe(400);
    expect(unknownLesson.body.error.details.errors[0].path).toEqual(['lesson']);
    const own = await app.request
      .post('/api/quizzes')
      .set(teacherA.auth)
      .send({ data: { title: 'Q', lesson: courseA.lessons[0].documentId } });
    expect(own.status).toBe(201);
  });

  test("teacher A cannot touch B's assignments or announcements", async () => {
    const assignment = await make.createAssignment(courseB);
    expect(
      (
        await app.request
          .put(`/api/assignments/${assignment.documentId}`)
          .set(teacherA.auth)
          .send({ data: { maxPoints: 1 } })
      ).status
    ).toBe(403);
    expect((await app.request.delete(`/api/assignments/${assignment.documentId}`).set(teacherA.auth)).status).toBe(403);
    const announcement = await make.createAnnouncement(courseB, teacherB);
    expect(
      (
        await app.request
          .put(`/api/announcements/${announcement.documentId}`)
          .set(teacherA.auth)
          .send({ data: { title: 'x' } })
      ).status
    ).toBe(403);
    expect(
      (
        await app.request
          .post('/api/announcements')
          .set(teacherA.auth)
          .send({ data: { title: 'x', body: 'y', course: courseB.documentId } })
      ).status
    ).toBe(403);
  });

  test('an announcement is signed by whoever posts it; the body cannot name another author', async () => {
    const forged = await app.request
      .post('/api/announcements')
      .set(teacherA.auth)
      .send({
        data: { title: 'Forged', body: 'Hello class', course: courseA.documentId, author: teacherB.documentId },
      });
    expect(forged.status).toBe(400);
    expect(forged.body.error.details.key).toBe('author');
    const response = await app.request
      .post('/api/announcements')
      .set(teacherA.auth)
      .send({ data: { title: 'Welcome', body: 'Hello class', course: courseA.documentId } });
    expect(response.status).toBe(201);
    const stored = await app.strapi.db
      .query('api::announcement.announcement')
      .findOne({ where: { documentId: response.body.data.documentId }, populate: { author: true } });
    expect(stored.author.id).toBe(teacherA.id);
  });

  test('unknown entries are 404 for writes', async () => {
    expect(
      (
        await app.request
          .put('/api/lessons/nosuchlesson000')
          .set(teacherA.auth)
          .send({ data: { title: 'x' } })
      ).status
    ).toBe(404);
    expect((await app.request.delete('/api/quizzes/nosuchquiz0000').set(teacherA.auth)).status).toBe(404);
  });

  test('an admin manages every course', async () => {
    const response = await app.request
      .post('/api/lessons')
      .set(admin.auth)
      .send({ data: { title: 'By admin', position: 3, course: courseB.documentId } });
    expect(response.status).toBe(201);
  });

  test('a write without a data object is 400', async () => {
    for (const body of [{}, { data: 'text' }, { data: [1] }]) {
      const response = await app.request.post('/api/lessons').set(teacherA.auth).send(body);
      expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
    }
  });
});

describe("students' private data", () => {
  test("a student cannot read another user's record", async () => {
    const [one, other] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    expect((await app.request.get(`/api/users/${other.id}`).set(one.auth)).status).toBe(403);
    const me = await app.request.get('/api/users/me').set(one.auth);
    expect(me.body.id).toBe(one.id);
  });
});
