import type { Core } from '@strapi/strapi';
import { bodyWithOnly, recordIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { limitParam } from '../rules/cursor';

const follows = (strapi: Core.Strapi) => strapi.plugin('social').service('follows');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** PUT /users/:id/follow */
  async follow(ctx: any) {
    const userId = recordIdParam(ctx.params.id);
    bodyWithOnly(ctx.request.body, []);
    ctx.body = { data: await follows(strapi).follow(callerFrom(ctx.state), userId), meta: {} };
  },

  /** DELETE /users/:id/follow */
  async unfollow(ctx: any) {
    const userId = recordIdParam(ctx.params.id);
    ctx.body = { data: await follows(strapi).unfollow(callerFrom(ctx.state), userId), meta: {} };
  },

  /** GET /users/:id/followers */
  async followers(ctx: any) {
    const userId = recordIdParam(ctx.params.id);
    ctx.body = await follows(strapi).list(
      callerFrom(ctx.state),
      userId,
      'followers',
      ctx.query.cursor,
      limitParam(ctx.query.limit, 50, 100)
    );
  },

  /** GET /users/:id/following */
  async following(ctx: any) {
    const userId = recordIdParam(ctx.params.id);
    ctx.body = await follows(strapi).list(
      callerFrom(ctx.state),
      userId,
      'following',
      ctx.query.cursor,
      limitParam(ctx.query.limit, 50, 100)
    );
  },
});
