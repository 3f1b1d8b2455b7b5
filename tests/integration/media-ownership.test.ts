import fs from 'fs';
import path from 'path';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { adminSession, expectStatus, type AdminSession } from '../helpers/admin-users';
import { PDF, PNG } from '../helpers/sample-files';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * A file may be attached to a media field only by its uploader or by staff (403 not_file_owner), through the
 * REST API, the users-permissions profile route and the admin panel alike; a refused write attaches nothing.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
let coTeacher: TestUser;
let otherTeacher: TestUser;
let student: TestUser;
let otherStudent: TestUser;
let admin: TestUser;
let course: TestCourse;

const FILE = 'plugin::upload.file';
const CM = '/content-manager/collection-types';

async function uploaded(
  user: TestUser,
  content: Buffer,
  filename: string,
  contentType: string
): Promise<{ id: number }> {
  const response = await app.request
    .post('/api/upload')
    .set(user.auth)
    .attach('files', content, { filename, contentType });
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body[0];
}
const image = (user: TestUser) => uploaded(user, PNG, 'picture.png', 'image/png');

const expectNotOwner = (response: { status: number; body: any }, field: string | string[]) => {
  expectStatus(response, 403);
  expect(response.body.error).toMatchObject({ name: 'ForbiddenError', details: { reason: 'not_file_owner' } });
  expect(response.body.error.details.errors.map((error: { path: string[] }) => error.path)).toContainEqual(
    Array.isArray(field) ? field : [field]
  );
};

const coverOf = async (documentId: string) => {
  const rows = await app.strapi.db
    .query('api::course.course')
    .findMany({ where: { documentId }, populate: { cover: { select: ['id'] } } });
  return rows.map((row: { cover?: { id: number } | null }) => row.cover?.id ?? null);
};
const materialsOf = async (documentId: string) => {
  const rows = await app.strapi.db
    .query('api::lesson.lesson')
    .findMany({ where: { documentId }, populate: { materials: { select: ['id'] } } });
  return rows.flatMap((row: { materials?: Array<{ id: number }> }) => (row.materials ?? []).map((file) => file.id));
};
const avatarOf = async (user: TestUser) =>
  (
    await app.strapi.db
      .query('plugin::users-permissions.user')
      .findOne({ where: { id: user.id }, populate: { avatar: { select: ['id'] } } })
  )?.avatar?.id ?? null;

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  [teacher, coTeacher, otherTeacher, student, otherStudent, admin] = await Promise.all([
    make.createUser('teacher'),
    make.createUser('teacher'),
    make.createUser('teacher'),
    make.createUser('student'),
    make.createUser('student'),
    make.createUser('admin'),
  ]);
  course = await make.createCourse({ teacher, lessons: 1 });
  await app.strapi.documents('api::course.course').update({
    documentId: course.documentId,
    locale: 'en',
    data: { teachers: [teacher.documentId, coTeacher.documentId] } as any,
  });
});
afterAll(async () => {
  const files: Array<{ url: string; formats?: Record<string, { url: string }> | null }> = await app.strapi.db
    .query(FILE)
    .findMany({});
  for (const file of files) {
    for (const url of [file.url, ...Object.values(file.formats ?? {}).map((format) => format.url)])
      fs.rmSync(path.join(process.cwd(), 'public', url), { force: true });
  }
  await stopLyceum();
});

