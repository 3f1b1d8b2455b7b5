import fs from 'fs';
import path from 'path';
import { unzipSync } from 'fflate';
import { eventId, sendSandboxWebhook } from '../helpers/commerce';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * A user's data (contract, "Trust and privacy"): the export (POST /me/data-export, a job, a zip served to its owner
 * for 7 days) and the erasure (DELETE /me, DELETE /users/:id), which leaves no table holding the user's email, name
 * or private text (the tables are listed by the database itself, so a new table is checked too).
 */

let app: TestApp;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
let admin: TestUser;

type Privacy = typeof import('../../src/privacy/data-exports');
const fromDist = <Module>(file: string): Module => require(path.join(process.cwd(), 'dist', 'src', 'privacy', file));

const PASSWORD = 'Secret-pass-1';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64'
);
const reasonOf = (response: { body: any }) => response.body.error?.details?.reason;
const fieldsOf = (response: { body: any }) =>
  (response.body.error?.details?.errors ?? []).map((error: { path: string[] }) => error.path.join('.'));

const binary = (request: any) =>
  request.buffer(true).parse((response: any, done: (error: Error | null, body: Buffer) => void) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => done(null, Buffer.concat(chunks)));
  });

/** Polls the export until the job has built it. */
async function waitUntilReady(user: TestUser, id: string) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const response = await app.request.get(`/api/me/data-export/${id}`).set(user.auth);
    expect(response.status).toBe(200);
    if (response.body.data.status !== 'pending') return response.body.data;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the export was not built');
}

/**
 * A student with a bit of everything: enrollment and progress, a quiz attempt with a typed answer, a submission
 * with a file, a grade, a certificate, a review, a comment, a message (which notifies the teacher with their name),
 * a favorite, an avatar, a paid order (the payment provider's payloads naming them), a contact-form message, and
 * social learning (socialStudent). `marker` is in every text they wrote.
 */
