import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam, recordIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';

const quizPosts = (strapi: Core.Strapi) => strapi.plugin('social').service('quiz-posts');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /posts/:documentId/attempts */
  async start(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    bodyWithOnly(ctx.request.body, []);
    ctx.status = 201;
    ctx.body = { data: await quizPosts(strapi).start(callerFrom(ctx.state), documentId), meta: {} };
  },

  /** POST /post-attempts/:id/submit { answers } */
  async submit(ctx: any) {
    const attemptId = recordIdParam(ctx.params.id);
    const body = bodyWithOnly(ctx.request.body, ['answers']);
    ctx.body = { data: await quizPosts(strapi).submit(callerFrom(ctx.state), attemptId, body.answers), meta: {} };
  },
});
