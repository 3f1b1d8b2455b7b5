import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;
let otherTeacher: TestUser;
let student: TestUser;
let classmate: TestUser;
let outsider: TestUser;
let admin: TestUser;
let course: TestCourse;
let lessonId: string;
let assignmentId: string;
let submissionId: string;

const COMMENT = 'api::comment.comment';
const post = (user: TestUser | null, path: string, body: unknown) =>
  app.request
    .post(`/api${path}/comments`)
    .set(user ? user.auth : {})
    .send(body as object);
const list = (user: TestUser | null, path: string) =>
  app.request.get(`/api${path}/comments`).set(user ? user.auth : {});

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  jest.spyOn(app.strapi.plugin('email').service('email'), 'send').mockResolvedValue(undefined as never);
  [owner, otherTeacher, student, classmate, outsider, admin] = await Promise.all([
    make.createUser('teacher'),
    make.createUser('teacher'),
    make.createUser('student', { fullName: 'Sam Student' }),
    make.createUser('student'),
    make.createUser('student'),
    make.createUser('admin'),
  ]);
  course = await make.createCourse({ teacher: owner, lessons: 1 });
  lessonId = course.lessons[0].documentId;
  await make.enroll(student, course);
  await make.enroll(classmate, course);
  assignmentId = (await make.createAssignment(course)).documentId;
  const submission = await app.strapi.documents('api::submission.submission').create({
    data: {
      key: `${student.id}:${assignmentId}`,
      assignment: assignmentId,
      student: student.documentId,
      text: 'My work',
      status: 'submitted',
      submittedAt: new Date().toISOString(),
    } as any,
  });
  submissionId = submission.documentId;
});
afterAll(stopLyceum);

describe('lesson and assignment discussions', () => {
  test('members comment and reply at any depth; the tree comes back nested, each level oldest first', async () => {
    const path = `/lessons/${lessonId}`;
    const top = await post(student, path, { body: 'First question' });
    expect(top.status).toBe(201);
    expect(top.body.data).toMatchObject({
      body: 'First question',
      parent: null,
      author: { id: student.id, fullName: 'Sam Student' },
      isHidden: false,
      isDeleted: false,
      replies: [],
    });
    const second = await post(classmate, path, { body: 'Second topic' });
    const reply = await post(owner, path, { body: 'An answer', parent: top.body.data.documentId });
    expect(reply.status).toBe(201);
    expect(reply.body.data.parent).toBe(top.body.data.documentId);
    const deeper = await post(student, path, { body: 'Follow-up', parent: reply.body.data.documentId });
    const deepest = await post(admin, path, { body: 'Admin note', parent: deeper.body.data.documentId });
    expect(deepest.status).toBe(201);
    const laterReply = await post(classmate, path, { body: 'Me too', parent: top.body.data.documentId });

    const thread = await list(classmate, path);
    expect(thread.status).toBe(200);
    expect(thread.body.meta.total).toBe(6);
    const [first, secondTop] = thread.body.data;
    expect(thread.body.data.map((node: any) => node.documentId)).toEqual([
      top.body.data.documentId,
      second.body.data.documentId,
    ]);
    expect(first.replies.map((node: any) => node.documentId)).toEqual([
      reply.body.data.documentId,
      laterReply.body.data.documentId,
    ]);
    expect(first.replies[0].replies[0].replies[0]).toMatchObject({ body: 'Admin note', author: { id: admin.id } });
    expect(secondTop.replies).toEqual([]);
    expect(JSON.stringify(thread.body)).not.toContain('@example.test');
  });

  test('outsiders and teachers of other courses are refused with 403 not_enrolled, the public with 401; nothing is stored', async () => {
    const before = await app.strapi.db.query(COMMENT).count();
    for (const path of [`/lessons/${lessonId}`, `/assignments/${assignmentId}`]) {
      for (const user of [outsider, otherTeacher]) {
        const reading = await list(user, path);
        expect(reading.status).toBe(403);
        expect(reading.body.error.details.reason).toBe('not_enrolled');
        const writing = await post(user, path, { body: 'Let me in' });
        expect(writing.status).toBe(403);
        expect(writing.body.error.details.reason).toBe('not_enrolled');
      }
      expect((await list(null, path)).status).toBe(401);
      expect((await post(null, path, { body: 'x' })).status).toBe(401);
    }
    expect(await app.strapi.db.query(COMMENT).count()).toBe(before);
  });

  test('assignment discussions work the same way', async () => {
    const path = `/assignments/${assignmentId}`;
    expect((await post(student, path, { body: 'When is it due?' })).status).toBe(201);
    expect((await list(owner, path)).body.data.map((node: any) => node.body)).toEqual(['When is it due?']);
  });

  test('unknown targets are 404, malformed ids 400', async () => {
    expect((await list(student, '/lessons/nosuchlesson0000000000000')).status).toBe(404);
    expect((await post(student, '/assignments/nosuchassignment000000000', { body: 'x' })).status).toBe(404);
    expect((await post(student, '/submissions/nosuchsubmission000000000', { body: 'x' })).status).toBe(404);
    expect((await list(student, '/lessons/bad-id!')).status).toBe(400);
  });

  test('a draft lesson has no discussion for students (404) but its teachers see it', async () => {
    const draft = await app.strapi
      .documents('api::lesson.lesson')
      .create({ locale: 'en', data: { title: 'Draft', position: 9, course: course.documentId } as any });
    expect((await list(student, `/lessons/${draft.documentId}`)).status).toBe(404);
    expect((await list(owner, `/lessons/${draft.documentId}`)).status).toBe(200);
  });
});