describe('avatar (PUT /users/me)', () => {
  test("another student's picture is refused with 403 not_file_owner and the avatar stays as it was", async () => {
    const theirs = await image(otherStudent);
    expectNotOwner(await app.request.put('/api/users/me').set(student.auth).send({ avatar: theirs.id }), 'avatar');
    expect(await avatarOf(student)).toBeNull();
  });

  test('a file with no uploader on record (made by the server, or in the admin panel) is refused too', async () => {
    const orphan = await app.strapi.db.query(FILE).create({
      data: {
        name: 'x.png',
        hash: `orphan_${Date.now()}`,
        ext: '.png',
        mime: 'image/png',
        size: 1,
        url: '/uploads/orphan.png',
        provider: 'local',
      },
    });
    expectNotOwner(await app.request.put('/api/users/me').set(student.auth).send({ avatar: orphan.id }), 'avatar');
  });

  test('one’s own picture is accepted, and sending it again changes nothing', async () => {
    const mine = await image(student);
    expectStatus(await app.request.put('/api/users/me').set(student.auth).send({ avatar: mine.id }), 200);
    expect(await avatarOf(student)).toBe(mine.id);
    expectStatus(
      await app.request.put('/api/users/me').set(student.auth).send({ avatar: mine.id, bio: 'Same picture' }),
      200
    );
  });

  test('an API admin may set any user’s avatar through PUT /users/:id', async () => {
    const theirs = await image(otherStudent);
    expectStatus(await app.request.put(`/api/users/${student.id}`).set(admin.auth).send({ avatar: theirs.id }), 200);
    expect(await avatarOf(student)).toBe(theirs.id);
  });
});

describe('course cover and lesson media (REST)', () => {
  const updateCourse = (user: TestUser, data: Record<string, unknown>) =>
    app.request.put(`/api/courses/${course.documentId}`).set(user.auth).send({ data });
  const updateLesson = (user: TestUser, data: Record<string, unknown>) =>
    app.request.put(`/api/lessons/${course.lessons[0].documentId}`).set(user.auth).send({ data });

  test("a teacher cannot make another user's upload their course cover; nothing is attached", async () => {
    for (const owner of [otherTeacher, student]) {
      const theirs = await image(owner);
      expectNotOwner(await updateCourse(teacher, { cover: theirs.id }), 'cover');
      expectNotOwner(await updateCourse(teacher, { cover: { id: theirs.id } }), 'cover');
      expectNotOwner(await updateCourse(teacher, { cover: { connect: [theirs.id] } }), 'cover');
      expect(await coverOf(course.documentId)).not.toContain(theirs.id);
    }
  });

  test('a teacher cannot create a course with someone else’s file as its cover', async () => {
    const theirs = await image(student);
    const before = await app.strapi.db.query('api::course.course').count({});
    expectNotOwner(
      await app.request
        .post('/api/courses')
        .set(otherTeacher.auth)
        .send({ data: { title: 'Borrowed cover', cover: theirs.id } }),
      'cover'
    );
    expect(await app.strapi.db.query('api::course.course').count({})).toBe(before);
  });

  test('lesson materials and video: one foreign file among own ones refuses the whole write', async () => {
    const mine = await uploaded(teacher, PDF, 'handout.pdf', 'application/pdf');
    const theirs = await uploaded(student, PDF, 'homework.pdf', 'application/pdf');
    expectNotOwner(await updateLesson(teacher, { materials: [mine.id, theirs.id] }), 'materials');
    expect(await materialsOf(course.lessons[0].documentId)).toEqual([]);
    expectStatus(await updateLesson(teacher, { materials: [mine.id] }), 200);
    expect(await materialsOf(course.lessons[0].documentId)).toContain(mine.id);
  });

  test('the uploader attaches their own file; a co-teacher may keep it when saving the course whole', async () => {
    const mine = await image(teacher);
    expectStatus(await updateCourse(teacher, { cover: mine.id }), 200);
    expect(await coverOf(course.documentId)).toContain(mine.id);
    expectStatus(await updateCourse(coTeacher, { title: 'Renamed by the co-teacher', cover: mine.id }), 200);
    // Keeping a file the entry holds is not attaching a new one; adding their own foreign file still is.
    const theirs = await image(student);
    expectNotOwner(await updateCourse(coTeacher, { cover: theirs.id }), 'cover');
  });

  test('an API admin attaches anyone’s file', async () => {
    const theirs = await image(student);
    expectStatus(await updateCourse(admin, { cover: theirs.id }), 200);
    expect(await coverOf(course.documentId)).toContain(theirs.id);
  });

  test('ownership is checked before the kind, so a refusal tells nothing about someone else’s file', async () => {
    const theirs = await uploaded(student, PDF, 'private.pdf', 'application/pdf');
    const response = await updateCourse(teacher, { cover: theirs.id });
    expectNotOwner(response, 'cover');
    expect(JSON.stringify(response.body)).not.toContain('private.pdf');
  });
});

