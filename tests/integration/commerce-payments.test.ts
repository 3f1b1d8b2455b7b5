import { factories, type TestUser } from '../helpers/factories';
import {
  enrollmentOf,
  eventId,
  paidCourse,
  placeOrder,
  sandboxSignature,
  seatsOf,
  sendSandboxWebhook,
} from '../helpers/commerce';
import { smtpSettings, startMailbox, type Mailbox } from '../helpers/mailbox';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Payments (contract "Commerce"): the signed sandbox webhook checked against the raw bytes, events recorded once,
 * fulfilment (enrollment on the held seat, a receipt in the buyer's language, a notice), the sandbox's checkout page,
 * refunds and the sales figures. Mail goes through the production path to a local SMTP server.
 */
let app: TestApp;
let mailbox: Mailbox;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
let admin: TestUser;

const ORDER = 'plugin::commerce.order';
const EVENT = 'plugin::commerce.payment-event';

beforeAll(async () => {
  mailbox = await startMailbox();
  app = await startLyceum({ ...smtpSettings(mailbox) });
  make = factories(app.strapi);
  teacher = await make.createUser('teacher');
  admin = await make.createUser('admin');
}, 120_000);
afterAll(async () => {
  await stopLyceum();
  await mailbox.close();
});

const student = (overrides: Record<string, unknown> = {}) => make.createUser('student', overrides);
const reasonOf = (response: { body: any }) => response.body.error?.details?.reason;
const fieldsOf = (response: { body: any }) =>
  (response.body.error?.details?.errors ?? []).map((error: { path: string[] }) => error.path.join('.'));
const orderRow = (documentId: string) => app.strapi.db.query(ORDER).findOne({ where: { documentId } });
const eventsOf = (documentId: string) => app.strapi.db.query(EVENT).count({ where: { orderDocumentId: documentId } });

async function pendingOrder(price: number | string = 25, options: { capacity?: number; buyer?: TestUser } = {}) {
  const course = await paidCourse(make, teacher, price, { capacity: options.capacity });
  const buyer = options.buyer ?? (await student());
  const response = await placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox' });
  expect(response.status).toBe(201);
  return { course, buyer, order: response.body.data as { documentId: string; number: string; total: string } };
}

describe('the sandbox webhook', () => {
  test('a signed payment.succeeded pays the order, enrolls on the held seat, mails a receipt and notifies', async () => {
    const { course, buyer, order } = await pendingOrder(25, { capacity: 3 });
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 1 });
    const response = await sendSandboxWebhook(app, {
      id: eventId(),
      type: 'payment.succeeded',
      order: order.documentId,
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ received: true, outcome: 'applied', order: order.documentId });

    const paid = await app.request.get(`/api/orders/${order.documentId}`).set(buyer.auth);
    expect(paid.body.data).toMatchObject({ status: 'paid', providerReference: `sandbox_${order.documentId}` });
    expect(paid.body.data.paidAt).toEqual(expect.any(String));
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'active' });
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 1, held: 0 });

    const receipt = await mailbox.waitFor(buyer.email, new RegExp(`receipt for order ${order.number}`));
    expect(receipt.text).toContain(course.title);
    expect(receipt.text).toContain('Total paid: 25.00 USD');
    expect(receipt.text).toContain(`sandbox_${order.documentId}`);
    const notices = await app.request.get('/api/me/notifications').set(buyer.auth);
    expect(notices.body.data.map((notice: { type: string }) => notice.type)).toContain('order_paid');
  });

  test('the receipt is in the buyer language (ru)', async () => {
    const buyer = await student({ preferredLocale: 'ru' });
    const { order } = await pendingOrder('1490.5', { buyer });
    await sendSandboxWebhook(app, { id: eventId(), type: 'payment.succeeded', order: order.documentId });
    const receipt = await mailbox.waitFor(buyer.email, new RegExp(`Ваш чек по заказу ${order.number}`));
    expect(receipt.text).toContain('Оплачено: 1490.50 USD');
  });

  test('verified against the raw bytes: one byte changed, a missing or wrong signature: 400 and nothing changes', async () => {
    const { course, buyer, order } = await pendingOrder();
    const raw = JSON.stringify({ id: eventId(), type: 'payment.succeeded', order: order.documentId });
    const signature = sandboxSignature(raw);
    // The same JSON with one byte more of whitespace: the object is equal, the bytes are not.
    const tampered = [raw.replace('{', '{ '), raw.replace('"payment.succeeded"', '"payment.succeedeD"')];
    for (const body of tampered) {
      const response = await sendSandboxWebhook(app, body, { signature });
      expect([response.status, reasonOf(response)]).toEqual([400, 'invalid_signature']);
    }
    expect((await sendSandboxWebhook(app, raw, { signature: '' })).status).toBe(400);
    expect((await sendSandboxWebhook(app, raw, { signature: sandboxSignature(raw, 'another-secret') })).status).toBe(
      400
    );
    expect((await sendSandboxWebhook(app, raw, { signature: signature.toUpperCase() })).status).toBe(400);
    expect((await orderRow(order.documentId)).status).toBe('pending');
    expect(await eventsOf(order.documentId)).toBe(0);
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toBeNull();
    // The untouched bytes pass.
    expect((await sendSandboxWebhook(app, raw, { signature })).status).toBe(200);
    expect((await orderRow(order.documentId)).status).toBe('paid');
  });

  test('a replayed event changes nothing the second time (200); concurrent events with one id count once', async () => {
    const { course, buyer, order } = await pendingOrder();
    const event = { id: eventId(), type: 'payment.succeeded', order: order.documentId };
    const answers = await Promise.all([1, 2, 3].map(() => sendSandboxWebhook(app, event)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(answers.map((answer) => answer.body.data.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    const replay = await sendSandboxWebhook(app, event);
    expect(replay.body.data.outcome).toBe('duplicate');
    expect(await eventsOf(order.documentId)).toBe(1);
    expect(
      await app.strapi.db
        .query('plugin::enrollment.enrollment')
        .count({ where: { key: `${buyer.id}:${course.documentId}` } })
    ).toBe(1);
    const stored = await app.strapi.db.query(EVENT).findOne({ where: { orderDocumentId: order.documentId } });
    expect(JSON.parse(stored.payload)).toEqual(event);
  });

  test('two different "succeeded" events for one order: one applies, the other changes nothing', async () => {
    const { course, buyer, order } = await pendingOrder();
    const answers = await Promise.all(
      [eventId(), eventId()].map((id) =>
        sendSandboxWebhook(app, { id, type: 'payment.succeeded', order: order.documentId })
      )
    );
    expect(answers.map((answer) => answer.body.data.outcome).sort()).toEqual(['applied', 'ignored']);
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'active' });
  });

  test('unknown order, amount or currency that do not match, a body that is not JSON: 400, logged, nothing changes', async () => {
    const { order } = await pendingOrder(25);
    const cases: Array<[Record<string, unknown> | string, string]> = [
      [{ id: eventId(), type: 'payment.succeeded', order: 'nosuchorder0000000000000' }, 'unknown_order'],
      [
        { id: eventId(), type: 'payment.succeeded', order: order.documentId, amount: '24.99', currency: 'USD' },
        'amount_mismatch',
      ],
      [
        { id: eventId(), type: 'payment.succeeded', order: order.documentId, amount: '25.00', currency: 'EUR' },
        'currency_mismatch',
      ],
      ['{"id": "x", "type": ', 'invalid_payload'],
      [{ id: eventId(), type: 'payment.succeeded', order: '../x' }, 'invalid_payload'],
      [
        { id: eventId(), type: 'payment.succeeded', order: order.documentId, amount: 'much', currency: 'USD' },
        'invalid_payload',
      ],
      [{ type: 'payment.succeeded', order: order.documentId }, 'invalid_payload'],
    ];
    const warn = jest.spyOn(app.strapi.log, 'warn');
    for (const [body, reason] of cases) {
      const response = await sendSandboxWebhook(app, body);
      expect([JSON.stringify(body), response.status, reasonOf(response)]).toEqual([JSON.stringify(body), 400, reason]);
    }
    expect(warn.mock.calls.filter(([message]) => String(message).includes('sandbox webhook'))).toHaveLength(
      cases.length
    );
    warn.mockRestore();
    expect((await orderRow(order.documentId)).status).toBe('pending');
    expect(await eventsOf(order.documentId)).toBe(0);
    // The right amount and currency pass.
    const right = await sendSandboxWebhook(app, {
      id: eventId(),
      type: 'payment.succeeded',
      order: order.documentId,
      amount: '25.00',
      currency: 'usd',
    });
    expect(right.body.data.outcome).toBe('applied');
  });

  test('an unknown provider is a 404; stripe without keys refuses its webhook', async () => {
    const unknown = await app.request
      .post('/api/payments/webhooks/paypal')
      .set('Content-Type', 'application/json')
      .send('{}');
    expect(unknown.status).toBe(404);
    const stripe = await app.request
      .post('/api/payments/webhooks/stripe')
      .set('Content-Type', 'application/json')
      .send('{}');
    expect([stripe.status, reasonOf(stripe)]).toEqual([503, 'payments_not_configured']);
  });

  test('a late "failed" never undoes a payment; a "failed" on a pending order frees its seat', async () => {
    const { course, buyer, order } = await pendingOrder(10, { capacity: 2 });
    await sendSandboxWebhook(app, { id: eventId(), type: 'payment.succeeded', order: order.documentId });
    const late = await sendSandboxWebhook(app, { id: eventId(), type: 'payment.failed', order: order.documentId });
    expect([late.status, late.body.data.outcome]).toEqual([200, 'ignored']);
    expect((await orderRow(order.documentId)).status).toBe('paid');
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'active' });

    const other = await student();
    const failing = (await placeOrder(app, other, { courses: [course.documentId], provider: 'sandbox' })).body.data;
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 1, held: 1 });
    const failed = await sendSandboxWebhook(app, { id: eventId(), type: 'payment.failed', order: failing.documentId });
    expect(failed.body.data.outcome).toBe('applied');
    expect((await orderRow(failing.documentId)).status).toBe('failed');
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 1, held: 0 });
    expect(await enrollmentOf(app.strapi, other.id, course.documentId)).toBeNull();
  });

  test('events Lyceum does not act on are kept and answered 200', async () => {
    const { order } = await pendingOrder();
    const response = await sendSandboxWebhook(app, { id: eventId(), type: 'payment.pending', order: order.documentId });
    expect([response.status, response.body.data.outcome]).toEqual([200, 'ignored']);
    expect((await orderRow(order.documentId)).status).toBe('pending');
  });
});

