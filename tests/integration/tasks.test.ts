import path from 'path';
import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Task requests, offers and matching (contract "Tutor marketplace", issue 26 item 3): students post tasks, tutors
 * see the open ones in their subjects and offer once each, the author accepts one offer (assigned; the others
 * declined and told; the two may message each other), completes the task (the student becomes the tutor's client),
 * and sees the tutors who fit ranked with reasons. Every transition, refusal and race, on SQLite and PostgreSQL.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;

const PROFILE = 'plugin::marketplace.tutor-profile';
const SUBJECT = 'plugin::marketplace.tutor-subject';
const LANGUAGE = 'plugin::marketplace.tutor-language';
const TASK = 'plugin::marketplace.task';
const OFFER = 'plugin::marketplace.task-offer';
const NOTIFICATION = 'api::notification.notification';
const PASSWORD = 'Secret-pass-1';

const reasonOf = (response: { body: any }) => response.body.error?.details?.reason;
const fieldsOf = (response: { body: any }) =>
  (response.body.error?.details?.errors ?? []).map((error: { path: string[] }) => error.path.join('.'));

let algebra: string;
let physics: string;
let chemistry: string;
let student: TestUser;
let otherStudent: TestUser;
let bareTeacher: TestUser;
let admin: TestUser;

async function createTag(name: string): Promise<string> {
  const tag = await app.strapi.documents('api::tag.tag' as any).create({ data: { name } as any });
  return tag.documentId;
}

interface TutorOptions {
  subjects: string[];
  languages?: string[];
  hourlyRate?: number | null;
  currency?: string | null;
  ratingSum?: number;
  ratingCount?: number;
  lastActiveAt?: Date | null;
  fullName?: string;
}

/** A teacher with a tutor profile, written straight to the marketplace's tables (ratings as the reviews keep them). */
async function makeTutor(options: TutorOptions): Promise<TestUser> {
  const user = await make.createUser('teacher', options.fullName ? { fullName: options.fullName } : {});
  const ratingCount = options.ratingCount ?? 0;
  const ratingSum = options.ratingSum ?? 0;
  await app.strapi.db.query(PROFILE as any).create({
    data: {
      userId: user.id,
      headline: `Tutor ${user.username}`,
      subjects: options.subjects,
      experienceYears: 3,
      hourlyRate: options.hourlyRate === undefined ? 30 : options.hourlyRate,
      currency: options.currency === undefined ? 'USD' : options.currency,
      languages: options.languages ?? ['en'],
      ratingSum,
      ratingCount,
      ratingAverage: ratingCount ? Math.round((ratingSum / ratingCount) * 100) / 100 : 0,
      lastActiveAt: options.lastActiveAt === undefined ? new Date() : options.lastActiveAt,
    },
  });
  for (const tagDocumentId of options.subjects)
    await app.strapi.db.query(SUBJECT as any).create({ data: { userId: user.id, tagDocumentId } });
  for (const language of options.languages ?? ['en'])
    await app.strapi.db.query(LANGUAGE as any).create({ data: { userId: user.id, language } });
  return user;
}

const postTask = (user: TestUser, body: Record<string, unknown>) =>
  app.request.post('/api/tasks').set(user.auth).send(body);
const validTask = (overrides: Record<string, unknown> = {}) => ({
  title: 'Help with quadratic equations',
  description: 'I need two sessions before my exam.',
  subject: algebra,
  budget: 40,
  currency: 'USD',
  deadline: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  ...overrides,
});
async function newTask(author: TestUser = student, overrides: Record<string, unknown> = {}) {
  const response = await postTask(author, validTask(overrides));
  expect(response.status).toBe(201);
  return response.body.data as { documentId: string; [key: string]: any };
}
const offer = (tutor: TestUser, task: string, body: Record<string, unknown> = { message: 'I can help', price: 35 }) =>
  app.request.post(`/api/tasks/${task}/offers`).set(tutor.auth).send(body);
async function newOffer(tutor: TestUser, task: string, price: unknown = 35) {
  const response = await offer(tutor, task, { message: `Offer from ${tutor.username}`, price });
  expect(response.status).toBe(201);
  return response.body.data as { documentId: string; [key: string]: any };
}
const accept = (user: TestUser, offerDocumentId: string) =>
  app.request.post(`/api/offers/${offerDocumentId}/accept`).set(user.auth);
const showTask = (user: TestUser, task: string) => app.request.get(`/api/tasks/${task}`).set(user.auth);
const matches = (user: TestUser, task: string, query: Record<string, unknown> = {}) =>
  app.request.get(`/api/tasks/${task}/matches`).query(query).set(user.auth);
const message = (from: TestUser, to: TestUser) =>
  app.request.post(`/api/conversations/${to.id}/messages`).set(from.auth).send({ body: 'Hello there' });
const noticesOf = (user: TestUser, type: string) =>
  app.strapi.db.query(NOTIFICATION).findMany({ where: { user: { id: user.id }, type } });

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  jest.spyOn(app.strapi.plugin('email').service('email'), 'send').mockResolvedValue(undefined as never);
  [algebra, physics, chemistry] = await Promise.all([
    createTag('Algebra'),
    createTag('Physics'),
    createTag('Chemistry'),
  ]);
  [student, otherStudent, bareTeacher, admin] = await Promise.all([
    make.createUser('student', { fullName: 'Sam Student' }),
    make.createUser('student'),
    make.createUser('teacher'),
    make.createUser('admin'),
  ]);
});
afterAll(stopLyceum);

