import type { Core } from '@strapi/strapi';
import { conflict, Refusal } from '../../../../../errors/refusal';
import { runSql } from '../../../../../access/raw-sql';
import { tableOf } from '../../../../../database/tables';
import { auditEntity, recordAuditEvent } from '../../../../../audit';
import { purchases } from '../../../../enrollment/server/src/facade';
import { providerNamed } from '../providers';
import { toMajor } from '../rules/money';
import type { RefundRequest } from '../rules/order-request';
import type ordersService from './orders';
import { ORDER, PAID_STATUSES, type OrderRecord } from './orders';

const REFUND = 'plugin::commerce.order-refund';
type Orders = ReturnType<typeof ordersService>;

const notRefundable = (message: string) => conflict(message, 'not_refundable');

/**
 * Refunds (admins): all or part of what a paid order has left, through its provider. The amount is reserved on the
 * order first (one conditional update: two refunds at once cannot take more than was paid), then the provider
 * refunds; a provider that refuses gives the reservation back. A full refund cancels the enrollments the order
 * bought (certificates already issued stay). Every refund is a row of `order_refunds` (who, when, how much, why,
 * the provider's reference) and a line in the log: the refunds' audit trail.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async refund(params: {
    order: OrderRecord;
    request: RefundRequest;
    refundedById: number | null;
    now: Date;
  }): Promise<OrderRecord> {
    const { order, request, now } = params;
    if (!PAID_STATUSES.includes(order.status))
      throw notRefundable(`Order ${order.number} is ${order.status}: nothing to refund`);
    const remaining = order.total - order.refundedAmount;
    const amount = request.amount ?? remaining;
    if (remaining <= 0 || amount > remaining)
      throw notRefundable(
        `At most ${toMajor(remaining, order.currency)} ${order.currency} of order ${order.number} can be refunded`
      );
    const provider = order.provider === 'free' ? null : providerNamed(strapi, order.provider);
    if (order.provider !== 'free' && !provider?.isConfigured())
      throw new Refusal(`Refunds through ${order.provider} are not configured`, 'payments_not_configured', {
        status: 503,
      });

    const isFull = amount === remaining;
    const refundRow = await strapi.db.transaction(async () => {
      const { rows } = await runSql(
        strapi,
        `UPDATE ?? SET refunded_amount = refunded_amount + ?, status = ?, updated_at = ?
         WHERE id = ? AND status IN (?, ?) AND refunded_amount = ? RETURNING id`,
        [
          tableOf(strapi, ORDER),
          amount,
          isFull ? 'refunded' : 'partially_refunded',
          now,
          order.id,
          ...PAID_STATUSES,
          order.refundedAmount,
        ]
      );
      if (rows.length !== 1) throw notRefundable(`Order ${order.number} changed meanwhile: look at it again`);
      return strapi.db.query(REFUND).create({
        data: {
          orderDocumentId: order.documentId,
          amount,
          currency: order.currency,
          reason: request.reason,
          refundedById: params.refundedById,
          status: 'pending',
        },
      });
    });

    let refundReference: string | null = null;
    if (provider && order.providerReference) {
      try {
        ({ refundReference } = await provider.refund({
          providerReference: order.providerReference,
          amount,
          currency: order.currency,
          idempotencyKey: `refund-${refundRow.documentId}`,
        }));
      } catch (error) {
        await this.giveReservationBack(order, amount, refundRow.id);
        strapi.log.error(
          `commerce: ${order.provider} refused the refund of order ${order.number}: ${(error as Error).message}`
        );
        if (error instanceof Refusal) throw error;
        throw new Refusal(`${order.provider} did not make the refund; try again later`, 'payment_provider_error', {
          status: 503,
        });
      }
    }
    // The refund made and its audit event commit together (refunds are admins' action: the permission matrix).
    await strapi.db.transaction(async () => {
      await strapi.db.query(REFUND).update({ where: { id: refundRow.id }, data: { status: 'done', refundReference } });
      await recordAuditEvent(strapi, {
        action: 'order.refunded',
        actor: { userId: params.refundedById, role: 'admin' },
        entity: auditEntity('order', order.documentId),
        before: { status: order.status, refunded: toMajor(order.refundedAmount, order.currency) },
        after: {
          status: isFull ? 'refunded' : 'partially_refunded',
          refunded: toMajor(order.refundedAmount + amount, order.currency),
          amount: toMajor(amount, order.currency),
          currency: order.currency,
        },
        reason: request.reason,
        at: now,
      });
    });
    strapi.log.info(
      `commerce: refund of ${toMajor(amount, order.currency)} ${order.currency} on order ${order.number} by user ${params.refundedById ?? 'api-token'}: ${request.reason}`
    );
    if (isFull && order.buyerId !== null) {
      for (const item of order.items) {
        try {
          await purchases(strapi).cancel({ userId: order.buyerId, courseDocumentId: item.courseDocumentId, now });
        } catch (error) {
          // Not enrolled (any more): nothing to cancel.
          if ((error as { details?: { reason?: string } }).details?.reason !== 'not_enrolled') throw error;
        }
      }
    }
    return (await (strapi.plugin('commerce').service('orders') as Orders).findByDocumentId(order.documentId))!;
  },

  async giveReservationBack(order: OrderRecord, amount: number, refundId: number): Promise<void> {
    await strapi.db.transaction(async () => {
      await runSql(
        strapi,
        `UPDATE ?? SET refunded_amount = refunded_amount - ?,
           status = CASE WHEN refunded_amount - ? = 0 THEN 'paid' ELSE 'partially_refunded' END
         WHERE id = ?`,
        [tableOf(strapi, ORDER), amount, amount, order.id]
      );
      await strapi.db.query(REFUND).update({ where: { id: refundId }, data: { status: 'failed' } });
    });
  },

  /** An order's refunds, oldest first. */
  async refundsOf(orderDocumentId: string) {
    return strapi.db.query(REFUND).findMany({ where: { orderDocumentId }, orderBy: { id: 'asc' } });
  },
});
