import type { Core } from '@strapi/strapi';
import { recordIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { readLocale } from '../rules/locale';
import { paginationMeta, readPage } from '../../../../../access/listing';

const teachers = (strapi: Core.Strapi) => strapi.plugin('community').service('teachers');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /teachers?page&pageSize&locale (public) */
  async list(ctx: any) {
    const page = readPage(ctx.query);
    const { data, total } = await teachers(strapi).list(page, readLocale(ctx.query), callerFrom(ctx.state));
    ctx.body = { data, meta: { pagination: paginationMeta(page, total) } };
  },

  /** GET /teachers/:id (public) */
  async show(ctx: any) {
    const id = recordIdParam(ctx.params.id, 'id');
    ctx.body = { data: await teachers(strapi).show(id, readLocale(ctx.query), callerFrom(ctx.state)), meta: {} };
  },
});
