import type { Core } from '@strapi/strapi';
import { callerFrom } from '../../../../../access/roles';
import { limitParam } from '../rules/cursor';
import { feedSortParam } from '../services/feed';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /feed?sort=recent|popular|recommended&cursor=&limit= */
  async feed(ctx: any) {
    const sort = feedSortParam(ctx.query.sort);
    const { data, nextCursor } = await strapi
      .plugin('social')
      .service('feed')
      .feed(callerFrom(ctx.state), sort, ctx.query.cursor, limitParam(ctx.query.limit));
    ctx.body = { data, meta: { sort, nextCursor } };
  },
});
