import { createHmac, timingSafeEqual } from 'crypto';
import { Refusal } from '../../../../../errors/refusal';
import { currencyCode, toMinor } from '../rules/money';
import type { Checkout, CheckoutRequest, PaymentEvent, PaymentProvider, WebhookCall } from './types';

/**
 * The sandbox provider (outside production only): a checkout page of Lyceum's own with "Pay" and "Decline", and a
 * webhook signed like a real provider's (contract "Commerce": HMAC-SHA256 of the raw body, lowercase hex, in
 * `X-Sandbox-Signature`, keyed with PAYMENTS_SANDBOX_SECRET), so frontends, the demo and the bench buy courses
 * without keys and through the same verification and fulfilment path as Stripe and YooKassa.
 */

export const SANDBOX_SIGNATURE_HEADER = 'x-sandbox-signature';

/** The signature of a sandbox webhook body. */
export const sandboxSignature = (secret: string, rawBody: Buffer | string): string =>
  createHmac('sha256', secret).update(rawBody).digest('hex');

/** What the sandbox webhook's body holds (contract), plus the optional amount and currency the checkout page sends. */
export interface SandboxWebhookBody {
  id: string;
  type: 'payment.succeeded' | 'payment.failed';
  order: string;
  /** Major units, as the API shows money. */
  amount?: string;
  currency?: string;
}

const invalidPayload = (message: string) => new Refusal(message, 'invalid_payload', { status: 400 });

export function createSandboxProvider(settings: { secret: string; publicUrl: string }): PaymentProvider {
  const { secret } = settings;
  return {
    name: 'sandbox',
    isConfigured: () => secret.length > 0,

    createCheckout(request: CheckoutRequest): Promise<Checkout> {
      return Promise.resolve({
        providerReference: `sandbox_${request.order.documentId}`,
        checkoutUrl: `${settings.publicUrl}/api/payments/sandbox/checkout/${request.order.documentId}`,
      });
    },

    verifyWebhook(call: WebhookCall): Promise<PaymentEvent> {
      const header = call.headers[SANDBOX_SIGNATURE_HEADER];
      const given = Buffer.from(typeof header === 'string' ? header : '', 'utf8');
      const expected = Buffer.from(sandboxSignature(secret, call.rawBody), 'utf8');
      if (!secret || given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new Refusal('The webhook signature does not match its body', 'invalid_signature', { status: 400 });
      let body: Partial<Record<keyof SandboxWebhookBody, unknown>>;
      try {
        body = JSON.parse(call.rawBody.toString('utf8'));
      } catch {
        throw invalidPayload('The webhook body is not JSON');
      }
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw invalidPayload('The webhook body is not an object');
      if (typeof body.id !== 'string' || body.id.length < 1 || body.id.length > 200)
        throw invalidPayload('id must be a string of 1 to 200 characters');
      if (typeof body.order !== 'string' || !/^[A-Za-z0-9]{1,64}$/.test(body.order))
        throw invalidPayload('order must be an order documentId');
      const kind =
        body.type === 'payment.succeeded' || body.type === 'payment.failed'
          ? body.type
          : typeof body.type === 'string'
            ? 'other'
            : null;
      if (kind === null) throw invalidPayload('type must be a string');
      const currency = body.currency === undefined ? null : currencyCode(body.currency);
      if (body.currency !== undefined && currency === null) throw invalidPayload('currency must be an ISO 4217 code');
      let amount: number | null = null;
      if (body.amount !== undefined) {
        amount = currency ? toMinor(body.amount, currency) : null;
        if (amount === null) throw invalidPayload('amount must be an amount in its currency (send currency with it)');
      }
      return Promise.resolve({
        provider: 'sandbox',
        eventId: body.id,
        kind,
        orderDocumentId: body.order,
        providerReference: `sandbox_${body.order}`,
        amount,
        currency,
        payload: call.rawBody.toString('utf8'),
      });
    },

    refund(request) {
      // Nothing leaves the machine: the sandbox's refund is the record Lyceum keeps.
      return Promise.resolve({ refundReference: `sandbox_refund_${request.idempotencyKey}` });
    },
  };
}
