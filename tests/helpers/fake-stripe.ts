import http from 'http';
import type { AddressInfo } from 'net';
import Stripe from 'stripe';

/**
 * A local stand-in for Stripe's API, speaking just enough of it for Lyceum's provider through the official package
 * (STRIPE_API_BASE points the package here): Checkout Sessions (create, retrieve) and refunds, form-encoded requests,
 * Bearer auth, Idempotency-Key replays, Stripe's error shape. It records every request, and signs webhook bodies
 * the way Stripe does (`stripe.webhooks.generateTestHeaderString`), so no test needs the internet or a key.
 */

export interface RecordedStripeRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The form body, flat as sent (`line_items[0][price_data][unit_amount]` → `"149000"`). */
  form: Record<string, string>;
}

export interface FakeCheckoutSession {
  id: string;
  object: 'checkout.session';
  mode: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid' | 'no_payment_required';
  url: string;
  amount_subtotal: number;
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  customer_email: string | null;
  metadata: Record<string, string>;
  payment_intent: string | null;
  success_url: string;
  cancel_url: string;
  locale: string | null;
  livemode: false;
}

export interface FakeStripeRefund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  payment_intent: string;
  status: 'succeeded';
  metadata: Record<string, string>;
}

export interface SignedStripeWebhook {
  eventId: string;
  rawBody: Buffer;
  /** The header exactly as Stripe sends it. */
  signature: string;
}

export interface FakeStripe {
  apiBase: string;
  secretKey: string;
  webhookSecret: string;
  /** The environment that points Lyceum's provider at this fake. */
  env: Record<string, string>;
  requests: RecordedStripeRequest[];
  sessions: Map<string, FakeCheckoutSession>;
  refunds: FakeStripeRefund[];
  /** The buyer paid: the session completes and gets its PaymentIntent. */
  pay(sessionId: string): FakeCheckoutSession;
  /** A signed event about a session, as Stripe would POST it (`secret` and `timestamp` to forge a bad one). */
  webhook(
    type: string,
    sessionId: string,
    options?: { secret?: string; timestamp?: number; session?: Partial<FakeCheckoutSession> }
  ): SignedStripeWebhook;
  /** The next API request is answered with this error (Stripe's `{ error }` shape). */
  /** The next request (or the next one to `path` only) answers this error. */
  failNext(status: number, error: { type: string; code?: string; message: string }, path?: string): void;
  stop(): Promise<void>;
}

const stripeForSigning = new Stripe('sk_test_signing_only');