describe('bad input', () => {
  test('empty, oversized, non-text and unknown-field bodies are 400 naming the field; nothing is stored', async () => {
    const before = await app.strapi.db.query(COMMENT).count();
    const path = `/lessons/${lessonId}`;
    const cases: Array<[unknown, string]> = [
      [{}, 'body'],
      [{ body: '' }, 'body'],
      [{ body: '  \n ' }, 'body'],
      [{ body: '<script>alert(1)</script>' }, 'body'],
      [{ body: 'x'.repeat(5001) }, 'body'],
      [{ body: ['a'] }, 'body'],
      [{ body: 'ok', author: admin.id }, 'author'],
      [{ body: 'ok', parent: 'not a document id!' }, 'parent'],
    ];
    for (const [body, field] of cases) {
      const response = await post(student, path, body);
      expect(response.status).toBe(400);
      expect(response.body.error.details.errors.map((error: any) => error.path.join('.'))).toContain(field);
    }
    expect(await app.strapi.db.query(COMMENT).count()).toBe(before);
  });

  test('a reply whose parent belongs to another discussion (or does not exist) is 400', async () => {
    const onAssignment = await post(student, `/assignments/${assignmentId}`, { body: 'Elsewhere' });
    const before = await app.strapi.db.query(COMMENT).count();
    for (const parent of [onAssignment.body.data.documentId, 'nosuchcomment00000000000']) {
      const response = await post(student, `/lessons/${lessonId}`, { body: 'Reply', parent });
      expect(response.status).toBe(400);
      expect(response.body.error.details.errors[0].path).toEqual(['parent']);
    }
    const otherCourse = await make.createCourse({ teacher: owner, lessons: 1 });
    await make.enroll(student, otherCourse);
    const lessonComment = await post(student, `/lessons/${lessonId}`, { body: 'Here' });
    expect(
      (
        await post(student, `/lessons/${otherCourse.lessons[0].documentId}`, {
          body: 'Reply',
          parent: lessonComment.body.data.documentId,
        })
      ).status
    ).toBe(400);
    expect(await app.strapi.db.query(COMMENT).count()).toBe(before + 1);
  });

  test('stored XSS is impossible: scripts, on* handlers and javascript: links are removed before storing', async () => {
    const response = await post(student, `/lessons/${lessonId}`, {
      body: '<p onmouseover="steal()">Look</p><script>document.cookie</script><a href="javascript:alert(1)">x</a><a href="JaVaScRiPt:alert(1)">y</a><img src=x onerror="alert(1)"><iframe src="https://evil.example"></iframe><a href="https://example.org" target="_blank">fine</a>',
    });
    expect(response.status).toBe(201);
    const stored = await app.strapi.db.query(COMMENT).findOne({ where: { documentId: response.body.data.documentId } });
    for (const text of [stored.body, response.body.data.body]) {
      expect(text).not.toMatch(/<script|onmouseover|onerror|javascript:|<iframe|<img|target=/i);
      expect(text).toContain('<p>Look</p>');
      expect(text).toContain('<a href="https://example.org" rel="noopener noreferrer nofollow">fine</a>');
    }
  });
});

describe('submission discussions', () => {
  test('only the submitting student and the course teachers (and admins) take part', async () => {
    const path = `/submissions/${submissionId}`;
    expect((await post(student, path, { body: 'Did I get it right?' })).status).toBe(201);
    expect((await post(owner, path, { body: 'Mostly' })).status).toBe(201);
    expect((await list(admin, path)).body.data.map((node: any) => node.body)).toEqual([
      'Did I get it right?',
      'Mostly',
    ]);
    for (const user of [classmate, outsider, otherTeacher]) {
      const reading = await list(user, path);
      expect(reading.status).toBe(403);
      expect(reading.body.error.details.reason).toBe('not_submission_party');
      expect((await post(user, path, { body: 'Peek' })).status).toBe(403);
    }
  });
});

