import type { Core } from '@strapi/strapi';
import { accountOwner } from './caller';

const push = (strapi: Core.Strapi) => strapi.plugin('account').service('push');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /push/public-key (public) */
  async publicKey(ctx: any) {
    ctx.body = { data: push(strapi).publicKey(), meta: {} };
  },

  /** POST /me/push-subscriptions */
  async subscribe(ctx: any) {
    const userId = accountOwner(ctx);
    const userAgent = typeof ctx.get === 'function' ? ctx.get('user-agent') || null : null;
    ctx.status = 201;
    ctx.body = { data: await push(strapi).subscribe(userId, ctx.request.body, userAgent), meta: {} };
  },

  /** DELETE /me/push-subscriptions?endpoint= */
  async unsubscribe(ctx: any) {
    ctx.body = { data: await push(strapi).unsubscribe(accountOwner(ctx), ctx.query.endpoint), meta: {} };
  },
});