describe('posting a task', () => {
  test('a student posts a task → 201, open, with its subject, budget and deadline; no email anywhere', async () => {
    const deadline = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const response = await postTask(student, validTask({ budget: '49.99', deadline }));
    expect(response.status).toBe(201);
    expect(response.body.data).toMatchObject({
      documentId: expect.any(String),
      title: 'Help with quadratic equations',
      subject: { documentId: algebra, name: 'Algebra' },
      budget: 49.99,
      currency: 'USD',
      deadline,
      status: 'open',
      offersCount: 0,
      author: { id: student.id, username: student.username, fullName: 'Sam Student' },
      assignedTutor: null,
      offers: [],
    });
    expect(JSON.stringify(response.body)).not.toContain('@example.test');
    const minimal = await postTask(student, { title: 'Essay', description: 'Proofread it', subject: physics });
    expect(minimal.status).toBe(201);
    expect(minimal.body.data).toMatchObject({ budget: null, currency: null, deadline: null, status: 'open' });
  });

  test('teachers and admins do not post tasks (403 not_a_student); visitors are refused', async () => {
    for (const user of [bareTeacher, admin]) {
      const response = await postTask(user, validTask());
      expect(response.status).toBe(403);
      expect(reasonOf(response)).toBe('not_a_student');
    }
    expect([401, 403]).toContain((await app.request.post('/api/tasks').send(validTask())).status);
  });

  test('bad input is a 400 naming the field; nothing is stored', async () => {
    const before = await app.strapi.db.query(TASK as any).count();
    const cases: Array<[Record<string, unknown>, string]> = [
      [validTask({ title: '' }), 'title'],
      [validTask({ title: 'x'.repeat(201) }), 'title'],
      [validTask({ description: undefined }), 'description'],
      [validTask({ description: 42 }), 'description'],
      [validTask({ subject: undefined }), 'subject'],
      [validTask({ subject: 'no such tag!' }), 'subject'],
      [validTask({ subject: 'abcdefghijklmnopqrstuvwx' }), 'subject'],
      [validTask({ budget: -5 }), 'budget'],
      [validTask({ budget: 0 }), 'budget'],
      [validTask({ budget: '12.345' }), 'budget'],
      [validTask({ budget: 'lots' }), 'budget'],
      [validTask({ budget: '100000000000' }), 'budget'],
      [validTask({ budget: 10, currency: undefined }), 'currency'],
      [validTask({ currency: 'dollars' }), 'currency'],
      // Three letters but no ISO 4217 code: the same check as commerce's (src/content/currencies.ts).
      [validTask({ currency: 'XYZ' }), 'currency'],
      [validTask({ currency: 12 }), 'currency'],
      [validTask({ deadline: '2020-01-01T00:00:00Z' }), 'deadline'],
      [validTask({ deadline: 'next week' }), 'deadline'],
      [validTask({ status: 'assigned' }), 'status'],
      [validTask({ authorId: 1 }), 'authorId'],
    ];
    for (const [body, field] of cases) {
      const response = await postTask(student, body);
      expect([response.status, fieldsOf(response)]).toEqual([400, [field]]);
    }
    const many = await postTask(student, { title: '', budget: -1, currency: 'USD', deadline: 'soon' });
    expect(many.status).toBe(400);
    expect(fieldsOf(many).sort()).toEqual(['budget', 'deadline', 'description', 'subject', 'title']);
    const jpy = await postTask(student, validTask({ budget: '1500.5', currency: 'JPY' }));
    expect([jpy.status, fieldsOf(jpy)]).toEqual([400, ['budget']]);
    expect(await app.strapi.db.query(TASK as any).count()).toBe(before);
  });
});

