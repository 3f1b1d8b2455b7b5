import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';

const reactions = (strapi: Core.Strapi) => strapi.plugin('social').service('reactions');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** PUT /posts/:documentId/like */
  async likePost(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    bodyWithOnly(ctx.request.body, []);
    ctx.body = { data: await reactions(strapi).likePost(callerFrom(ctx.state), documentId, true), meta: {} };
  },

  /** DELETE /posts/:documentId/like */
  async unlikePost(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    ctx.body = { data: await reactions(strapi).likePost(callerFrom(ctx.state), documentId, false), meta: {} };
  },

  /** PUT /post-comments/:documentId/like */
  async likeComment(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    bodyWithOnly(ctx.request.body, []);
    ctx.body = { data: await reactions(strapi).likeComment(callerFrom(ctx.state), documentId, true), meta: {} };
  },

  /** DELETE /post-comments/:documentId/like */
  async unlikeComment(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    ctx.body = { data: await reactions(strapi).likeComment(callerFrom(ctx.state), documentId, false), meta: {} };
  },

  /** GET /posts/:documentId/comments */
  async listComments(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const data = await reactions(strapi).listComments(callerFrom(ctx.state), documentId);
    ctx.body = { data, meta: {} };
  },

  /** POST /posts/:documentId/comments { body, parent? } */
  async createComment(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const body = bodyWithOnly(ctx.request.body, ['body', 'parent']);
    ctx.status = 201;
    ctx.body = { data: await reactions(strapi).createComment(callerFrom(ctx.state), documentId, body), meta: {} };
  },

  /** DELETE /post-comments/:documentId */
  async removeComment(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    ctx.body = { data: await reactions(strapi).removeComment(callerFrom(ctx.state), documentId), meta: {} };
  },
});