describe('deleting and moderating', () => {
  test('authors delete their own comments; others cannot; replies stay under a deleted placeholder', async () => {
    const path = `/lessons/${lessonId}`;
    const parent = await post(student, path, { body: 'To be deleted' });
    const child = await post(classmate, path, { body: 'A reply that stays', parent: parent.body.data.documentId });
    const lonely = await post(student, path, { body: 'Gone entirely' });

    const refused = await app.request.delete(`/api/comments/${parent.body.data.documentId}`).set(classmate.auth);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.reason).toBe('not_comment_author');
    expect(
      (await app.request.delete(`/api/comments/${parent.body.data.documentId}`).set(otherTeacher.auth)).status
    ).toBe(403);

    const deleted = await app.request.delete(`/api/comments/${parent.body.data.documentId}`).set(student.auth);
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual({ documentId: parent.body.data.documentId, isDeleted: true });
    expect((await app.request.delete(`/api/comments/${lonely.body.data.documentId}`).set(student.auth)).status).toBe(
      200
    );
    expect((await app.request.delete(`/api/comments/${lonely.body.data.documentId}`).set(student.auth)).status).toBe(
      404
    );

    const thread = (await list(classmate, path)).body.data;
    const placeholder = thread.find((node: any) => node.documentId === parent.body.data.documentId);
    expect(placeholder).toMatchObject({ body: null, author: null, isDeleted: true });
    expect(placeholder.replies.map((node: any) => node.documentId)).toEqual([child.body.data.documentId]);
    expect(JSON.stringify(thread)).not.toContain('To be deleted');
    expect(JSON.stringify(thread)).not.toContain('Gone entirely');
    // A deleted comment takes no more replies.
    expect((await post(classmate, path, { body: 'Late', parent: parent.body.data.documentId })).status).toBe(400);
  });

  test('owners hide and delete any comment in their course; students cannot hide; hidden bodies reach only moderators', async () => {
    const path = `/lessons/${lessonId}`;
    const rude = await post(classmate, path, { body: 'Something rude' });
    const id = rude.body.data.documentId;
    const byStudent = await app.request.post(`/api/comments/${id}/hide`).set(student.auth);
    expect(byStudent.status).toBe(403);
    expect(byStudent.body.error.details.reason).toBe('not_course_owner');
    expect((await app.request.post(`/api/comments/${id}/hide`).set(otherTeacher.auth)).status).toBe(403);
    expect((await app.request.post(`/api/comments/${id}/hide`).set(owner.auth).send({ hidden: 'yes' })).status).toBe(
      400
    );

    const hidden = await app.request.post(`/api/comments/${id}/hide`).set(owner.auth);
    expect(hidden.status).toBe(200);
    expect(hidden.body.data).toEqual({ documentId: id, isHidden: true });
    const asStudent = (await list(student, path)).body.data.find((node: any) => node.documentId === id);
    expect(asStudent).toMatchObject({ isHidden: true, body: null });
    const asOwner = (await list(owner, path)).body.data.find((node: any) => node.documentId === id);
    expect(asOwner).toMatchObject({ isHidden: true, body: 'Something rude' });

    expect(
      (await app.request.post(`/api/comments/${id}/hide`).set(admin.auth).send({ hidden: false })).body.data.isHidden
    ).toBe(false);
    expect((await app.request.delete(`/api/comments/${id}`).set(owner.auth)).status).toBe(200);
    expect((await app.request.post('/api/comments/nosuchcomment00000000000/hide').set(owner.auth)).status).toBe(404);
  });
});

describe('notifications', () => {
  test("a reply notifies the parent's author, not a self-reply", async () => {
    const [asker, helper] = [
      await make.createUser('student'),
      await make.createUser('student', { fullName: 'Helpful Hannah' }),
    ];
    await make.enroll(asker, course);
    await make.enroll(helper, course);
    const question = await post(asker, `/lessons/${lessonId}`, { body: 'Anyone?' });
    await post(asker, `/lessons/${lessonId}`, { body: 'Bump', parent: question.body.data.documentId });
    expect((await app.request.get('/api/me/notifications').set(asker.auth)).body.data).toEqual([]);
    await post(helper, `/lessons/${lessonId}`, { body: 'Yes!', parent: question.body.data.documentId });
    const notices = (await app.request.get('/api/me/notifications').set(asker.auth)).body.data;
    expect(notices).toEqual([
      expect.objectContaining({
        type: 'comment_reply',
        title: 'Helpful Hannah replied to your comment',
        link: expect.stringContaining(lessonId),
      }),
    ]);
  });
});
