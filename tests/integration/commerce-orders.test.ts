import { factories, type TestUser } from '../helpers/factories';
import { enrollmentOf, paidCourse, placeOrder, seatsOf } from '../helpers/commerce';
import { until } from '../helpers/fleet';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Orders (contract "Commerce"): prices from the server in exact minor units, one currency per order, the enrollment
 * rules before anything is held, one seat held per capacity-limited course while the order is pending (the seat
 * implementation of the enrollment plugin, settled by the database), coupons counted exactly, expiry as a schedule.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
let admin: TestUser;

const ORDER = 'plugin::commerce.order';

beforeAll(async () => {
  // The expiry sweep every 200 ms, so a test sees it run instead of waiting a minute.
  app = await startLyceum({ ORDERS_EXPIRY_CRON: '200' });
  make = factories(app.strapi);
  teacher = await make.createUser('teacher');
  admin = await make.createUser('admin');
  // The enrollment confirmation mails have nowhere to go here.
  jest.spyOn(app.strapi.plugin('email').service('email'), 'send').mockResolvedValue(undefined as never);
}, 120_000);
afterAll(stopLyceum);

const student = () => make.createUser('student');
const fieldsOf = (response: { body: any }) =>
  (response.body.error?.details?.errors ?? []).map((error: { path: string[] }) => error.path.join('.'));
const reasonOf = (response: { body: any }) => response.body.error?.details?.reason;

async function coupon(data: Record<string, unknown>) {
  const response = await app.request.post('/api/coupons').set(admin.auth).send({ data });
  expect(response.status).toBe(201);
  return response.body.data as { documentId: string; code: string };
}

describe('bad input is a 400 naming the field', () => {
  test.each([
    ['no courses', {}, 'courses'],
    ['courses not a list', { courses: 'abc' }, 'courses'],
    ['an empty list', { courses: [] }, 'courses'],
    ['a number for a course', { courses: [5] }, 'courses'],
    ['a malformed documentId', { courses: ['../x'] }, 'courses'],
    ['a course twice', { courses: ['abc', 'abc'] }, 'courses'],
    ['too many courses', { courses: Array.from({ length: 21 }, (_, index) => `c${index}`) }, 'courses'],
    ['a coupon that is no code', { courses: ['abc'], coupon: 'no spaces allowed' }, 'coupon'],
    ['a coupon of the wrong type', { courses: ['abc'], coupon: 10 }, 'coupon'],
    ['an unknown provider', { courses: ['abc'], provider: 'paypal' }, 'provider'],
    ['provider "free" (never chosen by a client)', { courses: ['abc'], provider: 'free' }, 'provider'],
    ['a provider of the wrong type', { courses: ['abc'], provider: 1 }, 'provider'],
    ['a price sent by the client', { courses: ['abc'], provider: 'sandbox', total: '0.00' }, 'total'],
    ['a buyer named in the body', { courses: ['abc'], provider: 'sandbox', buyer: 1 }, 'buyer'],
  ])('%s', async (_name, body, field) => {
    const response = await placeOrder(app, await student(), body);
    expect(response.status).toBe(400);
    expect(fieldsOf(response)).toContain(field);
  });

  test('an unknown course is a 400 naming courses', async () => {
    const response = await placeOrder(app, await student(), {
      courses: ['nosuchcourse000000000000'],
      provider: 'sandbox',
    });
    expect(response.status).toBe(400);
    expect(fieldsOf(response)).toEqual(['courses']);
  });

  test('courses in two currencies are a 400 naming courses', async () => {
    const dollars = await paidCourse(make, teacher, 10);
    const roubles = await paidCourse(make, teacher, 990, { currency: 'RUB' });
    const response = await placeOrder(app, await student(), {
      courses: [dollars.documentId, roubles.documentId],
      provider: 'sandbox',
    });
    expect(response.status).toBe(400);
    expect(fieldsOf(response)).toEqual(['courses']);
  });

  test('an order to pay without a provider is a 400 naming provider', async () => {
    const course = await paidCourse(make, teacher, 10);
    const response = await placeOrder(app, await student(), { courses: [course.documentId] });
    expect(response.status).toBe(400);
    expect(fieldsOf(response)).toEqual(['provider']);
  });

  test('signed out: 401; no order is made', async () => {
    const course = await paidCourse(make, teacher, 10);
    expect(
      (await app.request.post('/api/orders').send({ courses: [course.documentId], provider: 'sandbox' })).status
    ).toBe(401);
    expect(
      await app.strapi.db.query('plugin::commerce.order-item').count({ where: { courseDocumentId: course.documentId } })
    ).toBe(0);
  });
});

