import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { reasonParam, reportTargetParam } from '../services/moderation';

const moderation = (strapi: Core.Strapi) => strapi.plugin('social').service('moderation');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /posts/:documentId/report { reason } */
  async report(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const body = bodyWithOnly(ctx.request.body, ['reason']);
    ctx.status = 201;
    ctx.body = { data: await moderation(strapi).report(callerFrom(ctx.state), documentId, body.reason), meta: {} };
  },

  /** POST /posts/:documentId/hide { reason? } (admin) */
  async hide(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const reason = reasonParam(bodyWithOnly(ctx.request.body, ['reason']).reason, false);
    ctx.body = { data: await moderation(strapi).setHidden(callerFrom(ctx.state), documentId, true, reason), meta: {} };
  },

  /** POST /posts/:documentId/restore { reason? } (admin) */
  async restore(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const reason = reasonParam(bodyWithOnly(ctx.request.body, ['reason']).reason, false);
    ctx.body = { data: await moderation(strapi).setHidden(callerFrom(ctx.state), documentId, false, reason), meta: {} };
  },

  /** POST /post-comments/:documentId/report { reason } */
  async reportComment(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const body = bodyWithOnly(ctx.request.body, ['reason']);
    ctx.status = 201;
    ctx.body = {
      data: await moderation(strapi).reportComment(callerFrom(ctx.state), documentId, body.reason),
      meta: {},
    };
  },

  /** POST /post-comments/:documentId/hide|restore { reason? } (admin) */
  async hideComment(ctx: any) {
    await setCommentHidden(strapi, ctx, true);
  },
  async restoreComment(ctx: any) {
    await setCommentHidden(strapi, ctx, false);
  },

  /** GET /post-reports?target=post|comment&hidden=true (admin): reported posts or comments with their reports. */
  async reported(ctx: any) {
    const target = reportTargetParam(ctx.query.target);
    const data = await moderation(strapi).reportedOf(target, { includeHidden: ctx.query.hidden === 'true' });
    ctx.body = { data, meta: { total: data.length } };
  },
});

async function setCommentHidden(strapi: Core.Strapi, ctx: any, hidden: boolean) {
  const documentId = documentIdParam(ctx.params.documentId);
  const reason = reasonParam(bodyWithOnly(ctx.request.body, ['reason']).reason, false);
  ctx.body = {
    data: await moderation(strapi).setCommentHidden(callerFrom(ctx.state), documentId, hidden, reason),
    meta: {},
  };
}
