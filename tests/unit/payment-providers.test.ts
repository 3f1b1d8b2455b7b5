import { createStripeProvider, checkoutLines } from '../../src/plugins/commerce/server/src/providers/stripe';
import {
  addressList,
  createYooKassaProvider,
  fromAmountValue,
  isTrustedAddress,
  receiptOf,
  toAmountValue,
  yookassaSettings,
  YOOKASSA_NOTIFICATION_ADDRESSES,
} from '../../src/plugins/commerce/server/src/providers/yookassa';
import { PaymentProviderError } from '../../src/plugins/commerce/server/src/providers/provider-error';
import type { CheckoutOrder, PaymentProvider } from '../../src/plugins/commerce/server/src/providers/types';
import { Refusal } from '../../src/errors/refusal';
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe';
import { startFakeYooKassa, type FakeYooKassa } from '../helpers/fake-yookassa';

/**
 * Each provider against a local fake of its API (no network, no keys): what Lyceum sends when a buyer checks out or
 * an admin refunds, and which webhook calls it believes. The HTTP routes around them are tested with the orders.
 */

const order = (overrides: Partial<CheckoutOrder> = {}): CheckoutOrder => ({
  documentId: 'ord8x2k4m1',
  number: 'LY-2026-000042',
  currency: 'RUB',
  total: 149000,
  items: [
    { title: 'TypeScript from zero', unitPrice: 99000 },
    { title: 'Databases in practice', unitPrice: 50000 },
  ],
  buyerEmail: 'buyer@example.test',
  locale: 'ru',
  ...overrides,
});

/** The Refusal a call rejected with (and fails the test when it resolved). */
async function refusalOf(promise: Promise<unknown>): Promise<Refusal> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason
  );
  expect(error).toBeInstanceOf(Refusal);
  return error as Refusal;
}

async function providerErrorOf(promise: Promise<unknown>): Promise<PaymentProviderError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason
  );
  expect(error).toBeInstanceOf(PaymentProviderError);
  return error as PaymentProviderError;
}

