import {
  allocate,
  currencyCode,
  priceToMinor,
  toMajor,
  toMajorNumber,
  toMinor,
} from '../../src/plugins/commerce/server/src/rules/money';
import { couponFieldProblems, priceOrder, type CouponTerms } from '../../src/plugins/commerce/server/src/rules/pricing';
import {
  parseOrderRequest,
  parseOrderSearch,
  parseSalesQuery,
} from '../../src/plugins/commerce/server/src/rules/order-request';
import { lateRefundMail, receiptMail } from '../../src/plugins/commerce/server/src/rules/receipt';

describe('money', () => {
  test.each([
    ['1490.00', 'USD', 149000],
    ['1490', 'USD', 149000],
    ['0.1', 'USD', 10],
    [49.99, 'USD', 4999],
    [0.3, 'USD', 30],
    ['1490', 'JPY', 1490],
    ['1.234', 'KWD', 1234],
    ['10.500', 'USD', 1050],
  ])('%p %s is %p minor units', (value, currency, minor) => {
    expect(toMinor(value, currency)).toBe(minor);
  });

  test.each([
    ['1.234', 'USD'],
    ['1.5', 'JPY'],
    ['-1', 'USD'],
    [-1, 'USD'],
    ['1e3', 'USD'],
    [1e21, 'USD'],
    ['', 'USD'],
    ['abc', 'USD'],
    [null, 'USD'],
    [Number.NaN, 'USD'],
    ['99999999999999999', 'USD'],
  ])('%p %s is not an amount', (value, currency) => {
    expect(toMinor(value, currency)).toBeNull();
  });

  test('minor units shown in major units with the currency decimals', () => {
    expect(toMajor(149000, 'USD')).toBe('1490.00');
    expect(toMajor(5, 'USD')).toBe('0.05');
    expect(toMajor(1490, 'JPY')).toBe('1490');
    expect(toMajor(1234, 'KWD')).toBe('1.234');
    expect(toMajor(-250, 'EUR')).toBe('-2.50');
    // The API answers JSON numbers, like a course's price.
    expect(toMajorNumber(149000, 'USD')).toBe(1490);
    expect(toMajorNumber(1490, 'USD')).toBe(14.9);
    expect(toMajorNumber(1234, 'KWD')).toBe(1.234);
  });

  test('stored prices (a float on SQLite, a string on PostgreSQL) in minor units', () => {
    expect(priceToMinor(14.9, 'USD')).toBe(1490);
    expect(priceToMinor('14.90', 'USD')).toBe(1490);
    expect(priceToMinor(0.1 + 0.2, 'USD')).toBe(30);
    expect(priceToMinor(null, 'USD')).toBe(0);
    expect(priceToMinor(-5, 'USD')).toBe(0);
  });

  test('currency codes', () => {
    expect(currencyCode('usd')).toBe('USD');
    expect(currencyCode(' RUB ')).toBe('RUB');
    expect(currencyCode('US')).toBeNull();
    expect(currencyCode('U$D')).toBeNull();
    expect(currencyCode(840)).toBeNull();
    // Three letters are not enough: the code must be one in circulation (the core's one check, shared with the
    // marketplace's rates and budgets).
    expect(currencyCode('XYZ')).toBeNull();
    expect(currencyCode('abc')).toBeNull();
    expect(currencyCode('kzt')).toBe('KZT');
  });

  test('allocation adds up exactly and follows the weights', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(750, [4999, 0])).toEqual([750, 0]);
    expect(allocate(1, [0, 0])).toEqual([1, 0]);
    const shares = allocate(1001, [3, 7, 11, 13]);
    expect(shares.reduce((sum, share) => sum + share, 0)).toBe(1001);
  });
});

