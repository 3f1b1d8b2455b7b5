import Stripe from 'stripe';
import { Refusal } from '../../../../../errors/refusal';
import { PaymentProviderError } from './provider-error';
import type {
  Checkout,
  CheckoutOrder,
  CheckoutRequest,
  PaymentEvent,
  PaymentProvider,
  RefundRequest,
  WebhookCall,
} from './types';

/**
 * Stripe Checkout behind the PaymentProvider interface. The buyer pays on a Checkout Session; Stripe tells Lyceum
 * with a signed webhook (`Stripe-Signature`, HMAC-SHA256 of the exact raw body, 300 s tolerance), checked with the
 * official package's `webhooks.constructEvent`.
 *
 * Settings (read on every call, so a changed environment takes effect without a restart of the module):
 * - STRIPE_SECRET_KEY: the API key (`sk_live_…`/`sk_test_…` or a restricted key with Checkout and Refunds write);
 * - STRIPE_WEBHOOK_SECRET: the endpoint's signing secret (`whsec_…`) from the dashboard;
 * - STRIPE_API_BASE: another API address (`http://127.0.0.1:4010`), for the tests' local fake; default Stripe's.
 * - STRIPE_TIMEOUT_MS: how long one API call may take (default 20000).
 */

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  apiBase: string | null;
  timeoutMs: number;
}

export function stripeSettings(env: Record<string, string | undefined> = process.env): StripeSettings {
  const timeoutMs = Number(env.STRIPE_TIMEOUT_MS);
  return {
    secretKey: env.STRIPE_SECRET_KEY?.trim() ?? '',
    webhookSecret: env.STRIPE_WEBHOOK_SECRET?.trim() ?? '',
    apiBase: env.STRIPE_API_BASE?.trim() || null,
    timeoutMs: Number.isInteger(timeoutMs) && timeoutMs > 0 ? timeoutMs : 20_000,
  };
}

/** Stripe's Checkout page speaks these of Lyceum's locales; anything else lets Stripe pick from the browser. */
const CHECKOUT_LOCALES: Record<string, Stripe.Checkout.SessionCreateParams.Locale> = { en: 'en', ru: 'ru' };

/** Where the package sends its requests, from STRIPE_API_BASE (`protocol://host:port`). */
function connectionOf(apiBase: string | null): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!apiBase) return {};
  let url: URL;
  try {
    url = new URL(apiBase);
  } catch {
    throw new PaymentProviderError('stripe', `STRIPE_API_BASE is not a URL: ${apiBase}`, 'misconfigured');
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol };
}

/**
 * One client per key and address: the package keeps its own agent and settings per instance, so a new one per
 * request would throw away its keep-alive connections.
 */
const clients = new Map<string, Stripe>();

function clientFor(settings: StripeSettings): Stripe {
  const key = JSON.stringify([settings.secretKey, settings.apiBase, settings.timeoutMs]);
  let client = clients.get(key);
  if (!client) {
    client = new Stripe(settings.secretKey, {
      ...connectionOf(settings.apiBase),
      timeout: settings.timeoutMs,
      // The package retries connection errors and 409/5xx answers with the same Idempotency-Key, so a retried
      // create is still one payment.
      maxNetworkRetries: 2,
      telemetry: false,
      appInfo: { name: 'Lyceum' },
    });
    clients.set(key, client);
  }
  return client;
}

/** The package's errors, as the one error the callers of a provider know. */
function providerError(error: unknown, doing: string): PaymentProviderError {
  if (error instanceof PaymentProviderError) return error;
  if (error instanceof Stripe.errors.StripeError) {
    const code = error.code ?? error.type;
    const unreachable = error instanceof Stripe.errors.StripeConnectionError;
    return new PaymentProviderError(
      'stripe',
      `${doing} failed: ${error.message}`,
      unreachable ? 'unreachable' : code,
      error.statusCode ?? null
    );
  }
  return new PaymentProviderError('stripe', `${doing} failed: ${(error as Error)?.message ?? error}`, 'unreadable');
}

/** `url` with one more query parameter; Stripe's `{CHECKOUT_SESSION_ID}` template must stay unencoded. */
const withQuery = (url: string, parameter: string) => `${url}${url.includes('?') ? '&' : '?'}${parameter}`;

/**
 * The Checkout lines. Stripe shows them and charges their sum, so each course is its own line when the prices add
 * up to the total; with a discount (a coupon) the order is one line at its total, the courses named in its
 * description, rather than spreading the discount over lines in ways that round differently from the order.
 */
export function checkoutLines(order: CheckoutOrder): Stripe.Checkout.SessionCreateParams.LineItem[] {
  const currency = order.currency.toLowerCase();
  const sum = order.items.reduce((total, item) => total + item.unitPrice, 0);
  if (sum === order.total && order.items.every((item) => item.unitPrice > 0)) {
    return order.items.map((item) => ({
      quantity: 1,
      price_data: { currency, unit_amount: item.unitPrice, product_data: { name: item.title } },
    }));
  }
  const titles = order.items.map((item) => item.title).join(', ');
  return [
    {
      quantity: 1,
      price_data: {
        currency,
        unit_amount: order.total,
        product_data: {
          name: `Order ${order.number}`,
          ...(titles ? { description: titles.slice(0, 500) } : {}),
        },
      },
    },
  ];
}