describe('an order', () => {
  test('is priced by the server in exact decimals, holds nothing in an unlimited course, and answers its checkout', async () => {
    const first = await paidCourse(make, teacher, 14.9);
    const second = await paidCourse(make, teacher, '0.2');
    const buyer = await student();
    const response = await placeOrder(app, buyer, {
      courses: [first.documentId, second.documentId],
      provider: 'sandbox',
    });
    expect(response.status).toBe(201);
    const order = response.body.data;
    expect(order).toMatchObject({
      status: 'pending',
      currency: 'USD',
      subtotal: 15.1,
      discount: 0,
      total: 15.1,
      provider: 'sandbox',
      coupon: null,
      paidAt: null,
      items: [
        { course: first.documentId, title: first.title, unitPrice: 14.9 },
        { course: second.documentId, title: second.title, unitPrice: 0.2 },
      ],
    });
    expect(order.number).toMatch(/^L-\d{8}-[A-Z0-9]{6}$/);
    // 30 minutes by default.
    const holdMs = new Date(order.expiresAt).getTime() - Date.now();
    expect(holdMs).toBeGreaterThan(29 * 60_000);
    expect(holdMs).toBeLessThanOrEqual(30 * 60_000);
    expect(response.body.meta.checkoutUrl).toMatch(new RegExp(`/api/payments/sandbox/checkout/${order.documentId}$`));
    expect(await enrollmentOf(app.strapi, buyer.id, first.documentId)).toBeNull();
  });

  test('currencies keep their minor units: yen have none', async () => {
    const course = await paidCourse(make, teacher, 1490, { currency: 'jpy' });
    const response = await placeOrder(app, await student(), { courses: [course.documentId], provider: 'sandbox' });
    expect(response.status).toBe(201);
    expect(response.body.data).toMatchObject({ currency: 'JPY', total: 1490, items: [{ unitPrice: 1490 }] });
  });

  test('of free courses is paid at once (provider free, no checkout) and enrolls before the answer', async () => {
    const course = await make.createCourse({ teacher, lessons: 1 });
    const buyer = await student();
    const response = await placeOrder(app, buyer, { courses: [course.documentId] });
    expect(response.status).toBe(201);
    expect(response.body.data).toMatchObject({ status: 'paid', provider: 'free', total: 0 });
    expect(response.body.data.paidAt).toEqual(expect.any(String));
    expect(response.body.meta.checkoutUrl).toBeUndefined();
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'active' });
  });

  test('is read by its buyer and admins only; others get 404; the buyer lists their orders, newest first', async () => {
    const course = await paidCourse(make, teacher, 5);
    const buyer = await student();
    const first = (await placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox' })).body.data;
    const other = await paidCourse(make, teacher, 7);
    const second = (await placeOrder(app, buyer, { courses: [other.documentId], provider: 'sandbox' })).body.data;

    const own = await app.request.get(`/api/orders/${first.documentId}`).set(buyer.auth);
    expect(own.status).toBe(200);
    expect(own.body.data.number).toBe(first.number);
    expect(own.body.meta.checkoutUrl).toContain(first.documentId);
    expect((await app.request.get(`/api/orders/${first.documentId}`).set(admin.auth)).status).toBe(200);
    const stranger = await app.request.get(`/api/orders/${first.documentId}`).set((await student()).auth);
    expect(stranger.status).toBe(404);
    expect((await app.request.get(`/api/orders/${first.documentId}`).set(teacher.auth)).status).toBe(404);
    expect((await app.request.get(`/api/orders/${first.documentId}`)).status).toBe(401);
    expect((await app.request.get('/api/orders/not-an-id!').set(buyer.auth)).status).toBe(400);

    const mine = await app.request.get('/api/me/orders').set(buyer.auth).query({ 'pagination[pageSize]': 1 });
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((order: { documentId: string }) => order.documentId)).toEqual([second.documentId]);
    expect(mine.body.meta.pagination).toEqual({ page: 1, pageSize: 1, pageCount: 2, total: 2 });
    expect((await app.request.get('/api/me/orders').set(buyer.auth).query({ 'pagination[pageSize]': 0 })).status).toBe(
      400
    );
  });

  test('is cancelled by its buyer while pending, which frees its seat; not twice, not by others', async () => {
    const course = await paidCourse(make, teacher, 5, { capacity: 1 });
    const buyer = await student();
    const order = (await placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox' })).body.data;
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 1 });
    expect((await app.request.post(`/api/orders/${order.documentId}/cancel`).set((await student()).auth)).status).toBe(
      404
    );
    const cancelled = await app.request.post(`/api/orders/${order.documentId}/cancel`).set(buyer.auth);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.status).toBe('cancelled');
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 0 });
    const again = await app.request.post(`/api/orders/${order.documentId}/cancel`).set(buyer.auth);
    expect(again.status).toBe(409);
    expect(reasonOf(again)).toBe('not_cancellable');
  });
});

