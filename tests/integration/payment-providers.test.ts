import { factories, type TestUser } from '../helpers/factories';
import { enrollmentOf, paidCourse, placeOrder, seatsOf } from '../helpers/commerce';
import { until } from '../helpers/fleet';
import { startFakeStripe, type FakeStripe, type SignedStripeWebhook } from '../helpers/fake-stripe';
import { startFakeYooKassa, type FakeYooKassa } from '../helpers/fake-yookassa';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Stripe and YooKassa through Lyceum's real routes (contract "Commerce"), each against a local fake of its API
 * (STRIPE_API_BASE, YOOKASSA_API_BASE): an order's checkout made at the provider, its webhook paying the order and
 * enrolling the buyer, replays, forged or mismatched calls refused with nothing changed, a provider without keys,
 * and refunds made at the provider.
 */
let app: TestApp;
let stripe: FakeStripe;
let yookassa: FakeYooKassa;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
let admin: TestUser;

const ORDER = 'plugin::commerce.order';
const REFUND = 'plugin::commerce.order-refund';
const EVENT = 'plugin::commerce.payment-event';

beforeAll(async () => {
  stripe = await startFakeStripe();
  yookassa = await startFakeYooKassa();
  // The refund-reconcile sweep every 200 ms, so a test sees it run instead of waiting minutes.
  app = await startLyceum({ ...stripe.env, ...yookassa.env, REFUNDS_RECONCILE_CRON: '200' });
  make = factories(app.strapi);
  teacher = await make.createUser('teacher');
  admin = await make.createUser('admin');
}, 120_000);
afterAll(async () => {
  await stopLyceum();
  await stripe.stop();
  await yookassa.stop();
});

const reasonOf = (response: { body: any }) => response.body.error?.details?.reason;
const orderRow = (documentId: string) => app.strapi.db.query(ORDER).findOne({ where: { documentId } });
const eventsOf = (documentId: string) => app.strapi.db.query(EVENT).count({ where: { orderDocumentId: documentId } });
const refund = (documentId: string, body: Record<string, unknown>) =>
  app.request.post(`/api/orders/${documentId}/refund`).set(admin.auth).send(body);

/** Runs `body` with some environment variables changed (the providers read theirs at every call), then puts them back. */
async function withEnv<T>(changes: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(changes).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(changes);
  try {
    return await body();
  } finally {
    apply(saved);
  }
}

async function pendingOrder(provider: 'stripe' | 'yookassa', price: number | string, currency: string) {
  const course = await paidCourse(make, teacher, price, { currency, capacity: 5 });
  const buyer = await make.createUser('student');
  const response = await placeOrder(app, buyer, { courses: [course.documentId], provider });
  expect(response.status).toBe(201);
  const order = response.body.data as { documentId: string; number: string; total: string };
  const row = await orderRow(order.documentId);
  return {
    course,
    buyer,
    order,
    checkoutUrl: response.body.meta.checkoutUrl as string,
    reference: row.providerReference as string,
  };
}

/** Nothing happened to the order: still pending, no event kept, nobody enrolled, the seat still held. */
async function expectUnchanged(made: Awaited<ReturnType<typeof pendingOrder>>) {
  expect((await orderRow(made.order.documentId)).status).toBe('pending');
  expect(await eventsOf(made.order.documentId)).toBe(0);
  expect(await enrollmentOf(app.strapi, made.buyer.id, made.course.documentId)).toBeNull();
  expect(await seatsOf(app.strapi, made.course.documentId)).toEqual({ taken: 0, held: 1 });
}

