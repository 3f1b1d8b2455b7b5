import { randomBytes } from 'crypto';
import { adminSession, expectStatus, type AdminSession } from '../helpers/admin-users';
import { enrollmentOf, eventId, paidCourse, placeOrder, seatsOf, sendSandboxWebhook } from '../helpers/commerce';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { until } from '../helpers/fleet';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * The admin panel's Orders page through its admin routes (/commerce/orders…), called as the panel calls them: real
 * admin users logged in with POST /admin/login. The Finance role (and Super Admin) holds the page's action and the
 * coupons in the content manager, nothing about courses or users; Teacher and Marketer get 403. Then the order rules
 * behind it: a retried checkout replaces the buyer's pending order, a payment after expiry is fulfilled or refunded,
 * and refunds left pending by a crash are settled by the reconcile schedule.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
let superAdmin: AdminSession;
let finance: AdminSession;
let marketer: AdminSession;
let teacherAdmin: AdminSession;
let sentMail: Array<{ to: string; subject: string; text: string }>;

const ORDER = 'plugin::commerce.order';
const REFUND = 'plugin::commerce.order-refund';
const COUPON = 'api::coupon.coupon';
const CM = '/content-manager/collection-types';

beforeAll(async () => {
  // The expiry and refund-reconcile sweeps every 200 ms, so a test sees them run instead of waiting minutes.
  app = await startLyceum({ ORDERS_EXPIRY_CRON: '200', REFUNDS_RECONCILE_CRON: '200' });
  make = factories(app.strapi);
  sentMail = [];
  jest.spyOn(app.strapi.plugin('email').service('email'), 'send').mockImplementation((async (message: any) => {
    sentMail.push(message);
  }) as never);
  teacher = await make.createUser('teacher');
  superAdmin = await adminSession(app, 'Super Admin');
  finance = await adminSession(app, 'Finance');
  marketer = await adminSession(app, 'Marketer');
  teacherAdmin = await adminSession(app, 'Teacher', teacher.email);
}, 120_000);
afterAll(stopLyceum);

const reasonOf = (response: { body: any }) => response.body.error?.details?.reason;
const fieldsOf = (response: { body: any }) =>
  (response.body.error?.details?.errors ?? []).map((error: { path: string[] }) => error.path.join('.'));
const orderRow = (documentId: string) => app.strapi.db.query(ORDER).findOne({ where: { documentId } });
const unique = () => randomBytes(4).toString('hex');

async function pendingOrder(course: TestCourse, buyer: TestUser) {
  const response = await placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox' });
  expectStatus(response, 201);
  return response.body.data as { documentId: string; number: string; status: string };
}

async function paidOrder(course: TestCourse, buyer: TestUser) {
  const order = await pendingOrder(course, buyer);
  const id = eventId();
  expectStatus(await sendSandboxWebhook(app, { id, type: 'payment.succeeded', order: order.documentId }), 200);
  return { ...order, eventId: id };
}