describe('refusals (the enrollment rules, through the enrollment plugin)', () => {
  test('409 already_enrolled', async () => {
    const course = await paidCourse(make, teacher, 5);
    const buyer = await student();
    await make.enroll(buyer, course);
    const response = await placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox' });
    expect(response.status).toBe(409);
    expect(reasonOf(response)).toBe('already_enrolled');
  });

  test('409 already_purchased when a paid order holds the course', async () => {
    const course = await make.createCourse({ teacher, lessons: 1 });
    const buyer = await student();
    expect((await placeOrder(app, buyer, { courses: [course.documentId] })).status).toBe(201);
    const response = await placeOrder(app, buyer, { courses: [course.documentId] });
    expect(response.status).toBe(409);
    expect(reasonOf(response)).toBe('already_purchased');
  });

  test('403 not_published, enrollment_closed, prerequisites_missing', async () => {
    const draft = await paidCourse(make, teacher, 5, { published: false });
    const closed = await paidCourse(make, teacher, 5, {
      data: { enrollmentClosesAt: new Date(Date.now() - 86_400_000).toISOString() },
    });
    const basics = await make.createCourse({ teacher, lessons: 1 });
    const advanced = await paidCourse(make, teacher, 5, { data: { prerequisites: [basics.documentId] } });
    const buyer = await student();
    for (const [course, reason] of [
      [draft, 'not_published'],
      [closed, 'enrollment_closed'],
      [advanced, 'prerequisites_missing'],
    ] as const) {
      const response = await placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox' });
      expect([response.status, reasonOf(response)]).toEqual([403, reason]);
    }
    expect(await app.strapi.db.query(ORDER).count({ where: { buyer: { id: buyer.id } } })).toBe(0);
  });

  test('403 course_full, counting seats held by pending orders; 503 payments_not_configured', async () => {
    const course = await paidCourse(make, teacher, 5, { capacity: 1 });
    expect((await placeOrder(app, await student(), { courses: [course.documentId], provider: 'sandbox' })).status).toBe(
      201
    );
    const late = await placeOrder(app, await student(), { courses: [course.documentId], provider: 'sandbox' });
    expect([late.status, reasonOf(late)]).toEqual([403, 'course_full']);
    // A seat taken through an order counts for direct enrollments too.
    const free = await make.createCourse({ teacher, lessons: 1, data: { capacity: 1 } });
    expect((await placeOrder(app, await student(), { courses: [free.documentId] })).status).toBe(201);
    const direct = await app.request.post(`/api/courses/${free.documentId}/enrollments`).set((await student()).auth);
    expect([direct.status, reasonOf(direct)]).toEqual([403, 'course_full']);

    const other = await paidCourse(make, teacher, 5);
    const stripe = await placeOrder(app, await student(), { courses: [other.documentId], provider: 'stripe' });
    expect([stripe.status, reasonOf(stripe)]).toEqual([503, 'payments_not_configured']);
  });

  test('the payment rule: without a paid order a paid course refuses self-enrollment, with one it admits', async () => {
    const course = await paidCourse(make, teacher, 5);
    const buyer = await student();
    const refused = await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(buyer.auth);
    expect([refused.status, reasonOf(refused)]).toEqual([403, 'payment_required']);
    // A paid order (the webhook's effect) and a cancelled enrollment: the buyer may come back by themselves.
    const order = (await placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox' })).body.data;
    const paid = await app.request.post(`/api/payments/sandbox/checkout/${order.documentId}`).send({ outcome: 'paid' });
    expect(paid.body.data.status).toBe('paid');
    expect((await app.request.delete(`/api/courses/${course.documentId}/enrollments/me`).set(buyer.auth)).status).toBe(
      200
    );
    expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(buyer.auth)).status).toBe(201);
  });
});

