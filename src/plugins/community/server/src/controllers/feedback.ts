import type { Core } from '@strapi/strapi';
import { parseFeedbackInput } from '../rules/feedback-input';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /feedback { name, email, message } (public, limited per IP by the route) */
  async submit(ctx: any) {
    const input = parseFeedbackInput(ctx.request.body);
    ctx.status = 201;
    ctx.body = { data: await strapi.plugin('community').service('feedback').submit(input), meta: {} };
  },
});
