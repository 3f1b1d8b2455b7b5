/**
 * What a payment provider does for Lyceum, whichever it is (Stripe, YooKassa, the sandbox). Orders never talk to a
 * provider's API directly: they call these functions, so each provider is one module, tested against a local fake
 * server speaking its protocol (STRIPE_API_BASE, YOOKASSA_API_BASE). Money is always in minor units (integers).
 */

export type ProviderName = 'stripe' | 'yookassa' | 'sandbox';

/** An order as a provider needs it to take a payment. */
export interface CheckoutOrder {
  documentId: string;
  /** The human-readable order number (shown on the provider's page and statements). */
  number: string;
  /** ISO 4217, upper case. */
  currency: string;
  /** What the buyer pays, in minor units. */
  total: number;
  items: ReadonlyArray<{ title: string; unitPrice: number }>;
  buyerEmail: string | null;
  /** The buyer's locale (`en` or `ru`), for the provider's page. */
  locale: string;
}

export interface CheckoutRequest {
  order: CheckoutOrder;
  /** Where the provider sends the buyer back after paying or giving up. */
  returnUrl: string;
  /** Sent as the provider's idempotency key: a retried create makes one payment. */
  idempotencyKey: string;
}

export interface Checkout {
  /** The provider's id for this payment (Stripe Checkout Session id, YooKassa payment id, sandbox order id). */
  providerReference: string;
  /** Where the buyer pays. */
  checkoutUrl: string;
}

/** What a webhook call said, after it was verified (signature, source address, re-read from the API). */
export interface PaymentEvent {
  provider: ProviderName;
  /** The provider's unique event id: the same id twice is one event (the payment_event table's unique key). */
  eventId: string;
  /** `other`: an event Lyceum does not act on (kept, answered 200). */
  kind: 'payment.succeeded' | 'payment.failed' | 'other';
  /** The order it is about (from the metadata Lyceum sent at checkout), when the event names one. */
  orderDocumentId: string | null;
  providerReference: string | null;
  /** What the provider says was paid, in minor units, to compare with the order's total. */
  amount: number | null;
  currency: string | null;
  /** The raw body as received, kept with the event. */
  payload: string;
}

/** A webhook call as received: the exact bytes, the headers (lower-case names) and the caller's address. */
export interface WebhookCall {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** The client address as Strapi's proxy settings resolve it (ctx.request.ip). */
  ip: string;
}

/** What a refund gives back, line by line, for a fiscal receipt (YooKassa with YOOKASSA_RECEIPTS=true). */
export interface RefundReceipt {
  email: string | null;
  /** Minor units each; they add up to the refund's amount. */
  items: ReadonlyArray<{ title: string; unitPrice: number }>;
}

export interface RefundRequest {
  providerReference: string;
  /** Minor units; the order's currency. */
  amount: number;
  currency: string;
  idempotencyKey: string;
  /** For providers that send fiscal receipts; the others ignore it. */
  receipt?: RefundReceipt;
}

export interface PaymentProvider {
  readonly name: ProviderName;
  /** Whether its keys are set (an unconfigured provider answers 503 `payments_not_configured`). */
  isConfigured(): boolean;
  createCheckout(request: CheckoutRequest): Promise<Checkout>;
  /**
   * Verifies a webhook call and says what it means. Throws a Refusal 400 (reason `invalid_signature`,
   * `untrusted_source` or `invalid_payload`) when the call cannot be trusted; nothing may change then.
   */
  verifyWebhook(call: WebhookCall): Promise<PaymentEvent>;
  /** Refunds `amount` of a payment; answers the provider's refund id. Throws when the provider refuses. */
  refund(request: RefundRequest): Promise<{ refundReference: string }>;
}