const line = (courseDocumentId: string, unitPrice: number, currency = 'USD') => ({
  courseDocumentId,
  title: courseDocumentId,
  unitPrice,
  currency,
});
const coupon = (terms: Partial<CouponTerms>): CouponTerms => ({
  id: 1,
  code: 'C',
  percentOff: null,
  amountOff: null,
  currency: null,
  validFrom: null,
  validUntil: null,
  maxRedemptions: null,
  redemptions: 0,
  courseDocumentIds: [],
  ...terms,
});
const now = new Date('2026-06-01T00:00:00Z');

describe('pricing', () => {
  test('no coupon: the total is the sum', () => {
    const priced = priceOrder([line('a', 1490), line('b', 20)], null, now);
    expect(priced).toEqual({
      ok: true,
      order: expect.objectContaining({ currency: 'USD', subtotal: 1510, discount: 0, total: 1510 }),
    });
  });

  test('percent off rounds half a minor unit up; the discount is spread over the lines it applies to', () => {
    const priced = priceOrder(
      [line('a', 4999), line('b', 1000)],
      coupon({ percentOff: 15, courseDocumentIds: ['a'] }),
      now
    );
    expect(priced.ok && priced.order).toMatchObject({ subtotal: 5999, discount: 750, total: 5249 });
    expect(priced.ok && priced.order.lines.map((priced) => priced.discount)).toEqual([750, 0]);
  });

  test('amount off never exceeds what it applies to, and only in its currency', () => {
    const big = priceOrder([line('a', 500)], coupon({ amountOff: '10.00', currency: 'USD' }), now);
    expect(big.ok && big.order.total).toBe(0);
    expect(priceOrder([line('a', 500)], coupon({ amountOff: 10, currency: 'EUR' }), now)).toMatchObject({
      ok: false,
      reason: 'coupon_invalid',
    });
  });

  test.each([
    [{ validFrom: new Date('2026-07-01') }, 'coupon_invalid'],
    [{ validUntil: new Date('2026-05-01') }, 'coupon_expired'],
    [{ maxRedemptions: 3, redemptions: 3 }, 'coupon_exhausted'],
    [{ courseDocumentIds: ['z'] }, 'coupon_invalid'],
  ])('a coupon %p is refused with %s', (terms, reason) => {
    expect(priceOrder([line('a', 500)], coupon({ percentOff: 10, ...terms }), now)).toMatchObject({
      ok: false,
      reason,
    });
  });

  test('coupon fields', () => {
    const fields = (data: Record<string, unknown>) => couponFieldProblems(data).map((problem) => problem.path[0]);
    expect(fields({ code: 'SPRING', percentOff: 10 })).toEqual([]);
    expect(fields({ code: 'SPRING', amountOff: '5.00', currency: 'EUR' })).toEqual([]);
    expect(fields({ code: 'SPRING' })).toEqual(['percentOff']);
    expect(fields({ code: 'SPRING', percentOff: 10, amountOff: 5, currency: 'USD' })).toEqual(['amountOff']);
    expect(fields({ code: 'S', percentOff: 10 })).toEqual(['code']);
    expect(fields({ code: 'SPRING', percentOff: 10.5 })).toEqual(['percentOff']);
    expect(fields({ code: 'SPRING', percentOff: 10, currency: 'USD' })).toEqual(['currency']);
    expect(fields({ code: 'SPRING', amountOff: 5 })).toEqual(['currency']);
    expect(fields({ code: 'SPRING', amountOff: 0, currency: 'USD' })).toEqual(['amountOff']);
    expect(fields({ code: 'SPRING', percentOff: 5, maxRedemptions: 0 })).toEqual(['maxRedemptions']);
    expect(
      fields({ code: 'SPRING', percentOff: 5, validFrom: '2026-02-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' })
    ).toEqual(['validUntil']);
  });
});

