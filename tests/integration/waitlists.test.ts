import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { adminSession, expectStatus, type AdminSession } from '../helpers/admin-users';
import { placeOrder, seatsOf } from '../helpers/commerce';
import { smtpSettings, startMailbox, type Mailbox } from '../helpers/mailbox';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Waitlists of full courses (contract, "Teaching depth"): the course fields, joining and its refusals, live
 * positions, a freed seat going to the first in line (offer or auto), accepting, expiry, the races, and the admin
 * panel's waitlist routes. Promotion runs as a job after the commit that freed the seat, so the tests wait for its
 * effect (with a deadline), never for a fixed time.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let mailbox: Mailbox;
let teacher: TestUser;
let otherTeacher: TestUser;

const ENTRY = 'plugin::enrollment.waitlist-entry';
const HOLD = 'plugin::enrollment.seat-hold';
const ENROLLMENT = 'plugin::enrollment.enrollment';
const ORDER = 'plugin::commerce.order';

beforeAll(async () => {
  mailbox = await startMailbox();
  app = await startLyceum({
    ...smtpSettings(mailbox),
    EMAIL_FROM: 'Lyceum School <school@lyceum.test>',
    WAITLIST_OFFER_EXPIRY_CRON: '200',
    ORDERS_EXPIRY_CRON: '200',
  });
  make = factories(app.strapi);
  [teacher, otherTeacher] = await Promise.all([make.createUser('teacher'), make.createUser('teacher')]);
}, 120_000);
afterAll(async () => {
  await stopLyceum();
  await mailbox.close();
});

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const student = (overrides: Record<string, unknown> = {}) => make.createUser('student', overrides);
const students = (count: number) => Promise.all(Array.from({ length: count }, () => student()));
const reasonOf = (response: { body: any }) => response.body?.error?.details?.reason;

const enroll = (user: TestUser, course: { documentId: string }) =>
  app.request.post(`/api/courses/${course.documentId}/enrollments`).set(user.auth).send({});
const cancel = (user: TestUser, course: { documentId: string }) =>
  app.request.delete(`/api/courses/${course.documentId}/enrollments/me`).set(user.auth);
const join = (user: TestUser, course: { documentId: string }) =>
  app.request.post(`/api/courses/${course.documentId}/waitlist`).set(user.auth).send({});
const leave = (user: TestUser, course: { documentId: string }) =>
  app.request.delete(`/api/courses/${course.documentId}/waitlist/me`).set(user.auth);
const accept = (user: TestUser, course: { documentId: string }) =>
  app.request.post(`/api/courses/${course.documentId}/waitlist/accept`).set(user.auth).send({});
const myWaitlists = async (user: TestUser) => {
  const response = await app.request.get('/api/me/waitlists').set(user.auth);
  expectStatus(response, 200);
  return response.body.data as Array<{
    course: { documentId: string; title: string | null };
    position: number;
    status: string;
    offerExpiresAt?: string;
  }>;
};
const placeIn = async (user: TestUser, course: { documentId: string }) =>
  (await myWaitlists(user)).find((place) => place.course.documentId === course.documentId);
const untilOffered = (user: TestUser, course: { documentId: string }) =>
  until(async () => (await placeIn(user, course))?.status === 'offered', `an offer to ${user.username}`);
const isMember = async (user: TestUser, course: { documentId: string }) => {
  const row = await app.strapi.db
    .query(ENROLLMENT)
    .findOne({ where: { key: `${user.id}:${course.documentId}` }, select: ['status'] });
  return row?.status === 'active' || row?.status === 'completed';
};
const entriesOf = (course: { documentId: string }) =>
  app.strapi.db.query(ENTRY).findMany({
    where: { courseDocumentId: course.documentId },
    select: ['id', 'userId', 'status', 'activeKey', 'offerExpiresAt'],
    orderBy: { id: 'asc' },
  }) as Promise<
    Array<{ id: number; userId: number; status: string; activeKey: string | null; offerExpiresAt: string }>
  >;