const header = (headers: WebhookCall['headers'], name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** What a Checkout Session event means for an order. */
function sessionEvent(event: Stripe.Event, payload: string): PaymentEvent {
  const base: PaymentEvent = {
    provider: 'stripe',
    eventId: event.id,
    kind: 'other',
    orderDocumentId: null,
    providerReference: null,
    amount: null,
    currency: null,
    payload,
  };
  let kind: PaymentEvent['kind'];
  let session: Stripe.Checkout.Session;
  switch (event.type) {
    case 'checkout.session.completed':
      session = event.data.object;
      // A delayed method (bank debit) completes the session unpaid; its async_payment_* event settles it later.
      kind = session.payment_status === 'paid' ? 'payment.succeeded' : 'other';
      break;
    case 'checkout.session.async_payment_succeeded':
      session = event.data.object;
      kind = 'payment.succeeded';
      break;
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired':
      session = event.data.object;
      kind = 'payment.failed';
      break;
    default:
      return base;
  }
  return {
    ...base,
    kind,
    orderDocumentId: session.metadata?.orderDocumentId || session.client_reference_id || null,
    providerReference: session.id,
    amount: session.amount_total ?? null,
    currency: session.currency ? session.currency.toUpperCase() : null,
  };
}

export function createStripeProvider(env: Record<string, string | undefined> = process.env): PaymentProvider {
  const configured = () => {
    const settings = stripeSettings(env);
    if (!settings.secretKey || !settings.webhookSecret) {
      // As the registry's unconfigured providers answer (contract: 503 `payments_not_configured`).
      throw new Refusal(
        `Payments through stripe are not configured (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are not set)`,
        'payments_not_configured',
        {
          status: 503,
        }
      );
    }
    return settings;
  };

  return {
    name: 'stripe',

    isConfigured() {
      const settings = stripeSettings(env);
      return Boolean(settings.secretKey && settings.webhookSecret);
    },

    async createCheckout({ order, returnUrl, idempotencyKey }: CheckoutRequest): Promise<Checkout> {
      const stripe = clientFor(configured());
      let session: Stripe.Checkout.Session;
      try {
        session = await stripe.checkout.sessions.create(
          {
            mode: 'payment',
            line_items: checkoutLines(order),
            client_reference_id: order.documentId,
            metadata: { orderDocumentId: order.documentId, orderNumber: order.number },
            // Kept on the PaymentIntent too, so the payment found from the dashboard or a refund names its order.
            payment_intent_data: {
              description: `Order ${order.number}`,
              metadata: { orderDocumentId: order.documentId, orderNumber: order.number },
            },
            success_url: withQuery(returnUrl, 'payment=succeeded&session_id={CHECKOUT_SESSION_ID}'),
            cancel_url: withQuery(returnUrl, 'payment=cancelled'),
            ...(order.buyerEmail ? { customer_email: order.buyerEmail } : {}),
            ...(CHECKOUT_LOCALES[order.locale] ? { locale: CHECKOUT_LOCALES[order.locale] } : {}),
          },
          { idempotencyKey }
        );
      } catch (error) {
        throw providerError(error, 'creating a Checkout Session');
      }
      if (!session.url) {
        throw new PaymentProviderError('stripe', `Checkout Session ${session.id} has no url`, 'unreadable');
      }
      return { providerReference: session.id, checkoutUrl: session.url };
    },

    async verifyWebhook({ rawBody, headers }: WebhookCall): Promise<PaymentEvent> {
      const settings = configured();
      const signature = header(headers, 'stripe-signature');
      if (!signature) {
        throw new Refusal('The Stripe-Signature header is missing', 'invalid_signature', { status: 400 });
      }
      let event: Stripe.Event;
      try {
        event = clientFor(settings).webhooks.constructEvent(rawBody, signature, settings.webhookSecret);
      } catch (error) {
        if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
          throw new Refusal('The Stripe signature does not match this body', 'invalid_signature', { status: 400 });
        }
        // Signed by Stripe's secret but not JSON: nothing to act on.
        throw new Refusal('The Stripe event is not readable', 'invalid_payload', { status: 400 });
      }
      if (typeof event?.id !== 'string' || typeof event.type !== 'string') {
        throw new Refusal('The Stripe event has no id or type', 'invalid_payload', { status: 400 });
      }
      return sessionEvent(event, rawBody.toString('utf8'));
    },

    async refund({ providerReference, amount, currency, idempotencyKey }: RefundRequest) {
      const stripe = clientFor(configured());
      try {
        // The order keeps the Checkout Session's id; the money sits on its PaymentIntent.
        const session = await stripe.checkout.sessions.retrieve(providerReference);
        const paymentIntent =
          typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id;
        if (!paymentIntent) {
          throw new PaymentProviderError('stripe', `Checkout Session ${session.id} has no payment`, 'not_paid');
        }
        if (session.currency && session.currency.toUpperCase() !== currency.toUpperCase()) {
          throw new PaymentProviderError(
            'stripe',
            `the payment is in ${session.currency.toUpperCase()}, not ${currency}`,
            'currency_mismatch'
          );
        }
        const refund = await stripe.refunds.create(
          { payment_intent: paymentIntent, amount, metadata: { checkoutSession: session.id } },
          { idempotencyKey }
        );
        return { refundReference: refund.id };
      } catch (error) {
        throw providerError(error, 'refunding');
      }
    },
  };
}
