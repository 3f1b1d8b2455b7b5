import { createId } from '@paralleldrive/cuid2';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { smtpSettings, startMailbox, type Mailbox } from '../helpers/mailbox';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let mailbox: Mailbox;
let admin: TestUser;
let teacher: TestUser;

const NOTIFICATION = 'api::notification.notification';
const USER = 'plugin::users-permissions.user';
const notify = (user: TestUser, title: string, type = 'grade_posted') =>
  (app.strapi.service(NOTIFICATION) as any).notify(user.id, { type, title, body: `About ${title}` });
const mine = (user: TestUser, query: Record<string, unknown> = {}) =>
  app.request.get('/api/me/notifications').query(query).set(user.auth);
const broadcast = (user: TestUser, body: unknown) =>
  app.request
    .post('/api/notifications/broadcast')
    .set(user.auth)
    .send(body as object);

async function eventually<T>(probe: () => Promise<T | undefined | null | false>): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('it never happened');
}

beforeAll(async () => {
  mailbox = await startMailbox();
  app = await startLyceum({
    ...smtpSettings(mailbox),
  });
  make = factories(app.strapi);
  [admin, teacher] = await Promise.all([make.createUser('admin'), make.createUser('teacher')]);
});
afterAll(async () => {
  await stopLyceum();
  await mailbox.close();
});

describe("reading one's notifications", () => {
  test("lists only the caller's own, newest first, with the unread count; ?unread=true filters", async () => {
    const [student, other] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    await notify(student, 'first');
    await notify(student, 'second');
    await notify(student, 'third');
    await notify(other, 'not yours');
    const listed = await mine(student);
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((row: any) => row.title)).toEqual(['third', 'second', 'first']);
    expect(listed.body.data[0]).toMatchObject({
      id: expect.any(Number),
      documentId: expect.any(String),
      type: 'grade_posted',
      body: 'About third',
      readAt: null,
    });
    expect(listed.body.meta).toMatchObject({
      unreadCount: 3,
      pagination: { page: 1, pageSize: 25, pageCount: 1, total: 3 },
    });

    const read = await app.request.post(`/api/notifications/${listed.body.data[1].id}/read`).set(student.auth);
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ title: 'second', readAt: expect.any(String) });
    const unread = await mine(student, { unread: 'true' });
    expect(unread.body.data.map((row: any) => row.title)).toEqual(['third', 'first']);
    expect(unread.body.meta.unreadCount).toBe(2);
    expect(unread.body.meta.pagination.total).toBe(2);
    // Reading twice keeps the first reading time.
    const again = await app.request.post(`/api/notifications/${listed.body.data[1].id}/read`).set(student.auth);
    expect(again.body.data.readAt).toBe(read.body.data.readAt);
  });

  test('paginates', async () => {
    const student = await make.createUser('student');
    for (let index = 1; index <= 5; index += 1) await notify(student, `n${index}`);
    const page = await mine(student, { 'pagination[page]': 2, 'pagination[pageSize]': 2 });
    expect(page.status).toBe(200);
    expect(page.body.data.map((row: any) => row.title)).toEqual(['n3', 'n2']);
    expect(page.body.meta.pagination).toEqual({ page: 2, pageSize: 2, pageCount: 3, total: 5 });
    expect((await mine(student, { 'pagination[pageSize]': 1000 })).status).toBe(400);
    const badUnread = await mine(student, { unread: 'yes' });
    expect(badUnread.status).toBe(400);
    expect(badUnread.body.error.details.errors[0].path).toEqual(['unread']);
  });

  test("someone else's notification cannot be marked read (404) and stays unread", async () => {
    const [owner, intruder] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    await notify(owner, 'private');
    const [row] = (await mine(owner)).body.data;
    const attempt = await app.request.post(`/api/notifications/${row.id}/read`).set(intruder.auth);
    expect(attempt.status).toBe(404);
    expect((await mine(owner)).body.meta.unreadCount).toBe(1);
    expect((await app.request.post('/api/notifications/999999999/read').set(owner.auth)).status).toBe(404);
    expect((await app.request.post('/api/notifications/abc/read').set(owner.auth)).status).toBe(400);
  });

  test("read-all marks every own unread notification, nobody else's", async () => {
    const [student, other] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    await notify(student, 'a');
    await notify(student, 'b');
    await notify(other, 'c');
    const response = await app.request.post('/api/notifications/read-all').set(student.auth);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ updated: 2 });
    expect((await mine(student)).body.meta.unreadCount).toBe(0);
    expect((await mine(other)).body.meta.unreadCount).toBe(1);
    expect((await app.request.post('/api/notifications/read-all').set(student.auth)).body.data).toEqual({ updated: 0 });
  });

  test('needs a token', async () => {
    expect((await app.request.get('/api/me/notifications')).status).toBe(401);
    expect((await app.request.post('/api/notifications/read-all')).status).toBe(401);
  });

  test('the core REST routes of notifications, messages and comments do not exist', async () => {
    const student = await make.createUser('student');
    for (const path of ['/api/notifications', '/api/messages', '/api/comments']) {
      for (const headers of [{}, student.auth, admin.auth]) {
        const response = await app.request.get(path).set(headers);
        expect([403, 404, 405]).toContain(response.status);
        expect(JSON.stringify(response.body)).not.toContain('"title"');
      }
      expect([403, 404, 405]).toContain(
        (
          await app.request
            .post(path)
            .set(admin.auth)
            .send({ data: { title: 'x', body: 'y' } })
        ).status
      );
    }
  });
});