describe('reading tasks', () => {
  test('the author, tutors and admins read a task; other students get 404; never the author email', async () => {
    const task = await newTask();
    const tutor = await makeTutor({ subjects: [physics] });
    for (const reader of [student, tutor, bareTeacher, admin]) {
      const response = await showTask(reader, task.documentId);
      expect(response.status).toBe(200);
      expect(response.body.data.author).toEqual({
        id: student.id,
        username: student.username,
        fullName: 'Sam Student',
      });
      expect(JSON.stringify(response.body)).not.toContain('@example.test');
    }
    expect((await showTask(otherStudent, task.documentId)).status).toBe(404);
    expect([401, 403]).toContain((await app.request.get(`/api/tasks/${task.documentId}`)).status);
    expect((await showTask(student, 'nosuchtask000000000000')).status).toBe(404);
    expect((await showTask(student, 'bad!id')).status).toBe(400);
  });

  test('GET /tasks?open=true lists the open tasks in the tutor’s subjects only, newest first; GET /tasks the caller’s own', async () => {
    const author = await make.createUser('student');
    const first = await newTask(author, { subject: chemistry, title: 'Chemistry one' });
    const second = await newTask(author, { subject: chemistry, title: 'Chemistry two' });
    const elsewhere = await newTask(author, { subject: physics, title: 'Physics one' });
    const chemist = await makeTutor({ subjects: [chemistry] });
    const open = await app.request.get('/api/tasks').query({ open: 'true' }).set(chemist.auth);
    expect(open.status).toBe(200);
    const listed = open.body.data.map((task: any) => task.documentId);
    expect(listed.indexOf(second.documentId)).toBeLessThan(listed.indexOf(first.documentId));
    expect(listed).not.toContain(elsewhere.documentId);
    expect(open.body.data.every((task: any) => task.subject.documentId === chemistry && task.status === 'open')).toBe(
      true
    );
    expect(open.body.meta.pagination).toMatchObject({ page: 1, pageSize: 25, total: listed.length });
    expect(JSON.stringify(open.body)).not.toContain('@example.test');
    // A tutor without a profile has no subjects: nothing to list.
    const none = await app.request.get('/api/tasks').query({ open: 'true' }).set(bareTeacher.auth);
    expect([none.status, none.body.data]).toEqual([200, []]);
    const own = await app.request.get('/api/tasks').set(author.auth);
    expect(own.body.data.map((task: any) => task.documentId)).toEqual([
      elsewhere.documentId,
      second.documentId,
      first.documentId,
    ]);
    const bad = await app.request.get('/api/tasks').query({ open: 'yes' }).set(author.auth);
    expect([bad.status, fieldsOf(bad)]).toEqual([400, ['open']]);
    // An assigned task leaves the open list.
    const chosen = await newOffer(chemist, first.documentId);
    expect((await accept(author, chosen.documentId)).status).toBe(200);
    const after = await app.request.get('/api/tasks').query({ open: 'true' }).set(chemist.auth);
    expect(after.body.data.map((task: any) => task.documentId)).not.toContain(first.documentId);
  });
});

describe('offers', () => {
  test('a tutor offers once (201, pending, in the task currency); a second offer is 409 already_offered; the author is told', async () => {
    const task = await newTask();
    const tutor = await makeTutor({ subjects: [algebra], fullName: 'Tina Tutor' });
    const made = await offer(tutor, task.documentId, { message: 'Two sessions this week', price: '35.50' });
    expect(made.status).toBe(201);
    expect(made.body.data).toMatchObject({
      task: { documentId: task.documentId },
      tutor: { id: tutor.id, username: tutor.username, fullName: 'Tina Tutor' },
      message: 'Two sessions this week',
      price: 35.5,
      currency: 'USD',
      status: 'pending',
    });
    const again = await offer(tutor, task.documentId, { message: 'Again', price: 30 });
    expect([again.status, reasonOf(again)]).toEqual([409, 'already_offered']);
    expect((await showTask(student, task.documentId)).body.data.offersCount).toBe(1);
    const notices = await noticesOf(student, 'new_offer');
    expect(notices.map((notice: any) => notice.title)).toContain(
      'Tina Tutor made an offer on “Help with quadratic equations”'
    );
    // The author sees every offer; a tutor only their own.
    const other = await makeTutor({ subjects: [algebra] });
    await newOffer(other, task.documentId);
    expect((await showTask(student, task.documentId)).body.data.offers).toHaveLength(2);
    const seenByTutor = (await showTask(tutor, task.documentId)).body.data.offers;
    expect(seenByTutor.map((row: any) => row.tutor.id)).toEqual([tutor.id]);
  });

  test('concurrent offers by one tutor: exactly one is stored, the rest 409 already_offered', async () => {
    const task = await newTask();
    const tutor = await makeTutor({ subjects: [algebra] });
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => offer(tutor, task.documentId, { message: 'Me', price: 20 }))
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    for (const response of responses.filter((response) => response.status !== 201))
      expect([response.status, reasonOf(response)]).toEqual([409, 'already_offered']);
    expect(await app.strapi.db.query(OFFER as any).count({ where: { tutorId: tutor.id } })).toBe(1);
    expect((await showTask(student, task.documentId)).body.data.offersCount).toBe(1);
  });

  test('refusals: no profile 403 not_a_tutor, students cannot see it (404), own task 400, bad price 400 naming it', async () => {
    const task = await newTask();
    const noProfile = await offer(bareTeacher, task.documentId);
    expect([noProfile.status, reasonOf(noProfile)]).toEqual([403, 'not_a_tutor']);
    expect((await offer(otherStudent, task.documentId)).status).toBe(404);
    expect((await offer(admin, task.documentId)).status).toBe(403);
    expect((await offer(bareTeacher, 'nosuchtask000000000000')).status).toBe(404);
    const tutor = await makeTutor({ subjects: [algebra] });
    for (const [body, field] of [
      [{ message: 'Hi' }, 'price'],
      [{ message: 'Hi', price: -1 }, 'price'],
      [{ message: 'Hi', price: 0 }, 'price'],
      [{ message: 'Hi', price: '10.001' }, 'price'],
      [{ message: 'Hi', price: 99999999999 }, 'price'],
      [{ message: '', price: 10 }, 'message'],
      [{ price: 10 }, 'message'],
      [{ message: 'Hi', price: 10, status: 'accepted' }, 'status'],
    ] as Array<[Record<string, unknown>, string]>) {
      const response = await offer(tutor, task.documentId, body);
      expect([response.status, fieldsOf(response)]).toEqual([400, [field]]);
    }
    // A student who posted a task and later became a tutor cannot offer on their own task.
    const switcher = await make.createUser('student');
    const own = await newTask(switcher);
    const teacherRole = await app.strapi.db
      .query('plugin::users-permissions.role')
      .findOne({ where: { type: 'teacher' } });
    await app.strapi.db
      .query('plugin::users-permissions.user')
      .update({ where: { id: switcher.id }, data: { role: teacherRole.id } });
    await app.strapi.db.query(PROFILE as any).create({
      data: { userId: switcher.id, subjects: [algebra], currency: 'USD', hourlyRate: 10, languages: ['en'] },
    });
    const ownOffer = await offer(switcher, own.documentId);
    expect([ownOffer.status, fieldsOf(ownOffer)]).toEqual([400, ['task']]);
    expect(
      await app.strapi.db.query(OFFER as any).count({ where: { taskId: { $notNull: true }, tutorId: switcher.id } })
    ).toBe(0);
  });
});