describe('the sandbox checkout page', () => {
  test('shows the order with Pay and Decline; Pay (JSON) pays it through the webhook path', async () => {
    const { course, buyer, order } = await pendingOrder(12);
    const page = await app.request.get(`/api/payments/sandbox/checkout/${order.documentId}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain(order.number);
    expect(page.text).toContain('12.00 USD');
    expect(page.text).toMatch(/value="paid">Pay</);
    expect(page.text).toMatch(/value="failed">Decline</);
    const paid = await app.request.post(`/api/payments/sandbox/checkout/${order.documentId}`).send({ outcome: 'paid' });
    expect(paid.status).toBe(200);
    expect(paid.body.data).toEqual({ outcome: 'applied', status: 'paid', order: order.documentId });
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'active' });
    expect(await eventsOf(order.documentId)).toBe(1);
    // Pressing Pay again is the same event: nothing more.
    const again = await app.request
      .post(`/api/payments/sandbox/checkout/${order.documentId}`)
      .send({ outcome: 'paid' });
    expect(again.body.data.outcome).toBe('duplicate');
  });

  test('the form post (Decline) answers 303 back to the page; bad input and unknown orders are refused', async () => {
    const { order } = await pendingOrder();
    const declined = await app.request
      .post(`/api/payments/sandbox/checkout/${order.documentId}`)
      .type('form')
      .send('outcome=failed');
    expect(declined.status).toBe(303);
    expect(declined.headers.location).toBe(`/api/payments/sandbox/checkout/${order.documentId}`);
    expect((await orderRow(order.documentId)).status).toBe('failed');
    const bad = await app.request.post(`/api/payments/sandbox/checkout/${order.documentId}`).send({ outcome: 'maybe' });
    expect([bad.status, fieldsOf(bad)]).toEqual([400, ['outcome']]);
    expect((await app.request.get('/api/payments/sandbox/checkout/nosuchorder0000000000000')).status).toBe(404);
    expect(
      (await app.request.post('/api/payments/sandbox/checkout/nosuchorder0000000000000').send({ outcome: 'paid' }))
        .status
    ).toBe(404);
  });
});

describe('refunds', () => {
  async function paidOrder(price: number) {
    const made = await pendingOrder(price);
    await sendSandboxWebhook(app, { id: eventId(), type: 'payment.succeeded', order: made.order.documentId });
    return made;
  }
  const refund = (documentId: string, body: Record<string, unknown>, user: TestUser = admin) =>
    app.request.post(`/api/orders/${documentId}/refund`).set(user.auth).send(body);

  test('admins only; bad amount or reason is a 400 naming it; a pending order is not_refundable', async () => {
    const { buyer, order } = await paidOrder(40);
    expect((await refund(order.documentId, { reason: 'x' }, buyer)).status).toBe(403);
    expect((await refund(order.documentId, { reason: 'x' }, teacher)).status).toBe(403);
    for (const [body, field] of [
      [{ amount: '-1', reason: 'x' }, 'amount'],
      [{ amount: '0', reason: 'x' }, 'amount'],
      [{ amount: '1.234', reason: 'x' }, 'amount'],
      [{ amount: 'ten', reason: 'x' }, 'amount'],
      [{ amount: '1.00' }, 'reason'],
      [{ amount: '1.00', reason: '   ' }, 'reason'],
      [{ reason: 'x', extra: true }, 'extra'],
    ] as const) {
      const response = await refund(order.documentId, body);
      expect([JSON.stringify(body), response.status, fieldsOf(response)]).toEqual([JSON.stringify(body), 400, [field]]);
    }
    const pending = await pendingOrder();
    const response = await refund(pending.order.documentId, { reason: 'never paid' });
    expect([response.status, reasonOf(response)]).toEqual([409, 'not_refundable']);
  });

  test('partial, then more than remains (409), then the rest: the full refund cancels the enrollment, the certificate stays', async () => {
    const { course, buyer, order } = await paidOrder(40);
    const certificate = await app.request
      .post(`/api/courses/${course.documentId}/certificates`)
      .set(admin.auth)
      .send({ user: buyer.id });
    expect(certificate.status).toBe(201);

    const partial = await refund(order.documentId, { amount: '15.50', reason: 'Late start' });
    expect(partial.status).toBe(200);
    expect(partial.body.data).toMatchObject({ status: 'partially_refunded', refunded: 15.5 });
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'active' });

    const tooMuch = await refund(order.documentId, { amount: '24.51', reason: 'Too much' });
    expect([tooMuch.status, reasonOf(tooMuch)]).toEqual([409, 'not_refundable']);

    const rest = await refund(order.documentId, { reason: 'Cancelled the course' });
    expect(rest.status).toBe(200);
    expect(rest.body.data).toMatchObject({ status: 'refunded', refunded: 40 });
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'cancelled' });
    expect(
      await app.strapi.db.query('plugin::certificates.certificate').count({ where: { user: { id: buyer.id } } })
    ).toBe(1);
    const again = await refund(order.documentId, { reason: 'Once more' });
    expect([again.status, reasonOf(again)]).toEqual([409, 'not_refundable']);

    // The audit trail: who, when, how much, why.
    const refunds = await app.strapi.db
      .query('plugin::commerce.order-refund')
      .findMany({ where: { orderDocumentId: order.documentId }, orderBy: { id: 'asc' } });
    expect(refunds.map((row: any) => [Number(row.amount), row.reason, row.refundedById, row.status])).toEqual([
      [1550, 'Late start', admin.id, 'done'],
      [2450, 'Cancelled the course', admin.id, 'done'],
    ]);
    // A refunded order no longer satisfies the payment rule.
    const back = await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(buyer.auth);
    expect([back.status, reasonOf(back)]).toEqual([403, 'payment_required']);
  });

  test("refunded in full, then bought again: the cancelled enrollment comes back on the new order's seat, once", async () => {
    const { course, buyer, order } = await paidOrder(40);
    const first = await enrollmentOf(app.strapi, buyer.id, course.documentId);
    expect((await refund(order.documentId, { reason: 'Changed my mind' })).status).toBe(200);
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'cancelled' });

    const again = await placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox' });
    expect(again.status).toBe(201);
    const paid = await sendSandboxWebhook(app, {
      id: eventId(),
      type: 'payment.succeeded',
      order: again.body.data.documentId,
    });
    expect(paid.body.data).toMatchObject({ outcome: 'applied' });
    // The same enrollment row, active again: the new buyer's one statement met the unique key and wrote nothing.
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({
      id: first.id,
      status: 'active',
    });
    expect(
      await app.strapi.db
        .query('plugin::enrollment.enrollment')
        .count({ where: { key: `${buyer.id}:${course.documentId}` } })
    ).toBe(1);
    expect((await orderRow(again.body.data.documentId)).fulfilledAt).not.toBeNull();
  });

  test('a full refund landing between "paid" and the enrollment: the buyer is not left enrolled, the seat goes back, no receipt', async () => {
    const { course, buyer, order } = await pendingOrder(40, { capacity: 5 });
    // The refund made and recorded (its cancellations found nothing to cancel yet) just before the fulfilment enrolls.
    const enrollments = app.strapi.plugin('enrollment').service('enrollments');
    const enrollBuyer = enrollments.enrollBuyer.bind(enrollments);
    const spy = jest.spyOn(enrollments, 'enrollBuyer').mockImplementationOnce(async (params: any) => {
      const refunded = await refund(order.documentId, { reason: 'Refunded while paying' });
      expect(refunded.body.data).toMatchObject({ status: 'refunded' });
      return enrollBuyer(params);
    });
    try {
      const paid = await sendSandboxWebhook(app, { id: eventId(), type: 'payment.succeeded', order: order.documentId });
      expect(paid.body.data).toMatchObject({ outcome: 'applied' });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'cancelled' });
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 0 });
    const row = await orderRow(order.documentId);
    expect([row.status, row.fulfilledAt]).toEqual(['refunded', null]);
    // The payment rule does not count it, and no receipt or "paid" notice went out.
    const back = await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(buyer.auth);
    expect([back.status, reasonOf(back)]).toEqual([403, 'payment_required']);
    expect(
      await app.strapi.db
        .query('api::notification.notification')
        .count({ where: { user: { id: buyer.id }, type: 'order_paid' } })
    ).toBe(0);
  });
});

describe('sales figures', () => {
  test('per day and per course in each currency, net of refunds; admins only; bad parameters named', async () => {
    const { course, order } = await pendingOrder(30);
    await sendSandboxWebhook(app, { id: eventId(), type: 'payment.succeeded', order: order.documentId });
    await app.request
      .post(`/api/orders/${order.documentId}/refund`)
      .set(admin.auth)
      .send({ amount: '10', reason: 'Goodwill' });
    const today = new Date().toISOString().slice(0, 10);

    const byDay = await app.request.get('/api/admin-reports/sales').set(admin.auth).query({ from: today, to: today });
    expect(byDay.status).toBe(200);
    expect(byDay.body.meta).toMatchObject({ from: today, to: today, groupBy: 'day' });
    const usd = byDay.body.data.find((row: any) => row.day === today && row.currency === 'USD');
    expect(Number(usd.gross) - Number(usd.refunded)).toBeCloseTo(Number(usd.net));
    expect(Number(usd.refunded)).toBeGreaterThanOrEqual(10);

    const byCourse = await app.request.get('/api/admin-reports/sales').set(admin.auth).query({ groupBy: 'course' });
    expect(byCourse.body.data.find((row: any) => row.course === course.documentId)).toMatchObject({
      currency: 'USD',
      orders: 1,
      gross: 30,
      refunded: 10,
      net: 20,
    });

    expect((await app.request.get('/api/admin-reports/sales').set((await student()).auth)).status).toBe(403);
    for (const [query, field] of [
      [{ from: '2026-13-01' }, 'from'],
      [{ to: 'yesterday' }, 'to'],
      [{ groupBy: 'week' }, 'groupBy'],
      [{ from: '2026-02-01', to: '2026-01-01' }, 'from'],
      [{ from: '2020-01-01', to: '2026-01-01' }, 'to'],
    ] as const) {
      const response = await app.request.get('/api/admin-reports/sales').set(admin.auth).query(query);
      expect([JSON.stringify(query), response.status, fieldsOf(response)]).toEqual([
        JSON.stringify(query),
        400,
        [field],
      ]);
    }
  });
});