describe('broadcasts', () => {
  test('only admins broadcast', async () => {
    const student = await make.createUser('student');
    for (const caller of [student, teacher]) {
      const response = await broadcast(caller, { title: 'Hello', body: 'Everyone', audience: { all: true } });
      expect(response.status).toBe(403);
    }
    expect(
      (await app.request.post('/api/notifications/broadcast').send({ title: 'x', audience: { all: true } })).status
    ).toBe(401);
  });

  test('reaches every user of a role, a few hundred made in bulk, in a handful of statements', async () => {
    const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'teacher' } });
    const { ids } = await app.strapi.db.query(USER).createMany({
      data: Array.from({ length: 300 }, (_, index) => ({
        documentId: createId(),
        username: `bulk_${index}_${createId().slice(0, 6)}`,
        email: `bulk_${index}_${createId().slice(0, 6)}@example.test`,
        provider: 'local',
        confirmed: true,
        blocked: false,
        publishedAt: new Date(),
      })),
    });
    // createMany does not link relations: put the bulk users in the teacher role with one insert.
    const link = (app.strapi.db.metadata.get(USER).attributes as any).role.joinTable;
    await app.strapi.db
      .connection(link.name)
      .insert(ids.map((id) => ({ [link.joinColumn.name]: id, [link.inverseJoinColumn.name]: role.id })));

    let queries = 0;
    const count = () => {
      queries += 1;
    };
    app.strapi.db.connection.on('query', count);
    let response;
    try {
      response = await broadcast(admin, {
        title: 'Staff meeting',
        body: 'Room <b>4</b><script>alert(1)</script>',
        audience: { role: 'teacher' },
      });
    } finally {
      app.strapi.db.connection.removeListener('query', count);
    }
    expect(response.status).toBe(201);
    const teacherCount = await app.strapi.db.query(USER).count({ where: { role: { type: 'teacher' } } });
    expect(response.body.data).toEqual({ recipients: teacherCount });
    expect(teacherCount).toBeGreaterThanOrEqual(301);
    // Set-based: far fewer statements than recipients.
    expect(queries).toBeGreaterThan(0);
    expect(queries).toBeLessThan(40);
    expect(await app.strapi.db.query(NOTIFICATION).count({ where: { title: 'Staff meeting' } })).toBe(teacherCount);
    const sample = await app.strapi.db
      .query(NOTIFICATION)
      .findOne({ where: { title: 'Staff meeting', user: { id: ids[150] } } });
    expect(sample).toMatchObject({ type: 'broadcast', body: 'Room <b>4</b>', readAt: null });
    const student = await make.createUser('student');
    expect((await mine(student)).body.data).toEqual([]);
    expect((await mine(teacher)).body.data[0]).toMatchObject({ title: 'Staff meeting', type: 'broadcast' });
  });

  test('to all users and to the enrolled students of a course', async () => {
    const course = await make.createCourse({ teacher, lessons: 1 });
    const [inCourse, cancelled, outside] = await Promise.all([
      make.createUser('student'),
      make.createUser('student'),
      make.createUser('student'),
    ]);
    await make.enroll(inCourse, course);
    await make.enroll(cancelled, course, 'cancelled');
    const toCourse = await broadcast(admin, { title: 'Course news', audience: { course: course.documentId } });
    expect(toCourse.status).toBe(201);
    expect(toCourse.body.data).toEqual({ recipients: 1 });
    expect((await mine(inCourse)).body.data.map((row: any) => row.title)).toEqual(['Course news']);
    expect((await mine(cancelled)).body.data).toEqual([]);
    expect((await mine(outside)).body.data).toEqual([]);

    const everyone = await app.strapi.db.query(USER).count();
    const toAll = await broadcast(admin, { title: 'Holiday', audience: { all: true } });
    expect(toAll.body.data).toEqual({ recipients: everyone });
    expect((await mine(outside)).body.data.map((row: any) => row.title)).toEqual(['Holiday']);
  });

  test('refuses malformed broadcasts with 400 naming the field, and an unknown course with 404; nothing is stored', async () => {
    const before = await app.strapi.db.query(NOTIFICATION).count();
    const cases: Array<[unknown, string]> = [
      [{ title: '', audience: { all: true } }, 'title'],
      [{ title: '<script></script>', audience: { all: true } }, 'title'],
      [{ title: 'x'.repeat(201), audience: { all: true } }, 'title'],
      [{ title: 'Hi', body: 'x'.repeat(5001), audience: { all: true } }, 'body'],
      [{ title: 'Hi' }, 'audience'],
      [{ title: 'Hi', audience: { all: false } }, 'audience.all'],
      [{ title: 'Hi', audience: { role: 'wizard' } }, 'audience.role'],
      [{ title: 'Hi', audience: { all: true, role: 'student' } }, 'audience'],
      [{ title: 'Hi', audience: { course: '../x' } }, 'audience.course'],
      [{ title: 'Hi', audience: { all: true }, urgent: true }, 'urgent'],
    ];
    for (const [body, field] of cases) {
      const response = await broadcast(admin, body);
      expect(response.status).toBe(400);
      expect(response.body.error.details.errors.map((error: any) => error.path.join('.'))).toContain(field);
    }
    expect((await broadcast(admin, { title: 'Hi', audience: { course: 'nosuchcourse000000000000' } })).status).toBe(
      404
    );
    expect(await app.strapi.db.query(NOTIFICATION).count()).toBe(before);
  });
});

