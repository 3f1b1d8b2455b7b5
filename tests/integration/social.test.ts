import { factories, type TestUser } from '../helpers/factories';
import { MP4 } from '../helpers/sample-files';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/** Social learning (contract "Social learning"): posts, follows, likes, comments, quiz posts. */
let app: TestApp;
let make: ReturnType<typeof factories>;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let admin: TestUser;
let algebra: { documentId: string };
let poetry: { documentId: string };

const POST_TABLE = 'api::post.post';

async function createTag(name: string) {
  return app.strapi.documents('api::tag.tag' as any).create({ data: { name } as any });
}

function createPost(user: TestUser, body: Record<string, unknown>, query = '') {
  return app.request.post(`/api/posts${query}`).set(user.auth).send(body);
}

async function publishedPost(user: TestUser, overrides: Record<string, unknown> = {}) {
  const response = await createPost(user, { kind: 'note', title: 'A note', body: 'Some text', ...overrides });
  if (response.status !== 201) throw new Error(`post failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.data;
}

const students = (count: number) => Promise.all(Array.from({ length: count }, () => make.createUser('student')));

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  [alice, bob, carol, admin] = await Promise.all([
    make.createUser('student'),
    make.createUser('student'),
    make.createUser('teacher'),
    make.createUser('admin'),
  ]);
  algebra = await createTag('Algebra');
  poetry = await createTag('Poetry');
});
afterAll(stopLyceum);

describe('posts', () => {
  test('a student publishes an article with tags; scripts, handlers and javascript: links are stripped', async () => {
    const response = await createPost(alice, {
      kind: 'article',
      title: 'Quadratics <b>made</b> easy',
      body: '# Intro\n\nSolve **x**.<script>alert(1)</script><img src=x onerror="alert(2)"> [click](javascript:alert(3)) <a href="javascript:alert(4)" onclick="x()">a</a>',
      tags: [algebra.documentId],
    });
    expect(response.status).toBe(201);
    const post = response.body.data;
    expect(post).toMatchObject({
      kind: 'article',
      title: 'Quadratics made easy',
      visibility: 'public',
      status: 'published',
      likesCount: 0,
      commentsCount: 0,
      likedByMe: false,
      tags: [{ documentId: algebra.documentId, name: 'Algebra' }],
      author: { id: alice.id, username: alice.username },
    });
    expect(post.publishedAt).toEqual(expect.any(String));
    expect(post.body).toContain('Solve **x**.');
    for (const bad of ['<script', 'alert(1)', 'onerror', 'onclick', 'javascript:'])
      expect(post.body).not.toContain(bad);
    expect(Object.keys(post.author).sort()).toEqual(['avatar', 'fullName', 'id', 'username']);
    expect(JSON.stringify(post)).not.toContain(alice.email);
  });

  test('bad input is 400: oversized body, unknown tag, bad kind, unknown field, empty title; the public is 401', async () => {
    const oversized = await createPost(alice, { kind: 'article', title: 'Long', body: 'x'.repeat(50_001) });
    expect(oversized.status).toBe(400);
    expect(oversized.body.error.details.errors[0].path).toEqual(['body']);
    expect((await createPost(alice, { kind: 'article', title: 'Fits', body: 'x'.repeat(50_000) })).status).toBe(201);
    const unknownTag = await createPost(alice, { kind: 'note', title: 'T', body: 'b', tags: ['nosuchtag0000'] });
    expect(unknownTag.status).toBe(400);
    expect(unknownTag.body.error.details.reason).toBe('unknown_tag');
    expect((await createPost(alice, { kind: 'poem', title: 'T', body: 'b' })).status).toBe(400);
    expect((await createPost(alice, { kind: 'note', title: 'T', body: 'b', likesCount: 99 })).status).toBe(400);
    expect((await createPost(alice, { kind: 'note', title: '  ', body: 'b' })).status).toBe(400);
    expect((await createPost(alice, { kind: 'note', title: 'T', body: 'b', visibility: 'friends' })).status).toBe(400);
    expect((await createPost(alice, { kind: 'note', title: 'T', body: 'b' }, '?status=maybe')).status).toBe(400);
    expect((await createPost(alice, { kind: 'note', title: 'T', body: '<script>x()</script>' })).status).toBe(400);
    expect((await app.request.post('/api/posts').send({ kind: 'note', title: 'T', body: 'b' })).status).toBe(401);
  });

  test("a draft is its author's only: another's draft is 404, and it stays out of the public list", async () => {
    const draft = await createPost(alice, { kind: 'note', title: 'Half done', body: 'wip' }, '?status=draft');
    expect(draft.status).toBe(201);
    expect(draft.body.data).toMatchObject({ status: 'draft', publishedAt: null });
    const documentId = draft.body.data.documentId;
    expect((await app.request.get(`/api/posts/${documentId}`).set(bob.auth)).status).toBe(404);
    expect((await app.request.get(`/api/posts/${documentId}`)).status).toBe(404);
    expect((await app.request.get(`/api/posts/${documentId}?status=draft`).set(alice.auth)).status).toBe(200);
    expect((await app.request.put(`/api/posts/${documentId}/like`).set(bob.auth)).status).toBe(404);
    const mine = await app.request.get('/api/me/posts').set(alice.auth);
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((post: any) => post.documentId)).toContain(documentId);
    const listed = await app.request.get(`/api/users/${alice.id}/posts`).set(alice.auth);
    expect(listed.body.data.map((post: any) => post.documentId)).not.toContain(documentId);
    // Publishing stamps the time and lists it.
    const published = await app.request.put(`/api/posts/${documentId}?status=published`).set(alice.auth).send({});
    expect(published.status).toBe(200);
    expect(published.body.data.status).toBe('published');
    expect(published.body.data.publishedAt).toEqual(expect.any(String));
    expect((await app.request.get(`/api/posts/${documentId}`)).status).toBe(200);
  });

  test('only the author or an admin edits and deletes; deleting takes the post away', async () => {
    const post = await publishedPost(alice, { title: 'Mine' });
    const path = `/api/posts/${post.documentId}`;
    const byOther = await app.request.put(path).set(bob.auth).send({ title: 'Stolen' });
    expect(byOther.status).toBe(403);
    expect(byOther.body.error.details.reason).toBe('not_post_author');
    expect((await app.request.delete(path).set(bob.auth)).status).toBe(403);
    const edited = await app.request
      .put(path)
      .set(alice.auth)
      .send({ title: 'Mine, edited', tags: [poetry.documentId] });
    expect(edited.status).toBe(200);
    expect(edited.body.data).toMatchObject({ title: 'Mine, edited', tags: [{ documentId: poetry.documentId }] });
    expect((await app.request.put(path).set(admin.auth).send({ title: 'Fixed by staff' })).body.data.title).toBe(
      'Fixed by staff'
    );
    expect((await app.request.delete(path).set(admin.auth)).status).toBe(200);
    expect((await app.request.get(path).set(alice.auth)).status).toBe(404);
    expect((await app.request.get('/api/posts/nosuchpost0000')).status).toBe(404);
  });

  test('a video post stores its uploaded video; without one it is refused', async () => {
    expect((await createPost(alice, { kind: 'video', title: 'Lecture' })).status).toBe(400);
    const upload = await app.request
      .post('/api/upload')
      .set(alice.auth)
      .attach('files', MP4, { filename: 'lecture.mp4', contentType: 'video/mp4' });
    expect(upload.status).toBe(201);
    const fileId = upload.body[0].id;
    expect((await createPost(bob, { kind: 'video', title: 'Not mine', video: fileId })).status).toBe(403);
    const post = await createPost(alice, { kind: 'video', title: 'Lecture 1', body: 'Watch this', video: fileId });
    expect(post.status).toBe(201);
    expect(post.body.data.video).toMatchObject({ id: fileId, mime: 'video/mp4' });
    expect((await createPost(alice, { kind: 'note', title: 'N', body: 'b', video: fileId })).status).toBe(400);
  });

  test('followers-only posts: 404 to others (read, like, comment, list) until they follow', async () => {
    const post = await publishedPost(carol, { title: 'For my followers', visibility: 'followers' });
    const path = `/api/posts/${post.documentId}`;
    expect((await app.request.get(path).set(bob.auth)).status).toBe(404);
    expect((await app.request.get(path)).status).toBe(404);
    expect((await app.request.put(`${path}/like`).set(bob.auth)).status).toBe(404);
    expect((await app.request.post(`${path}/comments`).set(bob.auth).send({ body: 'hi' })).status).toBe(404);
    expect((await app.request.get(`${path}/comments`).set(bob.auth)).status).toBe(404);
    const list = await app.request.get(`/api/users/${carol.id}/posts`).set(bob.auth);
    expect(list.body.data.map((row: any) => row.documentId)).not.toContain(post.documentId);
    expect((await app.request.put(`/api/users/${carol.id}/follow`).set(bob.auth)).status).toBe(200);
    expect((await app.request.get(path).set(bob.auth)).status).toBe(200);
    expect((await app.request.put(`${path}/like`).set(bob.auth)).status).toBe(200);
    const listed = await app.request.get(`/api/users/${carol.id}/posts`).set(bob.auth);
    expect(listed.body.data.map((row: any) => row.documentId)).toContain(post.documentId);
    await app.request.delete(`/api/users/${carol.id}/follow`).set(bob.auth);
    expect((await app.request.get(path).set(bob.auth)).status).toBe(404);
  });

  test('GET /users/:id/posts pages newest first by cursor; unknown user 404, bad cursor 400', async () => {
    const author = await make.createUser('student');
    const made = [];
    for (let index = 0; index < 5; index += 1) made.push(await publishedPost(author, { title: `P${index}` }));
    const first = await app.request.get(`/api/users/${author.id}/posts?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.data.map((post: any) => post.title)).toEqual(['P4', 'P3']);
    const second = await app.request.get(`/api/users/${author.id}/posts?limit=2&cursor=${first.body.meta.nextCursor}`);
    const third = await app.request.get(`/api/users/${author.id}/posts?limit=2&cursor=${second.body.meta.nextCursor}`);
    expect([...second.body.data, ...third.body.data].map((post: any) => post.title)).toEqual(['P2', 'P1', 'P0']);
    expect(third.body.meta.nextCursor).toBeNull();
    expect((await app.request.get('/api/users/999999/posts')).status).toBe(404);
    expect((await app.request.get(`/api/users/${author.id}/posts?cursor=garbage!`)).status).toBe(400);
    expect((await app.request.get(`/api/users/${author.id}/posts?limit=500`)).status).toBe(400);
  });
});