const holdsOf = async (course: { documentId: string }) =>
  (
    (await app.strapi.db
      .query(HOLD)
      .findMany({ where: { courseDocumentId: course.documentId }, select: ['key'] })) as Array<{ key: string }>
  ).map((hold) => hold.key);

/** A published course keeping a waitlist, with `capacity` students enrolled through the API (so it is full). */
async function fullCourse(capacity: number, data: Record<string, unknown> = {}) {
  const course = await make.createCourse({ teacher, lessons: 1, data: { capacity, waitlist: true, ...data } });
  const members = await students(capacity);
  for (const member of members) expectStatus(await enroll(member, course), 201);
  return { course, members };
}

/** Everyone in line, joined one after the other (so their positions are 1, 2, 3…). */
async function line(course: TestCourse, count: number) {
  const waiting = await students(count);
  for (const [index, user] of waiting.entries()) {
    const joined = await join(user, course);
    expectStatus(joined, 201);
    expect(joined.body.data).toEqual({ position: index + 1 });
  }
  return waiting;
}

const updateCourse = (user: TestUser, course: { documentId: string }, data: Record<string, unknown>) =>
  app.request.put(`/api/courses/${course.documentId}`).set(user.auth).send({ data });

describe('course fields', () => {
  test('a course keeps no waitlist by default; the mode defaults to offer and the hold time to 48 hours', async () => {
    const course = await make.createCourse({ teacher, lessons: 1 });
    const response = await app.request.get(`/api/courses/${course.documentId}`);
    expectStatus(response, 200);
    expect(response.body.data).toMatchObject({ waitlist: false, waitlistMode: 'offer', waitlistOfferHours: 48 });
  });

  test('the owner turns the waitlist on with a mode and a hold time', async () => {
    const course = await make.createCourse({ teacher, lessons: 1 });
    const updated = await updateCourse(teacher, course, {
      waitlist: true,
      waitlistMode: 'auto',
      waitlistOfferHours: 12,
    });
    expectStatus(updated, 200);
    expect(updated.body.data).toMatchObject({ waitlist: true, waitlistMode: 'auto', waitlistOfferHours: 12 });
  });

  test.each([
    ['waitlistMode', 'sometimes'],
    ['waitlistMode', 7],
    ['waitlistOfferHours', 0],
    ['waitlistOfferHours', -3],
    ['waitlistOfferHours', 1.5],
    ['waitlistOfferHours', 'soon'],
    ['waitlistOfferHours', 100_000],
    ['waitlist', 'perhaps'],
  ])('%s = %p is refused with 400 naming the field, nothing stored', async (field, value) => {
    const course = await make.createCourse({ teacher, lessons: 1 });
    const response = await updateCourse(teacher, course, { [field]: value });
    expectStatus(response, 400);
    const paths = JSON.stringify(response.body.error.details?.errors ?? response.body.error.message);
    expect(paths).toContain(field);
    const stored = await app.request.get(`/api/courses/${course.documentId}`);
    expect(stored.body.data).toMatchObject({ waitlist: false, waitlistMode: 'offer', waitlistOfferHours: 48 });
  });
});

