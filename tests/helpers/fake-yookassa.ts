import { randomUUID } from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';

/**
 * A local stand-in for YooKassa's REST API v3 (YOOKASSA_API_BASE points Lyceum's client here): payments (create,
 * read), refunds, Basic auth, the required `Idempotence-Key` on every POST with YooKassa's replay of the first
 * answer, and its error shape (`{ type: "error", code, description }`). It records every request, lets a test move a
 * payment to another status, and builds notification bodies as YooKassa sends them.
 */

export interface RecordedYooKassaRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

export interface FakeYooKassaPayment {
  id: string;
  status: 'pending' | 'waiting_for_capture' | 'succeeded' | 'canceled';
  paid: boolean;
  amount: { value: string; currency: string };
  description?: string;
  metadata: Record<string, string>;
  capture: boolean;
  confirmation: { type: 'redirect'; confirmation_url: string; return_url: string; locale?: string };
  created_at: string;
  refundable: boolean;
  test: true;
}

export interface FakeYooKassaRefund {
  id: string;
  payment_id: string;
  status: 'succeeded';
  amount: { value: string; currency: string };
  created_at: string;
}

export interface FakeYooKassa {
  apiBase: string;
  shopId: string;
  secretKey: string;
  /** The environment that points Lyceum's provider at this fake and trusts notifications from 127.0.0.1. */
  env: Record<string, string>;
  requests: RecordedYooKassaRequest[];
  payments: Map<string, FakeYooKassaPayment>;
  refunds: FakeYooKassaRefund[];
  /** The payment moves to a status, as when the buyer pays (`succeeded`) or gives up (`canceled`). */
  setStatus(paymentId: string, status: FakeYooKassaPayment['status']): FakeYooKassaPayment;
  /** A notification body as YooKassa POSTs it; `object` overrides what it claims about the payment. */
  notification(event: string, paymentId: string, object?: Record<string, unknown>): Buffer;
  /** The next API request is answered with this status and YooKassa error code. */
  failNext(status: number, code: string, description?: string): void;
  /** The next POST is answered 202 "still processing" (YooKassa's way of asking for the same request again). */
  processNext(): void;
  stop(): Promise<void>;
}

/** Minor units per YooKassa's decimal string: enough for RUB/USD/EUR (two digits) in the tests. */
const toMinor = (value: string) => Math.round(Number(value) * 100);
const toValue = (minor: number) => (minor / 100).toFixed(2);