describe('the Orders page routes', () => {
  let olga: TestUser;
  let pavel: TestUser;
  let alpha: TestCourse;
  let beta: TestCourse;
  let olgaPaid: Awaited<ReturnType<typeof paidOrder>>;
  let pavelPending: Awaited<ReturnType<typeof pendingOrder>>;
  const search = (session: AdminSession, query: Record<string, unknown> = {}) =>
    app.request.get('/commerce/orders').query(query).set(session.auth);
  const numbersOf = (response: any) => response.body.data.map((order: any) => order.number);

  beforeAll(async () => {
    const tag = unique();
    olga = await make.createUser('student', { fullName: `Olga Ledger ${tag}` });
    pavel = await make.createUser('student', { fullName: `Pavel Abacus ${tag}` });
    // The factory names the course; the title given here is the one stored (and recorded by the orders).
    const titled = async (price: number, title: string) => ({
      ...(await paidCourse(make, teacher, price, { data: { title } })),
      title,
    });
    alpha = await titled(40, `Alpha accounting ${tag}`);
    beta = await titled(25, `Beta budgeting ${tag}`);
    olgaPaid = await paidOrder(alpha, olga);
    pavelPending = await pendingOrder(beta, pavel);
  });

  test('without an admin login 401; a Marketer or a Teacher 403 on every route', async () => {
    const calls = (session?: AdminSession) => {
      const withAuth = (request: any) => (session ? request.set(session.auth) : request);
      return [
        withAuth(app.request.get('/commerce/orders')),
        withAuth(app.request.get(`/commerce/orders/${olgaPaid.documentId}`)),
        withAuth(app.request.post(`/commerce/orders/${olgaPaid.documentId}/refund`).send({ reason: 'x' })),
      ];
    };
    for (const response of await Promise.all(calls())) expectStatus(response, 401);
    for (const session of [marketer, teacherAdmin])
      for (const response of await Promise.all(calls(session))) expectStatus(response, 403);
    expect((await orderRow(olgaPaid.documentId)).status).toBe('paid');
  });

  test('search by number, buyer name or email, course title and status, alone or together; newest first', async () => {
    expect(numbersOf(await search(finance, { number: olgaPaid.number }))).toEqual([olgaPaid.number]);
    expect(numbersOf(await search(finance, { number: olgaPaid.number.slice(-6).toLowerCase() }))).toContain(
      olgaPaid.number
    );
    expect(numbersOf(await search(finance, { buyer: 'olga ledger' }))).toContain(olgaPaid.number);
    expect(numbersOf(await search(finance, { buyer: pavel.email.toUpperCase() }))).toEqual([pavelPending.number]);
    expect(numbersOf(await search(finance, { course: alpha.title.toLowerCase() }))).toEqual([olgaPaid.number]);
    expect(numbersOf(await search(finance, { course: beta.documentId }))).toEqual([pavelPending.number]);
    expect(numbersOf(await search(finance, { course: beta.title, status: 'pending' }))).toEqual([pavelPending.number]);
    expect(numbersOf(await search(finance, { course: beta.title, status: 'paid' }))).toEqual([]);
    expect(numbersOf(await search(finance, { buyer: pavel.email, course: alpha.title }))).toEqual([]);

    const found = await search(superAdmin, { buyer: olga.email });
    expectStatus(found, 200);
    expect(found.body.data[0]).toMatchObject({
      documentId: olgaPaid.documentId,
      status: 'paid',
      total: 40,
      currency: 'USD',
      provider: 'sandbox',
      items: [{ course: alpha.documentId, title: alpha.title, unitPrice: 40 }],
      buyer: { id: olga.id, email: olga.email, fullName: expect.stringContaining('Olga Ledger') },
    });
    expect(found.body.data[0].buyer).not.toHaveProperty('password');

    const all = await search(finance, { 'pagination[pageSize]': 100 });
    const made = all.body.data.map((order: any) => Date.parse(order.createdAt));
    expect(made).toEqual([...made].sort((a, b) => b - a));
  });

  test('results are paginated', async () => {
    const first = await search(finance, { 'pagination[pageSize]': 1, 'pagination[page]': 1 });
    expectStatus(first, 200);
    expect(first.body.data).toHaveLength(1);
    expect(first.body.meta.pagination).toMatchObject({ page: 1, pageSize: 1 });
    expect(first.body.meta.pagination.total).toBeGreaterThanOrEqual(2);
    const second = await search(finance, { 'pagination[pageSize]': 1, 'pagination[page]': 2 });
    expect(numbersOf(second)).toHaveLength(1);
    expect(numbersOf(second)).not.toEqual(numbersOf(first));
  });

  test('bad searches are 400 naming the parameter', async () => {
    for (const [query, field] of [
      [{ status: 'shipped' }, 'status'],
      [{ number: 'x'.repeat(201) }, 'number'],
      [{ 'buyer[$ne]': 'x' }, 'buyer'],
    ] as const) {
      const response = await search(finance, query);
      expect([JSON.stringify(query), response.status, fieldsOf(response)]).toEqual([
        JSON.stringify(query),
        400,
        [field],
      ]);
    }
    expectStatus(await search(finance, { 'pagination[page]': 0 }), 400);
  });

  test('an order opens with its items, totals, provider reference, payment events and refunds', async () => {
    const response = await app.request.get(`/commerce/orders/${olgaPaid.documentId}`).set(finance.auth);
    expectStatus(response, 200);
    const row = await orderRow(olgaPaid.documentId);
    expect(response.body.data).toMatchObject({
      number: olgaPaid.number,
      status: 'paid',
      items: [{ course: alpha.documentId, title: alpha.title, unitPrice: 40 }],
      subtotal: 40,
      discount: 0,
      total: 40,
      refunded: 0,
      refundable: 40,
      provider: 'sandbox',
      providerReference: row.providerReference,
      buyer: { id: olga.id, email: olga.email },
      refunds: [],
    });
    expect(response.body.data.paymentEvents).toEqual([
      {
        provider: 'sandbox',
        eventId: olgaPaid.eventId,
        type: 'payment.succeeded',
        outcome: 'applied',
        receivedAt: expect.any(String),
      },
    ]);
    expect(response.body.data.paymentEvents[0]).not.toHaveProperty('payload');
    expectStatus(await app.request.get('/commerce/orders/nosuchorder000000000000').set(finance.auth), 404);
    expectStatus(await app.request.get('/commerce/orders/not-a-document-id').set(finance.auth), 400);
  });

  test('refund through the page: bad input 400 naming it, a part, then the rest cancels the enrollment; the admin is recorded', async () => {
    const url = `/commerce/orders/${olgaPaid.documentId}/refund`;
    for (const [body, field] of [
      [{ amount: '-1', reason: 'x' }, 'amount'],
      [{ amount: 'ten', reason: 'x' }, 'amount'],
      [{ amount: '1.00' }, 'reason'],
      [{ amount: '1.00', reason: '  ' }, 'reason'],
      [{ reason: 'x', buyer: 1 }, 'buyer'],
    ] as const) {
      const response = await app.request.post(url).set(finance.auth).send(body);
      expect([JSON.stringify(body), response.status, fieldsOf(response)]).toEqual([JSON.stringify(body), 400, [field]]);
    }
    const pending = await app.request
      .post(`/commerce/orders/${pavelPending.documentId}/refund`)
      .set(finance.auth)
      .send({ reason: 'never paid' });
    expect([pending.status, reasonOf(pending)]).toEqual([409, 'not_refundable']);

    const part = await app.request.post(url).set(finance.auth).send({ amount: '15.00', reason: 'Late start' });
    expectStatus(part, 200);
    expect(part.body.data).toMatchObject({ status: 'partially_refunded', refunded: 15, refundable: 25 });
    expect(part.body.data.refunds).toEqual([
      expect.objectContaining({ amount: 15, reason: 'Late start', status: 'done', refundedByUserId: null }),
    ]);
    expect(part.body.data.refunds[0].refundedByAdminId).toEqual(expect.any(Number));
    expect(await enrollmentOf(app.strapi, olga.id, alpha.documentId)).toMatchObject({ status: 'active' });

    const tooMuch = await app.request.post(url).set(finance.auth).send({ amount: '25.01', reason: 'Too much' });
    expect([tooMuch.status, reasonOf(tooMuch)]).toEqual([409, 'not_refundable']);
    const rest = await app.request.post(url).set(superAdmin.auth).send({ reason: 'Course cancelled' });
    expectStatus(rest, 200);
    expect(rest.body.data).toMatchObject({ status: 'refunded', refunded: 40, refundable: 0 });
    expect(rest.body.data.refunds.map((refund: any) => [refund.amount, refund.reason])).toEqual([
      [15, 'Late start'],
      [25, 'Course cancelled'],
    ]);
    expect(await enrollmentOf(app.strapi, olga.id, alpha.documentId)).toMatchObject({ status: 'cancelled' });
    const again = await app.request.post(url).set(finance.auth).send({ reason: 'Once more' });
    expect([again.status, reasonOf(again)]).toEqual([409, 'not_refundable']);
    expectStatus(
      await app.request.post('/commerce/orders/nosuchorder000000000000/refund').set(finance.auth).send({ reason: 'x' }),
      404
    );
  });
});