describe('requests', () => {
  test('an order request: provider among those offered, coupon normalised', () => {
    expect(parseOrderRequest({ courses: ['abc'], coupon: ' spring ', provider: 'sandbox' }, ['sandbox'])).toEqual({
      courseDocumentIds: ['abc'],
      couponCode: 'SPRING',
      providerName: 'sandbox',
    });
    expect(() => parseOrderRequest({ courses: ['abc'], provider: 'sandbox' }, ['stripe'])).toThrow(/provider/);
  });

  test('a sales query: days, the range inclusive, bad values named', () => {
    const query = parseSalesQuery({ from: '2026-01-01', to: '2026-01-31', groupBy: 'course' }, now);
    expect(query).toEqual({
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-02-01T00:00:00Z'),
      groupBy: 'course',
    });
    expect(parseSalesQuery({}, now).groupBy).toBe('day');
    expect(() => parseSalesQuery({ from: '2026-02-30' }, now)).toThrow(/from/);
  });
});

describe('receipt', () => {
  const order = {
    number: 'L-20260601-ABCDEF',
    currency: 'RUB',
    subtotal: 149000,
    discount: 14900,
    total: 134100,
    couponCode: 'SPRING',
    provider: 'yookassa',
    providerReference: '2d0f-1',
    paidAt: '2026-06-01T10:00:00.000Z',
    items: [{ title: 'Курс', unitPrice: 149000 }],
  };
  test('in English and Russian, with number, items, total and the provider reference', () => {
    const english = receiptMail(order, { name: 'Ann', locale: 'en' });
    expect(english.subject).toBe('Your receipt for order L-20260601-ABCDEF');
    expect(english.text).toContain('- Курс: 1490.00 RUB');
    expect(english.text).toContain('Total paid: 1341.00 RUB');
    expect(english.text).toContain('2d0f-1');
    const russian = receiptMail(order, { name: 'Анна', locale: 'ru' });
    expect(russian.subject).toBe('Ваш чек по заказу L-20260601-ABCDEF');
    expect(russian.text).toContain('Скидка: -149.00 RUB (купон SPRING)');
  });
});

describe('the Orders page search', () => {
  const fieldsOf = (query: Record<string, unknown>) => {
    try {
      parseOrderSearch(query);
      return [];
    } catch (error) {
      return (error as { details: { errors: Array<{ path: string[] }> } }).details.errors.map((problem) =>
        problem.path.join('.')
      );
    }
  };

  test('keeps trimmed text criteria and a known status; empty ones mean "any"', () => {
    expect(parseOrderSearch({ number: ' L-2026 ', buyer: 'olga', course: '', status: 'paid' })).toEqual({
      number: 'L-2026',
      buyer: 'olga',
      status: 'paid',
    });
    expect(parseOrderSearch({ status: '', buyer: '   ' })).toEqual({});
  });

  test.each([
    [{ status: 'shipped' }, ['status']],
    [{ status: ['paid'] }, ['status']],
    [{ number: 'x'.repeat(201) }, ['number']],
    [{ buyer: { $ne: 'x' } }, ['buyer']],
    [{ course: 7, status: 'nope' }, ['course', 'status']],
  ])('%j is a 400 naming %j', (query, fields) => {
    expect(fieldsOf(query)).toEqual(fields);
  });
});

describe('late refund mail', () => {
  const order = {
    number: 'L-20261206-ABCDEF',
    currency: 'RUB',
    total: 149000,
    items: [{ title: 'Курс', unitPrice: 149000 }],
  };

  test('says why and how much, in English or Russian', () => {
    const en = lateRefundMail(order, { name: 'Olga', locale: 'en' });
    expect(en.subject).toBe('Your payment for order L-20261206-ABCDEF is refunded');
    expect(en.text).toContain('1490.00 RUB');
    expect(en.text).toContain('- Курс');
    const ru = lateRefundMail(order, { name: 'Ольга', locale: 'ru' });
    expect(ru.subject).toBe('Оплата заказа L-20261206-ABCDEF возвращена');
    expect(ru.text).toContain('Здравствуйте, Ольга!');
    expect(ru.text).toContain('1490.00 RUB');
  });
});
