import type { Core } from '@strapi/strapi';
import { documentIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { parseAnnouncementInput } from '../rules/announcement-input';
import { paginationMeta, readPage } from '../../../../../access/listing';

const announcements = (strapi: Core.Strapi) => strapi.plugin('community').service('announcements');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /courses/:documentId/announcements?page&pageSize (public for a published course) */
  async list(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const page = readPage(ctx.query);
    const { data, total } = await announcements(strapi).list(callerFrom(ctx.state), courseDocumentId, page);
    ctx.body = { data, meta: { pagination: paginationMeta(page, total) } };
  },

  /** POST /courses/:documentId/announcements { title, body } (owners, admins) */
  async create(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const input = parseAnnouncementInput(ctx.request.body);
    ctx.status = 201;
    ctx.body = { data: await announcements(strapi).create(callerFrom(ctx.state), courseDocumentId, input), meta: {} };
  },
});