describe('admin panel (content manager)', () => {
  let superAdmin: AdminSession;
  let panelTeacher: AdminSession;
  let marketer: AdminSession;
  beforeAll(async () => {
    superAdmin = await adminSession(app, 'Super Admin');
    panelTeacher = await adminSession(app, 'Teacher', teacher.email);
    marketer = await adminSession(app, 'Marketer');
  });

  const panelUpload = async (session: AdminSession) => {
    const response = await app.request
      .post('/upload')
      .set(session.auth)
      .attach('files', PNG, { filename: 'panel.png', contentType: 'image/png' });
    expectStatus(response, 201);
    return response.body[0] as { id: number };
  };

  test('a panel Teacher cannot attach an API user’s upload to the course they teach', async () => {
    const theirs = await image(student);
    const response = await app.request
      .put(`${CM}/api::course.course/${course.documentId}`)
      .query({ locale: 'en' })
      .set(panelTeacher.auth)
      .send({ cover: theirs.id });
    expectNotOwner(response, 'cover');
  });

  test('a panel Teacher attaches a file uploaded in the panel under their own account', async () => {
    const adminUser = await app.strapi.db.query('admin::user').findOne({ where: { email: teacher.email } });
    const own = await app.strapi.db.query(FILE).create({
      data: {
        name: 'own.png',
        hash: `own_${Date.now()}`,
        ext: '.png',
        mime: 'image/png',
        size: 1,
        url: '/uploads/own.png',
        provider: 'local',
        createdBy: adminUser.id,
      },
    });
    expectStatus(
      await app.request
        .put(`${CM}/api::course.course/${course.documentId}`)
        .query({ locale: 'en' })
        .set(panelTeacher.auth)
        .send({ cover: own.id }),
      200
    );
  });

  test('a Marketer attaches their own panel upload to an article, not a student’s file', async () => {
    const own = await panelUpload(marketer);
    const created = await app.request
      .post(`${CM}/api::article.article`)
      .query({ locale: 'en' })
      .set(marketer.auth)
      .send({ title: 'With a cover', body: 'Text', cover: own.id });
    expectStatus(created, 201);
    const theirs = await image(student);
    const refused = await app.request
      .put(`${CM}/api::article.article/${created.body.data.documentId}`)
      .query({ locale: 'en' })
      .set(marketer.auth)
      .send({ cover: theirs.id });
    expectNotOwner(refused, 'cover');
    // Media inside components are fields too.
    const inComponent = await app.request
      .put(`${CM}/api::article.article/${created.body.data.documentId}`)
      .query({ locale: 'en' })
      .set(marketer.auth)
      .send({ author: { name: 'Ann', avatar: theirs.id } });
    expectNotOwner(inComponent, ['author', 'avatar']);
  });

  test('a Super Admin attaches any file', async () => {
    const theirs = await image(student);
    expectStatus(
      await app.request
        .put(`${CM}/api::course.course/${course.documentId}`)
        .query({ locale: 'en' })
        .set(superAdmin.auth)
        .send({ cover: theirs.id }),
      200
    );
  });
});

describe('submissions', () => {
  test('files handed in are recorded as the student’s own uploads', async () => {
    const assignment = await make.createAssignment(course);
    await make.enroll(student, course);
    const response = await app.request
      .post(`/api/assignments/${assignment.documentId}/submissions`)
      .set(student.auth)
      .attach('files', PDF, { filename: 'essay.pdf', contentType: 'application/pdf' });
    expectStatus(response, 201);
    const fileId = response.body.data.files[0].id;
    const file = await app.strapi.db
      .query(FILE)
      .findOne({ where: { id: fileId }, populate: { uploadedBy: { select: ['id'] } } });
    expect(file.uploadedBy?.id).toBe(student.id);
    // So nobody else can publish it as a cover.
    expectNotOwner(
      await app.request
        .put(`/api/courses/${course.documentId}`)
        .set(teacher.auth)
        .send({ data: { cover: fileId } }),
      'cover'
    );
  });
});
