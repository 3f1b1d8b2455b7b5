import type { Core } from '@strapi/strapi';
import { accountOwner, currentSessionId } from './caller';

const sessions = (strapi: Core.Strapi) => strapi.plugin('account').service('sessions');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /me/sessions */
  async list(ctx: any) {
    ctx.body = { data: await sessions(strapi).list(accountOwner(ctx), currentSessionId(ctx)), meta: {} };
  },

  /** DELETE /me/sessions/:id */
  async revoke(ctx: any) {
    ctx.body = { data: await sessions(strapi).revoke(accountOwner(ctx), String(ctx.params.id ?? '')), meta: {} };
  },

  /** DELETE /me/sessions: all but the current one */
  async revokeOthers(ctx: any) {
    ctx.body = { data: await sessions(strapi).revokeOthers(accountOwner(ctx), currentSessionId(ctx)), meta: {} };
  },
});
