import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;
let otherTeacher: TestUser;
let admin: TestUser;
let course: TestCourse;
let notifyMany: jest.SpyInstance;

const newsOf = (target: { documentId: string }) => `/api/courses/${target.documentId}/announcements`;
const notificationsOf = (user: TestUser) =>
  app.strapi.db
    .query('api::notification.notification')
    .findMany({ where: { user: { id: user.id } }, select: ['type', 'title', 'body', 'link'] });

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  [owner, otherTeacher, admin] = await Promise.all([
    make.createUser('teacher', { fullName: 'Owner Teacher' }),
    make.createUser('teacher'),
    make.createUser('admin'),
  ]);
  course = await make.createCourse({ teacher: owner, lessons: 1 });
  notifyMany = jest.spyOn(app.strapi.service('api::notification.notification') as any, 'notifyMany');
});
afterAll(stopLyceum);

describe('posting course news', () => {
  test('an owner posts; every enrolled student is notified in one batched call, others are not', async () => {
    const students = await Promise.all([
      make.createUser('student'),
      make.createUser('student'),
      make.createUser('student'),
    ]);
    await make.enroll(students[0], course, 'active');
    await make.enroll(students[1], course, 'completed');
    await make.enroll(students[2], course, 'cancelled');
    const outsider = await make.createUser('student');
    notifyMany.mockClear();

    const response = await app.request
      .post(newsOf(course))
      .set(owner.auth)
      .send({ title: 'Exam moved', body: '<p>The exam is <strong>on Friday</strong>.</p>' });
    expect(response.status).toBe(201);
    expect(response.body.data).toMatchObject({
      title: 'Exam moved',
      body: '<p>The exam is <strong>on Friday</strong>.</p>',
      course: { documentId: course.documentId },
      author: { name: 'Owner Teacher' },
    });
    expect(notifyMany).toHaveBeenCalledTimes(1);
    expect([...notifyMany.mock.calls[0][0]].sort()).toEqual([students[0].id, students[1].id].sort());
    expect(notifyMany.mock.calls[0][1]).toMatchObject({
      type: 'new_announcement',
      link: `/courses/${course.documentId}/announcements`,
    });

    expect(await notificationsOf(students[0])).toEqual([
      expect.objectContaining({
        type: 'new_announcement',
        title: `${course.title}: Exam moved`,
        body: 'The exam is on Friday.',
      }),
    ]);
    expect(await notificationsOf(students[1])).toHaveLength(1);
    expect(await notificationsOf(students[2])).toHaveLength(0);
    expect(await notificationsOf(outsider)).toHaveLength(0);
    expect(await notificationsOf(owner)).toHaveLength(0);
  });

  test('an admin posts to any course', async () => {
    const response = await app.request
      .post(newsOf(course))
      .set(admin.auth)
      .send({ title: 'From the school', body: 'Hello all' });
    expect(response.status).toBe(201);
  });

  test('another teacher, a student and the public may not post', async () => {
    const member = await make.createUser('student');
    await make.enroll(member, course);
    const before = await app.strapi.db
      .query('api::announcement.announcement')
      .count({ where: { course: { documentId: course.documentId } } });
    for (const user of [otherTeacher, member]) {
      const response = await app.request.post(newsOf(course)).set(user.auth).send({ title: 'Hi', body: 'Hi' });
      expect([user.username, response.status]).toEqual([user.username, 403]);
      if (user === otherTeacher) expect(response.body.error.details.reason).toBe('not_course_owner');
    }
    expect((await app.request.post(newsOf(course)).send({ title: 'Hi', body: 'Hi' })).status).toBe(401);
    expect(
      await app.strapi.db
        .query('api::announcement.announcement')
        .count({ where: { course: { documentId: course.documentId } } })
    ).toBe(before);
  });

  test('script, event handlers, javascript: links and unknown tags are removed', async () => {
    const body = [
      '<p onclick="steal()">Read <a href="javascript:alert(1)">this</a> and <a href="https://example.org/x" onmouseover="x()">that</a></p>',
      '<script>alert(document.cookie)</script><img src=x onerror=alert(1)><iframe src="https://evil"></iframe>',
      '<ul><li><em>one</em></li></ul><style>body{display:none}</style>',
    ].join('');
    const response = await app.request.post(newsOf(course)).set(owner.auth).send({ title: 'Links', body });
    expect(response.status).toBe(201);
    const stored = response.body.data.body as string;
    for (const forbidden of [
      '<script',
      'alert',
      'onclick',
      'onmouseover',
      'onerror',
      'javascript:',
      '<img',
      '<iframe',
      '<style',
      'display:none',
    ]) {
      expect([forbidden, stored.includes(forbidden)]).toEqual([forbidden, false]);
    }
    expect(stored).toContain('<a href="https://example.org/x" rel="noopener noreferrer nofollow">that</a>');
    expect(stored).toContain('<ul><li><em>one</em></li></ul>');
  });

  test('the core announcement route sanitises the same way and notifies the same students', async () => {
    const member = await make.createUser('student');
    await make.enroll(member, course);
    const response = await app.request
      .post('/api/announcements')
      .set(owner.auth)
      .send({
        data: { title: 'Core', body: '<p onclick="x()">Hi<script>alert(1)</script></p>', course: course.documentId },
      });
    expect(response.status).toBe(201);
    expect(response.body.data.body).toBe('<p>Hi</p>');
    expect(await notificationsOf(member)).toEqual([
      expect.objectContaining({ type: 'new_announcement', title: `${course.title}: Core`, body: 'Hi' }),
    ]);
  });

  test.each([
    [{ body: 'No title' }, 'title'],
    [{ title: 'No body' }, 'body'],
    [{ title: '', body: 'x' }, 'title'],
    [{ title: 'x'.repeat(201), body: 'x' }, 'title'],
    [{ title: 'Empty', body: '   ' }, 'body'],
    [{ title: 'Only a script', body: '<script>alert(1)</script>' }, 'body'],
    [{ title: 'Huge', body: 'x'.repeat(20_001) }, 'body'],
    [{ title: 'Extra', body: 'x', pinned: true }, 'pinned'],
    [{ title: 7, body: 'x' }, 'title'],
  ])('refuses %j with 400 naming %s, storing nothing', async (body, field) => {
    const before = await app.strapi.db.query('api::announcement.announcement').count();
    const response = await app.request.post(newsOf(course)).set(owner.auth).send(body);
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors.map((error: { path: string[] }) => error.path[0])).toContain(field);
    expect(await app.strapi.db.query('api::announcement.announcement').count()).toBe(before);
  });

  test('an unknown course is 404, a malformed id 400', async () => {
    expect(
      (
        await app.request
          .post('/api/courses/nosuchcourse000/announcements')
          .set(admin.auth)
          .send({ title: 'x', body: 'y' })
      ).status
    ).toBe(404);
    expect(
      (await app.request.post('/api/courses/bad%20id/announcements').set(admin.auth).send({ title: 'x', body: 'y' }))
        .status
    ).toBe(400);
  });
});