export async function startFakeStripe(): Promise<FakeStripe> {
  const secretKey = 'sk_test_lyceum_fake';
  const webhookSecret = 'whsec_lyceum_fake';
  const requests: RecordedStripeRequest[] = [];
  const sessions = new Map<string, FakeCheckoutSession>();
  const refunds: FakeStripeRefund[] = [];
  const idempotentAnswers = new Map<string, { status: number; body: unknown }>();
  let failure: { status: number; error: { type: string; code?: string; message: string }; path?: string } | null = null;
  let counter = 0;
  const nextId = (prefix: string) => `${prefix}_test_${++counter}${Math.random().toString(36).slice(2, 10)}`;

  function createSession(form: Record<string, string>): { status: number; body: unknown } {
    const lines: Array<{ amount: number; currency: string }> = [];
    for (let index = 0; form[`line_items[${index}][quantity]`] !== undefined; index += 1) {
      const prefix = `line_items[${index}]`;
      lines.push({
        amount: Number(form[`${prefix}[price_data][unit_amount]`]) * Number(form[`${prefix}[quantity]`]),
        currency: form[`${prefix}[price_data][currency]`],
      });
    }
    if (lines.length === 0 || lines.some((line) => !Number.isInteger(line.amount) || line.amount < 0)) {
      return stripeError(400, 'invalid_request_error', 'line_items are missing or invalid', 'parameter_missing');
    }
    if (!form.success_url) return stripeError(400, 'invalid_request_error', 'success_url is missing');
    const metadata: Record<string, string> = {};
    for (const [key, value] of Object.entries(form)) {
      const match = /^metadata\[(.+)\]$/.exec(key);
      if (match) metadata[match[1]] = value;
    }
    const id = nextId('cs');
    const total = lines.reduce((sum, line) => sum + line.amount, 0);
    const session: FakeCheckoutSession = {
      id,
      object: 'checkout.session',
      mode: form.mode,
      status: 'open',
      payment_status: 'unpaid',
      url: `https://checkout.stripe.test/c/pay/${id}`,
      amount_subtotal: total,
      amount_total: total,
      currency: lines[0].currency,
      client_reference_id: form.client_reference_id ?? null,
      customer_email: form.customer_email ?? null,
      metadata,
      payment_intent: null,
      success_url: form.success_url,
      cancel_url: form.cancel_url,
      locale: form.locale ?? null,
      livemode: false,
    };
    sessions.set(id, session);
    return { status: 200, body: session };
  }

  function createRefund(form: Record<string, string>): { status: number; body: unknown } {
    const session = [...sessions.values()].find((candidate) => candidate.payment_intent === form.payment_intent);
    if (!session) return stripeError(404, 'invalid_request_error', 'No such payment_intent', 'resource_missing');
    const refunded = refunds
      .filter((refund) => refund.payment_intent === session.payment_intent)
      .reduce((sum, refund) => sum + refund.amount, 0);
    const amount = form.amount === undefined ? session.amount_total - refunded : Number(form.amount);
    if (!Number.isInteger(amount) || amount <= 0 || amount > session.amount_total - refunded) {
      return stripeError(
        400,
        'invalid_request_error',
        'Refund amount is greater than unrefunded amount',
        'amount_too_large'
      );
    }
    const metadata: Record<string, string> = {};
    for (const [key, value] of Object.entries(form)) {
      const match = /^metadata\[(.+)\]$/.exec(key);
      if (match) metadata[match[1]] = value;
    }
    const refund: FakeStripeRefund = {
      id: nextId('re'),
      object: 'refund',
      amount,
      currency: session.currency,
      payment_intent: form.payment_intent,
      status: 'succeeded',
      metadata,
    };
    refunds.push(refund);
    return { status: 200, body: refund };
  }

  function answer(method: string, path: string, form: Record<string, string>): { status: number; body: unknown } {
    if (method === 'POST' && path === '/v1/checkout/sessions') return createSession(form);
    const retrieve = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
    if (method === 'GET' && retrieve) {
      const session = sessions.get(decodeURIComponent(retrieve[1]));
      return session
        ? { status: 200, body: session }
        : stripeError(404, 'invalid_request_error', 'No such checkout.session', 'resource_missing');
    }
    if (method === 'POST' && path === '/v1/refunds') return createRefund(form);
    return stripeError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path})`);
  }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake-stripe');
      const text = Buffer.concat(chunks).toString('utf8');
      const form = Object.fromEntries(new URLSearchParams(request.method === 'GET' ? url.search : text));
      const method = request.method ?? 'GET';
      requests.push({ method, path: url.pathname, headers: request.headers, form });

      let result: { status: number; body: unknown };
      const idempotencyKey = request.headers['idempotency-key'];
      const replayKey = typeof idempotencyKey === 'string' ? `${method} ${url.pathname} ${idempotencyKey}` : null;
      if (request.headers.authorization !== `Bearer ${secretKey}`) {
        result = stripeError(401, 'invalid_request_error', 'Invalid API Key provided');
      } else if (failure && (failure.path === undefined || failure.path === url.pathname)) {
        result = { status: failure.status, body: { error: failure.error } };
        failure = null;
      } else if (replayKey && idempotentAnswers.has(replayKey)) {
        // Stripe answers a repeated key with the first answer: one payment however often the create is retried.
        result = idempotentAnswers.get(replayKey)!;
      } else {
        result = answer(method, url.pathname, form);
        if (replayKey && method === 'POST') idempotentAnswers.set(replayKey, result);
      }
      response.writeHead(result.status, { 'content-type': 'application/json', 'request-id': nextId('req') });
      response.end(JSON.stringify(result.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const apiBase = `http://127.0.0.1:${port}`;

  return {
    apiBase,
    secretKey,
    webhookSecret,
    env: { STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_BASE: apiBase },
    requests,
    sessions,
    refunds,
    pay(sessionId) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`fake Stripe: no session ${sessionId}`);
      session.status = 'complete';
      session.payment_status = 'paid';
      session.payment_intent ??= nextId('pi');
      return session;
    },
    webhook(type, sessionId, options = {}) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`fake Stripe: no session ${sessionId}`);
      const eventId = nextId('evt');
      const created = options.timestamp ?? Math.floor(Date.now() / 1000);
      const payload = JSON.stringify(
        {
          id: eventId,
          object: 'event',
          api_version: '2026-09-30',
          created,
          livemode: false,
          pending_webhooks: 1,
          type,
          data: { object: { ...session, ...options.session } },
        },
        null,
        2
      );
      const signature = stripeForSigning.webhooks.generateTestHeaderString({
        payload,
        secret: options.secret ?? webhookSecret,
        timestamp: created,
      });
      return { eventId, rawBody: Buffer.from(payload, 'utf8'), signature };
    },
    failNext(status, error, path) {
      failure = { status, error, path };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function stripeError(status: number, type: string, message: string, code?: string) {
  return { status, body: { error: { type, message, ...(code ? { code } : {}) } } };
}
