import type { Core } from '@strapi/strapi';
import { purchases } from '../../../../enrollment/server/src/facade';
import { sendMail } from '../../../../../mail/mail-job';
import { sendNotices } from '../../../../../notifications/notice-job';
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
    const delivered = await strapi.db.transaction(async () => {
      const { count } = await strapi.db
        .query(ORDER)
        .updateMany({ where: { id: order.id, fulfilledAt: null }, data: { fulfilledAt: now } });
      if (count !== 1 || order.buyerId === null || buyer === null) return false;
      await this.tellBuyer(order, buyer);
      return true;
    });
    if (delivered) strapi.log.info(`commerce: order ${order.number} fulfilled (${order.items.length} course(s))`);
  },

  /** The receipt mail and the notice, as jobs recorded with the fulfilment mark. */
  async tellBuyer(order: OrderRecord, buyer: OrderBuyer): Promise<void> {
    const locale =
      buyer.preferredLocale === 'ru' || buyer.preferredLocale === 'en' ? buyer.preferredLocale : order.locale;
    const mail = receiptMail(order, { name: buyer.name, locale });
    if (buyer.email) await sendMail(strapi, { to: buyer.email, ...mail }, { key: `order-receipt:${order.documentId}` });
    await sendNotices(strapi, {
      deliveryKey: `order-paid:${order.documentId}`,
      userIds: [order.buyerId!],
      message: {
        type: 'order_paid',
        title: (locale === 'ru' ? `Заказ ${order.number} оплачен` : `Order ${order.number} is paid`).slice(0, 200),
        body:
          locale === 'ru'
            ? `Итого: ${toMajor(order.total, order.currency)} ${order.currency}. Курсы уже ждут вас.`
            : `Total: ${toMajor(order.total, order.currency)} ${order.currency}. Your courses are waiting for you.`,
        link: `/orders/${order.documentId}`,
      },
    });
  },
});
