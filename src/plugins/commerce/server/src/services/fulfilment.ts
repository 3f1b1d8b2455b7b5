import type { Core } from '@strapi/strapi';
import { purchases } from '../../../../enrollment/server/src/facade';
import { isPostgres, runSql } from '../../../../../access/raw-sql';
import { columnOf, tableOf } from '../../../../../database/tables';
import { enqueue, enqueueKeyedInStatement, wakeJobs } from '../../../../../jobs';
import { tellBuyerJob, type BuyerMessages } from '../jobs/tell-buyer';
import { toMajor } from '../rules/money';
import { receiptMail } from '../rules/receipt';
import type ordersService from './orders';
import type { OrderBuyer } from './order-rows';
import { holdKeyOf, ORDER, PAID_STATUSES, type OrderRecord } from './orders';

type Orders = ReturnType<typeof ordersService>;

/** An order with its buyer's contact (the receipt's address and language). */
export interface PaidOrder {
  order: OrderRecord;
  buyer: OrderBuyer | null;
}

/**
 * What a paid order gives: the buyer enrolled in each course on the seat the order held (the payment rule
 * satisfied), then once per order a receipt by mail in the buyer's language and a notice. Run by the
 * `commerce.fulfil-order` job, so it is idempotent: an enrollment already there is kept, and the receipt and the
 * notice follow only the run that marks the order fulfilled.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * `known`: the order and its buyer as the caller has them, just marked paid by the caller's own statement (the
   * webhook's inline delivery), so they are not read again; without it (the job runner) one statement reads them.
   */
  async fulfil(orderDocumentId: string, known?: PaidOrder): Promise<void> {
    const orders = strapi.plugin('commerce').service('orders') as Orders;
    // The order, its items and its buyer's contact in one statement: the receipt needs no second look at the user.
    const found = known ?? (await orders.findWithBuyer(orderDocumentId));
    if (!found || found.order.fulfilledAt) return;
    const { order, buyer } = found;
    const now = new Date();
    if (!PAID_STATUSES.includes(order.status)) {
      // Refunded before this ran: nothing to give, and the seats it held go back.
      await strapi.db.transaction(async () => {
        for (const item of order.items)
          await purchases(strapi).releaseHold(
            holdKeyOf(order.documentId, item.courseDocumentId),
            item.courseDocumentId
          );
      });
      return;
    }
    if (order.buyerId !== null) {
      for (const item of order.items) {
        const outcome = await purchases(strapi).enrollBuyer({
          userId: order.buyerId,
          courseDocumentId: item.courseDocumentId,
          holdKey: holdKeyOf(order.documentId, item.courseDocumentId),
          now,
        });
        if (outcome === 'course_missing')
          strapi.log.warn(`commerce: order ${order.number} bought ${item.courseDocumentId}, which no longer exists`);
      }
    }
    const told = order.buyerId !== null && buyer !== null ? buyerMessages(order, order.buyerId, buyer) : null;
    const delivered = isPostgres(strapi)
      ? await this.markFulfilledInOneStatement(order, told, now)
      : await strapi.db.transaction(async () => {
          const { count } = await strapi.db
            .query(ORDER)
            .updateMany({ where: { id: order.id, fulfilledAt: null }, data: { fulfilledAt: now } });
          if (count !== 1 || told === null) return false;
          await enqueue(strapi, tellBuyerJob, told, { key: order.documentId });
          return true;
        });
    if (delivered) strapi.log.info(`commerce: order ${order.number} fulfilled (${order.items.length} course(s))`);
  },

  /**
   * The fulfilment mark and the job telling the buyer (receipt and notice) in one statement (PostgreSQL: a
   * data-modifying CTE, the job only if this run set the mark), where a transaction took five. True when it did.
   */
  async markFulfilledInOneStatement(order: OrderRecord, told: BuyerMessages | null, now: Date): Promise<boolean> {
    const job = told
      ? enqueueKeyedInStatement(strapi, tellBuyerJob, {
          payload: { sql: 'CAST(? AS text)', bindings: [JSON.stringify(told)] },
          key: { sql: 'CAST(? AS varchar)', bindings: [order.documentId] },
          runAt: now,
          from: 'marked',
        })
      : null;
    const { rows } = await runSql<{ marked: unknown }>(
      strapi,
      `WITH marked AS (UPDATE ?? SET ?? = ?, updated_at = ? WHERE id = ? AND ?? IS NULL RETURNING id)${job ? `, told AS (${job.sql})` : ''}
       SELECT count(*) AS marked FROM marked`,
      [
        tableOf(strapi, ORDER),
        columnOf(strapi, ORDER, 'fulfilledAt'),
        now,
        now,
        order.id,
        columnOf(strapi, ORDER, 'fulfilledAt'),
        ...(job ? job.bindings : []),
      ]
    );
    const marked = Number(rows[0].marked) === 1;
    if (marked && job) wakeJobs(strapi);
    return marked && told !== null;
  },
});

function buyerMessages(order: OrderRecord, buyerId: number, buyer: OrderBuyer): BuyerMessages {
  const locale =
    buyer.preferredLocale === 'ru' || buyer.preferredLocale === 'en' ? buyer.preferredLocale : order.locale;
  const mail = receiptMail(order, { name: buyer.name, locale });
  return {
    receipt: buyer.email ? { to: buyer.email, ...mail } : null,
    notice: {
      deliveryKey: `order-paid:${order.documentId}`,
      userIds: [buyerId],
      message: {
        type: 'order_paid',
        title: (locale === 'ru' ? `Заказ ${order.number} оплачен` : `Order ${order.number} is paid`).slice(0, 200),
        body:
          locale === 'ru'
            ? `Итого: ${toMajor(order.total, order.currency)} ${order.currency}. Курсы уже ждут вас.`
            : `Total: ${toMajor(order.total, order.currency)} ${order.currency}. Your courses are waiting for you.`,
        link: `/orders/${order.documentId}`,
      },
    },
  };
}
