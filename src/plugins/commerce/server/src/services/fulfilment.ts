import type { Core } from '@strapi/strapi';
import { purchases } from '../../../../enrollment/server/src/facade';
import { isPostgres, runSql } from '../../../../../access/raw-sql';
import { columnOf, tableOf } from '../../../../../database/tables';
import { enqueueKeyedInStatement, wakeJobs, type JobKind } from '../../../../../jobs';
import { mailJob, sendMail, type MailMessage } from '../../../../../mail/mail-job';
import { noticeJob, sendNotices, type NoticeDelivery } from '../../../../../notifications/notice-job';
import { toMajor } from '../rules/money';
import { receiptMail } from '../rules/receipt';
import type ordersService from './orders';
import type { OrderBuyer } from './order-rows';
import { holdKeyOf, ORDER, PAID_STATUSES, type OrderRecord } from './orders';

type Orders = ReturnType<typeof ordersService>;

/**
 * What a paid order gives: the buyer enrolled in each course on the seat the order held (the payment rule
 * satisfied), then once per order a receipt by mail in the buyer's language and a notice. Run by the
 * `commerce.fulfil-order` job, so it is idempotent: an enrollment already there is kept, and the receipt and the
 * notice follow only the run that marks the order fulfilled.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async fulfil(orderDocumentId: string): Promise<void> {
    const orders = strapi.plugin('commerce').service('orders') as Orders;
    // The order, its items and its buyer's contact in one statement: the receipt needs no second look at the user.
    const found = await orders.findWithBuyer(orderDocumentId);
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
          if (told.receipt) await sendMail(strapi, told.receipt, { key: receiptKey(order) });
          await sendNotices(strapi, told.notice);
          return true;
        });
    if (delivered) strapi.log.info(`commerce: order ${order.number} fulfilled (${order.items.length} course(s))`);
  },

  /**
   * The fulfilment mark and the receipt's and the notice's jobs in one statement (PostgreSQL: a data-modifying CTE,
   * the jobs only if the mark was set here), where a transaction took five. True when this run set the mark.
   */
  async markFulfilledInOneStatement(order: OrderRecord, told: BuyerMessages | null, now: Date): Promise<boolean> {
    const jobs = [
      ...(told?.receipt ? [{ kind: mailJob as JobKind<unknown>, payload: told.receipt, key: receiptKey(order) }] : []),
      ...(told ? [{ kind: noticeJob as JobKind<unknown>, payload: told.notice, key: told.notice.deliveryKey }] : []),
    ].map((job) =>
      enqueueKeyedInStatement(strapi, job.kind, {
        payload: { sql: 'CAST(? AS text)', bindings: [JSON.stringify(job.payload)] },
        key: { sql: 'CAST(? AS varchar)', bindings: [job.key] },
        runAt: now,
        from: 'marked',
      })
    );
    const { rows } = await runSql<{ marked: unknown }>(
      strapi,
      `WITH marked AS (UPDATE ?? SET ?? = ?, updated_at = ? WHERE id = ? AND ?? IS NULL RETURNING id)${jobs
        .map((job, index) => `, job_${index} AS (${job.sql})`)
        .join('')}
       SELECT count(*) AS marked FROM marked`,
      [
        tableOf(strapi, ORDER),
        columnOf(strapi, ORDER, 'fulfilledAt'),
        now,
        now,
        order.id,
        columnOf(strapi, ORDER, 'fulfilledAt'),
        ...jobs.flatMap((job) => job.bindings),
      ]
    );
    const marked = Number(rows[0].marked) === 1;
    if (marked && jobs.length) wakeJobs(strapi);
    return marked && told !== null;
  },
});

/** The receipt mail (when the buyer has an address) and the notice a fulfilled order sends its buyer. */
interface BuyerMessages {
  receipt: MailMessage | null;
  notice: NoticeDelivery;
}

const receiptKey = (order: OrderRecord) => `order-receipt:${order.documentId}`;

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