describe('accepting an offer', () => {
  test('assigns the task, accepts the offer, declines the others and notifies each tutor; offers and accepts then 409 task_not_open', async () => {
    const task = await newTask();
    const [chosen, declined1, declined2, late] = await Promise.all([
      makeTutor({ subjects: [algebra] }),
      makeTutor({ subjects: [algebra] }),
      makeTutor({ subjects: [algebra] }),
      makeTutor({ subjects: [algebra] }),
    ]);
    const chosenOffer = await newOffer(chosen, task.documentId);
    const declinedOffer = await newOffer(declined1, task.documentId);
    await newOffer(declined2, task.documentId);
    const accepted = await accept(student, chosenOffer.documentId);
    expect(accepted.status).toBe(200);
    expect(accepted.body.data).toMatchObject({
      documentId: task.documentId,
      status: 'assigned',
      assignedTutor: { id: chosen.id, username: chosen.username },
      assignedAt: expect.any(String),
    });
    const statuses = Object.fromEntries(accepted.body.data.offers.map((row: any) => [row.tutor.id, row.status]));
    expect(statuses).toEqual({ [chosen.id]: 'accepted', [declined1.id]: 'declined', [declined2.id]: 'declined' });
    expect(await noticesOf(chosen, 'offer_accepted')).toHaveLength(1);
    for (const tutor of [declined1, declined2]) {
      const notices = await noticesOf(tutor, 'offer_declined');
      expect(notices).toHaveLength(1);
      expect(notices[0].link).toBe(`/tasks/${task.documentId}`);
    }
    expect(await noticesOf(chosen, 'offer_declined')).toHaveLength(0);
    const lateOffer = await offer(late, task.documentId);
    expect([lateOffer.status, reasonOf(lateOffer)]).toEqual([409, 'task_not_open']);
    const again = await accept(student, declinedOffer.documentId);
    expect([again.status, reasonOf(again)]).toEqual([409, 'task_not_open']);
    const same = await accept(student, chosenOffer.documentId);
    expect([same.status, reasonOf(same)]).toEqual([409, 'task_not_open']);
  });

  test('only the author accepts: a tutor 403 not_task_author, another student 404, unknown offer 404', async () => {
    const task = await newTask();
    const tutor = await makeTutor({ subjects: [algebra] });
    const made = await newOffer(tutor, task.documentId);
    const byTutor = await accept(tutor, made.documentId);
    expect([byTutor.status, reasonOf(byTutor)]).toEqual([403, 'not_task_author']);
    expect((await accept(otherStudent, made.documentId)).status).toBe(404);
    expect((await accept(student, 'nosuchoffer00000000000')).status).toBe(404);
    expect((await accept(student, 'bad!id')).status).toBe(400);
    expect((await showTask(student, task.documentId)).body.data.status).toBe('open');
  });

  test('10 parallel accepts of different offers: exactly one wins, the other nine are 409 task_not_open', async () => {
    const task = await newTask();
    const tutors = await Promise.all(Array.from({ length: 10 }, () => makeTutor({ subjects: [algebra] })));
    const offers = [];
    for (const tutor of tutors) offers.push(await newOffer(tutor, task.documentId));
    const responses = await Promise.all(offers.map((made) => accept(student, made.documentId)));
    const winners = responses.filter((response) => response.status === 200);
    expect(winners).toHaveLength(1);
    for (const response of responses.filter((response) => response.status !== 200))
      expect([response.status, reasonOf(response)]).toEqual([409, 'task_not_open']);
    const winnerTutor = winners[0].body.data.assignedTutor.id;
    const rows = await app.strapi.db
      .query(OFFER as any)
      .findMany({ where: { taskId: { $notNull: true }, tutorId: { $in: tutors.map((tutor) => tutor.id) } } });
    expect(rows.filter((row: any) => row.status === 'accepted').map((row: any) => row.tutorId)).toEqual([winnerTutor]);
    expect(rows.filter((row: any) => row.status === 'declined')).toHaveLength(9);
    const stored = await app.strapi.db.query(TASK as any).findOne({ where: { documentId: task.documentId } });
    expect([stored.status, stored.assignedTutorId]).toEqual(['assigned', winnerTutor]);
  });

  test('an offer racing an accept is either refused or declined: none stays pending on an assigned task', async () => {
    const task = await newTask();
    const first = await makeTutor({ subjects: [algebra] });
    const made = await newOffer(first, task.documentId);
    const racers = await Promise.all(Array.from({ length: 5 }, () => makeTutor({ subjects: [algebra] })));
    const responses = await Promise.all([
      accept(student, made.documentId),
      ...racers.map((tutor) => offer(tutor, task.documentId)),
    ]);
    expect(responses[0].status).toBe(200);
    for (const response of responses.slice(1)) expect([201, 409]).toContain(response.status);
    expect(
      await app.strapi.db.query(OFFER as any).count({
        where: { taskId: { $notNull: true }, tutorId: { $in: racers.map((tutor) => tutor.id) }, status: 'pending' },
      })
    ).toBe(0);
  });

  test('an accepted offer makes the student and the tutor contacts, both ways; a declined tutor stays a stranger', async () => {
    const task = await newTask();
    const chosen = await makeTutor({ subjects: [algebra] });
    const declined = await makeTutor({ subjects: [algebra] });
    const chosenOffer = await newOffer(chosen, task.documentId);
    await newOffer(declined, task.documentId);
    const before = await message(student, chosen);
    expect([before.status, reasonOf(before)]).toEqual([403, 'not_a_contact']);
    expect((await message(chosen, student)).status).toBe(403);
    expect((await accept(student, chosenOffer.documentId)).status).toBe(200);
    expect((await message(chosen, student)).status).toBe(201);
    expect((await message(student, chosen)).status).toBe(201);
    expect((await message(declined, student)).status).toBe(403);
    expect((await message(student, declined)).status).toBe(403);
  });
});