export async function startFakeYooKassa(): Promise<FakeYooKassa> {
  const shopId = '506751';
  const secretKey = 'test_lyceum_fake_secret';
  const requests: RecordedYooKassaRequest[] = [];
  const payments = new Map<string, FakeYooKassaPayment>();
  const refunds: FakeYooKassaRefund[] = [];
  const idempotentAnswers = new Map<string, { status: number; body: unknown }>();
  let failure: { status: number; code: string; description: string } | null = null;
  let processing = false;

  function createPayment(body: any): { status: number; body: unknown } {
    const value = body?.amount?.value;
    if (typeof value !== 'string' || !/^\d+(\.\d{1,2})?$/.test(value) || Number(value) <= 0) {
      return yookassaError(400, 'invalid_request', 'Invalid amount value', 'amount.value');
    }
    if (body?.confirmation?.type !== 'redirect' || typeof body.confirmation.return_url !== 'string') {
      return yookassaError(400, 'invalid_request', 'Confirmation is required', 'confirmation');
    }
    if (typeof body.description === 'string' && body.description.length > 128) {
      return yookassaError(400, 'invalid_request', 'Description is too long', 'description');
    }
    const id = randomUUID();
    const payment: FakeYooKassaPayment = {
      id,
      status: 'pending',
      paid: false,
      amount: { value, currency: body.amount.currency },
      description: body.description,
      metadata: body.metadata ?? {},
      capture: body.capture === true,
      confirmation: {
        type: 'redirect',
        confirmation_url: `https://yoomoney.test/checkout/payments/v2/contract?orderId=${id}`,
        return_url: body.confirmation.return_url,
        ...(body.confirmation.locale ? { locale: body.confirmation.locale } : {}),
      },
      created_at: new Date().toISOString(),
      refundable: false,
      test: true,
    };
    payments.set(id, payment);
    return { status: 200, body: payment };
  }

  function createRefund(body: any): { status: number; body: unknown } {
    const payment = payments.get(body?.payment_id);
    if (!payment) return yookassaError(404, 'not_found', 'Payment not found', 'payment_id');
    if (payment.status !== 'succeeded') {
      return yookassaError(400, 'invalid_request', 'Payment is not succeeded', 'payment_id');
    }
    const refunded = refunds
      .filter((refund) => refund.payment_id === payment.id)
      .reduce((sum, refund) => sum + toMinor(refund.amount.value), 0);
    const amount = toMinor(body?.amount?.value ?? 'x');
    if (!(amount > 0) || amount > toMinor(payment.amount.value) - refunded) {
      return yookassaError(400, 'invalid_request', 'Refund amount exceeds the payment', 'amount.value');
    }
    const refund: FakeYooKassaRefund = {
      id: randomUUID(),
      payment_id: payment.id,
      status: 'succeeded',
      amount: { value: toValue(amount), currency: payment.amount.currency },
      created_at: new Date().toISOString(),
    };
    refunds.push(refund);
    return { status: 200, body: refund };
  }

  function answer(method: string, path: string, body: any): { status: number; body: unknown } {
    if (method === 'POST' && path === '/v3/payments') return createPayment(body);
    const read = /^\/v3\/payments\/([^/]+)$/.exec(path);
    if (method === 'GET' && read) {
      const payment = payments.get(decodeURIComponent(read[1]));
      return payment ? { status: 200, body: payment } : yookassaError(404, 'not_found', 'Payment not found');
    }
    if (method === 'POST' && path === '/v3/refunds') return createRefund(body);
    return yookassaError(404, 'not_found', `No route ${method} ${path}`);
  }

  const expectedAuthorization = `Basic ${Buffer.from(`${shopId}:${secretKey}`).toString('base64')}`;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const method = request.method ?? 'GET';
      const path = new URL(request.url ?? '/', 'http://fake-yookassa').pathname;
      const text = Buffer.concat(chunks).toString('utf8');
      let body: any = null;
      let isJson = true;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        isJson = false;
      }
      requests.push({ method, path, headers: request.headers, body });

      const idempotenceKey = request.headers['idempotence-key'];
      const replayKey = typeof idempotenceKey === 'string' ? `${path} ${idempotenceKey}` : null;
      let result: { status: number; body: unknown };
      if (request.headers.authorization !== expectedAuthorization) {
        result = yookassaError(401, 'invalid_credentials', 'Basic authentication failed');
      } else if (failure) {
        result = yookassaError(failure.status, failure.code, failure.description);
        failure = null;
      } else if (processing && method === 'POST') {
        result = { status: 202, body: { type: 'processing', description: 'Request accepted', retry_after: 20 } };
        processing = false;
      } else if (method === 'POST' && !replayKey) {
        result = yookassaError(400, 'invalid_request', 'Idempotence key header is missing', 'Idempotence-Key');
      } else if (!isJson) {
        result = yookassaError(400, 'invalid_request', 'The body is not JSON');
      } else if (replayKey && idempotentAnswers.has(replayKey)) {
        result = idempotentAnswers.get(replayKey)!;
      } else {
        result = answer(method, path, body);
        if (replayKey && method === 'POST') idempotentAnswers.set(replayKey, result);
      }
      response.writeHead(result.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(result.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const apiBase = `http://127.0.0.1:${port}/v3`;

  return {
    apiBase,
    shopId,
    secretKey,
    env: {
      YOOKASSA_SHOP_ID: shopId,
      YOOKASSA_SECRET_KEY: secretKey,
      YOOKASSA_API_BASE: apiBase,
      YOOKASSA_TRUSTED_ADDRESSES: '127.0.0.1,::1',
    },
    requests,
    payments,
    refunds,
    setStatus(paymentId, status) {
      const payment = payments.get(paymentId);
      if (!payment) throw new Error(`fake YooKassa: no payment ${paymentId}`);
      payment.status = status;
      payment.paid = status === 'succeeded' || status === 'waiting_for_capture';
      payment.refundable = status === 'succeeded';
      return payment;
    },
    notification(event, paymentId, object = {}) {
      const payment = payments.get(paymentId);
      return Buffer.from(
        JSON.stringify({ type: 'notification', event, object: { ...(payment ?? { id: paymentId }), ...object } }),
        'utf8'
      );
    },
    failNext(status, code, description = 'Failure asked by the test') {
      failure = { status, code, description };
    },
    processNext() {
      processing = true;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function yookassaError(status: number, code: string, description: string, parameter?: string) {
  return {
    status,
    body: { type: 'error', id: randomUUID(), code, description, ...(parameter ? { parameter } : {}) },
  };
}
