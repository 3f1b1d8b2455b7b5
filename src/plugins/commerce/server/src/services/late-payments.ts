import type { Core } from '@strapi/strapi';
import { Refusal } from '../../../../../errors/refusal';
import { sendMail } from '../../../../../mail/mail-job';
import { enrollments, purchases } from '../../../../enrollment/server/src/facade';
import { lateRefundMail } from '../rules/receipt';
import type ordersService from './orders';
import { holdKeyOf, holdMinutes, ORDER, ORDER_ITEM, PAID_STATUSES, type OrderRecord } from './orders';
import type refundsService from './refunds';

const USER = 'plugin::users-permissions.user';
type Orders = ReturnType<typeof ordersService>;
type Refunds = ReturnType<typeof refundsService>;

/** Why Lyceum gave a late payment back, as the refund row and the buyer's mail say. */
export const LATE_REFUND_REASON = 'Paid after the order had expired, and its seats could not be taken any more';

/**
 * A payment that came after its order had given up (the hold expired, the buyer or a newer order cancelled it, the
 * provider said "failed" first). The money was taken, so it is never just logged (README "Commerce", late payments):
 * - the seats can still be taken and the buyer has not bought these courses since: the order is fulfilled as usual
 *   (each seat held again within the capacity, then the fulfilment job enrolls, mails the receipt, notifies);
 * - otherwise (a course full, gone, or bought again meanwhile): the whole payment goes back through the provider, the
 *   order is `refunded` (the buyer's enrollments from other orders stay) and the buyer gets a mail saying why.
 * Run by the `commerce.settle-late-payment` job, so a crash or a provider that is down is retried.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async settle(orderDocumentId: string): Promise<void> {
    const orders = strapi.plugin('commerce').service('orders') as Orders;
    const order = await orders.findByDocumentId(orderDocumentId);
    if (!order || order.latePayment !== 'received') return;
    const now = new Date();
    if (PAID_STATUSES.includes(order.status) && order.buyerId !== null && !(await this.boughtElsewhere(order))) {
      const fulfilment = await this.holdSeatsAgain(order, now);
      if (fulfilment) {
        await fulfilment.deliver();
        return;
      }
    }
    await this.giveMoneyBack(order, now);
  },

  /** Whether the buyer holds any of these courses through another paid order (bought again after this one gave up). */
  async boughtElsewhere(order: OrderRecord): Promise<boolean> {
    const count = await strapi.db.query(ORDER_ITEM).count({
      where: {
        courseDocumentId: { $in: order.items.map((item) => item.courseDocumentId) },
        order: { buyer: { id: order.buyerId }, status: { $in: PAID_STATUSES }, id: { $ne: order.id } },
      },
    });
    return count > 0;
  },

  /**
   * Holds every course's seat again and records the fulfilment, in one transaction with the move to
   * `latePayment: fulfilled` and the cancelling of the buyer's newer pending orders for these courses; null (nothing
   * changed) when a course is full or gone.
   */
  async holdSeatsAgain(order: OrderRecord, now: Date) {
    const capacities = new Map<string, number | null>();
    for (const item of order.items) {
      const course = await enrollments(strapi).loadCourseTerms(item.courseDocumentId);
      if (!course) return null;
      capacities.set(item.courseDocumentId, course.capacity);
      if (course.capacity !== null) await purchases(strapi).prepareSeat(item.courseDocumentId);
    }
    const expiresAt = new Date(now.getTime() + holdMinutes() * 60_000);
    try {
      const orders = strapi.plugin('commerce').service('orders') as Orders;
      return await strapi.db.transaction(async () => {
        const { count } = await strapi.db
          .query(ORDER)
          .updateMany({ where: { id: order.id, latePayment: 'received' }, data: { latePayment: 'fulfilled' } });
        if (count !== 1) return null;
        // Giving up gave the coupon's redemption back; paid after all, the order used the coupon (its discount is in
        // the amount paid), so it counts again: even past maxRedemptions, which limits new orders, not money taken.
        if (order.couponId !== null) await orders.countCouponAgain(order.couponId);
        // A newer pending order of the buyer for these courses (a retried checkout) gives way: this one is paid.
        await orders.lockBuyer(order.buyerId!);
        await orders.replacePending(
          order.buyerId!,
          order.items.map((item) => item.courseDocumentId),
          now
        );
        for (const item of order.items)
          await purchases(strapi).holdSeat(
            {
              key: holdKeyOf(order.documentId, item.courseDocumentId),
              courseDocumentId: item.courseDocumentId,
              capacity: capacities.get(item.courseDocumentId) ?? null,
              expiresAt,
            },
            now
          );
        return orders.recordFulfilment(order.documentId);
      });
    } catch (error) {
      // A course filled up since the order gave up: rolled back, the money goes back instead.
      if (error instanceof Refusal && error.reason === 'course_full') return null;
      throw error;
    }
  },

  /**
   * Refunds what is left of the payment through its provider (a provider error fails the job, which is retried),
   * then marks the order and mails the buyer once.
   */
  async giveMoneyBack(order: OrderRecord, now: Date): Promise<void> {
    if (PAID_STATUSES.includes(order.status)) {
      try {
        await (strapi.plugin('commerce').service('refunds') as Refunds).refund({
          order,
          request: { amount: null, reason: LATE_REFUND_REASON },
          refundedById: null,
          now,
          cancelsEnrollments: false,
        });
      } catch (error) {
        // An admin refunded it meanwhile: nothing is left to give back.
        if (!(error instanceof Refusal && error.reason === 'not_refundable')) throw error;
      }
    }
    await strapi.db.transaction(async () => {
      const { count } = await strapi.db
        .query(ORDER)
        .updateMany({ where: { id: order.id, latePayment: 'received' }, data: { latePayment: 'refunded' } });
      if (count !== 1 || order.buyerId === null) return;
      const buyer = await strapi.db
        .query(USER)
        .findOne({ where: { id: order.buyerId }, select: ['email', 'username', 'fullName', 'preferredLocale'] });
      if (!buyer?.email) return;
      const locale =
        buyer.preferredLocale === 'ru' || buyer.preferredLocale === 'en' ? buyer.preferredLocale : order.locale;
      await sendMail(
        strapi,
        { to: buyer.email, ...lateRefundMail(order, { name: buyer.fullName || buyer.username, locale }) },
        { key: `order-late-refund:${order.documentId}` }
      );
    });
    strapi.log.warn(`commerce: order ${order.number} was paid after it had expired; the payment is refunded`);
  },
});