describe('joining', () => {
  test('a full course takes entries in order: 201 with the live position; GET /me/waitlists shows it', async () => {
    const { course } = await fullCourse(1);
    const [first, second, third] = await line(course, 3);
    expect(await placeIn(third, course)).toMatchObject({
      course: { documentId: course.documentId, title: course.title },
      position: 3,
      status: 'waiting',
    });
    expect((await placeIn(third, course))?.offerExpiresAt).toBeUndefined();
    // Positions are live: the first leaves, everyone moves up.
    expectStatus(await leave(first, course), 200);
    expect((await placeIn(second, course))?.position).toBe(1);
    expect((await placeIn(third, course))?.position).toBe(2);
    expect(await placeIn(first, course)).toBeUndefined();
  });

  test('refusals: 409 already_waitlisted, already_enrolled, seats_available; 403 waitlist_closed', async () => {
    const { course, members } = await fullCourse(1);
    const [waiting] = await line(course, 1);
    const again = await join(waiting, course);
    expectStatus(again, 409);
    expect(reasonOf(again)).toBe('already_waitlisted');
    const member = await join(members[0], course);
    expectStatus(member, 409);
    expect(reasonOf(member)).toBe('already_enrolled');

    const withSeats = await make.createCourse({ teacher, lessons: 1, data: { capacity: 5, waitlist: true } });
    const free = await join(await student(), withSeats);
    expectStatus(free, 409);
    expect(reasonOf(free)).toBe('seats_available');
    const unlimited = await make.createCourse({ teacher, lessons: 1, data: { waitlist: true } });
    expect(reasonOf(await join(await student(), unlimited))).toBe('seats_available');

    const { course: closed } = await fullCourse(1, { waitlist: false });
    const refused = await join(await student(), closed);
    expectStatus(refused, 403);
    expect(reasonOf(refused)).toBe('waitlist_closed');
    expect(await entriesOf(closed)).toEqual([]);
  });

  test('the rules of enrolling apply when joining: a draft course 403 not_published; unknown 404; no token 401', async () => {
    const draft = await make.createCourse({
      teacher,
      lessons: 1,
      published: false,
      data: { capacity: 1, waitlist: true },
    });
    const refused = await join(await student(), draft);
    expectStatus(refused, 403);
    expect(reasonOf(refused)).toBe('not_published');
    expectStatus(await join(await student(), { documentId: 'nosuchcourse000000000000' }), 404);
    expectStatus(await app.request.post(`/api/courses/${draft.documentId}/waitlist`).send({}), 401);
    const badBody = await app.request
      .post(`/api/courses/${draft.documentId}/waitlist`)
      .set((await student()).auth)
      .send({ position: 1 });
    expectStatus(badBody, 400);
    expectStatus(await join(await student(), { documentId: 'bad id!' }), 400);
  });

  test('leaving when not in line: 404 not_waitlisted', async () => {
    const { course } = await fullCourse(1);
    const response = await leave(await student(), course);
    expectStatus(response, 404);
    expect(reasonOf(response)).toBe('not_waitlisted');
  });
});

