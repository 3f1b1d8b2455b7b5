import type { Core } from '@strapi/strapi';
import { accountOwner } from './caller';

const settings = (strapi: Core.Strapi) => strapi.plugin('account').service('settings');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /me/settings */
  async read(ctx: any) {
    ctx.body = { data: await settings(strapi).read(accountOwner(ctx)), meta: {} };
  },

  /** PUT /me/settings: merged into what is stored */
  async update(ctx: any) {
    ctx.body = { data: await settings(strapi).update(accountOwner(ctx), ctx.request.body), meta: {} };
  },
});
