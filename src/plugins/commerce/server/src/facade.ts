import type { Core } from '@strapi/strapi';
import type webhooksService from './services/webhooks';

/**
 * What the commerce plugin offers the app: the erasure (src/privacy/erasure.ts) replaces the stored payloads of a
 * buyer's payment events, which providers fill with the payer's email, name and billing details.
 */

type WebhooksService = ReturnType<typeof webhooksService>;

export type PaymentEvents = Pick<WebhooksService, 'erasePayloadsOf'>;

export const paymentEvents = (strapi: Core.Strapi): PaymentEvents =>
  strapi.plugin('commerce').service('webhooks') as WebhooksService;

export { ERASED_PAYLOAD } from './services/webhooks';
/** Money rules others validate and show amounts with (the marketplace's budgets, rates and offers). */
export { currencyCode, priceToMinor, toMajor, toMajorNumber, toMinor } from './rules/money';