async function busyStudent(marker: string) {
  const course: TestCourse = await make.createCourse({ teacher, lessons: 2 });
  const student = await make.createUser('student', { fullName: `Erin ${marker}`, bio: `Bio ${marker}` });
  expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth)).status).toBe(201);
  expect(
    (await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth)).status
  ).toBe(200);
  const quiz = await make.createQuiz(course, { lessonIndex: 1 });
  const attempt = await app.request.post(`/api/quizzes/${quiz.documentId}/attempts`).set(student.auth);
  expect(attempt.status).toBe(201);
  const answers = attempt.body.data.questions.map((question: any) =>
    question.type === 'short_text'
      ? { question: question.id, text: `answer ${marker}` }
      : question.type === 'numeric'
        ? { question: question.id, number: 3.14 }
        : { question: question.id, choices: [question.options[0].id] }
  );
  expect(
    (await app.request.post(`/api/quiz-attempts/${attempt.body.data.id}/submit`).set(student.auth).send({ answers }))
      .status
  ).toBe(200);

  const assignment = await make.createAssignment(course);
  const submission = await app.request
    .post(`/api/assignments/${assignment.documentId}/submissions`)
    .set(student.auth)
    .field('text', `essay ${marker}`)
    .attach('files', PDF, { filename: `essay-${marker}.pdf`, contentType: 'application/pdf' });
  expect(submission.status).toBe(201);
  expect(
    (
      await app.request
        .put(`/api/submissions/${submission.body.data.documentId}/grade`)
        .set(teacher.auth)
        .send({ grade: 7, feedback: 'Well argued', status: 'graded' })
    ).status
  ).toBe(200);
  const certificate = await app.request
    .post(`/api/courses/${course.documentId}/certificates`)
    .set(teacher.auth)
    .send({ user: student.id });
  expect(certificate.status).toBe(201);
  expect(
    (
      await app.request
        .post(`/api/courses/${course.documentId}/reviews`)
        .set(student.auth)
        .send({ rating: 4, body: `Review that stays ${marker.toLowerCase()}` })
    ).status
  ).toBe(201);
  expect(
    (
      await app.request
        .post(`/api/lessons/${course.lessons[0].documentId}/comments`)
        .set(student.auth)
        .send({ body: `Comment that stays ${marker.toLowerCase()}` })
    ).status
  ).toBe(201);
  expect(
    (
      await app.request
        .post(`/api/conversations/${teacher.id}/messages`)
        .set(student.auth)
        .send({ body: `msg ${marker}` })
    ).status
  ).toBe(201);
  expect(
    (await app.request.put(`/api/lessons/${course.lessons[0].documentId}/favorite`).set(student.auth)).status
  ).toBe(200);
  const avatar = await app.request
    .post('/api/upload')
    .set(student.auth)
    .attach('files', PNG, { filename: `me-${marker}.png`, contentType: 'image/png' });
  expect(avatar.status).toBe(201);
  expect((await app.request.put('/api/users/me').set(student.auth).send({ avatar: avatar.body[0].id })).status).toBe(
    200
  );
  const paid = await make.createCourse({ teacher, lessons: 1, data: { price: 20, currency: 'USD' } });
  const order = await app.request
    .post('/api/orders')
    .set(student.auth)
    .send({ courses: [paid.documentId], provider: 'sandbox' });
  expect(order.status).toBe(201);
  // The provider's payloads are kept as received: this one (a declined card) carries the payer's email, name and
  // billing address; a second (a customer event about no order of theirs) names their email in capitals.
  const customer = { email: student.email, name: `Erin ${marker}`, address: { line1: `billing ${marker}` } };
  const paymentEvents = [
    { id: eventId(), type: 'payment.failed', order: order.body.data.documentId, customer },
    { id: eventId(), type: 'customer.updated', order: 'noorder1', customer: { email: student.email.toUpperCase() } },
  ];
  for (const event of paymentEvents) expect((await sendSandboxWebhook(app, event)).status).toBe(200);
  expect(
    (
      await app.request
        .post('/api/feedback')
        .send({ name: student.username, email: student.email, message: `hi ${marker}` })
    ).status
  ).toBe(201);
  const social = await socialStudent(student, marker);
  return {
    social,
    course,
    student,
    certificate: certificate.body.data,
    submission: submission.body.data,
    avatarUrl: avatar.body[0].url as string,
    paymentEventIds: paymentEvents.map((event) => event.id),
  };
}

const QUIZ_POST_QUESTIONS = [
  { type: 'short_text', prompt: 'Capital of France?', acceptedAnswers: ['Paris'] },
  {
    type: 'single',
    prompt: '2 + 2?',
    options: [
      { text: '3', correct: false },
      { text: '4', correct: true },
    ],
  },
];

/**
 * The student's social learning, through the HTTP routes: a published post and a draft, a comment on the teacher's
 * post, likes of the teacher's post and of the teacher's comment, a follow each way, a report of the teacher's
 * post and an answered attempt at the teacher's quiz post.
 */