describe('the Finance role', () => {
  test('holds the Orders action; the Teacher role does not', async () => {
    const actionsOf = async (name: string) => {
      const role = await app.strapi.db.query('admin::role').findOne({ where: { name }, populate: ['permissions'] });
      return role.permissions.map((permission: { action: string }) => permission.action);
    };
    expect(await actionsOf('Finance')).toContain('plugin::commerce.manage-orders');
    expect(await actionsOf('Teacher')).not.toContain('plugin::commerce.manage-orders');
    expect(await actionsOf('Marketer')).not.toContain('plugin::commerce.manage-orders');
  });

  test('creates, reads, updates and deletes coupons in the content manager', async () => {
    const code = `FIN${unique()}`.toUpperCase();
    const created = await app.request
      .post(`${CM}/api::coupon.coupon`)
      .set(finance.auth)
      .send({ code: code.toLowerCase(), percentOff: 10, maxRedemptions: 3 });
    expectStatus(created, 201);
    expect(created.body.data).toMatchObject({ code, percentOff: 10 });
    const documentId = created.body.data.documentId;
    const list = await app.request.get(`${CM}/api::coupon.coupon`).set(finance.auth);
    expectStatus(list, 200);
    expect(list.body.results.map((coupon: any) => coupon.documentId)).toContain(documentId);
    const updated = await app.request
      .put(`${CM}/api::coupon.coupon/${documentId}`)
      .set(finance.auth)
      .send({ percentOff: 15 });
    expectStatus(updated, 200);
    expect(updated.body.data).toMatchObject({ percentOff: 15 });
    // The coupon rules hold in the admin panel too: both kinds of discount at once is a 400.
    expectStatus(
      await app.request.put(`${CM}/api::coupon.coupon/${documentId}`).set(finance.auth).send({ amountOff: 5 }),
      400
    );
    // The coupon's `courses` picker lists the courses to choose from.
    const listed = await paidCourse(make, teacher, 5);
    const picker = await app.request
      .get('/content-manager/relations/api::coupon.coupon/courses')
      .query({ locale: 'en' })
      .set(finance.auth);
    expectStatus(picker, 200);
    // Offered by documentId only: Finance may not read courses, so their titles stay hidden.
    expect(picker.body.results.map((course: any) => course.documentId)).toContain(listed.documentId);
    expect(picker.body.results[0]).not.toHaveProperty('title');
    expectStatus(await app.request.delete(`${CM}/api::coupon.coupon/${documentId}`).set(finance.auth), 200);
  });

  test('nothing about courses, users, roles, settings or the teaching pages (403)', async () => {
    const course = await make.createCourse({ teacher, lessons: 1 });
    expectStatus(await app.request.get(`${CM}/api::course.course`).set(finance.auth), 403);
    expectStatus(
      await app.request.get(`${CM}/api::course.course/${course.documentId}`).query({ locale: 'en' }).set(finance.auth),
      403
    );
    expectStatus(await app.request.post(`${CM}/api::course.course`).set(finance.auth).send({ title: 'No' }), 403);
    expectStatus(await app.request.get(`${CM}/api::article.article`).set(finance.auth), 403);
    expectStatus(await app.request.get(`${CM}/plugin::users-permissions.user`).set(finance.auth), 403);
    expectStatus(await app.request.get(`${CM}/plugin::commerce.order`).set(finance.auth), 403);
    expectStatus(await app.request.get('/admin/users').set(finance.auth), 403);
    expectStatus(await app.request.get('/admin/roles').set(finance.auth), 403);
    expectStatus(await app.request.get('/certificates/search').set(finance.auth), 403);
    expectStatus(await app.request.get('/enrollment/courses').set(finance.auth), 403);
  });
});