describe('a freed seat goes to the first in line (offer mode)', () => {
  test('a cancellation offers the seat to the first in line, held for them, with a notice and a mail; accepting enrolls', async () => {
    const { course, members } = await fullCourse(2, { waitlistOfferHours: 24 });
    const [first, second] = await line(course, 2);
    const cancelledAt = Date.now();
    expectStatus(await cancel(members[0], course), 200);
    await untilOffered(first, course);

    const offer = await placeIn(first, course);
    expect(offer).toMatchObject({ status: 'offered', position: 1 });
    const hours = (new Date(offer!.offerExpiresAt!).getTime() - cancelledAt) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThan(24.1);
    expect(await placeIn(second, course)).toMatchObject({ status: 'waiting', position: 1 });
    // The seat counts against the capacity: nobody else takes it.
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 1, held: 1 });
    const stranger = await enroll(await student(), course);
    expectStatus(stranger, 403);
    expect(reasonOf(stranger)).toBe('course_full');
    const newcomer = await join(await student(), course);
    expect(newcomer.body.data).toEqual({ position: 2 });

    // The notice and the mail are jobs the promotion recorded: they follow it.
    await until(async () => {
      const notices = await app.request.get('/api/me/notifications').set(first.auth);
      return notices.body.data.some(
        (notice: { type: string; link: string }) =>
          notice.type === 'waitlist_offer' && notice.link === `/courses/${course.documentId}`
      );
    }, 'the offer notice');
    const mail = await mailbox.waitFor(first.email, /A seat is free for you/);
    expect(mail.subject).toContain(course.title);
    expect(mail.text).toMatch(/Accept it before \d{4}-\d\d-\d\d \d\d:\d\d/);

    const accepted = await accept(first, course);
    expectStatus(accepted, 201);
    expect(accepted.body.data).toMatchObject({ status: 'active', course: { documentId: course.documentId } });
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 2, held: 0 });
    expect(await isMember(first, course)).toBe(true);
    expect(await placeIn(first, course)).toBeUndefined();
    const twice = await accept(first, course);
    expectStatus(twice, 409);
    expect(reasonOf(twice)).toBe('already_enrolled');
    expect(await holdsOf(course)).toEqual([]);
  });

  test('the offer mail is in the student’s language', async () => {
    const { course, members } = await fullCourse(1);
    const russian = await student({ preferredLocale: 'ru' });
    expectStatus(await join(russian, course), 201);
    expectStatus(await cancel(members[0], course), 200);
    const mail = await mailbox.waitFor(russian.email, /Для вас освободилось место/);
    expect(mail.text).toContain('Подтвердите его до');
  });

  test('waitlist_offer email off (settings): the offer notice comes, the offer mail does not', async () => {
    const { course, members } = await fullCourse(1);
    const quiet = await student();
    const settings = await app.request
      .put('/api/me/settings')
      .set(quiet.auth)
      .send({ notifications: { waitlist_offer: { email: false } } });
    expectStatus(settings, 200);
    expectStatus(await join(quiet, course), 201);
    expectStatus(await cancel(members[0], course), 200);
    await until(async () => {
      const notices = await app.request.get('/api/me/notifications').set(quiet.auth);
      return notices.body.data.some((notice: { type: string }) => notice.type === 'waitlist_offer');
    }, 'the offer notice');
    // The mail would have been recorded in the promotion's transaction, with the notice's job.
    const mails = await app.strapi.db.connection('lyceum_jobs').where('type', 'mail.send').select('payload');
    expect(mails.filter((row: { payload: string }) => JSON.parse(row.payload).to === quiet.email)).toEqual([]);
  });

  test('accept refusals: 404 not in line, 409 no_offer while waiting', async () => {
    const { course } = await fullCourse(1);
    const [waiting] = await line(course, 1);
    const early = await accept(waiting, course);
    expectStatus(early, 409);
    expect(reasonOf(early)).toBe('no_offer');
    const nobody = await accept(await student(), course);
    expectStatus(nobody, 404);
    expect(reasonOf(nobody)).toBe('not_waitlisted');
  });

  test('declining (leaving with an offer) passes the seat to the next in line', async () => {
    const { course, members } = await fullCourse(1);
    const [first, second] = await line(course, 2);
    expectStatus(await cancel(members[0], course), 200);
    await untilOffered(first, course);
    expectStatus(await leave(first, course), 200);
    await untilOffered(second, course);
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 1 });
    expect(await holdsOf(course)).toHaveLength(1);
  });

  test('a seat freed with nobody in line is simply free', async () => {
    const { course, members } = await fullCourse(1);
    expectStatus(await cancel(members[0], course), 200);
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 0 });
    expectStatus(await enroll(await student(), course), 201);
  });
});

describe('expiry', () => {
  test('an expired offer answers 403 offer_expired; the schedule expires it and offers the seat to the next', async () => {
    const { course, members } = await fullCourse(1);
    const [first, second] = await line(course, 2);
    expectStatus(await cancel(members[0], course), 200);
    await untilOffered(first, course);
    // The clock moved past the hold time: the offer ran out (the schedule runs every 200 ms here).
    const [offered] = (await entriesOf(course)).filter((entry) => entry.status === 'offered');
    await app.strapi.db
      .query(ENTRY)
      .update({ where: { id: offered.id }, data: { offerExpiresAt: new Date(Date.now() - 1000) } });

    await untilOffered(second, course);
    const late = await accept(first, course);
    expectStatus(late, 403);
    expect(reasonOf(late)).toBe('offer_expired');
    expect(await isMember(first, course)).toBe(false);
    expect(await placeIn(first, course)).toBeUndefined();
    expect((await entriesOf(course)).find((entry) => entry.id === offered.id)?.status).toBe('expired');
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 1 });
    // The expired student may join the line again, at its end.
    const rejoined = await join(first, course);
    expectStatus(rejoined, 201);
    expect(rejoined.body.data).toEqual({ position: 1 });
  });

  test('the expiry job driven with a clock past the hold time moves the seat on; an offer still running stays', async () => {
    const { course, members } = await fullCourse(1, { waitlistOfferHours: 2 });
    const [first, second] = await line(course, 2);
    expectStatus(await cancel(members[0], course), 200);
    await untilOffered(first, course);
    const waitlists = app.strapi.plugin('enrollment').service('waitlists');
    expect(await waitlists.expireOffers(new Date(Date.now() + 3_600_000))).toBe(0);
    expect((await placeIn(first, course))?.status).toBe('offered');
    expect(await waitlists.expireOffers(new Date(Date.now() + 3 * 3_600_000))).toBeGreaterThanOrEqual(1);
    await untilOffered(second, course);
    expect(reasonOf(await accept(first, course))).toBe('offer_expired');
    expectStatus(await accept(second, course), 201);
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 1, held: 0 });
  });
});