describe('Stripe', () => {
  const sendWebhook = (webhook: SignedStripeWebhook, body: Buffer = webhook.rawBody) =>
    app.request
      .post('/api/payments/webhooks/stripe')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', webhook.signature)
      .send(body.toString('utf8'));

  test('POST /orders makes a Checkout Session for the total, answers its url and keeps its id', async () => {
    const before = stripe.requests.length;
    const made = await pendingOrder('stripe', '49.90', 'USD');
    const session = stripe.sessions.get(made.reference)!;
    expect(session).toBeDefined();
    expect(made.checkoutUrl).toBe(session.url);
    expect(session).toMatchObject({
      amount_total: 4990,
      currency: 'usd',
      client_reference_id: made.order.documentId,
      metadata: { orderDocumentId: made.order.documentId, orderNumber: made.order.number },
    });
    const [created] = stripe.requests.slice(before).filter((request) => request.path === '/v1/checkout/sessions');
    expect(created.headers['idempotency-key']).toBe(`order-${made.order.documentId}`);
  });

  test('a signed checkout.session.completed pays the order and enrolls the buyer; its replay changes nothing', async () => {
    const made = await pendingOrder('stripe', 30, 'USD');
    stripe.pay(made.reference);
    const webhook = stripe.webhook('checkout.session.completed', made.reference);
    const first = await sendWebhook(webhook);
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({ received: true, outcome: 'applied', order: made.order.documentId });
    expect(await orderRow(made.order.documentId)).toMatchObject({ status: 'paid', providerReference: made.reference });
    expect(await enrollmentOf(app.strapi, made.buyer.id, made.course.documentId)).toMatchObject({ status: 'active' });
    expect(await seatsOf(app.strapi, made.course.documentId)).toEqual({ taken: 1, held: 0 });

    const replay = await sendWebhook(webhook);
    expect([replay.status, replay.body.data.outcome]).toEqual([200, 'duplicate']);
    expect(await eventsOf(made.order.documentId)).toBe(1);
    expect(await seatsOf(app.strapi, made.course.documentId)).toEqual({ taken: 1, held: 0 });
    // A late "expired" for the same session never undoes the payment.
    const late = await sendWebhook(stripe.webhook('checkout.session.expired', made.reference));
    expect([late.status, late.body.data.outcome]).toEqual([200, 'ignored']);
    expect((await orderRow(made.order.documentId)).status).toBe('paid');
  });

  test('one byte changed, another secret or an old timestamp: 400 invalid_signature and nothing changes', async () => {
    const made = await pendingOrder('stripe', 30, 'USD');
    stripe.pay(made.reference);
    const webhook = stripe.webhook('checkout.session.completed', made.reference);
    const tampered = Buffer.from(webhook.rawBody);
    tampered[tampered.indexOf('"paid"') + 1] = 'P'.charCodeAt(0);
    const forged = [
      sendWebhook(webhook, tampered),
      sendWebhook(stripe.webhook('checkout.session.completed', made.reference, { secret: 'whsec_not_ours' })),
      sendWebhook(
        stripe.webhook('checkout.session.completed', made.reference, { timestamp: Math.floor(Date.now() / 1000) - 600 })
      ),
      app.request
        .post('/api/payments/webhooks/stripe')
        .set('Content-Type', 'application/json')
        .send(webhook.rawBody.toString()),
    ];
    for (const response of await Promise.all(forged)) {
      expect([response.status, reasonOf(response)]).toEqual([400, 'invalid_signature']);
    }
    await expectUnchanged(made);
    // The untouched bytes pass.
    expect((await sendWebhook(webhook)).body.data.outcome).toBe('applied');
  });

  test('a signed event whose amount is not the order total: 400 amount_mismatch and nothing changes', async () => {
    const made = await pendingOrder('stripe', 30, 'USD');
    stripe.pay(made.reference);
    const cheaper = stripe.webhook('checkout.session.completed', made.reference, { session: { amount_total: 100 } });
    const response = await sendWebhook(cheaper);
    expect([response.status, reasonOf(response)]).toEqual([400, 'amount_mismatch']);
    const otherCurrency = stripe.webhook('checkout.session.completed', made.reference, {
      session: { currency: 'eur' },
    });
    expect(reasonOf(await sendWebhook(otherCurrency))).toBe('currency_mismatch');
    await expectUnchanged(made);
  });

  test('an expired Checkout Session fails the order and gives its seat back', async () => {
    const made = await pendingOrder('stripe', 30, 'USD');
    const expired = stripe.webhook('checkout.session.expired', made.reference, {
      session: { status: 'expired', payment_status: 'unpaid' },
    });
    const response = await sendWebhook(expired);
    expect([response.status, response.body.data.outcome]).toEqual([200, 'applied']);
    expect((await orderRow(made.order.documentId)).status).toBe('failed');
    expect(await seatsOf(app.strapi, made.course.documentId)).toEqual({ taken: 0, held: 0 });
  });

  test('without its keys: 503 payments_not_configured for orders and webhooks', async () => {
    const course = await paidCourse(make, teacher, 30, { currency: 'USD' });
    const buyer = await make.createUser('student');
    const before = stripe.requests.length;
    await withEnv({ STRIPE_SECRET_KEY: undefined }, async () => {
      const order = await placeOrder(app, buyer, { courses: [course.documentId], provider: 'stripe' });
      expect([order.status, reasonOf(order)]).toEqual([503, 'payments_not_configured']);
      const webhook = await app.request
        .post('/api/payments/webhooks/stripe')
        .set('Content-Type', 'application/json')
        .set('Stripe-Signature', 't=1,v1=00')
        .send('{}');
      expect([webhook.status, reasonOf(webhook)]).toEqual([503, 'payments_not_configured']);
    });
    expect(stripe.requests.length).toBe(before);
    expect(await app.strapi.db.query(ORDER).count({ where: { buyer: buyer.id } })).toBe(0);
  });

  test('an admin refund goes to the PaymentIntent at Stripe; a refusal by Stripe leaves the order as it was', async () => {
    const made = await pendingOrder('stripe', 40, 'USD');
    const session = stripe.pay(made.reference);
    await sendWebhook(stripe.webhook('checkout.session.completed', made.reference));

    const partial = await refund(made.order.documentId, { amount: '15.50', reason: 'Late start' });
    expect(partial.status).toBe(200);
    expect(partial.body.data).toMatchObject({ status: 'partially_refunded', refunded: 15.5 });
    const [atStripe] = stripe.refunds.filter((row) => row.payment_intent === session.payment_intent);
    expect(atStripe).toMatchObject({ amount: 1550, currency: 'usd' });
    const posted = stripe.requests.filter((request) => request.path === '/v1/refunds').at(-1)!;
    expect(posted.headers['idempotency-key']).toMatch(/^refund-/);

    stripe.failNext(400, { type: 'invalid_request_error', code: 'charge_disputed', message: 'Disputed' });
    const refused = await refund(made.order.documentId, { reason: 'The rest' });
    expect([refused.status, reasonOf(refused)]).toEqual([503, 'payment_provider_error']);
    expect(await orderRow(made.order.documentId)).toMatchObject({ status: 'partially_refunded' });
    expect(await enrollmentOf(app.strapi, made.buyer.id, made.course.documentId)).toMatchObject({ status: 'active' });

    const rest = await refund(made.order.documentId, { reason: 'The rest' });
    expect(rest.body.data).toMatchObject({ status: 'refunded', refunded: 40 });
    expect(
      stripe.refunds.filter((row) => row.payment_intent === session.payment_intent).map((row) => row.amount)
    ).toEqual([1550, 2450]);
    expect(await enrollmentOf(app.strapi, made.buyer.id, made.course.documentId)).toMatchObject({
      status: 'cancelled',
    });
  });
});