describe('follows', () => {
  test('PUT is idempotent, DELETE too; following oneself is 400; unknown users 404', async () => {
    const [fan, star] = await students(2);
    const follow = () => app.request.put(`/api/users/${star.id}/follow`).set(fan.auth);
    const results = await Promise.all([follow(), follow(), follow(), follow(), follow()]);
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results[0].body.data).toEqual({ user: { id: star.id }, following: true });
    expect(await app.strapi.db.query('api::follow.follow').count({ where: { followerId: fan.id } })).toBe(1);
    expect((await app.request.put(`/api/users/${fan.id}/follow`).set(fan.auth)).status).toBe(400);
    expect((await app.request.put('/api/users/999999/follow').set(fan.auth)).status).toBe(404);
    expect((await app.request.put('/api/users/abc/follow').set(fan.auth)).status).toBe(400);
    expect((await app.request.put(`/api/users/${star.id}/follow`)).status).toBe(401);

    const followers = await app.request.get(`/api/users/${star.id}/followers`);
    expect(followers.status).toBe(200);
    expect(followers.body.data).toEqual([
      { id: fan.id, username: fan.username, fullName: expect.any(String), avatar: null },
    ]);
    expect(followers.body.meta.total).toBe(1);
    const following = await app.request.get(`/api/users/${fan.id}/following`);
    expect(following.body.data.map((row: any) => row.id)).toEqual([star.id]);
    expect(JSON.stringify(following.body)).not.toContain('@example.test');

    expect((await app.request.delete(`/api/users/${star.id}/follow`).set(fan.auth)).body.data.following).toBe(false);
    expect((await app.request.delete(`/api/users/${star.id}/follow`).set(fan.auth)).status).toBe(200);
    expect((await app.request.get(`/api/users/${star.id}/followers`)).body.data).toEqual([]);
  });
});