describe('auto mode', () => {
  test('a freed seat enrolls the first in line at once, with a notice and the enrollment mail', async () => {
    const { course, members } = await fullCourse(1, { waitlistMode: 'auto' });
    const [first, second] = await line(course, 2);
    expectStatus(await cancel(members[0], course), 200);
    await until(() => isMember(first, course), 'the first in line to be enrolled');
    expect(await placeIn(first, course)).toBeUndefined();
    expect(await placeIn(second, course)).toMatchObject({ status: 'waiting', position: 1 });
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 1, held: 0 });
    const mine = await app.request.get('/api/me/enrollments').set(first.auth);
    expect(mine.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          status: 'active',
          course: expect.objectContaining({ documentId: course.documentId }),
        }),
      ])
    );
    await until(async () => {
      const notices = await app.request.get('/api/me/notifications').set(first.auth);
      return notices.body.data.some((notice: { type: string }) => notice.type === 'enrollment');
    }, 'the enrollment notice');
    await mailbox.waitFor(first.email, /You are enrolled/);
    expect(await holdsOf(course)).toEqual([]);
  });

  test('a student who left the course earlier comes back from the line with their enrollment', async () => {
    const course = await make.createCourse({
      teacher,
      lessons: 1,
      data: { capacity: 1, waitlist: true, waitlistMode: 'auto' },
    });
    const returning = await student();
    // They were enrolled once and left; the seat went to someone else meanwhile.
    expectStatus(await enroll(returning, course), 201);
    expectStatus(await cancel(returning, course), 200);
    const taker = await student();
    expectStatus(await enroll(taker, course), 201);
    expectStatus(await join(returning, course), 201);
    expectStatus(await cancel(taker, course), 200);
    await until(() => isMember(returning, course), 'the returning student to be enrolled again');
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 1, held: 0 });
  });
});

describe('other ways a seat frees up', () => {
  test('a raised capacity offers the new seats to the first in line', async () => {
    const { course } = await fullCourse(1);
    const [first, second, third] = await line(course, 3);
    expectStatus(await updateCourse(teacher, course, { capacity: 3 }), 200);
    await untilOffered(first, course);
    await untilOffered(second, course);
    expect((await placeIn(third, course))?.status).toBe('waiting');
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 1, held: 2 });
  });

  test('an expired pending order gives its seat to the line', async () => {
    // A paid course's line takes students who paid for it before (the payment rule holds for joining): one bought
    // it and left, then a buyer's pending order holds the only seat.
    const course = await make.createCourse({
      teacher,
      lessons: 1,
      data: { price: 20, currency: 'USD', capacity: 1, waitlist: true },
    });
    const former = await student();
    const bought = await placeOrder(app, former, { courses: [course.documentId], provider: 'sandbox' });
    expectStatus(bought, 201);
    expectStatus(
      await app.request.post(`/api/payments/sandbox/checkout/${bought.body.data.documentId}`).send({ outcome: 'paid' }),
      200
    );
    await until(() => isMember(former, course), 'the buyer to be enrolled');
    expectStatus(await cancel(former, course), 200);
    const pending = await placeOrder(app, await student(), { courses: [course.documentId], provider: 'sandbox' });
    expectStatus(pending, 201);
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 1 });

    const joined = await join(former, course);
    expectStatus(joined, 201);
    await app.strapi.db.query(ORDER).update({
      where: { documentId: pending.body.data.documentId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await untilOffered(former, course);
    expectStatus(await accept(former, course), 201);
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 1, held: 0 });
  });
});