describe('Stripe provider', () => {
  let fake: FakeStripe;
  let stripe: PaymentProvider;

  beforeAll(async () => {
    fake = await startFakeStripe();
    stripe = createStripeProvider({ ...fake.env });
  });
  afterAll(() => fake.stop());

  const checkout = (key: string, overrides: Partial<CheckoutOrder> = {}) =>
    stripe.createCheckout({
      order: order({ currency: 'EUR', ...overrides }),
      returnUrl: 'https://lyceum.test/orders/ord8x2k4m1',
      idempotencyKey: key,
    });

  it('is not configured without its secret key and webhook secret', async () => {
    expect(createStripeProvider({}).isConfigured()).toBe(false);
    expect(createStripeProvider({ STRIPE_SECRET_KEY: 'sk_test_x' }).isConfigured()).toBe(false);
    expect(createStripeProvider({ STRIPE_WEBHOOK_SECRET: 'whsec_x' }).isConfigured()).toBe(false);
    expect(stripe.isConfigured()).toBe(true);
    const unconfigured = createStripeProvider({});
    for (const call of [
      unconfigured.createCheckout({ order: order(), returnUrl: 'https://x.test', idempotencyKey: 'k' }),
      unconfigured.verifyWebhook({ rawBody: Buffer.from('{}'), headers: {}, ip: '127.0.0.1' }),
      unconfigured.refund({ providerReference: 'x', amount: 1, currency: 'RUB', idempotencyKey: 'k' }),
    ]) {
      const refusal = await refusalOf(call);
      expect({ status: refusal.status, reason: refusal.reason }).toEqual({
        status: 503,
        reason: 'payments_not_configured',
      });
    }
  });

  it('creates a Checkout Session in minor units, with the order in its metadata and the idempotency key sent', async () => {
    const before = fake.requests.length;
    const result = await checkout('order-ord8x2k4m1-checkout-1');
    const [request] = fake.requests.slice(before);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/checkout/sessions');
    expect(request.headers.authorization).toBe(`Bearer ${fake.secretKey}`);
    expect(request.headers['idempotency-key']).toBe('order-ord8x2k4m1-checkout-1');
    expect(request.form).toMatchObject({
      mode: 'payment',
      client_reference_id: 'ord8x2k4m1',
      'metadata[orderDocumentId]': 'ord8x2k4m1',
      'metadata[orderNumber]': 'LY-2026-000042',
      'payment_intent_data[metadata][orderDocumentId]': 'ord8x2k4m1',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'eur',
      'line_items[0][price_data][unit_amount]': '99000',
      'line_items[0][price_data][product_data][name]': 'TypeScript from zero',
      'line_items[1][price_data][unit_amount]': '50000',
      customer_email: 'buyer@example.test',
      locale: 'ru',
    });
    expect(request.form.success_url).toBe(
      'https://lyceum.test/orders/ord8x2k4m1?payment=succeeded&session_id={CHECKOUT_SESSION_ID}'
    );
    expect(request.form.cancel_url).toBe('https://lyceum.test/orders/ord8x2k4m1?payment=cancelled');

    const session = fake.sessions.get(result.providerReference)!;
    expect(session.amount_total).toBe(149000);
    expect(result.checkoutUrl).toBe(session.url);
  });

  it('charges a discounted order as one line at its total', async () => {
    const discounted = order({ currency: 'EUR', total: 119200 });
    expect(checkoutLines(discounted)).toEqual([
      {
        quantity: 1,
        price_data: {
          currency: 'eur',
          unit_amount: 119200,
          product_data: { name: 'Order LY-2026-000042', description: 'TypeScript from zero, Databases in practice' },
        },
      },
    ]);
    const result = await checkout('order-discounted', { total: 119200 });
    expect(fake.sessions.get(result.providerReference)!.amount_total).toBe(119200);
  });

  it('makes one session when the same create is retried with the same key', async () => {
    const first = await checkout('order-retried');
    const second = await checkout('order-retried');
    expect(second.providerReference).toBe(first.providerReference);
    const third = await checkout('order-other-key');
    expect(third.providerReference).not.toBe(first.providerReference);
  });

  it("turns Stripe's refusal into a PaymentProviderError with its code and status", async () => {
    fake.failNext(400, { type: 'invalid_request_error', code: 'parameter_invalid_integer', message: 'Bad amount' });
    const error = await providerErrorOf(checkout('order-refused'));
    expect(error).toMatchObject({ provider: 'stripe', code: 'parameter_invalid_integer', status: 400 });
    const wrongKey = createStripeProvider({ ...fake.env, STRIPE_SECRET_KEY: 'sk_test_wrong' });
    const unauthorized = await providerErrorOf(
      wrongKey.createCheckout({ order: order(), returnUrl: 'https://x.test', idempotencyKey: 'k-wrong' })
    );
    expect(unauthorized.status).toBe(401);
  });

  describe('webhooks', () => {
    let sessionId: string;
    beforeAll(async () => {
      sessionId = (await checkout('order-webhooks')).providerReference;
      fake.pay(sessionId);
    });

    const verify = (rawBody: Buffer, signature?: string) =>
      stripe.verifyWebhook({
        rawBody,
        headers: signature === undefined ? {} : { 'stripe-signature': signature },
        ip: '203.0.113.9',
      });

    it('accepts a correctly signed checkout.session.completed as the payment of its order', async () => {
      const webhook = fake.webhook('checkout.session.completed', sessionId);
      const event = await verify(webhook.rawBody, webhook.signature);
      expect(event).toEqual({
        provider: 'stripe',
        eventId: webhook.eventId,
        kind: 'payment.succeeded',
        orderDocumentId: 'ord8x2k4m1',
        providerReference: sessionId,
        amount: 149000,
        currency: 'EUR',
        payload: webhook.rawBody.toString('utf8'),
      });
    });

    it('refuses the same body with one byte changed (400 invalid_signature)', async () => {
      const webhook = fake.webhook('checkout.session.completed', sessionId);
      const tampered = Buffer.from(webhook.rawBody);
      const at = tampered.indexOf('149000');
      expect(at).toBeGreaterThan(0);
      tampered[at] = '2'.charCodeAt(0);
      const refusal = await refusalOf(verify(tampered, webhook.signature));
      expect(refusal.status).toBe(400);
      expect(refusal.reason).toBe('invalid_signature');
      // The untouched bytes still pass: the refusal was the byte, not the fake.
      await expect(verify(webhook.rawBody, webhook.signature)).resolves.toMatchObject({ kind: 'payment.succeeded' });
    });

    it('refuses a body re-serialised from the same JSON (whitespace differs from what was signed)', async () => {
      const webhook = fake.webhook('checkout.session.completed', sessionId);
      const reserialised = Buffer.from(JSON.stringify(JSON.parse(webhook.rawBody.toString('utf8'))));
      expect((await refusalOf(verify(reserialised, webhook.signature))).reason).toBe('invalid_signature');
    });

    it('refuses a signature made with another secret, a missing header and an expired timestamp', async () => {
      const wrongSecret = fake.webhook('checkout.session.completed', sessionId, { secret: 'whsec_someone_else' });
      expect((await refusalOf(verify(wrongSecret.rawBody, wrongSecret.signature))).reason).toBe('invalid_signature');

      const unsigned = fake.webhook('checkout.session.completed', sessionId);
      const missing = await refusalOf(verify(unsigned.rawBody));
      expect(missing.status).toBe(400);
      expect(missing.reason).toBe('invalid_signature');

      // Stripe's tolerance is 300 s: a correctly signed event from ten minutes ago is a replay attack.
      const old = fake.webhook('checkout.session.completed', sessionId, {
        timestamp: Math.floor(Date.now() / 1000) - 600,
      });
      const expired = await refusalOf(verify(old.rawBody, old.signature));
      expect(expired.status).toBe(400);
      expect(expired.reason).toBe('invalid_signature');
    });

    it('maps the Checkout events: async success pays, async failure and expiry fail, an unpaid completion waits', async () => {
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ['checkout.session.async_payment_succeeded', {}, 'payment.succeeded'],
        ['checkout.session.async_payment_failed', {}, 'payment.failed'],
        ['checkout.session.expired', { status: 'expired', payment_status: 'unpaid' }, 'payment.failed'],
        ['checkout.session.completed', { payment_status: 'unpaid' }, 'other'],
      ];
      for (const [type, session, kind] of cases) {
        const webhook = fake.webhook(type, sessionId, { session });
        const event = await verify(webhook.rawBody, webhook.signature);
        expect({ type, kind: event.kind, order: event.orderDocumentId }).toEqual({
          type,
          kind,
          order: 'ord8x2k4m1',
        });
      }
    });

    it('keeps an event it does not act on as `other`, naming no order', async () => {
      const webhook = fake.webhook('payment_intent.succeeded', sessionId);
      const event = await verify(webhook.rawBody, webhook.signature);
      expect(event).toMatchObject({ kind: 'other', orderDocumentId: null, amount: null, eventId: webhook.eventId });
    });

    it('falls back to client_reference_id when the metadata has no order', async () => {
      const webhook = fake.webhook('checkout.session.completed', sessionId, { session: { metadata: {} } });
      expect((await verify(webhook.rawBody, webhook.signature)).orderDocumentId).toBe('ord8x2k4m1');
    });
  });

  describe('refunds', () => {
    it("refunds part of a paid session's PaymentIntent, once per idempotency key", async () => {
      const { providerReference } = await checkout('order-refund');
      const session = fake.pay(providerReference);
      const before = fake.requests.length;
      const first = await stripe.refund({
        providerReference,
        amount: 50000,
        currency: 'EUR',
        idempotencyKey: 'refund-1',
      });
      const posted = fake.requests.slice(before).filter((request) => request.path === '/v1/refunds');
      expect(posted).toHaveLength(1);
      expect(posted[0].headers['idempotency-key']).toBe('refund-1');
      expect(posted[0].form).toMatchObject({ payment_intent: session.payment_intent, amount: '50000' });

      const again = await stripe.refund({
        providerReference,
        amount: 50000,
        currency: 'EUR',
        idempotencyKey: 'refund-1',
      });
      expect(again.refundReference).toBe(first.refundReference);
      expect(fake.refunds.filter((refund) => refund.payment_intent === session.payment_intent)).toHaveLength(1);

      const tooMuch = await providerErrorOf(
        stripe.refund({ providerReference, amount: 100000, currency: 'EUR', idempotencyKey: 'refund-2' })
      );
      expect(tooMuch).toMatchObject({ code: 'amount_too_large', status: 400 });
    });

    it('refuses to refund a session nobody paid, or in another currency', async () => {
      const { providerReference } = await checkout('order-unpaid');
      const unpaid = await providerErrorOf(
        stripe.refund({ providerReference, amount: 100, currency: 'EUR', idempotencyKey: 'refund-unpaid' })
      );
      expect(unpaid.code).toBe('not_paid');
      fake.pay(providerReference);
      const otherCurrency = await providerErrorOf(
        stripe.refund({ providerReference, amount: 100, currency: 'USD', idempotencyKey: 'refund-usd' })
      );
      expect(otherCurrency.code).toBe('currency_mismatch');
      expect(fake.refunds.some((refund) => refund.metadata.checkoutSession === providerReference)).toBe(false);
    });
  });
});