async function socialStudent(student: TestUser, marker: string) {
  const lower = marker.toLowerCase();
  const post = (user: TestUser, body: Record<string, unknown>, query = '') =>
    app.request.post(`/api/posts${query}`).set(user.auth).send(body);
  const own = await post(student, { kind: 'note', title: `Post that stays ${lower}`, body: 'Notes' });
  const draft = await post(student, { kind: 'note', title: `Draft that stays ${lower}`, body: 'wip' }, '?status=draft');
  const theirs = await post(teacher, { kind: 'note', title: 'Teacher note', body: 'Read me' });
  const quizPost = await post(teacher, { kind: 'quiz', title: 'Self-check', questions: QUIZ_POST_QUESTIONS });
  for (const created of [own, draft, theirs, quizPost]) expect(created.status).toBe(201);
  const theirPost = theirs.body.data.documentId as string;
  const theirComment = await app.request
    .post(`/api/posts/${own.body.data.documentId}/comments`)
    .set(teacher.auth)
    .send({ body: 'Teacher comment' });
  const comment = await app.request
    .post(`/api/posts/${theirPost}/comments`)
    .set(student.auth)
    .send({ body: `Post comment that stays ${lower}` });
  for (const created of [theirComment, comment]) expect(created.status).toBe(201);
  expect((await app.request.put(`/api/posts/${theirPost}/like`).set(student.auth)).body.data.likesCount).toBe(1);
  const commentLike = await app.request
    .put(`/api/post-comments/${theirComment.body.data.documentId}/like`)
    .set(student.auth);
  expect(commentLike.body.data.likesCount).toBe(1);
  // Another user's like stays counted after the erasure.
  const reader = await make.createUser('student');
  expect((await app.request.put(`/api/posts/${theirPost}/like`).set(reader.auth)).body.data.likesCount).toBe(2);
  expect((await app.request.put(`/api/users/${teacher.id}/follow`).set(student.auth)).status).toBe(200);
  expect((await app.request.put(`/api/users/${student.id}/follow`).set(teacher.auth)).status).toBe(200);
  expect(
    (
      await app.request
        .post(`/api/posts/${theirPost}/report`)
        .set(student.auth)
        .send({ reason: `report ${marker}` })
    ).status
  ).toBe(201);
  const attempt = await app.request.post(`/api/posts/${quizPost.body.data.documentId}/attempts`).set(student.auth);
  expect(attempt.status).toBe(201);
  const shortText = attempt.body.data.questions.find((question: any) => question.type === 'short_text');
  const single = attempt.body.data.questions.find((question: any) => question.type === 'single');
  const four = single.options.find((option: any) => option.text === '4');
  const submitted = await app.request
    .post(`/api/post-attempts/${attempt.body.data.id}/submit`)
    .set(student.auth)
    .send({
      answers: [
        { question: shortText.id, text: `postanswer ${marker}` },
        { question: single.id, choices: [four.id] },
      ],
    });
  expect(submitted.status).toBe(200);
  return {
    post: own.body.data.documentId as string,
    draft: draft.body.data.documentId as string,
    theirPost,
    theirComment: theirComment.body.data.documentId as string,
    comment: comment.body.data.documentId as string,
    attempt: attempt.body.data.id as number,
  };
}