describe('completing and cancelling', () => {
  test('the author completes an assigned task (the student may then review the tutor); open or completed tasks 409 task_not_assigned; others refused', async () => {
    const task = await newTask();
    const notYet = await app.request.post(`/api/tasks/${task.documentId}/complete`).set(student.auth);
    expect([notYet.status, reasonOf(notYet)]).toEqual([409, 'task_not_assigned']);
    const tutor = await makeTutor({ subjects: [algebra] });
    const made = await newOffer(tutor, task.documentId);
    expect((await accept(student, made.documentId)).status).toBe(200);
    const byTutor = await app.request.post(`/api/tasks/${task.documentId}/complete`).set(tutor.auth);
    expect([byTutor.status, reasonOf(byTutor)]).toEqual([403, 'not_task_author']);
    expect((await app.request.post(`/api/tasks/${task.documentId}/complete`).set(otherStudent.auth)).status).toBe(404);
    // A completed task is what makes the student the tutor's client: before it, no review.
    const review = () =>
      app.request
        .post(`/api/tutors/${tutor.id}/reviews`)
        .set(student.auth)
        .send({ rating: 5, body: 'Clear explanations, and the exam went well.' });
    const early = await review();
    expect([early.status, reasonOf(early)]).toEqual([403, 'not_a_client']);
    const done = await app.request.post(`/api/tasks/${task.documentId}/complete`).set(student.auth);
    expect(done.status).toBe(200);
    expect((await review()).status).toBe(201);
    expect(done.body.data).toMatchObject({ status: 'completed', completedAt: expect.any(String) });
    expect(await noticesOf(tutor, 'task_completed')).toHaveLength(1);
    const twice = await app.request.post(`/api/tasks/${task.documentId}/complete`).set(student.auth);
    expect([twice.status, reasonOf(twice)]).toEqual([409, 'task_not_assigned']);
    const cancelDone = await app.request.post(`/api/tasks/${task.documentId}/cancel`).set(student.auth);
    expect([cancelDone.status, reasonOf(cancelDone)]).toEqual([409, 'task_closed']);
  });

  test('the author cancels an open task: its pending offers are declined and it takes no more offers', async () => {
    const task = await newTask();
    const tutor = await makeTutor({ subjects: [algebra] });
    const made = await newOffer(tutor, task.documentId);
    const byTutor = await app.request.post(`/api/tasks/${task.documentId}/cancel`).set(tutor.auth);
    expect([byTutor.status, reasonOf(byTutor)]).toEqual([403, 'not_task_author']);
    const cancelled = await app.request.post(`/api/tasks/${task.documentId}/cancel`).set(student.auth);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.status).toBe('cancelled');
    expect(cancelled.body.data.offers.map((row: any) => row.status)).toEqual(['declined']);
    const late = await offer(await makeTutor({ subjects: [algebra] }), task.documentId);
    expect([late.status, reasonOf(late)]).toEqual([409, 'task_not_open']);
    const acceptCancelled = await accept(student, made.documentId);
    expect([acceptCancelled.status, reasonOf(acceptCancelled)]).toEqual([409, 'task_not_open']);
    const again = await app.request.post(`/api/tasks/${task.documentId}/cancel`).set(student.auth);
    expect([again.status, reasonOf(again)]).toEqual([409, 'task_closed']);
  });
});

