import { defineJob } from '../../../../../jobs';

export interface LatePayment {
  orderDocumentId: string;
}

interface LatePaymentsService {
  settle(orderDocumentId: string): Promise<void>;
}

/**
 * `commerce.settle-late-payment`: a payment that arrived after its order had given up, enrolled or refunded (see
 * services/late-payments.ts). Recorded in the transaction that accepts the payment, so a crash still settles it;
 * idempotent (the order's `latePayment` moves from `received` once).
 */
export const settleLatePaymentJob = defineJob<LatePayment>(
  'commerce.settle-late-payment',
  async (strapi, { orderDocumentId }) => {
    await (strapi.plugin('commerce').service('late-payments') as LatePaymentsService).settle(orderDocumentId);
  }
);