/** Every table of the database, as the database lists them (the app's schema on PostgreSQL). */
async function allTables(): Promise<string[]> {
  const knex = app.strapi.db.connection;
  if (app.strapi.db.dialect.client === 'postgres') {
    const schema = app.strapi.db.getSchemaName() || 'public';
    const result = await knex.raw(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'`,
      [schema]
    );
    return result.rows.map((row: { table_name: string }) => `"${schema}"."${row.table_name}"`);
  }
  const rows = await knex.raw(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
  return rows.map((row: { name: string }) => `"${row.name}"`);
}

/** The tables whose rows contain any of `needles` (case-insensitive), with the first match. */
async function tablesHolding(needles: string[]): Promise<Array<{ table: string; needle: string }>> {
  const found: Array<{ table: string; needle: string }> = [];
  const lowered = needles.map((needle) => needle.toLowerCase());
  for (const table of await allTables()) {
    const result = await app.strapi.db.connection.raw(`SELECT * FROM ${table}`);
    const rows = Array.isArray(result) ? result : result.rows;
    const text = JSON.stringify(rows, (_key, value) =>
      Buffer.isBuffer(value) || value instanceof Uint8Array ? '[bytes]' : value
    ).toLowerCase();
    const needle = lowered.find((candidate) => text.includes(candidate));
    if (needle) found.push({ table, needle });
  }
  return found;
}

beforeAll(async () => {
  app = await startLyceum({ RATE_LIMIT_FEEDBACK_PER_IP: '100' });
  make = factories(app.strapi);
  [teacher, admin] = await Promise.all([make.createUser('teacher'), make.createUser('admin')]);
}, 120_000);
afterAll(async () => {
  const upload = app.strapi.plugin('upload').service('upload');
  for (const file of await app.strapi.db.query('plugin::upload.file').findMany({})) await upload.remove(file);
  await stopLyceum();
});

describe('data export', () => {
  test('202 then a job builds a zip of everything stored about the caller, uploads included, served to them', async () => {
    const { student, course, certificate, submission, social } = await busyStudent('Exportmark');
    const requested = await app.request.post('/api/me/data-export').set(student.auth);
    expect(requested.status).toBe(202);
    expect(requested.body.data).toMatchObject({ id: expect.stringMatching(/^[a-z0-9]{10,64}$/), status: 'pending' });
    const ready = await waitUntilReady(student, requested.body.data.id);
    expect(ready).toMatchObject({
      id: requested.body.data.id,
      status: 'ready',
      downloadUrl: `/api/me/data-export/${requested.body.data.id}/download`,
      expiresAt: expect.any(String),
    });
    expect(new Date(ready.expiresAt).getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3_600_000);

    const download = await binary(app.request.get(ready.downloadUrl).set(student.auth));
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(download.body));
    const json = (name: string) => JSON.parse(Buffer.from(files[name]).toString('utf8'));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'README.txt',
        'profile.json',
        'enrollment.json',
        'lesson-progress.json',
        'quiz-attempt.json',
        'submission.json',
        'certificate.json',
        'review.json',
        'comment.json',
        'message.json',
        'notification.json',
        'favorite.json',
        'order.json',
        'file.json',
        'sessions.json',
        'feedback.json',
        'post.json',
        'post-comment.json',
        'post-like.json',
        'follow.json',
        'post-report.json',
        'post-attempt.json',
        'settings.json',
        'push-subscriptions.json',
        'session-details.json',
      ])
    );
    expect(json('profile.json')).toMatchObject({ id: student.id, email: student.email, bio: 'Bio Exportmark' });
    expect(json('profile.json')).not.toHaveProperty('password');
    expect(JSON.stringify(json('profile.json'))).not.toMatch(/\$2[aby]\$/);
    expect(json('enrollment.json')).toEqual([
      expect.objectContaining({ key: `${student.id}:${course.documentId}`, status: 'active' }),
    ]);
    expect(json('lesson-progress.json')).toHaveLength(1);
    const [attempt] = json('quiz-attempt.json');
    expect(JSON.stringify(attempt.answers)).toContain('answer Exportmark');
    // The attempt's questions without the answer key.
    expect(JSON.stringify(attempt.questions)).not.toMatch(/"correct"|acceptedAnswers|explanation/);
    expect(json('submission.json')).toEqual([
      expect.objectContaining({ documentId: submission.documentId, text: 'essay Exportmark', grade: 7 }),
    ]);
    expect(json('certificate.json')).toEqual([expect.objectContaining({ documentId: certificate.documentId })]);
    expect(json('review.json')[0].body).toBe('Review that stays exportmark');
    expect(json('comment.json')[0].body).toContain('Comment that stays exportmark');
    expect(json('message.json')[0].body).toContain('msg Exportmark');
    expect(json('notification.json').map((notice: any) => notice.type)).toContain('grade_posted');
    expect(json('order.json')).toHaveLength(1);
    expect(json('feedback.json')[0].message).toBe('hi Exportmark');
    // Social learning: their posts (the draft too), comments, likes, follows both ways, reports, quiz-post attempts.
    expect(json('post.json').map((post: any) => [post.documentId, post.title, post.isDraft])).toEqual([
      [social.post, 'Post that stays exportmark', false],
      [social.draft, 'Draft that stays exportmark', true],
    ]);
    expect(json('post-comment.json')).toEqual([
      expect.objectContaining({ documentId: social.comment, body: expect.stringContaining('Post comment that stays') }),
    ]);
    expect(json('post-like.json').map((like: any) => like.targetType)).toEqual(['post', 'comment']);
    expect(json('post-like.json')[0]).not.toHaveProperty('key');
    const follows = json('follow.json');
    expect(follows.map((follow: any) => follow.direction)).toEqual(['following', 'follower']);
    for (const follow of follows) {
      expect(follow.user).toMatchObject({ id: teacher.id, username: teacher.username });
      expect(Object.keys(follow.user).sort()).toEqual(['avatar', 'fullName', 'id', 'username']);
      expect(JSON.stringify(follow)).not.toContain(teacher.email);
    }
    expect(json('post-report.json')).toEqual([expect.objectContaining({ reason: 'report Exportmark' })]);
    const [postAttempt] = json('post-attempt.json');
    expect(postAttempt).toMatchObject({ id: social.attempt, score: expect.anything() });
    expect(JSON.stringify(postAttempt.answers)).toContain('postanswer Exportmark');
    expect(JSON.stringify(postAttempt.questions)).not.toMatch(/"correct"|acceptedAnswers|Paris/);
    const uploads = Object.keys(files).filter((name) => name.startsWith('uploads/') && !name.endsWith('/'));
    expect(uploads).toHaveLength(2);
    const pdf = uploads.find((name) => name.endsWith('.pdf'))!;
    expect(Buffer.from(files[pdf]).equals(PDF)).toBe(true);
  });

  test('only its owner reads it: another user, staff and admins get 404; 401 without a token; 400 malformed', async () => {
    const owner = await make.createUser('student');
    const other = await make.createUser('student');
    const { id } = (await app.request.post('/api/me/data-export').set(owner.auth)).body.data;
    await waitUntilReady(owner, id);
    for (const reader of [other, teacher, admin]) {
      expect((await app.request.get(`/api/me/data-export/${id}`).set(reader.auth)).status).toBe(404);
      expect((await app.request.get(`/api/me/data-export/${id}/download`).set(reader.auth)).status).toBe(404);
    }
    expect((await app.request.get(`/api/me/data-export/${id}`)).status).toBe(401);
    expect((await app.request.get(`/api/me/data-export/${id}/download`)).status).toBe(401);
    expect((await app.request.post('/api/me/data-export')).status).toBe(401);
    expect((await app.request.get('/api/me/data-export/nosuchexport0000000').set(owner.auth)).status).toBe(404);
    const malformed = await app.request.get('/api/me/data-export/BAD!id').set(owner.auth);
    expect([malformed.status, fieldsOf(malformed)]).toEqual([400, ['id']]);
    const unknownField = await app.request.post('/api/me/data-export').set(owner.auth).send({ format: 'csv' });
    expect([unknownField.status, fieldsOf(unknownField)]).toEqual([400, ['format']]);
  });

  test('staff run it for a user (audited); the user downloads it; teachers may not; unknown user 404', async () => {
    const student = await make.createUser('student');
    const started = await app.request.post(`/api/users/${student.id}/data-export`).set(admin.auth);
    expect(started.status).toBe(202);
    const ready = await waitUntilReady(student, started.body.data.id);
    expect(ready.status).toBe('ready');
    expect((await app.request.get(`/api/me/data-export/${started.body.data.id}`).set(admin.auth)).status).toBe(404);
    const trail = await app.request
      .get('/api/audit-events')
      .query({ entity: `user:${student.id}` })
      .set(admin.auth);
    expect(trail.body.data).toEqual([
      expect.objectContaining({ action: 'user.exported', actor: admin.id, after: { export: started.body.data.id } }),
    ]);
    expect((await app.request.post(`/api/users/${student.id}/data-export`).set(teacher.auth)).status).toBe(403);
    expect((await app.request.post('/api/users/999999/data-export').set(admin.auth)).status).toBe(404);
    expect((await app.request.post('/api/users/abc/data-export').set(admin.auth)).status).toBe(400);
    // Asking for one's own export is not a staff action.
    const own = await app.request.post('/api/me/data-export').set(admin.auth);
    expect(own.status).toBe(202);
    const adminTrail = await app.request
      .get('/api/audit-events')
      .query({ entity: `user:${admin.id}` })
      .set(admin.auth);
    expect(adminTrail.body.data).toEqual([]);
  });

  test('after 7 days it reads expired, the download is 404 export_expired, and the schedule drops the zip', async () => {
    const student = await make.createUser('student');
    const { id } = (await app.request.post('/api/me/data-export').set(student.auth)).body.data;
    await waitUntilReady(student, id);
    const privacy = fromDist<Privacy>('data-exports');
    const table =
      app.strapi.db.dialect.client === 'postgres'
        ? `"${app.strapi.db.getSchemaName() || 'public'}"."lyceum_data_exports"`
        : '"lyceum_data_exports"';
    await app.strapi.db.connection.raw(`UPDATE ${table} SET expires_at = ? WHERE public_id = ?`, [Date.now() - 1, id]);
    expect((await app.request.get(`/api/me/data-export/${id}`).set(student.auth)).body.data).toEqual({
      id,
      status: 'expired',
      createdAt: expect.any(String),
    });
    const download = await app.request.get(`/api/me/data-export/${id}/download`).set(student.auth);
    expect([download.status, reasonOf(download)]).toEqual([404, 'export_expired']);
    expect(await privacy.expireDataExports(app.strapi)).toBeGreaterThanOrEqual(1);
    const result = await app.strapi.db.connection.raw(`SELECT status, archive FROM ${table} WHERE public_id = ?`, [id]);
    const [row] = Array.isArray(result) ? result : result.rows;
    expect(row).toEqual({ status: 'expired', archive: null });
    expect(await privacy.expireDataExports(app.strapi)).toBe(0);
  });
});

