import type { ProviderName } from './types';

/**
 * A payment provider could not do what was asked: its API refused (bad key, unknown payment, a refund above what
 * was paid), answered something Lyceum cannot read, or could not be reached in time. Not a Refusal: whether the
 * client sees 502, 503 or a 409 `not_refundable` is the caller's choice, so the provider's own words are kept here
 * for the log and the audit.
 */
export class PaymentProviderError extends Error {
  readonly provider: ProviderName;
  /** The provider's HTTP status, when it answered. */
  readonly status: number | null;
  /** The provider's error code (Stripe's `code` or `type`, YooKassa's `code`), or `unreachable`/`unreadable`. */
  readonly code: string;

  constructor(provider: ProviderName, message: string, code: string, status: number | null = null) {
    super(`${provider}: ${message}`);
    this.name = 'PaymentProviderError';
    this.provider = provider;
    this.status = status;
    this.code = code;
  }
}
