import { defineJob } from '../../../../../jobs';

export interface OrderFulfilment {
  orderDocumentId: string;
}

interface FulfilmentService {
  fulfil(orderDocumentId: string): Promise<void>;
}

/**
 * `commerce.fulfil-order`: a paid order's enrollments, receipt and notice. Recorded in the transaction that marks
 * the order paid (one per order: keyed by its documentId), so a process killed right after "paid" leaves it to the
 * next runner; the handler is idempotent (see services/fulfilment.ts).
 */
export const fulfilOrderJob = defineJob<OrderFulfilment>(
  'commerce.fulfil-order',
  async (strapi, { orderDocumentId }) => {
    await (strapi.plugin('commerce').service('fulfilment') as FulfilmentService).fulfil(orderDocumentId);
  }
);
