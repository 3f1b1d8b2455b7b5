import type { Core } from '@strapi/strapi';
import { bodyWithOnly, paginationParams, recordIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { cleanBody } from '../rules/sanitize-body';

const messages = (strapi: Core.Strapi) => strapi.plugin('messaging').service('messages');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /me/conversations */
  async conversations(ctx: any) {
    const caller = callerFrom(ctx.state);
    const { page, pageSize } = paginationParams(ctx.query);
    const result = await messages(strapi).conversations(caller.userId!, { page, pageSize });
    ctx.body = { data: result.conversations, meta: { pagination: result.pagination } };
  },

  /** GET /conversations/:userId/messages */
  async list(ctx: any) {
    const caller = callerFrom(ctx.state);
    const otherUserId = recordIdParam(ctx.params.userId, 'userId');
    const { page, pageSize } = paginationParams(ctx.query);
    const result = await messages(strapi).conversation(caller.userId!, otherUserId, {
      page,
      pageSize,
      now: new Date(),
    });
    ctx.body = { data: result.messages, meta: { pagination: result.pagination } };
  },

  /** POST /conversations/:userId/messages { body } */
  async send(ctx: any) {
    const caller = callerFrom(ctx.state);
    const recipientId = recordIdParam(ctx.params.userId, 'userId');
    const { body } = bodyWithOnly(ctx.request.body, ['body']);
    const cleaned = cleanBody(body);
    ctx.status = 201;
    ctx.body = { data: await messages(strapi).send(caller, recipientId, cleaned, new Date()), meta: {} };
  },
});
