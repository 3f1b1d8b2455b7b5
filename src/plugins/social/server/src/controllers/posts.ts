import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam, recordIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { limitParam } from '../rules/cursor';
import { parsePostInput, POST_FIELDS } from '../rules/post-input';

const posts = (strapi: Core.Strapi) => strapi.plugin('social').service('posts');

/** `?status=draft|published` on a write, the contract's way of saving a draft; a body `status` says the same. */
function withStatus(ctx: any, mode: 'create' | 'update') {
  const body = bodyWithOnly(ctx.request.body, POST_FIELDS);
  const status = ctx.query.status ?? body.status;
  return parsePostInput({ ...body, ...(status !== undefined ? { status } : {}) }, mode);
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /posts */
  async create(ctx: any) {
    const input = withStatus(ctx, 'create');
    ctx.status = 201;
    ctx.body = { data: await posts(strapi).create(callerFrom(ctx.state), input), meta: {} };
  },

  /** PUT /posts/:documentId */
  async update(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const input = withStatus(ctx, 'update');
    ctx.body = { data: await posts(strapi).update(callerFrom(ctx.state), documentId, input), meta: {} };
  },

  /** DELETE /posts/:documentId */
  async remove(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    ctx.body = { data: await posts(strapi).remove(callerFrom(ctx.state), documentId), meta: {} };
  },

  /** GET /posts/:documentId */
  async show(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    ctx.body = { data: await posts(strapi).show(callerFrom(ctx.state), documentId), meta: {} };
  },

  /** GET /posts/:documentId/playback → { data: { status, hlsUrl, posterUrl, durationSeconds } } */
  async playback(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = { data: await posts(strapi).playback(callerFrom(ctx.state), documentId), meta: {} };
  },

  /** GET /users/:id/posts?cursor=&limit= */
  async byUser(ctx: any) {
    const userId = recordIdParam(ctx.params.id);
    const { data, nextCursor } = await posts(strapi).listByUser(
      callerFrom(ctx.state),
      userId,
      ctx.query.cursor,
      limitParam(ctx.query.limit)
    );
    ctx.body = { data, meta: { nextCursor } };
  },

  /** GET /me/posts?cursor=&limit= */
  async mine(ctx: any) {
    const { data, nextCursor } = await posts(strapi).listMine(
      callerFrom(ctx.state),
      ctx.query.cursor,
      limitParam(ctx.query.limit)
    );
    ctx.body = { data, meta: { nextCursor } };
  },
});
