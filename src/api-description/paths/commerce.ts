import type { RouteDescription } from '../route-description';
import {
  anyObject,
  array,
  body,
  dateTime,
  documentId,
  envelope,
  integer,
  nullable,
  object,
  oneOf,
  pagedEnvelope,
  string,
} from '../schema';

/** Money in the currency's major units (contract "Commerce"): a JSON number, computed exactly in minor units. */
const money = () => ({ type: 'number' as const, example: 1490 });
/** Money sent: a number or its decimal text (`"1490.00"`). */
const moneyInput = () => ({
  oneOf: [string({ pattern: '^\\d+(\\.\\d+)?$', example: '1490.00' }), { type: 'number' as const, minimum: 0 }],
});

export const orderSchema = object({
  documentId: documentId(),
  number: string(),
  status: oneOf('pending', 'paid', 'failed', 'cancelled', 'refunded', 'partially_refunded'),
  items: array(object({ course: documentId(), title: string(), unitPrice: money() })),
  subtotal: money(),
  discount: money(),
  total: money(),
  refunded: money(),
  currency: string({ pattern: '^[A-Z]{3}$' }),
  coupon: nullable(string()),
  provider: oneOf('stripe', 'yookassa', 'sandbox', 'free'),
  providerReference: nullable(string()),
  paidAt: nullable(dateTime()),
  expiresAt: nullable(dateTime()),
  cancelledAt: nullable(dateTime()),
  createdAt: dateTime(),
});

const checkoutMeta = object({ checkoutUrl: string({ format: 'uri' }) }, ['checkoutUrl']);

const salesFigures = {
  currency: string(),
  orders: integer({ minimum: 0 }),
  gross: money(),
  refunded: money(),
  net: money(),
};

export const commerceRoutes: RouteDescription[] = [
  {
    method: 'POST',
    path: '/orders',
    tag: 'Commerce',
    audience: 'signed in',
    summary:
      'Buy courses for yourself: prices come from the courses, a coupon may take some off; a zero total is paid at once (provider `free`) and enrolls',
    requestBody: body(
      {
        courses: array(documentId()),
        coupon: string({ minLength: 2, maxLength: 64 }),
        provider: oneOf('stripe', 'yookassa', 'sandbox'),
      },
      ['coupon', 'provider']
    ),
    status: 201,
    response: envelope(orderSchema, checkoutMeta),
    refusals: [
      { status: 400, reasons: ['coupon_invalid', 'coupon_expired', 'coupon_exhausted'] },
      { status: 403, reasons: ['not_published', 'enrollment_closed', 'course_full', 'prerequisites_missing'] },
      { status: 409, reasons: ['already_enrolled', 'already_purchased'] },
      { status: 503, reasons: ['payments_not_configured', 'payment_provider_error'] },
    ],
  },
  {
    method: 'GET',
    path: '/me/orders',
    tag: 'Commerce',
    audience: 'signed in',
    summary: "The caller's orders, newest first",
    query: {
      'pagination[page]': integer({ minimum: 1 }),
      'pagination[pageSize]': integer({ minimum: 1, maximum: 100 }),
    },
    status: 200,
    response: pagedEnvelope(orderSchema),
  },
  {
    method: 'GET',
    path: '/orders/:documentId',
    tag: 'Commerce',
    audience: 'signed in',
    summary: "An order, for its buyer or an admin (anyone else: 404); a pending order's checkout address in `meta`",
    status: 200,
    response: envelope(orderSchema, checkoutMeta),
  },
  {
    method: 'POST',
    path: '/orders/:documentId/cancel',
    tag: 'Commerce',
    audience: 'signed in',
    summary: 'Cancel your pending order: its seats and coupon redemption go back',
    status: 200,
    response: envelope(orderSchema),
    refusals: [{ status: 409, reasons: ['not_cancellable'] }],
  },
  {
    method: 'POST',
    path: '/orders/:documentId/refund',
    tag: 'Commerce',
    audience: 'admin',
    summary:
      'Refund all (no amount) or part of what a paid order has left, through its provider; a full refund cancels the enrollments it bought',
    requestBody: body({ amount: moneyInput(), reason: string({ minLength: 1, maxLength: 1000 }) }, ['amount']),
    status: 200,
    response: envelope(orderSchema),
    refusals: [
      { status: 409, reasons: ['not_refundable'] },
      { status: 503, reasons: ['payments_not_configured', 'payment_provider_error', 'refund_pending'] },
    ],
  },
  {
    method: 'POST',
    path: '/payments/webhooks/:provider',
    tag: 'Commerce',
    audience: 'payment provider',
    summary:
      "A payment provider's event (`stripe`, `yookassa`, `sandbox`), verified against the raw body; a replayed event or one for an order no longer pending changes nothing",
    requestBody: anyObject(),
    status: 200,
    response: envelope(
      object({
        received: { type: 'boolean' },
        outcome: oneOf('applied', 'duplicate', 'ignored'),
        order: nullable(documentId()),
      })
    ),
    refusals: [
      {
        status: 400,
        reasons: [
          'invalid_signature',
          'untrusted_source',
          'invalid_payload',
          'unknown_order',
          'provider_mismatch',
          'amount_mismatch',
          'currency_mismatch',
        ],
      },
      { status: 503, reasons: ['payments_not_configured', 'payment_provider_error'] },
    ],
  },
  {
    method: 'GET',
    path: '/payments/sandbox/checkout/:orderDocumentId',
    tag: 'Commerce',
    audience: 'public',
    summary: "The sandbox's checkout page (outside production): the order with Pay and Decline",
    status: 200,
    contentType: 'text/html',
  },
  {
    method: 'POST',
    path: '/payments/sandbox/checkout/:orderDocumentId',
    tag: 'Commerce',
    audience: 'public',
    summary:
      "The sandbox page's answer: sends the signed sandbox webhook to this server (JSON: 200; a form post: 303 back to the page)",
    requestBody: body({ outcome: oneOf('paid', 'failed') }),
    status: 200,
    response: envelope(
      object({
        outcome: oneOf('applied', 'duplicate', 'ignored'),
        status: oneOf('pending', 'paid', 'failed', 'cancelled', 'refunded', 'partially_refunded'),
        order: documentId(),
      })
    ),
  },
  {
    method: 'GET',
    path: '/admin-reports/sales',
    tag: 'Commerce',
    audience: 'admin',
    summary:
      'Paid orders per day (UTC) or per course, in each currency: gross (paid), refunded (since), net = gross − refunded',
    query: {
      from: string({ format: 'date' }),
      to: string({ format: 'date' }),
      groupBy: oneOf('day', 'course'),
    },
    status: 200,
    response: envelope(
      array(
        object({ day: string({ format: 'date' }), course: documentId(), title: string(), ...salesFigures }, [
          'day',
          'course',
          'title',
        ])
      ),
      object({
        from: string({ format: 'date' }),
        to: string({ format: 'date' }),
        groupBy: oneOf('day', 'course'),
        totals: array(object(salesFigures)),
      })
    ),
  },
];