describe('races, settled by the database', () => {
  test('30 parallel joins get the positions 1..30 once each; 10 parallel cancellations offer exactly 10 seats to the first 10', async () => {
    const { course, members } = await fullCourse(10);
    const waiting = await students(30);
    const joins = await Promise.all(waiting.map((user) => join(user, course)));
    for (const response of joins) expectStatus(response, 201);
    const positions = joins.map((response) => response.body.data.position as number);
    expect([...positions].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));

    const cancellations = await Promise.all(members.map((member) => cancel(member, course)));
    for (const response of cancellations) expectStatus(response, 200);
    await until(
      async () => (await entriesOf(course)).filter((entry) => entry.status === 'offered').length === 10,
      '10 offers'
    );
    const entries = await entriesOf(course);
    const offered = entries.filter((entry) => entry.status === 'offered');
    const firstTen = waiting.filter((_, index) => positions[index] <= 10).map((user) => user.id);
    expect(offered.map((entry) => entry.userId).sort()).toEqual([...firstTen].sort());
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 10 });
    expect((await holdsOf(course)).sort()).toEqual(offered.map((entry) => `waitlist-offer:${entry.id}`).sort());

    // Parallel accepts are exact: the 10 offered take their seats, the rest still wait (409 no_offer).
    const offeredUsers = waiting.filter((user) => firstTen.includes(user.id));
    const stillWaiting = waiting.filter((user) => !firstTen.includes(user.id)).slice(0, 5);
    const answers = await Promise.all([...offeredUsers, ...stillWaiting].map((user) => accept(user, course)));
    expect(answers.slice(0, 10).map((answer) => answer.status)).toEqual(Array(10).fill(201));
    expect(answers.slice(10).map(reasonOf)).toEqual(Array(5).fill('no_offer'));
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 10, held: 0 });
    expect(await holdsOf(course)).toEqual([]);
  });

  test('one active entry per student and course is the database’s: 20 simultaneous inserts leave one; closed ones do not count', async () => {
    const course = await make.createCourse({ teacher, lessons: 1, data: { capacity: 1, waitlist: true } });
    const user = await student();
    const row = (activeKey: string | null, status: string) => ({
      activeKey,
      courseDocumentId: course.documentId,
      userId: user.id,
      status,
    });
    const closed = await Promise.allSettled(
      Array.from({ length: 5 }, () => app.strapi.db.query(ENTRY).create({ data: row(null, 'expired') }))
    );
    expect(closed.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(5);
    const key = `${user.id}:${course.documentId}`;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => app.strapi.db.query(ENTRY).create({ data: row(key, 'waiting') }))
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(await app.strapi.db.query(ENTRY).count({ where: { activeKey: key } })).toBe(1);
  });

  test('the same offer accepted 5 times at once enrolls once', async () => {
    const { course, members } = await fullCourse(1);
    const [first] = await line(course, 1);
    expectStatus(await cancel(members[0], course), 200);
    await untilOffered(first, course);
    const answers = await Promise.all(Array.from({ length: 5 }, () => accept(first, course)));
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 409)).toHaveLength(4);
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 1, held: 0 });
  });

  test('30 joins and 10 cancellations at once leave every seat taken or offered, none twice', async () => {
    const { course, members } = await fullCourse(10);
    const hopefuls = await students(30);
    // A hopeful who meets a free seat enrolls instead, as a client would (and joins after all if it is gone).
    const getIn = async (user: TestUser) => {
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const joined = await join(user, course);
        if (joined.status === 201) return 'waiting';
        if (reasonOf(joined) !== 'seats_available')
          throw new Error(`join answered ${joined.status} ${reasonOf(joined)}`);
        const enrolled = await enroll(user, course);
        if (enrolled.status === 201) return 'enrolled';
        if (reasonOf(enrolled) !== 'course_full') throw new Error(`enroll answered ${enrolled.status}`);
      }
      throw new Error('neither joined nor enrolled');
    };
    const [outcomes, cancellations] = await Promise.all([
      Promise.all(hopefuls.map(getIn)),
      Promise.all(members.map((member) => cancel(member, course))),
    ]);
    for (const response of cancellations) expectStatus(response, 200);
    expect(outcomes).toHaveLength(30);

    // Settled once the promotions have run: no seat reserved and unoffered while someone waits.
    await until(async () => !(await holdsOf(course)).some((key) => key.startsWith('waitlist-free:')), 'promotions');
    const seats = (await seatsOf(app.strapi, course.documentId))!;
    const entries = await entriesOf(course);
    const offered = entries.filter((entry) => entry.status === 'offered');
    const enrolledRows = (await app.strapi.db.query(ENROLLMENT).findMany({
      where: { key: { $endsWith: `:${course.documentId}` }, status: 'active' },
      select: ['key'],
    })) as Array<{ key: string }>;
    const enrolledUsers = enrolledRows.map((row) => Number(row.key.split(':')[0]));
    expect(seats.taken).toBe(enrolledUsers.length);
    expect(seats.held).toBe(offered.length);
    expect(seats.taken + seats.held).toBe(10);
    const holders = [...enrolledUsers, ...offered.map((entry) => entry.userId)];
    expect(new Set(holders).size).toBe(holders.length);
    expect((await holdsOf(course)).sort()).toEqual(offered.map((entry) => `waitlist-offer:${entry.id}`).sort());
    // Nobody in line twice; everyone waiting is behind the offers.
    const active = entries.filter((entry) => entry.activeKey !== null);
    expect(new Set(active.map((entry) => entry.userId)).size).toBe(active.length);
  });
});