describe('matches', () => {
  test('one 5-star review does not beat fifty 4.8s (Bayesian average); reasons say why', async () => {
    const subject = await createTag('Geometry');
    const author = await make.createUser('student');
    const task = await newTask(author, { subject });
    const lucky = await makeTutor({ subjects: [subject], ratingSum: 5, ratingCount: 1 });
    const proven = await makeTutor({ subjects: [subject], ratingSum: 240, ratingCount: 50 });
    const response = await matches(author, task.documentId);
    expect(response.status).toBe(200);
    expect(response.body.data.map((match: any) => match.tutor.id)).toEqual([proven.id, lucky.id]);
    const [best] = response.body.data;
    expect(best).toEqual({
      tutor: {
        id: proven.id,
        username: proven.username,
        fullName: expect.any(String),
        headline: `Tutor ${proven.username}`,
        hourlyRate: 30,
        currency: 'USD',
        ratingAverage: 4.8,
        ratingCount: 50,
      },
      score: expect.any(Number),
      reasons: [
        'Teaches Geometry',
        'Rated 4.8 from 50 reviews',
        'Hourly rate 30 USD is within your budget of 40 USD',
        'Speaks English',
        'Active in the last week',
      ],
    });
    expect(best.score).toBeGreaterThan(response.body.data[1].score);
    expect(JSON.stringify(response.body)).not.toContain('@example.test');
  });

  test('ranked by price within budget, shared language and recent activity; tutors of other subjects are not matches', async () => {
    const subject = await createTag('Trigonometry');
    const author = await make.createUser('student');
    const task = await newTask(author, { subject, budget: 40, currency: 'USD' });
    const month = new Date(Date.now() - 20 * 86_400_000);
    const long = new Date(Date.now() - 200 * 86_400_000);
    const ideal = await makeTutor({ subjects: [subject], hourlyRate: 35 });
    const expensive = await makeTutor({ subjects: [subject], hourlyRate: 70 });
    const otherCurrency = await makeTutor({ subjects: [subject], hourlyRate: 30, currency: 'EUR' });
    const russianOnly = await makeTutor({ subjects: [subject], hourlyRate: 35, languages: ['ru'] });
    const lastMonth = await makeTutor({ subjects: [subject], hourlyRate: 35, lastActiveAt: month });
    const idle = await makeTutor({ subjects: [subject], hourlyRate: 35, lastActiveAt: long });
    const elsewhere = await makeTutor({ subjects: [physics], hourlyRate: 10 });
    const response = await matches(author, task.documentId);
    expect(response.status).toBe(200);
    const order = response.body.data.map((match: any) => match.tutor.id);
    expect(order[0]).toBe(ideal.id);
    expect(order).not.toContain(elsewhere.id);
    const rank = (user: TestUser) => order.indexOf(user.id);
    expect(rank(ideal)).toBeLessThan(rank(lastMonth));
    expect(rank(lastMonth)).toBeLessThan(rank(idle));
    expect(rank(ideal)).toBeLessThan(rank(russianOnly));
    expect(rank(ideal)).toBeLessThan(rank(expensive));
    expect(rank(ideal)).toBeLessThan(rank(otherCurrency));
    const reasonsOf = (user: TestUser) => response.body.data[rank(user)].reasons;
    expect(reasonsOf(expensive)).toContain('Hourly rate 70 USD is above your budget of 40 USD');
    expect(reasonsOf(otherCurrency)).toContain('Charges in EUR, your budget is in USD');
    expect(reasonsOf(russianOnly)).not.toContain('Speaks English');
    expect(reasonsOf(lastMonth)).toContain('Active in the last month');
    expect(reasonsOf(idle).some((reason: string) => reason.startsWith('Active'))).toBe(false);
    expect(reasonsOf(idle)).toContain('New tutor: no reviews yet');
    const scores = response.body.data.map((match: any) => match.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const limited = await matches(author, task.documentId, { limit: 2 });
    expect(limited.body.data.map((match: any) => match.tutor.id)).toEqual(order.slice(0, 2));
  });

  test('only the author sees matches: a tutor 403 not_task_author, another student 404; bad limit 400', async () => {
    const task = await newTask();
    const tutor = await makeTutor({ subjects: [algebra] });
    const byTutor = await matches(tutor, task.documentId);
    expect([byTutor.status, reasonOf(byTutor)]).toEqual([403, 'not_task_author']);
    expect((await matches(otherStudent, task.documentId)).status).toBe(404);
    expect((await matches(student, 'nosuchtask000000000000')).status).toBe(404);
    for (const limit of ['0', '51', 'many']) {
      const response = await matches(student, task.documentId, { limit });
      expect([response.status, fieldsOf(response)]).toEqual([400, ['limit']]);
    }
    expect([401, 403]).toContain((await app.request.get(`/api/tasks/${task.documentId}/matches`)).status);
  });
});

const describeOnPostgres = process.env.DATABASE_CLIENT === 'postgres' ? describe : describe.skip;

describeOnPostgres('the matching statement on PostgreSQL with 50,000 tutors', () => {
  test('reads the candidates of one subject by the subject index, never every tutor', async () => {
    const knex = app.strapi.db.connection;
    const table = (uid: string) => app.strapi.db.metadata.get(uid as any).tableName;
    const [profiles, subjects, languages] = [table(PROFILE), table(SUBJECT), table(LANGUAGE)];
    // Set-based: 50,000 profiles of users that need not exist (the plan is what is looked at), 1–3 of 40 subjects.
    await knex.raw(
      `INSERT INTO ?? (document_id, user_id, headline, hourly_rate, currency, rating_sum, rating_count, rating_average, last_active_at, created_at, updated_at)
       SELECT 'seedtutor' || n, 1000000 + n, 'Seed tutor', 10 + n % 90, 'USD', n % 250, n % 60, 4, now(), now(), now() FROM generate_series(1, 50000) n`,
      [profiles]
    );
    await knex.raw(
      `INSERT INTO ?? (document_id, user_id, tag_document_id, created_at, updated_at)
       SELECT 'seedsubject' || n || '_' || k, 1000000 + n, 'seedtag' || ((n * 7 + k * 13) % 40), now(), now()
       FROM generate_series(1, 50000) n CROSS JOIN generate_series(0, 2) k WHERE k <= n % 3`,
      [subjects]
    );
    await knex.raw(
      `INSERT INTO ?? (document_id, user_id, language, created_at, updated_at)
       SELECT 'seedlanguage' || n, 1000000 + n, CASE WHEN n % 5 = 0 THEN 'ru' ELSE 'en' END, now(), now() FROM generate_series(1, 50000) n`,
      [languages]
    );
    await knex.raw('ANALYZE ??', [profiles]);
    await knex.raw('ANALYZE ??', [subjects]);
    await knex.raw('ANALYZE ??', [languages]);
    const query = app.strapi.plugin('marketplace').service('matching').candidatesQuery(
      { userId: student.id, role: 'student' },
      {
        subjectDocumentId: 'seedtag7',
        authorId: student.id,
        language: 'en',
        budget: 40,
        currency: 'USD',
        limit: 20,
        now: new Date(),
      }
    );
    const { sql, bindings } = query.toSQL();
    const plan = (await knex.raw(`EXPLAIN ${sql}`, bindings)).rows.map((row: any) => row['QUERY PLAN']).join('\n');
    expect(plan).not.toMatch(new RegExp(`Seq Scan on ${subjects}\\b`));
    expect(plan).toMatch(/tutor_subjects_tag/);
    const rows = await query;
    expect(rows.length).toBeLessThanOrEqual(20);
  });
});

describe('GraphQL', () => {
  const graphql = (query: string, variables: Record<string, unknown> = {}, user?: TestUser) =>
    app.request
      .post('/graphql')
      .set(user ? user.auth : {})
      .send({ query, variables });
  const errorOf = (response: { body: any }) => response.body.errors?.[0]?.extensions?.error;

  test('GraphQL: tasks, offers, accepts and matches under the same rules as REST', async () => {
    const author = await make.createUser('student');
    const subject = await createTag('GraphQL subject');
    const created = await graphql(
      'mutation ($data: JSON!) { createTask(data: $data) }',
      { data: validTask({ title: 'Via GraphQL', subject }) },
      author
    );
    expect(created.body.errors).toBeUndefined();
    const task = created.body.data.createTask;
    expect(task).toMatchObject({ title: 'Via GraphQL', status: 'open', author: { id: author.id } });
    const refused = await graphql(
      'mutation ($data: JSON!) { createTask(data: $data) }',
      { data: validTask() },
      bareTeacher
    );
    expect(errorOf(refused).details.reason).toBe('not_a_student');
    const bad = await graphql(
      'mutation ($data: JSON!) { createTask(data: $data) }',
      { data: validTask({ budget: -1 }) },
      author
    );
    expect(errorOf(bad).name).toBe('ValidationError');
    expect(errorOf(bad).details.errors[0].path).toEqual(['budget']);

    const [tutor, rival] = await Promise.all([makeTutor({ subjects: [subject] }), makeTutor({ subjects: [subject] })]);
    const open = await graphql('query { tasks(open: true) }', {}, tutor);
    expect(open.body.data.tasks.tasks.map((row: any) => row.documentId)).toContain(task.documentId);
    const offerMutation = 'mutation ($task: ID!, $data: JSON!) { offerOnTask(task: $task, data: $data) }';
    const made = await graphql(offerMutation, { task: task.documentId, data: { message: 'Hi', price: 30 } }, tutor);
    expect(made.body.data.offerOnTask).toMatchObject({ status: 'pending', price: 30 });
    const twice = await graphql(offerMutation, { task: task.documentId, data: { message: 'Hi', price: 30 } }, tutor);
    expect(errorOf(twice).details.reason).toBe('already_offered');
    await graphql(offerMutation, { task: task.documentId, data: { message: 'Me too', price: 25 } }, rival);

    const matchesQuery = 'query ($task: ID!) { taskMatches(task: $task) }';
    expect(errorOf(await graphql(matchesQuery, { task: task.documentId }, tutor)).details.reason).toBe(
      'not_task_author'
    );
    const ranked = await graphql(matchesQuery, { task: task.documentId }, author);
    expect(ranked.body.data.taskMatches.map((match: any) => match.tutor.id)).toEqual(
      expect.arrayContaining([tutor.id, rival.id])
    );
    expect(JSON.stringify(ranked.body)).not.toContain('@example.test');
    const seen = await graphql('query ($id: ID!) { task(documentId: $id) }', { id: task.documentId }, otherStudent);
    expect(errorOf(seen).name).toBe('NotFoundError');

    const acceptMutation = 'mutation ($offer: ID!) { acceptOffer(offer: $offer) }';
    const byTutor = await graphql(acceptMutation, { offer: made.body.data.offerOnTask.documentId }, tutor);
    expect(errorOf(byTutor).details.reason).toBe('not_task_author');
    const accepted = await graphql(acceptMutation, { offer: made.body.data.offerOnTask.documentId }, author);
    expect(accepted.body.data.acceptOffer).toMatchObject({ status: 'assigned', assignedTutor: { id: tutor.id } });
    const again = await graphql(acceptMutation, { offer: made.body.data.offerOnTask.documentId }, author);
    expect(errorOf(again).details.reason).toBe('task_not_open');
    const completed = await graphql(
      'mutation ($task: ID!) { completeTask(task: $task) }',
      { task: task.documentId },
      author
    );
    expect(completed.body.data.completeTask.status).toBe('completed');
    const cancelled = await graphql(
      'mutation ($task: ID!) { cancelTask(task: $task) }',
      { task: task.documentId },
      author
    );
    expect(errorOf(cancelled).details.reason).toBe('task_closed');
    expect(errorOf(await graphql('query { tasks }')).name).toBe('ForbiddenError');
  });
});

describe('personal data', () => {
  test('tasks and offers are in the data export and go with the erasure', async () => {
    const author = await make.createUser('student');
    const task = await newTask(author, { title: 'Exported task' });
    const tutor = await makeTutor({ subjects: [algebra] });
    await newOffer(tutor, task.documentId);
    const other = await newTask(student, { title: 'Someone else’s' });
    await newOffer(tutor, other.documentId);
    const { collectPersonalData } = require(path.join(process.cwd(), 'dist', 'src', 'privacy', 'personal-data.js'));
    const authorData = await collectPersonalData(app.strapi, author.id);
    expect(authorData.documents['task.json'].map((row: any) => row.title)).toEqual(['Exported task']);
    const tutorData = await collectPersonalData(app.strapi, tutor.id);
    expect(tutorData.documents['task-offer.json']).toHaveLength(2);
    const erased = await app.request.delete('/api/me').set(author.auth).send({ password: PASSWORD });
    expect(erased.status).toBe(200);
    expect(await app.strapi.db.query(TASK as any).count({ where: { authorId: author.id } })).toBe(0);
    expect(
      await app.strapi.db.query(OFFER as any).count({ where: { taskId: { $notNull: true }, tutorId: tutor.id } })
    ).toBe(1);
    const erasedTutor = await app.request.delete('/api/me').set(tutor.auth).send({ password: PASSWORD });
    expect(erasedTutor.status).toBe(200);
    expect(
      await app.strapi.db.query(OFFER as any).count({ where: { taskId: { $notNull: true }, tutorId: tutor.id } })
    ).toBe(0);
    expect((await showTask(student, other.documentId)).body.data.offersCount).toBe(0);
  });
});