describe('erasure', () => {
  test('DELETE /me needs the current password: missing, wrong or with an unknown field is a 400 naming it', async () => {
    const student = await make.createUser('student');
    const erase = (body: Record<string, unknown>) => app.request.delete('/api/me').set(student.auth).send(body);
    for (const [body, field] of [
      [{}, 'password'],
      [{ password: '' }, 'password'],
      [{ password: 42 }, 'password'],
      [{ password: 'Wrong-pass-9' }, 'password'],
      [{ password: PASSWORD, also: 1 }, 'also'],
    ] as const) {
      const response = await erase(body);
      expect([body, response.status, fieldsOf(response)]).toEqual([body, 400, [field]]);
    }
    expect((await app.request.delete('/api/me').send({ password: PASSWORD })).status).toBe(401);
    expect((await app.request.get('/api/users/me').set(student.auth)).status).toBe(200);
  });

  test('no table holds their email, name or private text afterwards; reviews, comments and certificates stay', async () => {
    const marker = `Qz${Date.now().toString(36)}`;
    const { student, course, certificate, avatarUrl, paymentEventIds, social } = await busyStudent(marker);
    const needles = [
      student.email,
      student.username,
      `Erin ${marker}`,
      `Bio ${marker}`,
      `essay ${marker}`,
      `msg ${marker}`,
      `answer ${marker}`,
      `hi ${marker}`,
      `me-${marker}`,
      `billing ${marker}`,
      `report ${marker}`,
      `postanswer ${marker}`,
    ];
    // Before: the data is there (so the check below can fail), the payment providers' payloads included.
    const before = await tablesHolding(needles);
    expect(before.length).toBeGreaterThan(5);
    expect(before.some(({ table }) => table.endsWith('"payment_events"'))).toBe(true);

    const erased = await app.request.delete('/api/me').set(student.auth).send({ password: PASSWORD });
    expect(erased.status).toBe(200);
    expect(erased.body.data).toEqual({ id: student.id, erased: true });

    expect(await tablesHolding(needles)).toEqual([]);
    const checked = await allTables();
    for (const table of [
      'up_users',
      'submissions',
      'messages',
      'notifications',
      'quiz_attempts',
      'files',
      'feedbacks',
      'lyceum_jobs',
      'certificates',
      'strapi_sessions',
      'lyceum_audit_events',
      'lyceum_data_exports',
      'payment_events',
      'orders',
      // Social learning.
      'posts',
      'post_comments',
      'post_likes',
      'follows',
      'post_reports',
      'post_attempts',
      // The account plugin: where sessions signed in from, settings, push subscriptions.
      'lyceum_session_details',
      'lyceum_account_settings',
      'lyceum_push_subscriptions',
      // The search index (it holds published courses, lessons and articles: nothing a learner wrote or is called).
      'lyceum_search_documents',
      ...(app.strapi.db.dialect.client === 'postgres'
        ? ['lyceum_search_words']
        : ['lyceum_search_text', 'lyceum_search_titles']),
    ])
      expect([table, checked.some((name) => name.endsWith(`"${table}"`))]).toEqual([table, true]);
    // The payment events stay (a replay is still recognised), their payloads replaced.
    const events = await app.strapi.db
      .query('plugin::commerce.payment-event')
      .findMany({ where: { eventId: { $in: paymentEventIds } }, select: ['payload', 'kind'] });
    expect(events).toEqual([
      { payload: '{"erased":true}', kind: expect.any(String) },
      { payload: '{"erased":true}', kind: expect.any(String) },
    ]);
    // The stored files are gone from storage too.
    expect(fs.existsSync(path.join(process.cwd(), 'public', avatarUrl))).toBe(false);

    // Signed out everywhere, and the old credentials open nothing.
    expect((await app.request.get('/api/users/me').set(student.auth)).status).toBe(401);
    expect(
      (await app.request.post('/api/auth/local').send({ identifier: student.email, password: PASSWORD })).status
    ).toBe(400);
    // What others see keeps its place.
    const reviews = await app.request.get(`/api/courses/${course.documentId}/reviews`);
    expect(JSON.stringify(reviews.body.data)).toContain(`Review that stays ${marker.toLowerCase()}`);
    expect(JSON.stringify(reviews.body.data)).toContain('Deleted user');
    const verified = await app.request.get(`/api/certificates/verify/${certificate.code}`);
    expect(verified.body.data).toMatchObject({ valid: true, status: 'issued', studentName: 'Erased holder' });
    // Social: the teacher's post lost their like only, their comment like is gone, the follows both ways are gone,
    // and their posts and comments stay under the anonymised account, without an email.
    const theirPost = await app.request.get(`/api/posts/${social.theirPost}`).set(teacher.auth);
    expect(theirPost.body.data.likesCount).toBe(1);
    const comments = await app.request.get(`/api/posts/${social.theirPost}/comments`);
    expect(comments.status).toBe(200);
    expect(JSON.stringify(comments.body.data)).toContain(`Post comment that stays ${marker.toLowerCase()}`);
    expect(JSON.stringify(comments.body.data)).toContain('Deleted user');
    const ownPost = await app.request.get(`/api/posts/${social.post}`);
    expect(ownPost.body.data).toMatchObject({
      title: `Post that stays ${marker.toLowerCase()}`,
      author: { id: student.id, fullName: 'Deleted user', username: `deleted-user-${student.id}` },
    });
    expect(JSON.stringify(ownPost.body)).not.toContain('@');
    const commentsOnOwn = await app.request.get(`/api/posts/${social.post}/comments`);
    expect(JSON.stringify(commentsOnOwn.body)).toContain('"likesCount":0');
    const socialTable = (uid: string) => app.strapi.db.query(uid as any);
    expect(
      await socialTable('api::follow.follow').count({
        where: { $or: [{ followerId: student.id }, { followedId: student.id }] },
      })
    ).toBe(0);
    expect(await socialTable('api::post-like.post-like').count({ where: { userId: student.id } })).toBe(0);
    expect(await socialTable('api::post-report.post-report').count({ where: { reporterId: student.id } })).toBe(0);
    const postAttempt = await socialTable('api::post-attempt.post-attempt').findOne({ where: { id: social.attempt } });
    expect(postAttempt).toMatchObject({ answers: [], score: expect.anything() });
    expect(await socialTable('api::post.post').count({ where: { authorId: student.id } })).toBe(2);
    const followers = await app.request.get(`/api/users/${teacher.id}/followers`);
    expect(JSON.stringify(followers.body)).not.toContain(`deleted-user-${student.id}`);
    const teacherInbox = await app.request.get('/api/me/notifications').set(teacher.auth);
    expect(JSON.stringify(teacherInbox.body)).not.toContain(marker);

    // The email may register again.
    const again = await app.request
      .post('/api/auth/local/register')
      .send({ username: `back_${marker.toLowerCase()}`, email: student.email, password: 'Another-pass-2' });
    expect(again.status).toBe(200);
    // Audited, and a second erasure by an admin changes nothing.
    const trail = await app.request
      .get('/api/audit-events')
      .query({ entity: `user:${student.id}` })
      .set(admin.auth);
    expect(trail.body.data).toEqual([expect.objectContaining({ action: 'user.erased', actor: student.id })]);
    const twice = await app.request.delete(`/api/users/${student.id}`).set(admin.auth);
    expect([twice.status, twice.body.data]).toEqual([200, { id: student.id, erased: true }]);
  });

  test('DELETE /users/:id by an admin erases; teachers and students get 403; unknown 404; malformed 400', async () => {
    const student = await make.createUser('student');
    expect((await app.request.delete(`/api/users/${student.id}`).set(teacher.auth)).status).toBe(403);
    expect((await app.request.delete(`/api/users/${student.id}`).set(student.auth)).status).toBe(403);
    expect((await app.request.delete('/api/users/99999999').set(admin.auth)).status).toBe(404);
    expect((await app.request.delete('/api/users/x1').set(admin.auth)).status).toBe(400);
    const erased = await app.request.delete(`/api/users/${student.id}`).set(admin.auth);
    expect([erased.status, erased.body.data]).toEqual([200, { id: student.id, erased: true }]);
    const row = await app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { id: student.id } });
    expect(row).toMatchObject({ blocked: true, fullName: 'Deleted user', username: `deleted-user-${student.id}` });
    expect(row.email).not.toBe(student.email);
    const trail = await app.request
      .get('/api/audit-events')
      .query({ entity: `user:${student.id}` })
      .set(admin.auth);
    expect(trail.body.data).toEqual([expect.objectContaining({ action: 'user.erased', actor: admin.id })]);
  });

  test('the last admin is refused (409 last_admin), by themselves or another path; with another admin it works', async () => {
    const USER = 'plugin::users-permissions.user';
    const lone = await make.createUser('admin');
    const others = await app.strapi.db.query(USER).findMany({
      where: { id: { $ne: lone.id }, role: { type: 'admin' }, $or: [{ blocked: false }, { blocked: { $null: true } }] },
      select: ['id'],
    });
    const otherIds = others.map((row: { id: number }) => row.id);
    await app.strapi.db.query(USER).updateMany({ where: { id: { $in: otherIds } }, data: { blocked: true } });
    try {
      const refused = await app.request.delete('/api/me').set(lone.auth).send({ password: PASSWORD });
      expect([refused.status, reasonOf(refused)]).toEqual([409, 'last_admin']);
      expect((await app.request.get('/api/users/me').set(lone.auth)).status).toBe(200);
    } finally {
      await app.strapi.db.query(USER).updateMany({ where: { id: { $in: otherIds } }, data: { blocked: false } });
    }
    const allowed = await app.request.delete('/api/me').set(lone.auth).send({ password: PASSWORD });
    expect(allowed.status).toBe(200);
  });
});