describe('a refund left pending by a crash, refused by the provider when asked again', () => {
  test('the reconcile schedule gives the reserved amount back: the row fails, the order is paid again, enrolled', async () => {
    const made = await pendingOrder('stripe', 60, 'USD');
    const session = stripe.pay(made.reference);
    const completed = stripe.webhook('checkout.session.completed', made.reference);
    const paid = await app.request
      .post('/api/payments/webhooks/stripe')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', completed.signature)
      .send(completed.rawBody.toString('utf8'));
    expect(paid.status).toBe(200);
    expect(await enrollmentOf(app.strapi, made.buyer.id, made.course.documentId)).toMatchObject({ status: 'active' });
    const order = await orderRow(made.order.documentId);
    // What a process killed between reserving the amount and Stripe's answer leaves behind.
    await app.strapi.db
      .query(ORDER)
      .update({ where: { id: order.id }, data: { refundedAmount: 6000, status: 'refunded' } });
    const row = await app.strapi.db.query(REFUND).create({
      data: {
        orderDocumentId: made.order.documentId,
        amount: 6000,
        currency: 'USD',
        reason: 'Asked before the crash',
        status: 'pending',
        cancelsEnrollments: true,
      },
    });
    const before = stripe.requests.length;
    stripe.failNext(
      400,
      { type: 'invalid_request_error', code: 'charge_disputed', message: 'Disputed' },
      '/v1/refunds'
    );
    await app.strapi.db
      .query(REFUND)
      .update({ where: { id: row.id }, data: { createdAt: new Date(Date.now() - 11 * 60_000) } });
    await until(
      async () => (await app.strapi.db.query(REFUND).findOne({ where: { id: row.id } })).status !== 'pending',
      'the reconcile schedule to settle the refund',
      20_000
    );
    // Asked again with the row's own key, and refused.
    const asked = stripe.requests.slice(before).filter((request) => request.path === '/v1/refunds');
    expect(asked[0].headers['idempotency-key']).toBe(`refund-${row.documentId}`);
    const refundsAtStripe = () =>
      stripe.refunds.filter((atStripe) => atStripe.payment_intent === session.payment_intent);
    expect(refundsAtStripe()).toEqual([]);
    expect(await app.strapi.db.query(REFUND).findOne({ where: { id: row.id } })).toMatchObject({
      status: 'failed',
      refundReference: null,
    });
    const after = await orderRow(made.order.documentId);
    expect([after.status, Number(after.refundedAmount)]).toEqual(['paid', 0]);
    expect(await enrollmentOf(app.strapi, made.buyer.id, made.course.documentId)).toMatchObject({ status: 'active' });
    // The amount is refundable again, through the page's route as before.
    const again = await refund(made.order.documentId, { reason: 'Asked again' });
    expect(again.body.data).toMatchObject({ status: 'refunded', refunded: 60 });
    expect(refundsAtStripe().map((atStripe) => atStripe.amount)).toEqual([6000]);
  });
});

