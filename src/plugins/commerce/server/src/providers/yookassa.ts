import { BlockList, isIP } from 'net';
import { Refusal } from '../../../../../errors/refusal';
import { toMajor, toMinor } from '../rules/money';
import { PaymentProviderError } from './provider-error';
import type { Checkout, CheckoutRequest, PaymentEvent, PaymentProvider, RefundRequest, WebhookCall } from './types';

/**
 * YooKassa (ЮKassa) behind the PaymentProvider interface: a small typed client over its REST API v3, since it has
 * no official Node SDK. Requests use Basic auth (shop id : secret key) and every POST carries an `Idempotence-Key`
 * (YooKassa keeps it 24 hours: the same key and body give the same payment or refund).
 *
 * Its notifications are not signed. Lyceum trusts one only when it comes from YooKassa's published addresses, and
 * even then acts only on the payment as re-read from the API (GET /payments/{id}): a notification is a hint to
 * look, never the truth.
 *
 * Settings (read on every call):
 * - YOOKASSA_SHOP_ID, YOOKASSA_SECRET_KEY: the shop's id and secret key (Integration → API keys);
 * - YOOKASSA_API_BASE: the API address (default https://api.yookassa.ru/v3), for the tests' local fake;
 * - YOOKASSA_TRUSTED_ADDRESSES: more addresses or CIDR ranges, comma-separated, whose notifications are accepted
 *   besides YooKassa's own (a relay of yours, the tests' 127.0.0.1). Behind a reverse proxy, the caller's address is
 *   the one Strapi resolves: set SERVER_PROXY=true (and SERVER_PROXY_HOPS) so X-Forwarded-For counts, or every
 *   notification seems to come from the proxy;
 * - YOOKASSA_TIMEOUT_MS: how long one API call may take (default 15000);
 * - YOOKASSA_RECEIPTS=true: every payment and refund carries a 54-FZ `receipt` (the buyer's email, one line per
 *   course, `payment_subject: "service"`, `payment_mode: "full_payment"`), for shops whose receipts YooKassa sends to
 *   the tax service (ЮKassa's "Чеки от ЮKassa" or a connected online register); YOOKASSA_VAT_CODE is the lines'
 *   `vat_code` (1 = no VAT, the default; 2 = 0%, 3 = 10%, 4 = 20%…, as YooKassa numbers them).
 */

export interface YooKassaSettings {
  shopId: string;
  secretKey: string;
  apiBase: string;
  trustedAddresses: string[];
  timeoutMs: number;
  /** Whether payments and refunds carry a 54-FZ receipt (YOOKASSA_RECEIPTS=true). */
  receipts: boolean;
  /** The receipt lines' `vat_code` (YOOKASSA_VAT_CODE, default 1); null when the variable is not a known code. */
  vatCode: number | null;
}

export const YOOKASSA_DEFAULT_API_BASE = 'https://api.yookassa.ru/v3';

/** Where YooKassa sends notifications from (yookassa.ru/developers/using-api/webhooks, "IP addresses"). */
export const YOOKASSA_NOTIFICATION_ADDRESSES: readonly string[] = [
  '185.71.76.0/27',
  '185.71.77.0/27',
  '77.75.153.0/25',
  '77.75.156.11',
  '77.75.156.35',
  '77.75.154.128/25',
  '2a02:5180::/32',
];

