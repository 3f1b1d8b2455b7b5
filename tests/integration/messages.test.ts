import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
let otherTeacher: TestUser;
let student: TestUser;
let classmate: TestUser;
let stranger: TestUser;
let admin: TestUser;
let course: TestCourse;

const MESSAGE = 'api::message.message';
const send = (from: TestUser, to: number | string, body: unknown) =>
  app.request
    .post(`/api/conversations/${to}/messages`)
    .set(from.auth)
    .send(body as object);
const read = (reader: TestUser, other: number | string, query: Record<string, unknown> = {}) =>
  app.request.get(`/api/conversations/${other}/messages`).query(query).set(reader.auth);
const conversations = (user: TestUser) => app.request.get('/api/me/conversations').set(user.auth);

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  jest.spyOn(app.strapi.plugin('email').service('email'), 'send').mockResolvedValue(undefined as never);
  [teacher, otherTeacher, student, classmate, stranger, admin] = await Promise.all([
    make.createUser('teacher', { fullName: 'Ada Teacher' }),
    make.createUser('teacher'),
    make.createUser('student', { fullName: 'Sam Student' }),
    make.createUser('student'),
    make.createUser('student'),
    make.createUser('admin'),
  ]);
  course = await make.createCourse({ teacher, lessons: 1 });
  await make.enroll(student, course);
  await make.enroll(classmate, course);
});
afterAll(stopLyceum);

describe('who may write to whom', () => {
  test('a student writes to a teacher of their course, and the teacher to their student', async () => {
    const first = await send(student, teacher.id, { body: 'Hello, I have a question' });
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({
      body: 'Hello, I have a question',
      sender: { id: student.id, username: student.username, fullName: 'Sam Student' },
      recipient: { id: teacher.id },
      readAt: null,
    });
    expect(JSON.stringify(first.body)).not.toContain('@example.test');
    expect((await send(teacher, student.id, { body: 'Ask away' })).status).toBe(201);
  });

  test('students of one course, a teacher of another course and strangers are refused with 403 not_a_contact; nothing is stored', async () => {
    const before = await app.strapi.db.query(MESSAGE).count();
    for (const [from, to] of [
      [student, classmate],
      [student, otherTeacher],
      [stranger, teacher],
      [otherTeacher, student],
    ] as const) {
      const response = await send(from, to.id, { body: 'Hi' });
      expect(response.status).toBe(403);
      expect(response.body.error.details.reason).toBe('not_a_contact');
    }
    expect(await app.strapi.db.query(MESSAGE).count()).toBe(before);
  });

  test('admins write to anyone, and anyone may answer who wrote to them', async () => {
    expect((await send(admin, stranger.id, { body: 'Welcome to the school' })).status).toBe(201);
    expect((await send(stranger, admin.id, { body: 'Thank you' })).status).toBe(201);
    // Before the admin wrote, the stranger could not write to another stranger-admin.
    const otherAdmin = await make.createUser('admin');
    expect((await send(stranger, otherAdmin.id, { body: 'Hi' })).status).toBe(403);
  });

  test('a student who left the course can no longer start a conversation with its teacher', async () => {
    const leaver = await make.createUser('student');
    await make.enroll(leaver, course, 'cancelled');
    expect((await send(leaver, teacher.id, { body: 'Hi' })).status).toBe(403);
  });
});

