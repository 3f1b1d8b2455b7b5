import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam, paginationParams } from '../../../../../access/params';
import { parseMessageBody } from '../rules/ticket-rules';
import type ticketsService from '../services/tickets';
import type { SupportActor } from '../services/tickets';

const tickets = (strapi: Core.Strapi) =>
  strapi.plugin('support').service('tickets') as ReturnType<typeof ticketsService>;

/**
 * The admin panel's Support page (Super Admins and the `Support` admin role, through `plugin::support.manage-tickets`):
 * the same service as the REST routes, acting as the panel user, who is staff. Replies and assignments name the panel
 * user (their first and last name, else their email).
 */
function panelActor(ctx: any): SupportActor {
  const user = ctx.state.user ?? {};
  const name = [user.firstname, user.lastname].filter(Boolean).join(' ') || user.username || user.email || 'Support';
  return { kind: 'panel', adminId: Number(user.id), name: String(name) };
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /support/tickets?status=&pagination[page]=&pagination[pageSize]= */
  async list(ctx: any) {
    const { page, pageSize } = paginationParams(ctx.query);
    const { data, pagination } = await tickets(strapi).list(panelActor(ctx), {
      status: ctx.query.status,
      page,
      pageSize,
    });
    ctx.body = { data, meta: { pagination } };
  },

  /** GET /support/tickets/:documentId */
  async show(ctx: any) {
    ctx.body = { data: await tickets(strapi).show(panelActor(ctx), documentIdParam(ctx.params.documentId)), meta: {} };
  },

  /** POST /support/tickets/:documentId/messages { body } */
  async reply(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const body = parseMessageBody(bodyWithOnly(ctx.request.body, ['body']).body);
    ctx.status = 201;
    ctx.body = { data: await tickets(strapi).reply(panelActor(ctx), documentId, body), meta: {} };
  },

  /** POST /support/tickets/:documentId/close */
  async close(ctx: any) {
    ctx.body = { data: await tickets(strapi).close(panelActor(ctx), documentIdParam(ctx.params.documentId)), meta: {} };
  },

  /** POST /support/tickets/:documentId/assign: to the panel user ("Assign to me"). */
  async assign(ctx: any) {
    ctx.body = {
      data: await tickets(strapi).assign(panelActor(ctx), documentIdParam(ctx.params.documentId)),
      meta: {},
    };
  },
});