describe('a retried checkout replaces the pending order', () => {
  test('a new order for a course in a pending order cancels that order and frees its seat, in one step', async () => {
    const course = await paidCourse(make, teacher, 30, { capacity: 1 });
    const buyer = await make.createUser('student');
    const first = await pendingOrder(course, buyer);
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 1 });
    // The last seat is the buyer's own hold: the retry takes it over instead of being refused course_full.
    const second = await pendingOrder(course, buyer);
    expect((await orderRow(first.documentId)).status).toBe('cancelled');
    expect((await orderRow(second.documentId)).status).toBe('pending');
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 1 });
    // Another buyer's pending order is not touched.
    const other = await placeOrder(app, await make.createUser('student'), {
      courses: [course.documentId],
      provider: 'sandbox',
    });
    expect([other.status, reasonOf(other)]).toEqual([403, 'course_full']);
    expect((await orderRow(second.documentId)).status).toBe('pending');
  });

  test('an order of other courses leaves the pending one alone', async () => {
    const [one, two] = await Promise.all([paidCourse(make, teacher, 10), paidCourse(make, teacher, 12)]);
    const buyer = await make.createUser('student');
    const first = await pendingOrder(one, buyer);
    await pendingOrder(two, buyer);
    expect((await orderRow(first.documentId)).status).toBe('pending');
  });

  test('two parallel checkouts of one course by one buyer: one pending order is left, holding one seat', async () => {
    const course = await paidCourse(make, teacher, 30, { capacity: 5 });
    const buyer = await make.createUser('student');
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox' }))
    );
    for (const response of responses) expectStatus(response, 201);
    const orders = await app.strapi.db
      .query(ORDER)
      .findMany({ where: { buyer: { id: buyer.id } }, select: ['id', 'status'] });
    expect(orders.map((order: any) => order.status).sort()).toEqual(['cancelled', 'cancelled', 'cancelled', 'pending']);
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 1 });
  });
});