describe('email copies', () => {
  test('emailNotifications is off by default and set through PUT /users/me; only those who opted in get mail', async () => {
    const [keen, quiet] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    expect((await app.request.get('/api/users/me').set(keen.auth)).body.emailNotifications).toBe(false);
    const updated = await app.request.put('/api/users/me').set(keen.auth).send({ emailNotifications: true });
    expect(updated.status).toBe(200);
    expect(updated.body.emailNotifications).toBe(true);
    const wrong = await app.request.put('/api/users/me').set(keen.auth).send({ emailNotifications: 'yes' });
    expect(wrong.status).toBe(400);

    await (app.strapi.service(NOTIFICATION) as any).notifyMany([keen.id, quiet.id], {
      type: 'broadcast',
      title: 'Mail copy test',
      body: 'Body of the notice',
      link: '/somewhere',
    });
    const mail = await mailbox.waitFor(keen.email, /Mail copy test/);
    expect(mail.text).toContain('Body of the notice');
    expect(mailbox.to(quiet.email)).toEqual([]);
    expect(await app.strapi.db.query(NOTIFICATION).count({ where: { title: 'Mail copy test' } })).toBe(2);
  });
});

describe('events that notify', () => {
  let course: TestCourse;
  let student: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    course = await make.createCourse({ teacher, lessons: 1 });
    [student, outsider] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    await make.enroll(student, course);
  });

  test('a lesson published in an enrolled course tells its students once; re-publishing does not', async () => {
    const created = await app.request
      .post('/api/lessons')
      .query({ status: 'published' })
      .set(teacher.auth)
      .send({ data: { title: 'Fresh lesson', position: 2, course: course.documentId } });
    expect(created.status).toBe(201);
    const lessonId = created.body.data.documentId;
    const [notice] = await eventually(async () =>
      (await mine(student)).body.data.filter((row: any) => row.type === 'new_lesson')
    );
    expect(notice).toMatchObject({
      title: expect.stringContaining(course.title),
      body: 'Fresh lesson',
      link: `/lessons/${lessonId}`,
    });
    expect((await mine(outsider)).body.data).toEqual([]);

    const republished = await app.request
      .put(`/api/lessons/${lessonId}`)
      .query({ status: 'published' })
      .set(teacher.auth)
      .send({ data: { title: 'Fresh lesson, edited' } });
    expect(republished.status).toBe(200);
    expect((await mine(student)).body.data.filter((row: any) => row.type === 'new_lesson')).toHaveLength(1);
  });

  test('a draft lesson tells nobody until it is published', async () => {
    const draft = await app.strapi
      .documents('api::lesson.lesson')
      .create({ locale: 'en', data: { title: 'Later lesson', position: 3, course: course.documentId } as any });
    expect((await mine(student)).body.data.filter((row: any) => row.body === 'Later lesson')).toEqual([]);
    await app.strapi.documents('api::lesson.lesson').publish({ documentId: draft.documentId });
    expect((await mine(student)).body.data.filter((row: any) => row.body === 'Later lesson')).toHaveLength(1);
  });

  test('an issued certificate tells its holder', async () => {
    const graduate = await make.createUser('student');
    await make.enroll(graduate, course);
    const issued = await app.request
      .post(`/api/courses/${course.documentId}/certificates`)
      .set(teacher.auth)
      .send({ user: graduate.id });
    expect(issued.status).toBe(201);
    const [notice] = (await mine(graduate)).body.data.filter((row: any) => row.type === 'certificate_issued');
    expect(notice).toMatchObject({
      title: expect.stringContaining(course.title),
      link: `/certificates/${issued.body.data.documentId}`,
    });
  });
});
