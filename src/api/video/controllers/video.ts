import type { Core } from '@strapi/strapi';
import { bodyWithOnly } from '../../../access/params';
import { callerFrom } from '../../../access/roles';
import { retryConversion, serveSignedOutput, videoAsset } from '../../../media';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /videos/:assetId → { data: { id, status, durationSeconds, renditions, posterUrl, error? } } (uploader, admins). */
  async show(ctx: any) {
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = { data: await videoAsset(strapi, callerFrom(ctx.state), String(ctx.params.assetId)), meta: {} };
  },

  /** POST /videos/:assetId/retry: a failed conversion queued again (uploader, admins). */
  async retry(ctx: any) {
    bodyWithOnly(ctx.request.body, []);
    ctx.body = { data: await retryConversion(strapi, callerFrom(ctx.state), String(ctx.params.assetId)), meta: {} };
  },

  /** GET /videos/:assetId/hls/:name?u&e&s: playlists (signed URIs inside), segments and the poster; 403 unsigned. */
  async stream(ctx: any) {
    await serveSignedOutput(strapi, ctx, String(ctx.params.assetId), String(ctx.params.name));
  },
});