describe('likes', () => {
  test('50 different users liking one post at once count exactly 50; one user 10 times counts once', async () => {
    const post = await publishedPost(alice, { title: 'Hot post' });
    const fans = await students(50);
    const responses = await Promise.all(
      fans.map((fan) => app.request.put(`/api/posts/${post.documentId}/like`).set(fan.auth))
    );
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    const row = await app.strapi.db.query(POST_TABLE).findOne({ where: { documentId: post.documentId } });
    expect(row.likesCount).toBe(50);
    expect(
      await app.strapi.db.query('api::post-like.post-like').count({ where: { targetType: 'post', targetId: row.id } })
    ).toBe(50);

    const repeats = await Promise.all(
      Array.from({ length: 10 }, () => app.request.put(`/api/posts/${post.documentId}/like`).set(bob.auth))
    );
    expect(repeats.map((response) => response.status)).toEqual(Array(10).fill(200));
    const shown = await app.request.get(`/api/posts/${post.documentId}`).set(bob.auth);
    expect(shown.body.data).toMatchObject({ likesCount: 51, likedByMe: true });

    const unlikes = await Promise.all(
      fans
        .slice(0, 20)
        .flatMap((fan) => [
          app.request.delete(`/api/posts/${post.documentId}/like`).set(fan.auth),
          app.request.delete(`/api/posts/${post.documentId}/like`).set(fan.auth),
        ])
    );
    expect(unlikes.every((response) => response.status === 200)).toBe(true);
    const after = await app.request.get(`/api/posts/${post.documentId}`).set(fans[0].auth);
    expect(after.body.data).toMatchObject({ likesCount: 31, likedByMe: false });
  });
});

