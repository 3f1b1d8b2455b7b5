import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam, paginationParams } from '../../../../../access/params';
import type { AdminPanelUser } from '../../../../../access/admin-caller';
import { notFound } from '../../../../../errors/refusal';
import { parseOrderSearch, parseRefundRequest } from '../rules/order-request';
import type orderAdminService from '../services/order-admin';
import type ordersService from '../services/orders';
import type refundsService from '../services/refunds';

const orderAdmin = (strapi: Core.Strapi) =>
  strapi.plugin('commerce').service('order-admin') as ReturnType<typeof orderAdminService>;
const orders = (strapi: Core.Strapi) => strapi.plugin('commerce').service('orders') as ReturnType<typeof ordersService>;
const refunds = (strapi: Core.Strapi) =>
  strapi.plugin('commerce').service('refunds') as ReturnType<typeof refundsService>;

/**
 * The admin panel's Orders page (admin routes under /commerce). The route's admin action
 * (`plugin::commerce.manage-orders`: Finance, Super Admin) is the whole check: orders belong to no course staff.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /commerce/orders?number=&buyer=&course=&status=&pagination[page]=&pagination[pageSize]= — newest first. */
  async search(ctx: any) {
    const criteria = parseOrderSearch(ctx.query);
    const { page, pageSize } = paginationParams(ctx.query);
    const { data, total } = await orderAdmin(strapi).search(criteria, { page, pageSize });
    ctx.body = { data, meta: { pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total } } };
  },

  /** GET /commerce/orders/:documentId — the order, its buyer, payment events and refunds. */
  async findOne(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    ctx.body = { data: await orderAdmin(strapi).detail(documentId), meta: {} };
  },

  /** POST /commerce/orders/:documentId/refund { amount?, reason } — as POST /api/orders/:documentId/refund. */
  async refund(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const body = bodyWithOnly(ctx.request.body, ['amount', 'reason']);
    const order = await orders(strapi).findByDocumentId(documentId);
    if (!order) throw notFound('No such order', 'order_not_found');
    const refunded = await refunds(strapi).refund({
      order,
      request: parseRefundRequest(body, order.currency),
      refundedById: null,
      refundedByAdminId: (ctx.state.user as AdminPanelUser | undefined)?.id ?? null,
      now: new Date(),
    });
    ctx.body = { data: await orderAdmin(strapi).present(refunded), meta: {} };
  },
});
