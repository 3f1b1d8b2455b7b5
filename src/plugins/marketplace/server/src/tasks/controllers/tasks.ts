import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam, paginationParams } from '../../../../../../access/params';
import { callerFrom } from '../../../../../../access/roles';
import { OFFER_FIELDS, TASK_FIELDS, parseOfferInput, parseTaskInput } from '../rules/task-input';
import { matchesLimitParam, openParam } from '../rules/params';

const tasks = (strapi: Core.Strapi) => strapi.plugin('marketplace').service('tasks');
const matching = (strapi: Core.Strapi) => strapi.plugin('marketplace').service('matching');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /tasks */
  async create(ctx: any) {
    const input = parseTaskInput(bodyWithOnly(ctx.request.body, TASK_FIELDS), new Date());
    ctx.status = 201;
    ctx.body = { data: await tasks(strapi).create(callerFrom(ctx.state), input), meta: {} };
  },

  /** GET /tasks?open=true */
  async list(ctx: any) {
    const open = openParam(ctx.query.open);
    const { page, pageSize } = paginationParams(ctx.query);
    const result = await tasks(strapi).list(callerFrom(ctx.state), { page, pageSize, open });
    ctx.body = { data: result.tasks, meta: { pagination: result.pagination } };
  },

  /** GET /tasks/:documentId */
  async show(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    ctx.body = { data: await tasks(strapi).show(callerFrom(ctx.state), documentId), meta: {} };
  },

  /** GET /tasks/:documentId/matches?limit= */
  async matches(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const limit = matchesLimitParam(ctx.query.limit);
    ctx.body = {
      data: await matching(strapi).matches(callerFrom(ctx.state), documentId, { limit, now: new Date() }),
      meta: {},
    };
  },

  /** POST /tasks/:documentId/offers */
  async offer(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const input = parseOfferInput(bodyWithOnly(ctx.request.body, OFFER_FIELDS));
    ctx.status = 201;
    ctx.body = { data: await tasks(strapi).offer(callerFrom(ctx.state), documentId, input, new Date()), meta: {} };
  },

  /** POST /offers/:documentId/accept */
  async accept(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    bodyWithOnly(ctx.request.body, []);
    ctx.body = { data: await tasks(strapi).accept(callerFrom(ctx.state), documentId, new Date()), meta: {} };
  },

  /** POST /tasks/:documentId/complete */
  async complete(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    bodyWithOnly(ctx.request.body, []);
    ctx.body = { data: await tasks(strapi).complete(callerFrom(ctx.state), documentId, new Date()), meta: {} };
  },

  /** POST /tasks/:documentId/cancel */
  async cancel(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    bodyWithOnly(ctx.request.body, []);
    ctx.body = { data: await tasks(strapi).cancel(callerFrom(ctx.state), documentId, new Date()), meta: {} };
  },
});