describe('comments', () => {
  test('replies nest three deep, each level oldest first, with likes; a deleted comment keeps its replies', async () => {
    const post = await publishedPost(carol, { title: 'Discuss' });
    const comment = (user: TestUser, body: string, parent?: string) =>
      app.request
        .post(`/api/posts/${post.documentId}/comments`)
        .set(user.auth)
        .send(parent ? { body, parent } : { body });
    const first = await comment(
      alice,
      'First <script>x()</script><b onclick="y()">bold</b> <a href="javascript:z()">l</a>'
    );
    expect(first.status).toBe(201);
    expect(first.body.data.body).not.toMatch(/script|onclick|javascript/);
    const reply = await comment(bob, 'Reply 1', first.body.data.documentId);
    const deeper = await comment(alice, 'Reply 2', reply.body.data.documentId);
    const deepest = await comment(carol, 'Reply 3', deeper.body.data.documentId);
    expect(deepest.status).toBe(201);
    const secondReply = await comment(carol, 'Reply 1b', first.body.data.documentId);
    const second = await comment(bob, 'Second');
    expect(second.status).toBe(201);

    const likers = await students(20);
    const likes = await Promise.all(
      likers.map((user) => app.request.put(`/api/post-comments/${reply.body.data.documentId}/like`).set(user.auth))
    );
    expect(likes.every((response) => response.status === 200)).toBe(true);
    await app.request.put(`/api/post-comments/${reply.body.data.documentId}/like`).set(alice.auth);
    await app.request.put(`/api/post-comments/${reply.body.data.documentId}/like`).set(alice.auth);

    const thread = await app.request.get(`/api/posts/${post.documentId}/comments`).set(alice.auth);
    expect(thread.status).toBe(200);
    const [top1, top2] = thread.body.data;
    expect(thread.body.data).toHaveLength(2);
    expect(top1.body).toContain('First');
    expect(top2.body).toBe('Second');
    expect(top1.replies.map((node: any) => node.body)).toEqual(['Reply 1', 'Reply 1b']);
    expect(top1.replies[0]).toMatchObject({ likesCount: 21, likedByMe: true, parent: first.body.data.documentId });
    expect(top1.replies[0].replies[0].body).toBe('Reply 2');
    expect(top1.replies[0].replies[0].replies[0]).toMatchObject({ body: 'Reply 3', author: { id: carol.id } });
    expect(JSON.stringify(thread.body)).not.toContain('@example.test');
    const shown = await app.request.get(`/api/posts/${post.documentId}`);
    expect(shown.body.data.commentsCount).toBe(6);

    // Deleting keeps the replies under a placeholder; only author, post author or admin may.
    expect((await app.request.delete(`/api/post-comments/${reply.body.data.documentId}`).set(alice.auth)).status).toBe(
      403
    );
    expect((await app.request.delete(`/api/post-comments/${reply.body.data.documentId}`).set(bob.auth)).status).toBe(
      200
    );
    const after = await app.request.get(`/api/posts/${post.documentId}/comments`).set(alice.auth);
    expect(after.body.data[0].replies[0]).toMatchObject({ body: null, author: null, isDeleted: true });
    expect(after.body.data[0].replies[0].replies[0].body).toBe('Reply 2');
    expect((await app.request.get(`/api/posts/${post.documentId}`)).body.data.commentsCount).toBe(5);
    expect((await app.request.put(`/api/post-comments/${reply.body.data.documentId}/like`).set(bob.auth)).status).toBe(
      404
    );
    // A leaf deleted leaves the tree.
    await app.request.delete(`/api/post-comments/${secondReply.body.data.documentId}`).set(admin.auth);
    const later = await app.request.get(`/api/posts/${post.documentId}/comments`);
    expect(later.body.data[0].replies.map((node: any) => node.documentId)).toEqual([reply.body.data.documentId]);
  });

  test('bad comments are 400: empty, markup only, too long, a parent from another post', async () => {
    const post = await publishedPost(carol, { title: 'Rules' });
    const other = await publishedPost(carol, { title: 'Other' });
    const foreign = await app.request.post(`/api/posts/${other.documentId}/comments`).set(bob.auth).send({ body: 'x' });
    const send = (body: unknown) =>
      app.request
        .post(`/api/posts/${post.documentId}/comments`)
        .set(bob.auth)
        .send(body as object);
    expect((await send({ body: '' })).status).toBe(400);
    expect((await send({ body: '<script>alert(1)</script>' })).status).toBe(400);
    expect((await send({ body: 'x'.repeat(10_001) })).status).toBe(400);
    expect((await send({ body: 'ok', parent: foreign.body.data.documentId })).status).toBe(400);
    expect((await send({ body: 'ok', extra: 1 })).status).toBe(400);
    expect((await app.request.post(`/api/posts/${post.documentId}/comments`).send({ body: 'x' })).status).toBe(401);
  });
});