describe('a payment after the order expired', () => {
  async function expiredOrder(course: TestCourse, buyer: TestUser) {
    const order = await pendingOrder(course, buyer);
    await app.strapi.db
      .query(ORDER)
      .update({ where: { documentId: order.documentId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await until(
      async () => (await orderRow(order.documentId)).status === 'cancelled',
      'the expiry schedule to cancel the order',
      20_000
    );
    return order;
  }

  test('with its seat still free: the order is paid after all and the buyer enrolled', async () => {
    const course = await paidCourse(make, teacher, 20, { capacity: 2 });
    const buyer = await make.createUser('student');
    const order = await expiredOrder(course, buyer);
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 0 });
    const late = await sendSandboxWebhook(app, { id: eventId(), type: 'payment.succeeded', order: order.documentId });
    expectStatus(late, 200);
    expect(late.body.data.outcome).toBe('applied');
    await until(
      async () => (await enrollmentOf(app.strapi, buyer.id, course.documentId))?.status === 'active',
      'the late payment to enroll the buyer',
      20_000
    );
    expect(await orderRow(order.documentId)).toMatchObject({ status: 'paid', latePayment: 'fulfilled' });
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 1, held: 0 });
    expect(await app.strapi.db.query(REFUND).count({ where: { orderDocumentId: order.documentId } })).toBe(0);
  });

  test('paid late with a coupon: the redemption given back at expiry counts again, even past the limit', async () => {
    const course = await paidCourse(make, teacher, 40);
    const code = `LATE${unique().toUpperCase()}`;
    const coupon = await app.strapi.db
      .query(COUPON)
      .create({ data: { code, percentOff: 25, maxRedemptions: 1, redemptions: 0 } });
    const redemptions = async () =>
      Number((await app.strapi.db.query(COUPON).findOne({ where: { id: coupon.id } })).redemptions ?? 0);
    const buyer = await make.createUser('student');
    const placed = await placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox', coupon: code });
    expectStatus(placed, 201);
    expect(placed.body.data).toMatchObject({ total: 30, discount: 10 });
    expect(await redemptions()).toBe(1);
    await app.strapi.db
      .query(ORDER)
      .update({ where: { documentId: placed.body.data.documentId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await until(
      async () => (await orderRow(placed.body.data.documentId)).status === 'cancelled',
      'the expiry schedule to cancel the order',
      20_000
    );
    expect(await redemptions()).toBe(0);
    // The freed redemption goes to another buyer meanwhile: the limit is reached again.
    const other = await placeOrder(app, await make.createUser('student'), {
      courses: [course.documentId],
      provider: 'sandbox',
      coupon: code,
    });
    expectStatus(other, 201);
    expect(await redemptions()).toBe(1);

    const late = await sendSandboxWebhook(app, {
      id: eventId(),
      type: 'payment.succeeded',
      order: placed.body.data.documentId,
    });
    expectStatus(late, 200);
    await until(
      async () => (await enrollmentOf(app.strapi, buyer.id, course.documentId))?.status === 'active',
      'the late payment to enroll the buyer',
      20_000
    );
    expect(await orderRow(placed.body.data.documentId)).toMatchObject({ status: 'paid', latePayment: 'fulfilled' });
    // Two orders hold the coupon's discount: two redemptions.
    expect(await redemptions()).toBe(2);
    // The limit still holds for new orders.
    const refundedBuyer = await make.createUser('student');
    const refundedOrder = await placeOrder(app, refundedBuyer, {
      courses: [course.documentId],
      provider: 'sandbox',
      coupon: code,
    });
    expect([refundedOrder.status, reasonOf(refundedOrder)]).toEqual([400, 'coupon_exhausted']);
  });

  test('with its seat taken meanwhile: refunded in full through the provider, the buyer told by mail', async () => {
    const course = await paidCourse(make, teacher, 20, { capacity: 1 });
    const buyer = await make.createUser('student');
    const order = await expiredOrder(course, buyer);
    const rival = await pendingOrder(course, await make.createUser('student'));
    const late = await sendSandboxWebhook(app, { id: eventId(), type: 'payment.succeeded', order: order.documentId });
    expectStatus(late, 200);
    await until(
      async () => (await orderRow(order.documentId)).latePayment === 'refunded',
      'the late payment to be refunded',
      20_000
    );
    const row = await orderRow(order.documentId);
    expect(row).toMatchObject({ status: 'refunded' });
    expect(Number(row.refundedAmount)).toBe(2000);
    const refunds = await app.strapi.db.query(REFUND).findMany({ where: { orderDocumentId: order.documentId } });
    expect(refunds.map((refund: any) => [Number(refund.amount), refund.status, refund.refundedById])).toEqual([
      [2000, 'done', null],
    ]);
    expect(refunds[0].refundReference).toBe(`sandbox_refund_refund-${refunds[0].documentId}`);
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toBeNull();
    // The rival's hold is untouched.
    expect((await orderRow(rival.documentId)).status).toBe('pending');
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 1 });
    await until(
      () => sentMail.some((mail) => mail.to === buyer.email && mail.subject.includes(order.number)),
      'the refund mail',
      20_000
    );
    const mail = sentMail.find((message) => message.to === buyer.email && message.subject.includes(order.number))!;
    expect(mail.subject).toContain('refunded');
    expect(mail.text).toContain('20.00 USD');
    // Told once: a replay of the same payment changes nothing.
    const replay = await sendSandboxWebhook(app, {
      id: eventId(),
      type: 'payment.succeeded',
      order: order.documentId,
    });
    expect(replay.body.data.outcome).toBe('ignored');
  });

  test('bought again meanwhile: the late payment of the old order is refunded and the enrollment stays', async () => {
    const course = await paidCourse(make, teacher, 20, { capacity: 3 });
    const buyer = await make.createUser('student');
    const old = await expiredOrder(course, buyer);
    await paidOrder(course, buyer);
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'active' });
    await sendSandboxWebhook(app, { id: eventId(), type: 'payment.succeeded', order: old.documentId });
    await until(
      async () => (await orderRow(old.documentId)).latePayment === 'refunded',
      'the duplicate payment to be refunded',
      20_000
    );
    expect((await orderRow(old.documentId)).status).toBe('refunded');
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'active' });
  });
});