describe('reading course news', () => {
  test("everyone reads a published course's news, newest first, paginated, without emails", async () => {
    const fresh = await make.createCourse({ teacher: owner, lessons: 0 });
    for (const title of ['First', 'Second', 'Third']) {
      expect(
        (
          await app.request
            .post(newsOf(fresh))
            .set(owner.auth)
            .send({ title, body: `${title} news` })
        ).status
      ).toBe(201);
    }
    const response = await app.request.get(newsOf(fresh)).query({ pageSize: 2 });
    expect(response.status).toBe(200);
    expect(response.body.data.map((item: any) => item.title)).toEqual(['Third', 'Second']);
    expect(response.body.meta.pagination).toEqual({ page: 1, pageSize: 2, pageCount: 2, total: 3 });
    expect(JSON.stringify(response.body)).not.toContain(owner.email);
    const student = await make.createUser('student');
    expect(
      (await app.request.get(newsOf(fresh)).set(student.auth).query({ page: 2, pageSize: 2 })).body.data.map(
        (item: any) => item.title
      )
    ).toEqual(['First']);
  });

  test("a draft course's news is 404 to others but readable by its owner", async () => {
    const draft = await make.createCourse({ teacher: owner, lessons: 0, published: false });
    expect(
      (await app.request.post(newsOf(draft)).set(owner.auth).send({ title: 'Soon', body: 'Coming soon' })).status
    ).toBe(201);
    expect((await app.request.get(newsOf(draft))).status).toBe(404);
    expect((await app.request.get(newsOf(draft)).set(otherTeacher.auth)).status).toBe(404);
    const ownView = await app.request.get(newsOf(draft)).set(owner.auth);
    expect(ownView.status).toBe(200);
    expect(ownView.body.data.map((item: any) => item.title)).toEqual(['Soon']);
  });

  test('an unknown course is 404; bad paging 400', async () => {
    expect((await app.request.get('/api/courses/nosuchcourse000/announcements')).status).toBe(404);
    expect((await app.request.get(newsOf(course)).query({ page: 'first' })).status).toBe(400);
  });
});