describe('quiz posts', () => {
  const questions = [
    {
      type: 'single',
      prompt: '2 + 2?',
      points: 2,
      options: [
        { text: '3', correct: false },
        { text: '4', correct: true },
      ],
      explanation: 'Count.',
    },
    { type: 'short_text', prompt: 'Capital of France?', acceptedAnswers: ['Paris'] },
    { type: 'numeric', prompt: 'Pi to 2 places', numericAnswer: 3.14, tolerance: 0.005 },
  ];

  test('attempts hide the answers, submit scores and shows them; attempts are unlimited; no enrollment', async () => {
    const created = await createPost(carol, {
      kind: 'quiz',
      title: 'Self-check',
      questions,
      tags: [algebra.documentId],
    });
    expect(created.status).toBe(201);
    expect(created.body.data.questionsCount).toBe(3);
    expect(JSON.stringify(created.body)).not.toContain('Paris');
    const documentId = created.body.data.documentId;
    expect(JSON.stringify((await app.request.get(`/api/posts/${documentId}`)).body)).not.toContain('correct');

    const attempt = await app.request.post(`/api/posts/${documentId}/attempts`).set(bob.auth);
    expect(attempt.status).toBe(201);
    const text = JSON.stringify(attempt.body);
    for (const secret of ['correct', 'Paris', '3.14', 'acceptedAnswers', 'explanation'])
      expect(text).not.toContain(secret);
    const [single, short, numeric] = attempt.body.data.questions;
    const rightOption = single.options.find((option: any) => option.text === '4').id;
    const submitted = await app.request
      .post(`/api/post-attempts/${attempt.body.data.id}/submit`)
      .set(bob.auth)
      .send({
        answers: [
          { question: single.id, choices: [rightOption] },
          { question: short.id, text: 'paris' },
          { question: numeric.id, number: 3 },
        ],
      });
    expect(submitted.status).toBe(200);
    expect(submitted.body.data).toMatchObject({ score: 3, maxScore: 4, percent: 75 });
    expect(submitted.body.data.results[0]).toMatchObject({
      correct: true,
      correctChoices: [rightOption],
      explanation: 'Count.',
    });
    expect(submitted.body.data.results[1]).toMatchObject({ correct: true, acceptedAnswers: ['Paris'] });
    expect(submitted.body.data.results[2]).toMatchObject({ correct: false, numericAnswer: 3.14 });
    expect(JSON.stringify(submitted.body)).not.toContain('certificate');

    const again = await app.request
      .post(`/api/post-attempts/${attempt.body.data.id}/submit`)
      .set(bob.auth)
      .send({ answers: [] });
    expect(again.status).toBe(409);
    expect(
      (
        await app.request
          .post(`/api/post-attempts/${attempt.body.data.id}/submit`)
          .set(alice.auth)
          .send({ answers: [] })
      ).status
    ).toBe(404);
    for (let index = 0; index < 3; index += 1)
      expect((await app.request.post(`/api/posts/${documentId}/attempts`).set(bob.auth)).status).toBe(201);
    expect(
      await app.strapi.db.query('plugin::certificates.certificate').count({ where: { user: { id: bob.id } } })
    ).toBe(0);
  });

  test('bad quizzes and attempts are refused', async () => {
    expect((await createPost(carol, { kind: 'quiz', title: 'Empty', questions: [] })).status).toBe(400);
    const noCorrect = { type: 'single', prompt: 'Q', options: [{ text: 'a' }, { text: 'b' }] };
    expect((await createPost(carol, { kind: 'quiz', title: 'Bad', questions: [noCorrect] })).status).toBe(400);
    expect((await createPost(carol, { kind: 'note', title: 'N', body: 'b', questions })).status).toBe(400);
    const note = await publishedPost(carol);
    const notQuiz = await app.request.post(`/api/posts/${note.documentId}/attempts`).set(bob.auth);
    expect(notQuiz.status).toBe(400);
    expect(notQuiz.body.error.details.reason).toBe('not_a_quiz');
    expect(
      (await app.request.post('/api/post-attempts/999999/submit').set(bob.auth).send({ answers: [] })).status
    ).toBe(404);
  });
});