export function yookassaSettings(env: Record<string, string | undefined> = process.env): YooKassaSettings {
  const timeoutMs = Number(env.YOOKASSA_TIMEOUT_MS);
  return {
    shopId: env.YOOKASSA_SHOP_ID?.trim() ?? '',
    secretKey: env.YOOKASSA_SECRET_KEY?.trim() ?? '',
    apiBase: (env.YOOKASSA_API_BASE?.trim() || YOOKASSA_DEFAULT_API_BASE).replace(/\/+$/, ''),
    trustedAddresses: (env.YOOKASSA_TRUSTED_ADDRESSES ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
    timeoutMs: Number.isInteger(timeoutMs) && timeoutMs > 0 ? timeoutMs : 15_000,
    receipts: env.YOOKASSA_RECEIPTS?.trim() === 'true',
    vatCode: vatCodeOf(env.YOOKASSA_VAT_CODE),
  };
}

/** YooKassa's `vat_code`s run from 1 to 12 (the 5% and 7% rates of 2025 and the 22% of 2026 included). */
function vatCodeOf(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return 1;
  const code = Number(value.trim());
  return Number.isInteger(code) && code >= 1 && code <= 12 ? code : null;
}

/** A receipt line's description: at most 128 characters (YooKassa's limit). */
const RECEIPT_DESCRIPTION_LIMIT = 128;

/**
 * The 54-FZ `receipt` of a payment or a refund: the buyer's email and one line per item, a course being a service
 * paid in full at once. The lines add up to the amount (YooKassa refuses a receipt that does not).
 */
export function receiptOf(
  settings: Pick<YooKassaSettings, 'vatCode'>,
  email: string | null,
  items: ReadonlyArray<{ title: string; unitPrice: number }>,
  currency: string
): Record<string, unknown> {
  if (settings.vatCode === null)
    throw new PaymentProviderError(
      'yookassa',
      'YOOKASSA_VAT_CODE must be a whole number from 1 to 12',
      'misconfigured'
    );
  if (!email) throw new PaymentProviderError('yookassa', "a receipt needs the buyer's email", 'misconfigured');
  return {
    customer: { email },
    items: items.map((item) => ({
      description: (item.title || 'Course').slice(0, RECEIPT_DESCRIPTION_LIMIT),
      quantity: 1,
      amount: { value: toAmountValue(item.unitPrice, currency), currency: currency.toUpperCase() },
      vat_code: settings.vatCode,
      payment_subject: 'service',
      payment_mode: 'full_payment',
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses

/** `::ffff:185.71.76.5` (an IPv4 caller on a dual-stack socket) is the IPv4 address it wraps. */
function plainAddress(address: string): string {
  const trimmed = address.trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  return mapped ? mapped[1] : trimmed;
}

/** A set of addresses and ranges (`1.2.3.4`, `1.2.3.0/24`, `2a02:5180::/32`); a malformed entry is refused loudly. */
export function addressList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix, ...rest] = entry.split('/');
    const family = isIP(plainAddress(address));
    const bits = prefix === undefined ? null : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    const widest = family === 6 ? 128 : 32;
    if (family === 0 || rest.length > 0 || (bits !== null && !(bits >= 0 && bits <= widest))) {
      throw new PaymentProviderError('yookassa', `not an address or CIDR range: "${entry}"`, 'misconfigured');
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === null) list.addAddress(plainAddress(address), type);
    else list.addSubnet(plainAddress(address), bits, type);
  }
  return list;
}

export function isTrustedAddress(ip: string, list: BlockList): boolean {
  const address = plainAddress(ip ?? '');
  const family = isIP(address);
  if (family === 0) return false;
  return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

const publishedAddresses = addressList(YOOKASSA_NOTIFICATION_ADDRESSES);
const extraLists = new Map<string, BlockList>();

function trusts(ip: string, extra: string[]): boolean {
  if (isTrustedAddress(ip, publishedAddresses)) return true;
  if (extra.length === 0) return false;
  const key = extra.join(',');
  let list = extraLists.get(key);
  if (!list) {
    list = addressList(extra);
    extraLists.set(key, list);
  }
  return isTrustedAddress(ip, list);
}

// ---------------------------------------------------------------------------------------------------------------
// Amounts: YooKassa speaks decimal strings in major units ("1490.00"), Lyceum integers in minor units.

/** 149000 RUB → "1490.00", exactly, with the currency's digits as orders count them (rules/money.ts). */
export function toAmountValue(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor) || minor < 0) {
    throw new PaymentProviderError('yookassa', `not an amount in minor units: ${minor}`, 'invalid_amount');
  }
  return toMajor(minor, currency.toUpperCase());
}

/** "1490.00" RUB → 149000; null for anything that is not a decimal string in the currency's digits. */
export function fromAmountValue(value: unknown, currency: string): number | null {
  return typeof value === 'string' ? toMinor(value, currency.toUpperCase()) : null;
}

// ---------------------------------------------------------------------------------------------------------------
// The API

export interface YooKassaAmount {
  value: string;
  currency: string;
}

export type YooKassaPaymentStatus = 'pending' | 'waiting_for_capture' | 'succeeded' | 'canceled';

export interface YooKassaPayment {
  id: string;
  status: YooKassaPaymentStatus;
  paid: boolean;
  amount: YooKassaAmount;
  description?: string;
  metadata?: Record<string, string>;
  confirmation?: { type: string; confirmation_url?: string; return_url?: string };
  cancellation_details?: { party: string; reason: string };
  test?: boolean;
}

export interface YooKassaRefund {
  id: string;
  payment_id: string;
  status: 'pending' | 'succeeded' | 'canceled';
  amount: YooKassaAmount;
  cancellation_details?: { party: string; reason: string };
}

/** How often a POST answered "still processing" (HTTP 202) is asked again, with the same Idempotence-Key. */
const PROCESSING_RETRIES = 3;
const MAX_RETRY_AFTER_MS = 2_000;

export interface YooKassaClient {
  createPayment(body: Record<string, unknown>, idempotenceKey: string): Promise<YooKassaPayment>;
  getPayment(paymentId: string): Promise<YooKassaPayment>;
  createRefund(body: Record<string, unknown>, idempotenceKey: string): Promise<YooKassaRefund>;
}

/** The API calls Lyceum needs, each bounded by the timeout; any failure is a PaymentProviderError. */
export function yookassaClient(settings: YooKassaSettings): YooKassaClient {
  const authorization = `Basic ${Buffer.from(`${settings.shopId}:${settings.secretKey}`).toString('base64')}`;

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, idempotenceKey?: string): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await fetch(`${settings.apiBase}${path}`, {
          method,
          headers: {
            authorization,
            accept: 'application/json',
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(idempotenceKey ? { 'idempotence-key': idempotenceKey } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
      } catch (error) {
        const reason = (error as Error)?.name === 'TimeoutError' ? 'timed out' : (error as Error)?.message;
        throw new PaymentProviderError('yookassa', `${method} ${path} ${reason}`, 'unreachable');
      }
      const text = await response.text().catch(() => '');
      let answer: any = null;
      try {
        answer = text ? JSON.parse(text) : null;
      } catch {
        answer = null;
      }
      // YooKassa answers 202 when it has not finished yet; the same request (same key) later gets the result.
      if (response.status === 202 && method === 'POST' && attempt < PROCESSING_RETRIES) {
        const retryAfter = Math.min(Number(answer?.retry_after) || 500, MAX_RETRY_AFTER_MS);
        await new Promise((resolve) => setTimeout(resolve, retryAfter));
        continue;
      }
      if (!response.ok || response.status === 202) {
        const code = typeof answer?.code === 'string' ? answer.code : `http_${response.status}`;
        const description = typeof answer?.description === 'string' ? answer.description : response.statusText;
        throw new PaymentProviderError('yookassa', `${method} ${path}: ${description}`, code, response.status);
      }
      if (!answer || typeof answer !== 'object') {
        throw new PaymentProviderError('yookassa', `${method} ${path} answered no JSON object`, 'unreadable');
      }
      return answer as T;
    }
  }

  return {
    createPayment: (body, idempotenceKey) => call<YooKassaPayment>('POST', '/payments', body, idempotenceKey),
    getPayment: (paymentId) => call<YooKassaPayment>('GET', `/payments/${encodeURIComponent(paymentId)}`),
    createRefund: (body, idempotenceKey) => call<YooKassaRefund>('POST', '/refunds', body, idempotenceKey),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The provider

/** YooKassa's payment page speaks these of Lyceum's locales. */
const CONFIRMATION_LOCALES: Record<string, string> = { en: 'en_US', ru: 'ru_RU' };

/** YooKassa refuses a description over 128 characters. */
const DESCRIPTION_LIMIT = 128;

function notificationOf(rawBody: Buffer): { event: string; objectId: string } {
  let body: any;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new Refusal('The YooKassa notification is not JSON', 'invalid_payload', { status: 400 });
  }
  const event = body?.event;
  const objectId = body?.object?.id;
  if (
    body?.type !== 'notification' ||
    typeof event !== 'string' ||
    typeof objectId !== 'string' ||
    !/^[\w.-]{1,64}$/.test(objectId)
  ) {
    throw new Refusal('The YooKassa notification has no event or object id', 'invalid_payload', { status: 400 });
  }
  return { event, objectId };
}

export function createYooKassaProvider(env: Record<string, string | undefined> = process.env): PaymentProvider {
  const configured = () => {
    const settings = yookassaSettings(env);
    if (!settings.shopId || !settings.secretKey) {
      // As the registry's unconfigured providers answer (contract: 503 `payments_not_configured`).
      throw new Refusal(
        `Payments through yookassa are not configured (YOOKASSA_SHOP_ID and YOOKASSA_SECRET_KEY are not set)`,
        'payments_not_configured',
        {
          status: 503,
        }
      );
    }
    return settings;
  };

  return {
    name: 'yookassa',

    isConfigured() {
      const settings = yookassaSettings(env);
      return Boolean(settings.shopId && settings.secretKey);
    },

    async createCheckout({ order, returnUrl, idempotencyKey }: CheckoutRequest): Promise<Checkout> {
      const settings = configured();
      const client = yookassaClient(settings);
      const locale = CONFIRMATION_LOCALES[order.locale];
      const payment = await client.createPayment(
        {
          amount: { value: toAmountValue(order.total, order.currency), currency: order.currency.toUpperCase() },
          // One step: the money is taken when the buyer pays (no separate capture call).
          capture: true,
          confirmation: { type: 'redirect', return_url: returnUrl, ...(locale ? { locale } : {}) },
          description: `Order ${order.number}`.slice(0, DESCRIPTION_LIMIT),
          metadata: { orderDocumentId: order.documentId, orderNumber: order.number },
          ...(settings.receipts ? { receipt: receiptOf(settings, order.buyerEmail, order.items, order.currency) } : {}),
        },
        idempotencyKey
      );
      const checkoutUrl = payment.confirmation?.confirmation_url;
      if (typeof payment.id !== 'string' || typeof checkoutUrl !== 'string') {
        throw new PaymentProviderError('yookassa', 'the payment came back without a confirmation_url', 'unreadable');
      }
      return { providerReference: payment.id, checkoutUrl };
    },

    async verifyWebhook({ rawBody, ip }: WebhookCall): Promise<PaymentEvent> {
      const settings = configured();
      if (!trusts(ip, settings.trustedAddresses)) {
        throw new Refusal('YooKassa notifications come only from its published addresses', 'untrusted_source', {
          status: 400,
        });
      }
      const { event, objectId } = notificationOf(rawBody);
      const payload = rawBody.toString('utf8');
      if (!event.startsWith('payment.')) {
        // Refunds, payouts and deals: kept, not acted on (a refund is started and recorded by Lyceum itself).
        return {
          provider: 'yookassa',
          eventId: `${event}:${objectId}`,
          kind: 'other',
          orderDocumentId: null,
          providerReference: objectId,
          amount: null,
          currency: null,
          payload,
        };
      }

      let payment: YooKassaPayment;
      try {
        payment = await yookassaClient(settings).getPayment(objectId);
      } catch (error) {
        // A payment YooKassa does not know was never paid: the notification is not believable. Anything else
        // (YooKassa down) stays an error, so the call fails and YooKassa sends the notification again later.
        if (error instanceof PaymentProviderError && error.status === 404) {
          throw new Refusal('YooKassa does not know this payment', 'invalid_payload', { status: 400 });
        }
        throw error;
      }
      if (payment.id !== objectId || typeof payment.status !== 'string') {
        throw new PaymentProviderError('yookassa', `GET /payments/${objectId} answered another object`, 'unreadable');
      }

      const kind: PaymentEvent['kind'] =
        payment.status === 'succeeded' && payment.paid !== false
          ? 'payment.succeeded'
          : payment.status === 'canceled'
            ? 'payment.failed'
            : 'other';
      const currency = typeof payment.amount?.currency === 'string' ? payment.amount.currency.toUpperCase() : null;
      return {
        provider: 'yookassa',
        // Named after what the API says, not what the notification claimed: a "succeeded" notification for a payment
        // still pending is a different event from the real "succeeded" that follows, which must not count as its
        // replay. A resent notification of the same state is the same event.
        eventId: `payment.${payment.status}:${payment.id}`,
        kind,
        orderDocumentId: payment.metadata?.orderDocumentId ?? null,
        providerReference: payment.id,
        amount: currency ? fromAmountValue(payment.amount?.value, currency) : null,
        currency,
        payload,
      };
    },

    async refund({ providerReference, amount, currency, idempotencyKey, receipt }: RefundRequest) {
      const settings = configured();
      const refund = await yookassaClient(settings).createRefund(
        {
          payment_id: providerReference,
          amount: { value: toAmountValue(amount, currency), currency: currency.toUpperCase() },
          ...(settings.receipts
            ? {
                receipt: receiptOf(
                  settings,
                  receipt?.email ?? null,
                  receipt?.items ?? [{ title: 'Refund', unitPrice: amount }],
                  currency
                ),
              }
            : {}),
        },
        idempotencyKey
      );
      if (refund.status === 'canceled') {
        const reason = refund.cancellation_details?.reason ?? 'canceled';
        throw new PaymentProviderError('yookassa', `the refund was canceled (${reason})`, reason);
      }
      if (typeof refund.id !== 'string') {
        throw new PaymentProviderError('yookassa', 'the refund came back without an id', 'unreadable');
      }
      return { refundReference: refund.id };
    },
  };
}