describe('the Enrollments page: the waitlist', () => {
  let ownerAdmin: AdminSession;
  let otherAdmin: AdminSession;
  let marketer: AdminSession;

  beforeAll(async () => {
    ownerAdmin = await adminSession(app, 'Teacher', teacher.email);
    otherAdmin = await adminSession(app, 'Teacher', otherTeacher.email);
    marketer = await adminSession(app, 'Marketer');
  });

  const list = (session: AdminSession, course: { documentId: string }) =>
    app.request.get(`/enrollment/courses/${course.documentId}/waitlist`).set(session.auth);

  test('shows the line with positions, students, status and offer expiry', async () => {
    const { course, members } = await fullCourse(1);
    const [first, second] = await line(course, 2);
    expectStatus(await cancel(members[0], course), 200);
    await untilOffered(first, course);
    const response = await list(ownerAdmin, course);
    expectStatus(response, 200);
    expect(response.body.data).toEqual([
      expect.objectContaining({
        position: 1,
        status: 'offered',
        student: expect.objectContaining({ id: first.id, email: first.email }),
        offerExpiresAt: expect.any(String),
      }),
      expect.objectContaining({
        position: 1,
        status: 'waiting',
        student: expect.objectContaining({ id: second.id }),
        offerExpiresAt: null,
      }),
    ]);
  });

  test('staff move someone up and remove someone; the change is logged', async () => {
    const { course } = await fullCourse(1);
    const [first, second, third] = await line(course, 3);
    const log = jest.spyOn(app.strapi.log, 'info');
    const before = (await list(ownerAdmin, course)).body.data;
    const thirdEntry = before.find((row: { student: { id: number } }) => row.student.id === third.id);
    const moved = await app.request
      .post(`/enrollment/courses/${course.documentId}/waitlist/${thirdEntry.id}/move-up`)
      .set(ownerAdmin.auth)
      .send({});
    expectStatus(moved, 200);
    expect(moved.body.data.map((row: { student: { id: number } }) => row.student.id)).toEqual([
      first.id,
      third.id,
      second.id,
    ]);
    expect((await placeIn(third, course))?.position).toBe(2);
    // Twice more: to the top, then it stays there.
    for (let times = 0; times < 2; times += 1)
      expectStatus(
        await app.request
          .post(`/enrollment/courses/${course.documentId}/waitlist/${thirdEntry.id}/move-up`)
          .set(ownerAdmin.auth)
          .send({}),
        200
      );
    expect((await placeIn(third, course))?.position).toBe(1);

    const firstEntry = before.find((row: { student: { id: number } }) => row.student.id === first.id);
    const removed = await app.request
      .delete(`/enrollment/courses/${course.documentId}/waitlist/${firstEntry.id}`)
      .set(ownerAdmin.auth);
    expectStatus(removed, 200);
    expect(removed.body.data.map((row: { student: { id: number } }) => row.student.id)).toEqual([third.id, second.id]);
    expect(await placeIn(first, course)).toBeUndefined();
    const audit = log.mock.calls.map(([line]) => String(line)).filter((line) => line.startsWith('audit: '));
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`moved waitlist entry #${thirdEntry.id} of course ${course.documentId} up`),
        expect.stringContaining(`removed waitlist entry #${firstEntry.id} (user #${first.id})`),
      ])
    );
    log.mockRestore();
    const admin = await make.createUser('admin');
    const events = await app.request.get('/api/audit-events').query({ entity: 'waitlist-entry' }).set(admin.auth);
    expectStatus(events, 200);
    expect(events.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'waitlist.moved', entity: `waitlist-entry:${thirdEntry.id}` }),
        expect.objectContaining({
          action: 'waitlist.removed',
          entity: `waitlist-entry:${firstEntry.id}`,
          before: { course: course.documentId, student: first.id },
        }),
      ])
    );
    const gone = await app.request
      .delete(`/enrollment/courses/${course.documentId}/waitlist/${firstEntry.id}`)
      .set(ownerAdmin.auth);
    expectStatus(gone, 404);
  });

  test('removing an offered student passes the seat on; an offered entry does not move (409 not_waiting)', async () => {
    const { course, members } = await fullCourse(1);
    const [first, second] = await line(course, 2);
    expectStatus(await cancel(members[0], course), 200);
    await untilOffered(first, course);
    const rows = (await list(ownerAdmin, course)).body.data;
    const offered = rows.find((row: { status: string }) => row.status === 'offered');
    const notMoving = await app.request
      .post(`/enrollment/courses/${course.documentId}/waitlist/${offered.id}/move-up`)
      .set(ownerAdmin.auth)
      .send({});
    expectStatus(notMoving, 409);
    expect(reasonOf(notMoving)).toBe('not_waiting');
    expectStatus(
      await app.request.delete(`/enrollment/courses/${course.documentId}/waitlist/${offered.id}`).set(ownerAdmin.auth),
      200
    );
    await untilOffered(second, course);
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 1 });
  });

  test('who may: 401 without a login, 403 for a Marketer, 403 not_course_owner for another teacher, 400 and 404 for bad ids', async () => {
    const { course } = await fullCourse(1);
    await line(course, 1);
    expectStatus(await app.request.get(`/enrollment/courses/${course.documentId}/waitlist`), 401);
    expectStatus(await list(marketer, course), 403);
    const stranger = await list(otherAdmin, course);
    expectStatus(stranger, 403);
    expect(reasonOf(stranger)).toBe('not_course_owner');
    const [entry] = (await list(ownerAdmin, course)).body.data;
    const strangerMove = await app.request
      .post(`/enrollment/courses/${course.documentId}/waitlist/${entry.id}/move-up`)
      .set(otherAdmin.auth)
      .send({});
    expect(reasonOf(strangerMove)).toBe('not_course_owner');
    expectStatus(
      await app.request.delete(`/enrollment/courses/${course.documentId}/waitlist/${entry.id}`).set(marketer.auth),
      403
    );
    expectStatus(
      await app.request.delete(`/enrollment/courses/${course.documentId}/waitlist/abc`).set(ownerAdmin.auth),
      400
    );
    expectStatus(
      await app.request.delete(`/enrollment/courses/${course.documentId}/waitlist/99999999`).set(ownerAdmin.auth),
      404
    );
    expect((await list(ownerAdmin, course)).body.data).toHaveLength(1);
    const superAdmin = await adminSession(app, 'Super Admin');
    expectStatus(await list(superAdmin, course), 200);
  });
});
