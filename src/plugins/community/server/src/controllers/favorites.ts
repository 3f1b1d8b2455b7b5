import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';

const favorites = (strapi: Core.Strapi) => strapi.plugin('community').service('favorites');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** PUT /lessons/:documentId/favorite */
  async add(ctx: any) {
    const lessonDocumentId = documentIdParam(ctx.params.documentId);
    bodyWithOnly(ctx.request.body, []);
    ctx.body = { data: await favorites(strapi).add(callerFrom(ctx.state).userId!, lessonDocumentId), meta: {} };
  },

  /** DELETE /lessons/:documentId/favorite */
  async remove(ctx: any) {
    const lessonDocumentId = documentIdParam(ctx.params.documentId);
    ctx.body = { data: await favorites(strapi).remove(callerFrom(ctx.state).userId!, lessonDocumentId), meta: {} };
  },

  /** GET /me/favorites */
  async mine(ctx: any) {
    const data = await favorites(strapi).listMine(callerFrom(ctx.state).userId!);
    ctx.body = { data, meta: { total: data.length } };
  },
});
