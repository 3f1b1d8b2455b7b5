import type { Core } from '@strapi/strapi';
import { notFound } from '../../../../../errors/refusal';
import { toMajorNumber } from '../rules/money';
import type { OrderSearch } from '../rules/order-request';
import type ordersService from './orders';
import { ORDER, orderFromRow, PAID_STATUSES, presentOrder, type OrderRecord } from './orders';
import type refundsService from './refunds';
import type webhooksService from './webhooks';

type Orders = ReturnType<typeof ordersService>;
type Refunds = ReturnType<typeof refundsService>;
type Webhooks = ReturnType<typeof webhooksService>;

const BUYER_FIELDS = ['id', 'username', 'email', 'fullName'];

interface BuyerRow {
  id: number;
  username?: string | null;
  email?: string | null;
  fullName?: string | null;
}

/** Whose order it is, as the Orders page shows it: no more of the account than finance staff need. */
const presentBuyer = (buyer: BuyerRow | null | undefined) =>
  buyer
    ? { id: buyer.id, username: buyer.username ?? '', email: buyer.email ?? '', fullName: buyer.fullName ?? null }
    : null;

/**
 * The admin panel's Orders page (admin users holding `plugin::commerce.manage-orders`: the Finance role, Super
 * Admins): every order, searched by number, buyer, course and status; one order with its payment events and refunds.
 * Refunds go through the refunds service, as `POST /api/orders/:documentId/refund` does.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async search(criteria: OrderSearch, page: { page: number; pageSize: number }) {
    const filters: Array<Record<string, unknown>> = [];
    if (criteria.number) filters.push({ number: { $containsi: criteria.number } });
    if (criteria.buyer) {
      filters.push({
        $or: ['email', 'username', 'fullName'].map((field) => ({
          buyer: { [field]: { $containsi: criteria.buyer } },
        })),
      });
    }
    if (criteria.course) {
      filters.push({
        $or: [{ items: { title: { $containsi: criteria.course } } }, { items: { courseDocumentId: criteria.course } }],
      });
    }
    if (criteria.status) filters.push({ status: criteria.status });
    const where = filters.length ? { $and: filters } : {};
    const [rows, total] = await Promise.all([
      strapi.db.query(ORDER).findMany({
        where,
        populate: {
          items: { select: ['id', 'courseDocumentId', 'title', 'unitPrice', 'discount', 'position'] },
          buyer: { select: BUYER_FIELDS },
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        offset: (page.page - 1) * page.pageSize,
        limit: page.pageSize,
      }),
      strapi.db.query(ORDER).count({ where }),
    ]);
    const data = rows.map((row: Record<string, any>) => ({
      ...presentOrder(orderFromRow(row)),
      latePayment: row.latePayment ?? null,
      buyer: presentBuyer(row.buyer),
    }));
    return { data, total };
  },

  /** One order as the page opens it: the order, its buyer, its payment events and its refunds, oldest first. */
  async detail(documentId: string) {
    const order = await (strapi.plugin('commerce').service('orders') as Orders).findByDocumentId(documentId);
    if (!order) throw notFound('No such order', 'order_not_found');
    return this.present(order);
  },

  async present(order: OrderRecord) {
    const [buyer, events, refunds] = await Promise.all([
      order.buyerId === null
        ? null
        : strapi.db.query('plugin::users-permissions.user').findOne({
            where: { id: order.buyerId },
            select: BUYER_FIELDS,
          }),
      (strapi.plugin('commerce').service('webhooks') as Webhooks).eventsOf(order.documentId),
      (strapi.plugin('commerce').service('refunds') as Refunds).refundsOf(order.documentId),
    ]);
    const money = (minor: unknown) => toMajorNumber(Number(minor ?? 0), order.currency);
    return {
      ...presentOrder(order),
      latePayment: order.latePayment,
      buyer: presentBuyer(buyer),
      refundable: money(PAID_STATUSES.includes(order.status) ? order.total - order.refundedAmount : 0),
      paymentEvents: events.map((event: Record<string, any>) => ({
        provider: event.provider,
        eventId: event.eventId,
        type: event.kind,
        outcome: event.outcome,
        receivedAt: event.receivedAt ? new Date(event.receivedAt).toISOString() : null,
      })),
      refunds: refunds.map((refund: Record<string, any>) => ({
        documentId: refund.documentId,
        amount: money(refund.amount),
        currency: refund.currency,
        reason: refund.reason,
        status: refund.status,
        refundReference: refund.refundReference ?? null,
        // Who asked: an API admin (users-permissions id), an admin-panel user, or neither (an API token, Lyceum itself).
        refundedByUserId: refund.refundedById ?? null,
        refundedByAdminId: refund.refundedByAdminId ?? null,
        createdAt: refund.createdAt ? new Date(refund.createdAt).toISOString() : null,
      })),
    };
  },
});
