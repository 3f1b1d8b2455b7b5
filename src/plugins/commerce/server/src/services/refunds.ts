import type { Core } from '@strapi/strapi';
import { conflict, Refusal } from '../../../../../errors/refusal';
import { runSql } from '../../../../../access/raw-sql';
import { tableOf } from '../../../../../database/tables';
import { auditEntity, recordAuditEvent } from '../../../../../audit';
import { purchases } from '../../../../enrollment/server/src/facade';
import { providerNamed } from '../providers';
import { PaymentProviderError } from '../providers/provider-error';
import type { RefundReceipt } from '../providers/types';
import { toMajor } from '../rules/money';
import { partialRefundLine } from '../rules/receipt';
import type { RefundRequest } from '../rules/order-request';
import type ordersService from './orders';
import { ORDER, PAID_STATUSES, type OrderRecord } from './orders';

const REFUND = 'plugin::commerce.order-refund';
const USER = 'plugin::users-permissions.user';
type Orders = ReturnType<typeof ordersService>;

/** A row of `order_refunds` as read back. */
interface RefundRow {
  id: number;
  documentId: string;
  orderDocumentId: string;
  amount: number | string;
  reason: string;
  refundedById?: number | null;
  refundedByAdminId?: number | null;
  cancelsEnrollments?: boolean | null;
}

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
    /** The API admin who asked (users-permissions id), if any. */
    refundedById: number | null;
    /** The admin-panel user who asked (the Orders page), if any. */
    refundedByAdminId?: number | null;
    now: Date;
    /**
     * Whether a full refund cancels the enrollments the order bought (the default). A payment refunded because it
     * came too late bought nothing: the buyer's enrollments, from another order, stay.
     */
    cancelsEnrollments?: boolean;
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
    const refundRow: RefundRow = await strapi.db.transaction(async () => {
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
          refundedByAdminId: params.refundedByAdminId ?? null,
          cancelsEnrollments: isFull && params.cancelsEnrollments !== false,
          status: 'pending',
        },
      });
    });

    let refundReference: string | null = null;
    try {
      ({ refundReference } = await this.askProvider(order, refundRow));
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
    try {
      await this.complete(order, refundRow, refundReference, now, order.refundedAmount);
    } catch (error) {
      // The provider made the refund, recording it failed (rolled back whole): the row stays `pending` and the
      // reconcile job finishes it with the same refund (its idempotency key).
      strapi.log.error(
        `commerce: the refund of order ${order.number} is made at ${order.provider} but could not be recorded yet: ${(error as Error).message}`
      );
      throw new Refusal(
        `The refund is made at ${order.provider}; Lyceum finishes recording it within minutes`,
        'refund_pending',
        { status: 503 }
      );
    }
    return (await (strapi.plugin('commerce').service('orders') as Orders).findByDocumentId(order.documentId))!;
  },

  /**
   * Asks the order's provider for the refund a row records. Its idempotency key is the row's, so asking again (the
   * reconcile job, after a crash) gives the same refund, never a second one.
   */
  async askProvider(order: OrderRecord, refundRow: RefundRow): Promise<{ refundReference: string | null }> {
    const provider = order.provider === 'free' ? null : providerNamed(strapi, order.provider);
    if (!provider || !order.providerReference) return { refundReference: null };
    const amount = Number(refundRow.amount);
    return provider.refund({
      providerReference: order.providerReference,
      amount,
      currency: order.currency,
      idempotencyKey: `refund-${refundRow.documentId}`,
      receipt: await this.receiptOf(order, amount),
    });
  },

  /**
   * What a 54-FZ refund receipt lists (YooKassa): the buyer's email and the order's lines, or one line for a part,
   * worded in the buyer's language as their receipt was (rules/receipt.ts).
   */
  async receiptOf(order: OrderRecord, amount: number): Promise<RefundReceipt> {
    const buyer =
      order.buyerId === null
        ? null
        : await strapi.db.query(USER).findOne({ where: { id: order.buyerId }, select: ['email', 'preferredLocale'] });
    const locale =
      buyer?.preferredLocale === 'ru' || buyer?.preferredLocale === 'en' ? buyer.preferredLocale : order.locale;
    const isWhole = amount === order.total;
    return {
      email: buyer?.email ?? null,
      items: isWhole
        ? order.items.map((item) => ({ title: item.title, unitPrice: item.unitPrice - item.discount }))
        : [{ title: partialRefundLine(order.number, locale), unitPrice: amount }],
    };
  },

  /**
   * The refund is made: its row says so (once: a conditional update, so the reconcile job and a late original
   * cannot both finish it), the log keeps the audit line, and a full refund cancels the enrollments the order bought
   * (certificates already issued stay).
   */
  async complete(
    order: OrderRecord,
    refundRow: RefundRow,
    refundReference: string | null,
    now: Date,
    /** What the order had refunded before this refund's reservation (for the audit event). */
    priorRefunded: number
  ) {
    const amount = Number(refundRow.amount);
    const money = (minor: number) => toMajor(minor, order.currency);
    // The refund made, its audit event and the enrollments a full refund cancels commit together: a failure among
    // them leaves the row `pending` with every enrollment as it was, and the reconcile job (which asks the provider
    // again with the same key: the same refund) finishes it all later. Never a done refund with live enrollments,
    // nor cancelled enrollments under a refund still pending.
    const made = await strapi.db.transaction(async () => {
      const { count } = await strapi.db
        .query(REFUND)
        .updateMany({ where: { id: refundRow.id, status: 'pending' }, data: { status: 'done', refundReference } });
      if (count !== 1) return false;
      await recordAuditEvent(strapi, {
        action: 'order.refunded',
        // An admin-panel user has no users-permissions id: the refund row keeps theirs (refundedByAdminId).
        actor: { userId: refundRow.refundedById ?? null, role: 'admin' },
        entity: auditEntity('order', order.documentId),
        before: { status: priorRefunded === 0 ? 'paid' : 'partially_refunded', refunded: money(priorRefunded) },
        after: {
          status: priorRefunded + amount >= order.total ? 'refunded' : 'partially_refunded',
          refunded: money(priorRefunded + amount),
          amount: money(amount),
          currency: order.currency,
        },
        reason: refundRow.reason,
        at: now,
      });
      if (refundRow.cancelsEnrollments && order.buyerId !== null) {
        for (const item of order.items) {
          try {
            await purchases(strapi).cancel({ userId: order.buyerId, courseDocumentId: item.courseDocumentId, now });
          } catch (error) {
            // Not enrolled (any more): nothing to cancel.
            if ((error as { details?: { reason?: string } }).details?.reason !== 'not_enrolled') throw error;
          }
        }
      }
      return true;
    });
    if (!made) return;
    const by =
      refundRow.refundedByAdminId != null
        ? `admin-panel user ${refundRow.refundedByAdminId}`
        : refundRow.refundedById != null
          ? `user ${refundRow.refundedById}`
          : 'api-token or Lyceum';
    strapi.log.info(
      `commerce: refund of ${toMajor(Number(refundRow.amount), order.currency)} ${order.currency} on order ${order.number} by ${by}: ${refundRow.reason}`
    );
  },

  /**
   * Refund rows left `pending` longer than `olderThanMinutes` (the process died between reserving the amount and
   * hearing the provider): each is asked again with its own idempotency key. Made: finished as above. Refused by the
   * provider (a 4xx): the reservation goes back. Unreachable: left for the next run. Answers how many were settled.
   */
  async reconcilePending(now: Date, olderThanMinutes: number): Promise<number> {
    const rows: RefundRow[] = await strapi.db.query(REFUND).findMany({
      where: { status: 'pending', createdAt: { $lte: new Date(now.getTime() - olderThanMinutes * 60_000) } },
      orderBy: { id: 'asc' },
      limit: 100,
    });
    const orders = strapi.plugin('commerce').service('orders') as Orders;
    let settled = 0;
    for (const row of rows) {
      const order = await orders.findByDocumentId(row.orderDocumentId);
      if (!order) continue;
      try {
        const { refundReference } = await this.askProvider(order, row);
        // The order read again already counts this refund's reservation.
        await this.complete(order, row, refundReference, now, order.refundedAmount - Number(row.amount));
        settled += 1;
      } catch (error) {
        const status = error instanceof PaymentProviderError ? error.status : null;
        if (status !== null && status >= 400 && status < 500) {
          await this.giveReservationBack(order, Number(row.amount), row.id);
          strapi.log.error(
            `commerce: ${order.provider} refused the pending refund ${row.documentId} of order ${order.number}: ${(error as Error).message}`
          );
          settled += 1;
        } else {
          strapi.log.warn(
            `commerce: the pending refund ${row.documentId} of order ${order.number} is asked again later: ${(error as Error).message}`
          );
        }
      }
    }
    return settled;
  },

  /** A refund the provider did not make: its row fails and the amount it reserved is the order's again (once). */
  async giveReservationBack(order: OrderRecord, amount: number, refundId: number): Promise<void> {
    await strapi.db.transaction(async () => {
      const { count } = await strapi.db
        .query(REFUND)
        .updateMany({ where: { id: refundId, status: 'pending' }, data: { status: 'failed' } });
      if (count !== 1) return;
      await runSql(
        strapi,
        `UPDATE ?? SET refunded_amount = refunded_amount - ?,
           status = CASE WHEN refunded_amount - ? = 0 THEN 'paid' ELSE 'partially_refunded' END
         WHERE id = ?`,
        [tableOf(strapi, ORDER), amount, amount, order.id]
      );
    });
  },

  /** An order's refunds, oldest first. */
  async refundsOf(orderDocumentId: string) {
    return strapi.db.query(REFUND).findMany({ where: { orderDocumentId }, orderBy: { id: 'asc' } });
  },
});