describe('refunds left pending by a crash', () => {
  test('a failure while recording a full refund rolls it back whole; the reconcile schedule then finishes it', async () => {
    const course = await paidCourse(make, teacher, 30);
    const buyer = await make.createUser('student');
    const order = await paidOrder(course, buyer);
    await until(
      async () => (await enrollmentOf(app.strapi, buyer.id, course.documentId))?.status === 'active',
      'the buyer to be enrolled',
      20_000
    );
    // The enrollment's cancellation fails (the database away for that moment), after the row was marked done and
    // the audit event written in the same transaction.
    const enrollments = app.strapi.plugin('enrollment').service('enrollments');
    const cancel = jest.spyOn(enrollments, 'cancel').mockRejectedValueOnce(new Error('connection lost'));
    const refused = await app.request
      .post(`/commerce/orders/${order.documentId}/refund`)
      .set(finance.auth)
      .send({ reason: 'Course cancelled' });
    cancel.mockRestore();
    expect([refused.status, reasonOf(refused)]).toEqual([503, 'refund_pending']);
    const [row] = await app.strapi.db.query(REFUND).findMany({ where: { orderDocumentId: order.documentId } });
    // Neither a done refund with a live enrollment nor the reverse: the row is still pending, the enrollment active,
    // no audit event.
    expect(row).toMatchObject({ status: 'pending', refundReference: null });
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'active' });
    const refundEvents = async () => {
      const listed = await app.request
        .get('/audit/events')
        .query({ entity: `order:${order.documentId}` })
        .set(superAdmin.auth);
      expectStatus(listed, 200);
      return listed.body.data.filter((event: { action: string }) => event.action === 'order.refunded').length;
    };
    expect(await refundEvents()).toBe(0);

    await app.strapi.db
      .query(REFUND)
      .update({ where: { id: row.id }, data: { createdAt: new Date(Date.now() - 11 * 60_000) } });
    await until(
      async () => (await app.strapi.db.query(REFUND).findOne({ where: { id: row.id } })).status === 'done',
      'the reconcile schedule to finish the refund',
      20_000
    );
    // Done and cancelled in the same commit: seen together.
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'cancelled' });
    expect(await refundEvents()).toBe(1);
    expect(Number((await orderRow(order.documentId)).refundedAmount)).toBe(3000);
  });

  test('the reconcile schedule asks the provider again with the same key and finishes the refund', async () => {
    const course = await paidCourse(make, teacher, 50);
    const buyer = await make.createUser('student');
    const order = await paidOrder(course, buyer);
    await until(
      async () => (await enrollmentOf(app.strapi, buyer.id, course.documentId))?.status === 'active',
      'the buyer to be enrolled',
      20_000
    );
    const row = await orderRow(order.documentId);
    // What a process killed between reserving the amount and the provider's answer leaves behind.
    await app.strapi.db
      .query(ORDER)
      .update({ where: { id: row.id }, data: { refundedAmount: 5000, status: 'refunded' } });
    const refund = await app.strapi.db.query(REFUND).create({
      data: {
        orderDocumentId: order.documentId,
        amount: 5000,
        currency: 'USD',
        reason: 'Asked before the crash',
        status: 'pending',
        cancelsEnrollments: true,
      },
    });
    // A fresh pending refund may still be in flight: the schedule leaves it alone.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await app.strapi.db.query(REFUND).findOne({ where: { id: refund.id } })).status).toBe('pending');

    await app.strapi.db
      .query(REFUND)
      .update({ where: { id: refund.id }, data: { createdAt: new Date(Date.now() - 11 * 60_000) } });
    await until(
      async () => (await app.strapi.db.query(REFUND).findOne({ where: { id: refund.id } })).status === 'done',
      'the reconcile schedule to finish the refund',
      20_000
    );
    const settled = await app.strapi.db.query(REFUND).findOne({ where: { id: refund.id } });
    expect(settled.refundReference).toBe(`sandbox_refund_refund-${refund.documentId}`);
    // The full refund cancels the enrollment it bought, right after the row is done.
    await until(
      async () => (await enrollmentOf(app.strapi, buyer.id, course.documentId))?.status === 'cancelled',
      'the enrollment to be cancelled',
      20_000
    );
    expect(await orderRow(order.documentId)).toMatchObject({ status: 'refunded' });
  });
});
