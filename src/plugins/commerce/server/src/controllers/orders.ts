import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam, paginationParams } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { forbidden } from '../../../../../errors/refusal';
import { paymentProviders } from '../providers';
import { parseOrderRequest, parseRefundRequest } from '../rules/order-request';
import type ordersService from '../services/orders';
import { presentOrder } from '../services/orders';
import type refundsService from '../services/refunds';

const orders = (strapi: Core.Strapi) => strapi.plugin('commerce').service('orders') as ReturnType<typeof ordersService>;
const refunds = (strapi: Core.Strapi) =>
  strapi.plugin('commerce').service('refunds') as ReturnType<typeof refundsService>;

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /orders { courses, coupon?, provider } — for the caller only: the body names no buyer. */
  async create(ctx: any) {
    const caller = callerFrom(ctx.state);
    if (caller.userId === null) throw forbidden('Orders are made by a signed-in buyer', 'buyer_required');
    const request = parseOrderRequest(bodyWithOnly(ctx.request.body, ['courses', 'coupon', 'provider']), [
      ...paymentProviders(strapi).keys(),
    ]);
    // The buyer's contact from the row the authentication just read: no second look at the user.
    const user = (ctx.state.user ?? {}) as { email?: unknown; preferredLocale?: unknown };
    const buyer = {
      id: caller.userId,
      email: typeof user.email === 'string' ? user.email : null,
      preferredLocale: typeof user.preferredLocale === 'string' ? user.preferredLocale : null,
    };
    const { order, checkoutUrl } = await orders(strapi).create(buyer, request, new Date());
    ctx.status = 201;
    ctx.body = { data: presentOrder(order), meta: checkoutUrl ? { checkoutUrl } : {} };
  },

  /** GET /me/orders?pagination[page]=&pagination[pageSize]= — newest first. */
  async mine(ctx: any) {
    const caller = callerFrom(ctx.state);
    const { page, pageSize } = paginationParams(ctx.query);
    const { data, total } = await orders(strapi).listForBuyer(caller.userId!, { page, pageSize });
    ctx.body = {
      data: data.map(presentOrder),
      meta: { pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total } },
    };
  },

  /** GET /orders/:documentId — its buyer or an admin; a pending order's checkout address in `meta`. */
  async findOne(ctx: any) {
    const order = await orders(strapi).findVisible(callerFrom(ctx.state), documentIdParam(ctx.params.documentId));
    ctx.body = {
      data: presentOrder(order),
      meta: order.status === 'pending' && order.checkoutUrl ? { checkoutUrl: order.checkoutUrl } : {},
    };
  },

  /** POST /orders/:documentId/cancel — the buyer, while pending. */
  async cancel(ctx: any) {
    bodyWithOnly(ctx.request.body, []);
    const order = await orders(strapi).cancel(
      callerFrom(ctx.state),
      documentIdParam(ctx.params.documentId),
      new Date()
    );
    ctx.body = { data: presentOrder(order), meta: {} };
  },

  /** POST /orders/:documentId/refund { amount?, reason } — admins (the permission matrix). */
  async refund(ctx: any) {
    const caller = callerFrom(ctx.state);
    const body = bodyWithOnly(ctx.request.body, ['amount', 'reason']);
    const order = await orders(strapi).findVisible(caller, documentIdParam(ctx.params.documentId));
    const refunded = await refunds(strapi).refund({
      order,
      request: parseRefundRequest(body, order.currency),
      refundedById: caller.userId,
      now: new Date(),
    });
    ctx.body = { data: presentOrder(refunded), meta: {} };
  },
});