describe('YooKassa provider', () => {
  let fake: FakeYooKassa;
  let yookassa: PaymentProvider;

  beforeAll(async () => {
    fake = await startFakeYooKassa();
    yookassa = createYooKassaProvider({ ...fake.env });
  });
  afterAll(() => fake.stop());

  const checkout = (key: string, overrides: Partial<CheckoutOrder> = {}) =>
    yookassa.createCheckout({
      order: order(overrides),
      returnUrl: 'https://lyceum.test/orders/ord8x2k4m1',
      idempotencyKey: key,
    });
  const notify = (rawBody: Buffer, ip = '127.0.0.1', provider = yookassa) =>
    provider.verifyWebhook({ rawBody, headers: { 'content-type': 'application/json' }, ip });

  it('is not configured without its shop id and secret key', async () => {
    expect(createYooKassaProvider({}).isConfigured()).toBe(false);
    expect(createYooKassaProvider({ YOOKASSA_SHOP_ID: '1' }).isConfigured()).toBe(false);
    expect(createYooKassaProvider({ YOOKASSA_SECRET_KEY: 's' }).isConfigured()).toBe(false);
    expect(yookassa.isConfigured()).toBe(true);
    const unconfigured = createYooKassaProvider({});
    for (const call of [
      unconfigured.createCheckout({ order: order(), returnUrl: 'https://x.test', idempotencyKey: 'k' }),
      unconfigured.verifyWebhook({ rawBody: Buffer.from('{}'), headers: {}, ip: '127.0.0.1' }),
      unconfigured.refund({ providerReference: 'x', amount: 1, currency: 'RUB', idempotencyKey: 'k' }),
    ]) {
      const refusal = await refusalOf(call);
      expect({ status: refusal.status, reason: refusal.reason }).toEqual({
        status: 503,
        reason: 'payments_not_configured',
      });
    }
  });

  it('writes minor units as YooKassa decimal strings and reads them back exactly', () => {
    const cases: Array<[number, string, string]> = [
      [149000, 'RUB', '1490.00'],
      [5, 'RUB', '0.05'],
      [0, 'RUB', '0.00'],
      [199, 'USD', '1.99'],
      [1490, 'JPY', '1490'],
    ];
    for (const [minor, currency, value] of cases) {
      expect(toAmountValue(minor, currency)).toBe(value);
      expect(fromAmountValue(value, currency)).toBe(minor);
    }
    expect(fromAmountValue('1490.0', 'RUB')).toBe(149000);
    expect(fromAmountValue('1.999', 'RUB')).toBeNull();
    expect(fromAmountValue('-1.00', 'RUB')).toBeNull();
    expect(fromAmountValue(1490, 'RUB')).toBeNull();
    expect(() => toAmountValue(1.5, 'RUB')).toThrow(PaymentProviderError);
  });

  it('creates a payment with Basic auth, an Idempotence-Key, the amount in rubles and the order in its metadata', async () => {
    const before = fake.requests.length;
    const result = await checkout('order-ord8x2k4m1-checkout-1');
    const [request] = fake.requests.slice(before);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v3/payments');
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from(`${fake.shopId}:${fake.secretKey}`).toString('base64')}`
    );
    expect(request.headers['idempotence-key']).toBe('order-ord8x2k4m1-checkout-1');
    expect(request.body).toEqual({
      amount: { value: '1490.00', currency: 'RUB' },
      capture: true,
      confirmation: { type: 'redirect', return_url: 'https://lyceum.test/orders/ord8x2k4m1', locale: 'ru_RU' },
      description: 'Order LY-2026-000042',
      metadata: { orderDocumentId: 'ord8x2k4m1', orderNumber: 'LY-2026-000042' },
    });
    const payment = fake.payments.get(result.providerReference)!;
    expect(result.checkoutUrl).toBe(payment.confirmation.confirmation_url);
  });

  it('makes one payment when the same create is retried with the same key', async () => {
    const first = await checkout('order-retried');
    const second = await checkout('order-retried');
    expect(second.providerReference).toBe(first.providerReference);
    expect((await checkout('order-other-key')).providerReference).not.toBe(first.providerReference);
  });

  it('asks again, with the same Idempotence-Key, when YooKassa answers 202 "still processing"', async () => {
    fake.processNext();
    const before = fake.requests.length;
    const result = await checkout('order-processing');
    const posts = fake.requests.slice(before);
    expect(posts.map((request) => request.headers['idempotence-key'])).toEqual([
      'order-processing',
      'order-processing',
    ]);
    expect(fake.payments.has(result.providerReference)).toBe(true);
  });

  it("turns YooKassa's refusals and silence into a PaymentProviderError", async () => {
    const wrongKey = createYooKassaProvider({ ...fake.env, YOOKASSA_SECRET_KEY: 'test_wrong' });
    const unauthorized = await providerErrorOf(
      wrongKey.createCheckout({ order: order(), returnUrl: 'https://x.test', idempotencyKey: 'k-wrong' })
    );
    expect(unauthorized).toMatchObject({ provider: 'yookassa', code: 'invalid_credentials', status: 401 });

    fake.failNext(500, 'internal_server_error');
    expect((await providerErrorOf(checkout('order-500'))).status).toBe(500);

    const { stopped } = await closedAddress();
    const unreachable = createYooKassaProvider({ ...fake.env, YOOKASSA_API_BASE: stopped });
    expect(
      (
        await providerErrorOf(
          unreachable.createCheckout({
            order: order(),
            returnUrl: 'https://x.test',
            idempotencyKey: 'k-down',
          })
        )
      ).code
    ).toBe('unreachable');
  });

  describe('notifications', () => {
    it('refuses a notification from an address YooKassa does not send from, without asking the API (400)', async () => {
      const { providerReference } = await checkout('order-untrusted');
      fake.setStatus(providerReference, 'succeeded');
      const before = fake.requests.length;
      for (const ip of ['203.0.113.7', '185.71.76.32', '77.75.156.12', '::ffff:10.0.0.1', '2a03::1', '', 'nonsense']) {
        const refusal = await refusalOf(notify(fake.notification('payment.succeeded', providerReference), ip));
        expect({ ip, status: refusal.status, reason: refusal.reason }).toEqual({
          ip,
          status: 400,
          reason: 'untrusted_source',
        });
      }
      expect(fake.requests.length).toBe(before);
    });

    it("accepts YooKassa's published addresses (IPv4, IPv4 mapped into IPv6, IPv6) without any extra setting", async () => {
      const { providerReference } = await checkout('order-published');
      fake.setStatus(providerReference, 'succeeded');
      const { YOOKASSA_TRUSTED_ADDRESSES: _omitted, ...published } = fake.env;
      const provider = createYooKassaProvider(published);
      for (const ip of [
        '185.71.76.5',
        '185.71.77.31',
        '77.75.153.100',
        '77.75.156.11',
        '77.75.156.35',
        '::ffff:77.75.154.200',
        '2a02:5180::1',
      ]) {
        const event = await notify(fake.notification('payment.succeeded', providerReference), ip, provider);
        expect({ ip, kind: event.kind }).toEqual({ ip, kind: 'payment.succeeded' });
      }
      await expect(
        notify(fake.notification('payment.succeeded', providerReference), '127.0.0.1', provider)
      ).rejects.toThrow(Refusal);
    });

    it('re-reads the payment: a "succeeded" notification for a payment the API says is pending pays nothing', async () => {
      const { providerReference } = await checkout('order-pending');
      const before = fake.requests.length;
      const claimed = fake.notification('payment.succeeded', providerReference, {
        status: 'succeeded',
        paid: true,
        amount: { value: '1.00', currency: 'RUB' },
      });
      const event = await notify(claimed);
      expect(event.kind).toBe('other');
      const reads = fake.requests.slice(before);
      expect(reads.map((request) => `${request.method} ${request.path}`)).toEqual([
        `GET /v3/payments/${providerReference}`,
      ]);
      expect(reads[0].headers.authorization).toMatch(/^Basic /);

      // When it really succeeds, YooKassa notifies again: a new event, not a replay of the premature one.
      fake.setStatus(providerReference, 'succeeded');
      const paid = await notify(fake.notification('payment.succeeded', providerReference));
      expect(paid.kind).toBe('payment.succeeded');
      expect(paid.eventId).not.toBe(event.eventId);
    });

    it('takes the amount, currency and order from the API, not from what the notification claims', async () => {
      const { providerReference } = await checkout('order-amounts');
      fake.setStatus(providerReference, 'succeeded');
      const rawBody = fake.notification('payment.succeeded', providerReference, {
        amount: { value: '1.00', currency: 'USD' },
        metadata: { orderDocumentId: 'someone-elses-order' },
      });
      expect(await notify(rawBody)).toEqual({
        provider: 'yookassa',
        eventId: `payment.succeeded:${providerReference}`,
        kind: 'payment.succeeded',
        orderDocumentId: 'ord8x2k4m1',
        providerReference,
        amount: 149000,
        currency: 'RUB',
        payload: rawBody.toString('utf8'),
      });
    });

    it('names a resent notification the same event, and a canceled payment a failure', async () => {
      const { providerReference } = await checkout('order-canceled');
      fake.setStatus(providerReference, 'canceled');
      const first = await notify(fake.notification('payment.canceled', providerReference));
      const resent = await notify(fake.notification('payment.canceled', providerReference));
      expect(first.kind).toBe('payment.failed');
      expect(resent.eventId).toBe(first.eventId);
    });

    it('refuses a notification that is not JSON, not a notification, or names a payment YooKassa does not know', async () => {
      const cases: Array<[string, Buffer]> = [
        ['not JSON', Buffer.from('{"type":"notification",')],
        ['no object id', Buffer.from(JSON.stringify({ type: 'notification', event: 'payment.succeeded', object: {} }))],
        [
          'not a notification',
          Buffer.from(JSON.stringify({ type: 'other', event: 'payment.succeeded', object: { id: 'x' } })),
        ],
        ['unknown payment', fake.notification('payment.succeeded', '2f1c0d5e-000f-5000-9000-1b2c3d4e5f60')],
      ];
      for (const [what, rawBody] of cases) {
        const refusal = await refusalOf(notify(rawBody));
        expect({ what, status: refusal.status, reason: refusal.reason }).toEqual({
          what,
          status: 400,
          reason: 'invalid_payload',
        });
      }
    });

    it('keeps a refund notification as `other` without acting on it', async () => {
      const event = await notify(
        Buffer.from(
          JSON.stringify({ type: 'notification', event: 'refund.succeeded', object: { id: 'rf-1', payment_id: 'p' } })
        )
      );
      expect(event).toMatchObject({ kind: 'other', eventId: 'refund.succeeded:rf-1', orderDocumentId: null });
    });

    it('fails (not 400) when YooKassa cannot be asked, so the notification is sent again later', async () => {
      const { providerReference } = await checkout('order-api-down');
      fake.failNext(503, 'internal_server_error');
      const error = await providerErrorOf(notify(fake.notification('payment.succeeded', providerReference)));
      expect(error.status).toBe(503);
    });
  });

  it('refunds with POST /refunds, the amount in rubles and an Idempotence-Key', async () => {
    const { providerReference } = await checkout('order-refund');
    fake.setStatus(providerReference, 'succeeded');
    const before = fake.requests.length;
    const result = await yookassa.refund({
      providerReference,
      amount: 49000,
      currency: 'RUB',
      idempotencyKey: 'refund-1',
    });
    const [request] = fake.requests.slice(before);
    expect(request.path).toBe('/v3/refunds');
    expect(request.headers['idempotence-key']).toBe('refund-1');
    expect(request.body).toEqual({ payment_id: providerReference, amount: { value: '490.00', currency: 'RUB' } });
    expect(fake.refunds.map((refund) => refund.id)).toContain(result.refundReference);

    const again = await yookassa.refund({
      providerReference,
      amount: 49000,
      currency: 'RUB',
      idempotencyKey: 'refund-1',
    });
    expect(again.refundReference).toBe(result.refundReference);
    expect(fake.refunds.filter((refund) => refund.payment_id === providerReference)).toHaveLength(1);

    const tooMuch = await providerErrorOf(
      yookassa.refund({ providerReference, amount: 149000, currency: 'RUB', idempotencyKey: 'refund-2' })
    );
    expect(tooMuch).toMatchObject({ code: 'invalid_request', status: 400 });
  });

  it('reads trusted addresses and ranges, and refuses a malformed entry loudly', () => {
    const list = addressList([...YOOKASSA_NOTIFICATION_ADDRESSES, '10.1.0.0/16', '::1']);
    expect(isTrustedAddress('10.1.200.3', list)).toBe(true);
    expect(isTrustedAddress('10.2.0.1', list)).toBe(false);
    expect(isTrustedAddress('::1', list)).toBe(true);
    for (const entry of ['10.0.0.0/33', 'example.org', '10.0.0.0/8/1', '2a02::/129', '10.0.0.0/x']) {
      expect(() => addressList([entry])).toThrow(PaymentProviderError);
    }
  });
});

/** An address nothing listens on (a server started and stopped). */
async function closedAddress(): Promise<{ stopped: string }> {
  const http = await import('http');
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('net').AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { stopped: `http://127.0.0.1:${port}/v3` };
}

describe('YooKassa 54-FZ receipts', () => {
  test('one line per item: a service paid in full, with the VAT code; descriptions cut at 128 characters', () => {
    expect(
      receiptOf({ vatCode: 4 }, 'olga@example.test', [{ title: 'x'.repeat(200), unitPrice: 149000 }], 'rub')
    ).toEqual({
      customer: { email: 'olga@example.test' },
      items: [
        {
          description: 'x'.repeat(128),
          quantity: 1,
          amount: { value: '1490.00', currency: 'RUB' },
          vat_code: 4,
          payment_subject: 'service',
          payment_mode: 'full_payment',
        },
      ],
    });
  });

  test.each([
    [undefined, 1],
    ['', 1],
    ['6', 6],
    ['12', 12],
    ['0', null],
    ['13', null],
    ['4.5', null],
    ['twenty', null],
  ])('YOOKASSA_VAT_CODE=%j gives vat_code %j', (value, code) => {
    expect(yookassaSettings({ YOOKASSA_VAT_CODE: value }).vatCode).toBe(code);
  });

  test('YOOKASSA_RECEIPTS is on only for "true"; an unknown VAT code or no email is refused, not sent', () => {
    expect(yookassaSettings({}).receipts).toBe(false);
    expect(yookassaSettings({ YOOKASSA_RECEIPTS: 'yes' }).receipts).toBe(false);
    expect(yookassaSettings({ YOOKASSA_RECEIPTS: 'true' }).receipts).toBe(true);
    expect(() => receiptOf({ vatCode: null }, 'a@b.test', [], 'RUB')).toThrow(PaymentProviderError);
    expect(() => receiptOf({ vatCode: 1 }, null, [], 'RUB')).toThrow(PaymentProviderError);
  });
});