describe('seats held by pending orders', () => {
  test('two buyers racing for the last seat: one order holds it, the other is course_full', async () => {
    const course = await paidCourse(make, teacher, 5, { capacity: 2 });
    await make.enroll(await student(), course);
    // The seat row counts the enrollment made above before the race.
    await app.strapi.plugin('enrollment').service('enrollments').prepareSeat(course.documentId);
    const buyers = await Promise.all(Array.from({ length: 6 }, () => student()));
    const answers = await Promise.all(
      buyers.map((buyer) => placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox' }))
    );
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 403 && reasonOf(answer) === 'course_full')).toHaveLength(5);
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 1, held: 1 });
  });

  test('an expired order is cancelled by the schedule: its seat and its coupon redemption come back', async () => {
    const course = await paidCourse(make, teacher, 20, { capacity: 1 });
    const code = `HOLD${Date.now()}`;
    await coupon({ code, percentOff: 10, maxRedemptions: 1 });
    const buyer = await student();
    const order = (await placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox', coupon: code }))
      .body.data;
    expect(order.total).toBe(18);
    const refused = await placeOrder(app, await student(), { courses: [course.documentId], provider: 'sandbox' });
    expect(reasonOf(refused)).toBe('course_full');

    await app.strapi.db
      .query(ORDER)
      .update({ where: { documentId: order.documentId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await until(
      async () =>
        (await app.request.get(`/api/orders/${order.documentId}`).set(buyer.auth)).body.data.status === 'cancelled',
      'the expiry schedule to cancel the order',
      20_000
    );
    expect(await seatsOf(app.strapi, course.documentId)).toEqual({ taken: 0, held: 0 });
    const next = await placeOrder(app, await student(), {
      courses: [course.documentId],
      provider: 'sandbox',
      coupon: code.toLowerCase(),
    });
    expect(next.status).toBe(201);
    expect(next.body.data.total).toBe(18);
    // A late payment of the expired order, whose seat is taken now, is given back (commerce-admin.test.ts has more).
    const late = await app.request.post(`/api/payments/sandbox/checkout/${order.documentId}`).send({ outcome: 'paid' });
    expect(late.status).toBe(200);
    expect(late.body.data).toMatchObject({ outcome: 'applied' });
    await until(
      async () =>
        (await app.strapi.db.query(ORDER).findOne({ where: { documentId: order.documentId } })).status === 'refunded',
      'the late payment to be refunded',
      20_000
    );
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toBeNull();
  });
});

describe('coupons', () => {
  test('a coupon in a currency that is three letters but no ISO 4217 code: 400 naming currency, nothing stored', async () => {
    const code = `xyz${Date.now()}`;
    const response = await app.request
      .post('/api/coupons')
      .set(admin.auth)
      .send({ data: { code, amountOff: 5, currency: 'XYZ' } });
    expect([response.status, fieldsOf(response)]).toEqual([400, ['currency']]);
    expect(await app.strapi.db.query('api::coupon.coupon').count({ where: { code: code.toUpperCase() } })).toBe(0);
  });

  test('percent and amount off, case-insensitive codes, limited to courses', async () => {
    const course = await paidCourse(make, teacher, 49.99);
    const other = await paidCourse(make, teacher, 10);
    const stamp = Date.now();
    await coupon({ code: `pct${stamp}`, percentOff: 15 });
    await coupon({ code: `amt${stamp}`, amountOff: 5, currency: 'usd' });
    await coupon({ code: `only${stamp}`, percentOff: 50, courses: [course.documentId] });

    const percent = await placeOrder(app, await student(), {
      courses: [course.documentId],
      provider: 'sandbox',
      coupon: `PCT${stamp}`,
    });
    // 15% of 49.99 is 7.4985: 7.50, half a cent up.
    expect(percent.body.data).toMatchObject({
      subtotal: 49.99,
      discount: 7.5,
      total: 42.49,
      coupon: `PCT${stamp}`,
    });
    const amount = await placeOrder(app, await student(), {
      courses: [course.documentId],
      provider: 'sandbox',
      coupon: `Amt${stamp}`,
    });
    expect(amount.body.data).toMatchObject({ discount: 5, total: 44.99 });
    const limited = await placeOrder(app, await student(), {
      courses: [course.documentId, other.documentId],
      provider: 'sandbox',
      coupon: `only${stamp}`,
    });
    // Half of the course it names only.
    expect(limited.body.data).toMatchObject({ subtotal: 59.99, discount: 25, total: 34.99 });
    const elsewhere = await placeOrder(app, await student(), {
      courses: [other.documentId],
      provider: 'sandbox',
      coupon: `only${stamp}`,
    });
    expect([elsewhere.status, reasonOf(elsewhere), fieldsOf(elsewhere)]).toEqual([400, 'coupon_invalid', ['coupon']]);
  });

  test('a 100% coupon makes the order free: paid at once and enrolled', async () => {
    const course = await paidCourse(make, teacher, 30);
    const code = `FULL${Date.now()}`;
    await coupon({ code, percentOff: 100 });
    const buyer = await student();
    const response = await placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox', coupon: code });
    expect(response.status).toBe(201);
    expect(response.body.data).toMatchObject({ status: 'paid', provider: 'free', total: 0, discount: 30 });
    expect(await enrollmentOf(app.strapi, buyer.id, course.documentId)).toMatchObject({ status: 'active' });
  });

  test('unknown, not yet valid, expired, other currency: 400 with the reason and the field', async () => {
    const course = await paidCourse(make, teacher, 10);
    const stamp = Date.now();
    await coupon({ code: `SOON${stamp}`, percentOff: 10, validFrom: new Date(Date.now() + 86_400_000).toISOString() });
    await coupon({
      code: `PAST${stamp}`,
      percentOff: 10,
      validFrom: new Date(Date.now() - 2 * 86_400_000).toISOString(),
      validUntil: new Date(Date.now() - 86_400_000).toISOString(),
    });
    await coupon({ code: `RUB${stamp}`, amountOff: 100, currency: 'RUB' });
    for (const [code, reason] of [
      [`NOPE${stamp}`, 'coupon_invalid'],
      [`SOON${stamp}`, 'coupon_invalid'],
      [`PAST${stamp}`, 'coupon_expired'],
      [`RUB${stamp}`, 'coupon_invalid'],
    ]) {
      const response = await placeOrder(app, await student(), {
        courses: [course.documentId],
        provider: 'sandbox',
        coupon: code,
      });
      expect([code, response.status, reasonOf(response), fieldsOf(response)]).toEqual([code, 400, reason, ['coupon']]);
    }
  });

  test('20 parallel orders on a coupon with maxRedemptions 5: exactly 5 discounted, the rest coupon_exhausted', async () => {
    const course = await paidCourse(make, teacher, 10);
    const code = `RACE${Date.now()}`;
    const made = await coupon({ code, percentOff: 20, maxRedemptions: 5 });
    const buyers = await Promise.all(Array.from({ length: 20 }, () => student()));
    const answers = await Promise.all(
      buyers.map((buyer) => placeOrder(app, buyer, { courses: [course.documentId], provider: 'sandbox', coupon: code }))
    );
    const discounted = answers.filter((answer) => answer.status === 201);
    expect(discounted).toHaveLength(5);
    expect(discounted.every((answer) => answer.body.data.total === 8)).toBe(true);
    expect(answers.filter((answer) => answer.status === 400 && reasonOf(answer) === 'coupon_exhausted')).toHaveLength(
      15
    );
    const stored = await app.strapi.db.query('api::coupon.coupon').findOne({ where: { documentId: made.documentId } });
    expect(stored.redemptions).toBe(5);
    // A cancelled order gives its redemption back.
    const buyer = buyers[answers.indexOf(discounted[0])];
    await app.request.post(`/api/orders/${discounted[0].body.data.documentId}/cancel`).set(buyer.auth);
    const again = await placeOrder(app, await student(), {
      courses: [course.documentId],
      provider: 'sandbox',
      coupon: code,
    });
    expect(again.status).toBe(201);
  });

  test('/coupons is for API admins; fields are checked; codes are unique whatever their case', async () => {
    const stamp = Date.now();
    for (const user of [await student(), teacher]) {
      expect((await app.request.get('/api/coupons').set(user.auth)).status).toBe(403);
      expect(
        (
          await app.request
            .post('/api/coupons')
            .set(user.auth)
            .send({ data: { code: `X${stamp}`, percentOff: 5 } })
        ).status
      ).toBe(403);
    }
    expect((await app.request.get('/api/coupons')).status).toBe(401);
    const made = await coupon({ code: `mixed${stamp}`, percentOff: 5, redemptions: 99 });
    expect(made.code).toBe(`MIXED${stamp}`);
    const stored = await app.strapi.db.query('api::coupon.coupon').findOne({ where: { documentId: made.documentId } });
    expect(stored.redemptions).toBe(0);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ code: `MiXeD${stamp}`, percentOff: 5 }, 'code'],
      [{ code: 'a', percentOff: 5 }, 'code'],
      [{ code: `both${stamp}`, percentOff: 5, amountOff: 5, currency: 'USD' }, 'amountOff'],
      [{ code: `none${stamp}` }, 'percentOff'],
      [{ code: `pct${stamp}`, percentOff: 150 }, 'percentOff'],
      [{ code: `cur${stamp}`, amountOff: 5 }, 'currency'],
      [{ code: `neg${stamp}`, amountOff: '0', currency: 'USD' }, 'amountOff'],
      [{ code: `max${stamp}`, percentOff: 5, maxRedemptions: 0 }, 'maxRedemptions'],
      [
        {
          code: `win${stamp}`,
          percentOff: 5,
          validFrom: '2030-01-02T00:00:00.000Z',
          validUntil: '2030-01-01T00:00:00.000Z',
        },
        'validUntil',
      ],
    ];
    for (const [data, field] of cases) {
      const response = await app.request.post('/api/coupons').set(admin.auth).send({ data });
      expect([JSON.stringify(data), response.status, fieldsOf(response)]).toEqual([
        JSON.stringify(data),
        400,
        expect.arrayContaining([field]),
      ]);
    }
    const update = await app.request
      .put(`/api/coupons/${made.documentId}`)
      .set(admin.auth)
      .send({ data: { amountOff: 3, currency: 'EUR' } });
    expect(update.status).toBe(400);
    expect(fieldsOf(update)).toContain('amountOff');
  });
});