describe('odd input never reaches a 500', () => {
  test('unknown files, huge ids, bad parents and wrong types answer 4xx', async () => {
    const video = await createPost(alice, { kind: 'video', title: 'V', video: 99999999 });
    expect(video.status).toBeGreaterThanOrEqual(400);
    expect(video.status).toBeLessThan(500);
    expect((await createPost(alice, { kind: 'video', title: 'V', video: 'x' })).status).toBe(400);
    expect((await createPost(alice, { kind: 'note', title: 'T', body: 'b', tags: [123] })).status).toBe(400);
    expect((await createPost(alice, { kind: 'note', title: 'T', body: 12 })).status).toBe(400);
    expect((await createPost(alice, { kind: 'quiz', title: 'Q', questions: 'all of them' })).status).toBe(400);
    expect((await app.request.post('/api/posts').set(alice.auth).send('[1,2]').type('json')).status).toBe(400);
    expect((await app.request.get('/api/users/99999999999/posts')).status).toBe(400);
    expect((await app.request.put('/api/users/2147483648/follow').set(alice.auth)).status).toBe(400);
    expect((await app.request.post('/api/post-attempts/99999999999/submit').set(alice.auth).send({})).status).toBe(400);
    expect((await app.request.get('/api/posts/bad-id!/comments')).status).toBe(400);
    const post = await publishedPost(carol, { title: 'Parents' });
    const comment = await app.request.post(`/api/posts/${post.documentId}/comments`).set(bob.auth).send({ body: 'x' });
    await app.request.delete(`/api/post-comments/${comment.body.data.documentId}`).set(bob.auth);
    const toDeleted = await app.request
      .post(`/api/posts/${post.documentId}/comments`)
      .set(bob.auth)
      .send({ body: 'y', parent: comment.body.data.documentId });
    expect(toDeleted.status).toBe(400);
    expect(
      (await app.request.post(`/api/posts/${post.documentId}/comments`).set(bob.auth).send({ body: 'y', parent: 5 }))
        .status
    ).toBe(400);
    // Back to draft: it leaves the lists and others get 404 again.
    expect((await app.request.put(`/api/posts/${post.documentId}?status=draft`).set(carol.auth).send({})).status).toBe(
      200
    );
    expect((await app.request.get(`/api/posts/${post.documentId}`).set(bob.auth)).status).toBe(404);
  });
});