describe('bad input', () => {
  test('to oneself 400, unknown user 404, malformed id 400, empty/oversized/unknown-field bodies 400; nothing stored', async () => {
    const before = await app.strapi.db.query(MESSAGE).count();
    const self = await send(student, student.id, { body: 'Me' });
    expect(self.status).toBe(400);
    expect(self.body.error.details.errors[0].path).toEqual(['userId']);
    expect((await send(student, 99999999, { body: 'Anyone?' })).status).toBe(404);
    expect((await send(student, 'abc', { body: 'x' })).status).toBe(400);
    for (const body of [
      {},
      { body: '' },
      { body: '   ' },
      { body: '<script>alert(1)</script>' },
      { body: 42 },
      { body: 'x'.repeat(5001) },
    ]) {
      const response = await send(student, teacher.id, body);
      expect(response.status).toBe(400);
      expect(response.body.error.details.errors[0].path).toEqual(['body']);
    }
    const extra = await send(student, teacher.id, { body: 'Hi', sender: admin.id });
    expect(extra.status).toBe(400);
    expect(extra.body.error.details.errors[0].path).toEqual(['sender']);
    expect((await read(student, student.id)).status).toBe(400);
    expect((await read(student, 99999999)).status).toBe(404);
    expect((await app.request.get(`/api/conversations/${teacher.id}/messages`)).status).toBe(401);
    expect(await app.strapi.db.query(MESSAGE).count()).toBe(before);
  });

  test('bodies are cleaned of scripts, event handlers and javascript: links', async () => {
    const response = await send(student, teacher.id, {
      body: 'See <a href="javascript:alert(1)" onclick="steal()">this</a> <img src=x onerror=alert(1)><script>alert(2)</script><b>now</b> <a href="https://example.org">ok</a>',
    });
    expect(response.status).toBe(201);
    const stored = await app.strapi.db.query(MESSAGE).findOne({ where: { documentId: response.body.data.documentId } });
    for (const text of [response.body.data.body, stored.body]) {
      expect(text).not.toMatch(/script|onerror|onclick|javascript:|<img/i);
      expect(text).toContain('<b>now</b>');
      expect(text).toContain('href="https://example.org"');
    }
  });
});