describe('YooKassa', () => {
  const notify = (rawBody: Buffer, headers: Record<string, string> = {}) =>
    app.request
      .post('/api/payments/webhooks/yookassa')
      .set('Content-Type', 'application/json')
      .set(headers)
      .send(rawBody.toString('utf8'));

  test('POST /orders makes a payment in rubles with an Idempotence-Key and answers its confirmation_url', async () => {
    const before = yookassa.requests.length;
    const made = await pendingOrder('yookassa', 1490, 'RUB');
    const payment = yookassa.payments.get(made.reference)!;
    expect(made.checkoutUrl).toBe(payment.confirmation.confirmation_url);
    const [created] = yookassa.requests.slice(before).filter((request) => request.path === '/v3/payments');
    expect(created.headers['idempotence-key']).toBe(`order-${made.order.documentId}`);
    expect(created.body).toMatchObject({
      amount: { value: '1490.00', currency: 'RUB' },
      capture: true,
      confirmation: { type: 'redirect' },
      description: `Order ${made.order.number}`,
      metadata: { orderDocumentId: made.order.documentId },
    });
    expect(created.body.confirmation.return_url).toMatch(new RegExp(`/orders/${made.order.documentId}$`));
  });

  test('a notification for a payment YooKassa says succeeded pays the order and enrolls; its replay changes nothing', async () => {
    const made = await pendingOrder('yookassa', 1490, 'RUB');
    yookassa.setStatus(made.reference, 'succeeded');
    const body = yookassa.notification('payment.succeeded', made.reference);
    const first = await notify(body);
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({ received: true, outcome: 'applied', order: made.order.documentId });
    expect(await orderRow(made.order.documentId)).toMatchObject({ status: 'paid', providerReference: made.reference });
    expect(await enrollmentOf(app.strapi, made.buyer.id, made.course.documentId)).toMatchObject({ status: 'active' });

    const replay = await notify(body);
    expect([replay.status, replay.body.data.outcome]).toEqual([200, 'duplicate']);
    expect(await eventsOf(made.order.documentId)).toBe(1);
    expect(await seatsOf(app.strapi, made.course.documentId)).toEqual({ taken: 1, held: 0 });
  });

  test('re-read from the API: "succeeded" claimed while YooKassa says pending pays nothing; the real one does', async () => {
    const made = await pendingOrder('yookassa', 1490, 'RUB');
    const claimed = yookassa.notification('payment.succeeded', made.reference, { status: 'succeeded', paid: true });
    const premature = await notify(claimed);
    expect([premature.status, premature.body.data.outcome]).toEqual([200, 'ignored']);
    expect((await orderRow(made.order.documentId)).status).toBe('pending');
    expect(await enrollmentOf(app.strapi, made.buyer.id, made.course.documentId)).toBeNull();

    yookassa.setStatus(made.reference, 'succeeded');
    const real = await notify(yookassa.notification('payment.succeeded', made.reference));
    expect(real.body.data.outcome).toBe('applied');
    expect(await enrollmentOf(app.strapi, made.buyer.id, made.course.documentId)).toMatchObject({ status: 'active' });
  });

  test('from an address YooKassa does not send from: 400 untrusted_source, X-Forwarded-For ignored, nothing changes', async () => {
    const made = await pendingOrder('yookassa', 1490, 'RUB');
    yookassa.setStatus(made.reference, 'succeeded');
    const reads = () => yookassa.requests.filter((request) => request.method === 'GET').length;
    const before = reads();
    await withEnv({ YOOKASSA_TRUSTED_ADDRESSES: undefined }, async () => {
      for (const headers of [{}, { 'X-Forwarded-For': '185.71.76.5' }] as Array<Record<string, string>>) {
        const response = await notify(yookassa.notification('payment.succeeded', made.reference), headers);
        expect([response.status, reasonOf(response)]).toEqual([400, 'untrusted_source']);
      }
    });
    expect(reads()).toBe(before);
    await expectUnchanged(made);
  });

  test('a payment YooKassa holds for another amount: 400 amount_mismatch and nothing changes', async () => {
    const made = await pendingOrder('yookassa', 1490, 'RUB');
    const payment = yookassa.setStatus(made.reference, 'succeeded');
    payment.amount = { value: '1.00', currency: 'RUB' };
    const response = await notify(yookassa.notification('payment.succeeded', made.reference));
    expect([response.status, reasonOf(response)]).toEqual([400, 'amount_mismatch']);
    await expectUnchanged(made);
  });

  test('YooKassa unreachable for the re-read: 503 (it sends the notification again), nothing changes', async () => {
    const made = await pendingOrder('yookassa', 1490, 'RUB');
    yookassa.setStatus(made.reference, 'succeeded');
    yookassa.failNext(500, 'internal_server_error');
    const response = await notify(yookassa.notification('payment.succeeded', made.reference));
    expect([response.status, reasonOf(response)]).toEqual([503, 'payment_provider_error']);
    await expectUnchanged(made);
  });

  test('a canceled payment fails the order and frees its seat', async () => {
    const made = await pendingOrder('yookassa', 1490, 'RUB');
    yookassa.setStatus(made.reference, 'canceled');
    const response = await notify(yookassa.notification('payment.canceled', made.reference));
    expect(response.body.data.outcome).toBe('applied');
    expect((await orderRow(made.order.documentId)).status).toBe('failed');
    expect(await seatsOf(app.strapi, made.course.documentId)).toEqual({ taken: 0, held: 0 });
  });

  test('without its keys: 503 payments_not_configured for orders and notifications', async () => {
    const course = await paidCourse(make, teacher, 1490, { currency: 'RUB' });
    const buyer = await make.createUser('student');
    await withEnv({ YOOKASSA_SHOP_ID: undefined }, async () => {
      const order = await placeOrder(app, buyer, { courses: [course.documentId], provider: 'yookassa' });
      expect([order.status, reasonOf(order)]).toEqual([503, 'payments_not_configured']);
      const notice = await notify(
        Buffer.from('{"type":"notification","event":"payment.succeeded","object":{"id":"x"}}')
      );
      expect([notice.status, reasonOf(notice)]).toEqual([503, 'payments_not_configured']);
    });
  });

  test('an admin refund is a POST /refunds at YooKassa; a full one cancels the enrollment', async () => {
    const made = await pendingOrder('yookassa', 1490, 'RUB');
    yookassa.setStatus(made.reference, 'succeeded');
    await notify(yookassa.notification('payment.succeeded', made.reference));

    const response = await refund(made.order.documentId, { reason: 'Changed my mind' });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ status: 'refunded', refunded: 1490 });
    const atYooKassa = yookassa.refunds.filter((row) => row.payment_id === made.reference);
    expect(atYooKassa.map((row) => row.amount)).toEqual([{ value: '1490.00', currency: 'RUB' }]);
    const posted = yookassa.requests.filter((request) => request.path === '/v3/refunds').at(-1)!;
    expect(posted.headers['idempotence-key']).toMatch(/^refund-/);
    const [row] = await app.strapi.db
      .query('plugin::commerce.order-refund')
      .findMany({ where: { orderDocumentId: made.order.documentId } });
    expect(row).toMatchObject({ status: 'done', refundReference: atYooKassa[0].id });
    expect(await enrollmentOf(app.strapi, made.buyer.id, made.course.documentId)).toMatchObject({
      status: 'cancelled',
    });
  });

  test('YOOKASSA_RECEIPTS=true: the payment and each refund carry a 54-FZ receipt with the buyer email and vat_code', async () => {
    const line = (description: string, value: string, vatCode: number) => ({
      description,
      quantity: 1,
      amount: { value, currency: 'RUB' },
      vat_code: vatCode,
      payment_subject: 'service',
      payment_mode: 'full_payment',
    });
    const postedAfter = (before: number, path: string) =>
      yookassa.requests.slice(before).filter((request) => request.path === path);

    // Off by default: no receipt.
    let before = yookassa.requests.length;
    await pendingOrder('yookassa', 500, 'RUB');
    expect(postedAfter(before, '/v3/payments')[0].body).not.toHaveProperty('receipt');

    await withEnv({ YOOKASSA_RECEIPTS: 'true', YOOKASSA_VAT_CODE: undefined }, async () => {
      before = yookassa.requests.length;
      const made = await pendingOrder('yookassa', 990, 'RUB');
      expect(postedAfter(before, '/v3/payments')[0].body.receipt).toEqual({
        customer: { email: made.buyer.email },
        items: [line(made.course.title, '990.00', 1)],
      });
    });

    await withEnv({ YOOKASSA_RECEIPTS: 'true', YOOKASSA_VAT_CODE: '4' }, async () => {
      before = yookassa.requests.length;
      const made = await pendingOrder('yookassa', 1200, 'RUB');
      expect(postedAfter(before, '/v3/payments')[0].body.receipt.items).toEqual([
        line(made.course.title, '1200.00', 4),
      ]);
      yookassa.setStatus(made.reference, 'succeeded');
      expect((await notify(yookassa.notification('payment.succeeded', made.reference))).status).toBe(200);

      before = yookassa.requests.length;
      expect((await refund(made.order.documentId, { amount: '200.00', reason: 'Part' })).status).toBe(200);
      expect((await refund(made.order.documentId, { reason: 'The rest' })).status).toBe(200);
      const refunds = postedAfter(before, '/v3/refunds');
      expect(refunds.map((request) => request.body.receipt)).toEqual([
        { customer: { email: made.buyer.email }, items: [line(`Refund, order ${made.order.number}`, '200.00', 4)] },
        { customer: { email: made.buyer.email }, items: [line(`Refund, order ${made.order.number}`, '1000.00', 4)] },
      ]);

      // A whole refund at once lists the order's own lines.
      const whole = await pendingOrder('yookassa', 700, 'RUB');
      yookassa.setStatus(whole.reference, 'succeeded');
      await notify(yookassa.notification('payment.succeeded', whole.reference));
      before = yookassa.requests.length;
      expect((await refund(whole.order.documentId, { reason: 'All of it' })).status).toBe(200);
      expect(postedAfter(before, '/v3/refunds')[0].body.receipt).toEqual({
        customer: { email: whole.buyer.email },
        items: [line(whole.course.title, '700.00', 4)],
      });
    });

    // A buyer who reads Russian: the partial refund's one line is worded in Russian, as their receipt was.
    await withEnv({ YOOKASSA_RECEIPTS: 'true', YOOKASSA_VAT_CODE: '4' }, async () => {
      const course = await paidCourse(make, teacher, 800, { currency: 'RUB' });
      const buyer = await make.createUser('student', { preferredLocale: 'ru' });
      const placed = await placeOrder(app, buyer, { courses: [course.documentId], provider: 'yookassa' });
      expect(placed.status).toBe(201);
      const reference = (await orderRow(placed.body.data.documentId)).providerReference as string;
      yookassa.setStatus(reference, 'succeeded');
      expect((await notify(yookassa.notification('payment.succeeded', reference))).status).toBe(200);
      before = yookassa.requests.length;
      expect((await refund(placed.body.data.documentId, { amount: '300.00', reason: 'Part' })).status).toBe(200);
      expect(postedAfter(before, '/v3/refunds')[0].body.receipt).toEqual({
        customer: { email: buyer.email },
        items: [line(`Возврат по заказу ${placed.body.data.number}`, '300.00', 4)],
      });
    });

    // A VAT code YooKassa does not have: no payment is attempted with a wrong receipt.
    await withEnv({ YOOKASSA_RECEIPTS: 'true', YOOKASSA_VAT_CODE: '99' }, async () => {
      const course = await paidCourse(make, teacher, 300, { currency: 'RUB' });
      before = yookassa.requests.length;
      const refused = await placeOrder(app, await make.createUser('student'), {
        courses: [course.documentId],
        provider: 'yookassa',
      });
      expect([refused.status, reasonOf(refused)]).toEqual([503, 'payment_provider_error']);
      expect(postedAfter(before, '/v3/payments')).toEqual([]);
    });
  });
});
