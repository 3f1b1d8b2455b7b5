import type { Core } from '@strapi/strapi';
import { purchases } from '../../../../enrollment/server/src/facade';
import { isPostgres, runSql, type SqlStatement } from '../../../../../access/raw-sql';
import { columnOf, tableOf } from '../../../../../database/tables';
import { enqueue, enqueueKeyedInStatement, wakeJobs } from '../../../../../jobs';
import { tellBuyerJob, type BuyerMessages } from '../jobs/tell-buyer';
import { toMajor } from '../rules/money';
import { receiptMail } from '../rules/receipt';
import type ordersService from './orders';
import type { OrderBuyer } from './order-rows';
import { holdKeyOf, ORDER, PAID_STATUSES, type OrderRecord } from './orders';

const REFUND = 'plugin::commerce.order-refund';

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
   * `jobDone`: the statement marking the delivering job done (src/jobs DeliverInstead), carried by the fulfilment
   * mark on PostgreSQL; true when it was.
   */
  async fulfil(orderDocumentId: string, known?: PaidOrder, jobDone?: SqlStatement): Promise<boolean> {
    const orders = strapi.plugin('commerce').service('orders') as Orders;
    // The order, its items and its buyer's contact in one statement: the receipt needs no second look at the user.
    const found = known ?? (await orders.findWithBuyer(orderDocumentId));
    if (!found || found.order.fulfilledAt) return false;
    const { order, buyer } = found;
    const now = new Date();
    if (!PAID_STATUSES.includes(order.status)) {
      await this.undoForRefund(order);
      return false;
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
    // The mark holds only while the order is still paid (or partly refunded).
    const isMarked = isPostgres(strapi)
      ? await this.markFulfilledInOneStatement(order, told, now, jobDone)
      : await strapi.db.transaction(async () => {
          const { count } = await strapi.db.query(ORDER).updateMany({
            where: { id: order.id, fulfilledAt: null, status: { $in: PAID_STATUSES } },
            data: { fulfilledAt: now },
          });
          if (count === 1 && told !== null) await enqueue(strapi, tellBuyerJob, told, { key: order.documentId });
          return count === 1;
        });
    if (isMarked) {
      strapi.log.info(`commerce: order ${order.number} fulfilled (${order.items.length} course(s))`);
      return isPostgres(strapi) && jobDone !== undefined;
    }
    // Not marked: another run of this job marked it, or a full refund landed after the order was read, and its
    // cancellations may have run before the enrollments above (which would then stay, paid back).
    const current = await orders.findByDocumentId(order.documentId);
    if (current && !current.fulfilledAt && !PAID_STATUSES.includes(current.status)) await this.undoForRefund(current);
    return false;
  },

  /**
   * A paid order refunded in full before its fulfilment ended: the seats it still holds go back, and when the refund
   * cancels the order's enrollments (every full refund but a late payment's), those this fulfilment wrote after the
   * refund's own cancellations are cancelled too. While a refund of it is still pending at its provider (which may yet
   * refuse it, and the order is then paid again) this throws: the job is retried.
   */
  async undoForRefund(order: OrderRecord): Promise<void> {
    const refunds: Array<{ status: string; cancelsEnrollments: boolean | null }> = await strapi.db
      .query(REFUND)
      .findMany({ where: { orderDocumentId: order.documentId }, select: ['status', 'cancelsEnrollments'] });
    if (refunds.some((refund) => refund.status === 'pending'))
      throw new Error(`order ${order.number} has a refund pending at its provider; fulfilled or undone once it is not`);
    await strapi.db.transaction(async () => {
      for (const item of order.items)
        await purchases(strapi).releaseHold(holdKeyOf(order.documentId, item.courseDocumentId), item.courseDocumentId);
    });
    const buyerId = order.buyerId;
    if (buyerId === null || !refunds.some((refund) => refund.status === 'done' && refund.cancelsEnrollments)) return;
    const now = new Date();
    for (const item of order.items) {
      try {
        await purchases(strapi).cancel({ userId: buyerId, courseDocumentId: item.courseDocumentId, now });
      } catch (error) {
        // Not enrolled (any more): nothing to cancel.
        if ((error as { details?: { reason?: string } }).details?.reason !== 'not_enrolled') throw error;
      }
    }
  },

  /**
   * The fulfilment mark and the job telling the buyer (receipt and notice) in one statement (PostgreSQL: a
   * data-modifying CTE, the job only if this run set the mark), where a transaction took five; with `jobDone`, the
   * delivering job's done mark too, with the mark only. True when this run set the mark.
   */
  async markFulfilledInOneStatement(
    order: OrderRecord,
    told: BuyerMessages | null,
    now: Date,
    jobDone?: SqlStatement
  ): Promise<boolean> {
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
      `WITH marked AS (UPDATE ?? SET ?? = ?, updated_at = ? WHERE id = ? AND ?? IS NULL AND ?? IN (${PAID_STATUSES.map(() => '?').join(', ')}) RETURNING id)${job ? `, told AS (${job.sql})` : ''}${jobDone ? `, job_done AS (${jobDone.sql} AND EXISTS (SELECT 1 FROM marked))` : ''}
       SELECT count(*) AS marked FROM marked`,
      [
        tableOf(strapi, ORDER),
        columnOf(strapi, ORDER, 'fulfilledAt'),
        now,
        now,
        order.id,
        columnOf(strapi, ORDER, 'fulfilledAt'),
        columnOf(strapi, ORDER, 'status'),
        ...PAID_STATUSES,
        ...(job ? job.bindings : []),
        ...(jobDone ? jobDone.bindings : []),
      ]
    );
    const marked = Number(rows[0].marked) === 1;
    if (marked && job) wakeJobs(strapi);
    return marked;
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