describe('reading conversations', () => {
  test('the conversation lists both sides oldest first; reading marks what was sent to the reader read, and only that', async () => {
    const [pupil, tutor] = [await make.createUser('student'), await make.createUser('teacher')];
    const small = await make.createCourse({ teacher: tutor, lessons: 1 });
    await make.enroll(pupil, small);
    await send(pupil, tutor.id, { body: 'one' });
    await send(pupil, tutor.id, { body: 'two' });
    await send(tutor, pupil.id, { body: 'three' });

    const seenByPupil = await read(pupil, tutor.id);
    expect(seenByPupil.status).toBe(200);
    expect(seenByPupil.body.data.map((row: any) => row.body)).toEqual(['one', 'two', 'three']);
    expect(seenByPupil.body.meta.pagination).toMatchObject({ page: 1, total: 3 });
    // The pupil's own messages stay unread until the tutor reads them.
    const rows = await app.strapi.db
      .query(MESSAGE)
      .findMany({ where: { body: { $in: ['one', 'two', 'three'] } }, populate: { sender: { select: ['id'] } } });
    const readAt = (body: string) =>
      rows.find(
        (row: any) => row.body === body && (body === 'three' ? row.sender.id === tutor.id : row.sender.id === pupil.id)
      )?.readAt;
    expect(readAt('three')).not.toBeNull();
    expect(readAt('one')).toBeNull();

    const tutorList = await conversations(tutor);
    expect(tutorList.body.data).toEqual([
      expect.objectContaining({
        user: { id: pupil.id, username: pupil.username, fullName: expect.any(String) },
        unreadCount: 2,
        lastMessage: expect.objectContaining({ body: 'three' }),
      }),
    ]);
    const seenByTutor = await read(tutor, pupil.id);
    expect(seenByTutor.body.data.filter((row: any) => row.sender.id === pupil.id).every((row: any) => row.readAt)).toBe(
      true
    );
    expect((await conversations(tutor)).body.data[0].unreadCount).toBe(0);
    // Read receipts: the pupil now sees when the tutor read their messages.
    const receipts = await read(pupil, tutor.id);
    expect(receipts.body.data.slice(0, 2).every((row: any) => typeof row.readAt === 'string')).toBe(true);
  });

  test("nobody reads other people's conversations: a third party sees only their own (empty) one", async () => {
    const [pupil, tutor] = [await make.createUser('student'), await make.createUser('teacher')];
    const small = await make.createCourse({ teacher: tutor, lessons: 1 });
    await make.enroll(pupil, small);
    await send(pupil, tutor.id, { body: 'private words' });
    for (const outsider of [stranger, admin]) {
      for (const other of [pupil, tutor]) {
        const response = await read(outsider, other.id);
        expect(response.status).toBe(200);
        expect(JSON.stringify(response.body)).not.toContain('private words');
      }
      expect(JSON.stringify((await conversations(outsider)).body)).not.toContain('private words');
    }
  });

  test('conversations list each other person once, latest conversation first, with unread counts', async () => {
    const list = await conversations(teacher);
    expect(list.status).toBe(200);
    const ids = list.body.data.map((row: any) => row.user.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(student.id);
    const entry = list.body.data.find((row: any) => row.user.id === student.id);
    expect(entry.unreadCount).toBeGreaterThan(0);
    expect((await app.request.get('/api/me/conversations')).status).toBe(401);
  });

  test('conversations come latest first with exact unread counts, and paginate', async () => {
    const tutor = await make.createUser('teacher');
    const small = await make.createCourse({ teacher: tutor, lessons: 1 });
    const pupils = [
      await make.createUser('student'),
      await make.createUser('student'),
      await make.createUser('student'),
    ];
    for (const pupil of pupils) await make.enroll(pupil, small);
    await send(pupils[0], tutor.id, { body: 'from 0, first' });
    await send(pupils[1], tutor.id, { body: 'from 1' });
    await send(pupils[1], tutor.id, { body: 'from 1 again' });
    expect((await send(tutor, pupils[2].id, { body: 'to 2' })).status).toBe(201);
    await send(pupils[0], tutor.id, { body: 'from 0, latest' });

    const list = await conversations(tutor);
    expect(list.body.data.map((row: any) => [row.user.id, row.lastMessage.body, row.unreadCount])).toEqual([
      [pupils[0].id, 'from 0, latest', 2],
      [pupils[2].id, 'to 2', 0],
      [pupils[1].id, 'from 1 again', 2],
    ]);
    expect(list.body.meta.pagination).toEqual({ page: 1, pageSize: 25, pageCount: 1, total: 3 });
    const second = await app.request
      .get('/api/me/conversations')
      .query({ 'pagination[page]': 2, 'pagination[pageSize]': 2 })
      .set(tutor.auth);
    expect(second.body.data.map((row: any) => row.user.id)).toEqual([pupils[1].id]);
    expect(second.body.meta.pagination).toEqual({ page: 2, pageSize: 2, pageCount: 2, total: 3 });
    // The pupil's side of the same conversation.
    const pupilSide = (await conversations(pupils[2])).body.data;
    expect(pupilSide).toEqual([
      expect.objectContaining({ user: expect.objectContaining({ id: tutor.id }), unreadCount: 1 }),
    ]);
  });

  test('twenty messages sent at once are all stored and all counted unread; one read marks them all', async () => {
    const [pupil, tutor] = [await make.createUser('student'), await make.createUser('teacher')];
    const small = await make.createCourse({ teacher: tutor, lessons: 1 });
    await make.enroll(pupil, small);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) => send(pupil, tutor.id, { body: `burst ${index}` }))
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
    expect((await conversations(tutor)).body.data[0]).toMatchObject({ user: { id: pupil.id }, unreadCount: 20 });
    await Promise.all([read(tutor, pupil.id), read(tutor, pupil.id)]);
    expect((await conversations(tutor)).body.data[0].unreadCount).toBe(0);
    expect((await read(tutor, pupil.id)).body.meta.pagination.total).toBe(20);
  });

  test('paginates a long conversation', async () => {
    const [pupil, tutor] = [await make.createUser('student'), await make.createUser('teacher')];
    const small = await make.createCourse({ teacher: tutor, lessons: 1 });
    await make.enroll(pupil, small);
    for (let index = 1; index <= 5; index += 1)
      expect((await send(pupil, tutor.id, { body: `m${index}` })).status).toBe(201);
    const page = await read(tutor, pupil.id, { 'pagination[page]': 2, 'pagination[pageSize]': 2 });
    expect(page.body.data.map((row: any) => row.body)).toEqual(['m3', 'm4']);
    expect(page.body.meta.pagination).toEqual({ page: 2, pageSize: 2, pageCount: 3, total: 5 });
  });

  test('a new message notifies the recipient', async () => {
    const [pupil, tutor] = [
      await make.createUser('student', { fullName: 'Nina Pupil' }),
      await make.createUser('teacher'),
    ];
    const small = await make.createCourse({ teacher: tutor, lessons: 1 });
    await make.enroll(pupil, small);
    await send(pupil, tutor.id, { body: 'ping' });
    const notices = (await app.request.get('/api/me/notifications').set(tutor.auth)).body.data;
    expect(notices).toEqual([
      expect.objectContaining({
        type: 'new_message',
        title: 'New message from Nina Pupil',
        link: `/conversations/${pupil.id}`,
      }),
    ]);
    expect((await app.request.get('/api/me/notifications').set(pupil.auth)).body.data).toEqual([]);
  });
});
