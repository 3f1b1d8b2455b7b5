import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam } from '../../../../../access/params';
import { reasonParam, reportTargetParam } from '../services/moderation';

const moderation = (strapi: Core.Strapi) => strapi.plugin('social').service('moderation');

/**
 * The admin panel's Moderation page (Super Admins and the Moderator role, through the page's action): the same
 * service as the REST routes. A panel user is not an API user, so the audit event names them by their panel id.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /social/reports?target=post|comment&hidden=true */
  async reported(ctx: any) {
    const target = reportTargetParam(ctx.query.target);
    const data = await moderation(strapi).reportedOf(target, { includeHidden: ctx.query.hidden === 'true' });
    ctx.body = { data, meta: { total: data.length } };
  },

  /** POST /social/posts/:documentId/hide { reason? } */
  async hide(ctx: any) {
    await setHidden(strapi, ctx, true, 'post');
  },

  /** POST /social/posts/:documentId/restore { reason? } */
  async restore(ctx: any) {
    await setHidden(strapi, ctx, false, 'post');
  },

  /** POST /social/post-comments/:documentId/hide { reason? } */
  async hideComment(ctx: any) {
    await setHidden(strapi, ctx, true, 'comment');
  },

  /** POST /social/post-comments/:documentId/restore { reason? } */
  async restoreComment(ctx: any) {
    await setHidden(strapi, ctx, false, 'comment');
  },
});

async function setHidden(strapi: Core.Strapi, ctx: any, hidden: boolean, target: 'post' | 'comment') {
  const documentId = documentIdParam(ctx.params.documentId);
  const reason = reasonParam(bodyWithOnly(ctx.request.body, ['reason']).reason, false);
  const moderator = `admin-panel:${ctx.state.user?.id ?? 'unknown'}`;
  const service = moderation(strapi);
  ctx.body = {
    data:
      target === 'post'
        ? await service.setHidden(null, documentId, hidden, reason, moderator)
        : await service.setCommentHidden(null, documentId, hidden, reason, moderator),
    meta: {},
  };
}
