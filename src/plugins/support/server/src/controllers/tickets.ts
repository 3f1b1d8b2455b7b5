import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam, paginationParams } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { parseMessageBody, parseTicketInput } from '../rules/ticket-rules';
import type ticketsService from '../services/tickets';
import type { SupportActor } from '../services/tickets';

const tickets = (strapi: Core.Strapi) =>
  strapi.plugin('support').service('tickets') as ReturnType<typeof ticketsService>;

const actorOf = (ctx: any): SupportActor => ({ kind: 'user', caller: callerFrom(ctx.state) });

/** The support desk's REST routes (contract "Tutor marketplace", Support). */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /support/tickets { subject, body } */
  async create(ctx: any) {
    const input = parseTicketInput(bodyWithOnly(ctx.request.body, ['subject', 'body']));
    ctx.status = 201;
    ctx.body = { data: await tickets(strapi).create(callerFrom(ctx.state), input), meta: {} };
  },

  /** GET /support/tickets?status=&pagination[page]=&pagination[pageSize]= */
  async list(ctx: any) {
    const { page, pageSize } = paginationParams(ctx.query);
    const { data, pagination } = await tickets(strapi).list(actorOf(ctx), { status: ctx.query.status, page, pageSize });
    ctx.body = { data, meta: { pagination } };
  },

  /** GET /support/tickets/:documentId */
  async show(ctx: any) {
    ctx.body = { data: await tickets(strapi).show(actorOf(ctx), documentIdParam(ctx.params.documentId)), meta: {} };
  },

  /** GET /support/tickets/:documentId/messages */
  async messages(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const { page, pageSize } = paginationParams(ctx.query);
    const { data, pagination } = await tickets(strapi).messages(actorOf(ctx), documentId, page, pageSize);
    ctx.body = { data, meta: { pagination } };
  },

  /** POST /support/tickets/:documentId/messages { body } */
  async reply(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const body = parseMessageBody(bodyWithOnly(ctx.request.body, ['body']).body);
    ctx.status = 201;
    ctx.body = { data: await tickets(strapi).reply(actorOf(ctx), documentId, body), meta: {} };
  },

  /** POST /support/tickets/:documentId/close */
  async close(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    bodyWithOnly(ctx.request.body, []);
    ctx.body = { data: await tickets(strapi).close(actorOf(ctx), documentId), meta: {} };
  },

  /** POST /support/tickets/:documentId/assign (staff: "assign to me") */
  async assign(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    bodyWithOnly(ctx.request.body, []);
    ctx.body = { data: await tickets(strapi).assign(actorOf(ctx), documentId), meta: {} };
  },
});
