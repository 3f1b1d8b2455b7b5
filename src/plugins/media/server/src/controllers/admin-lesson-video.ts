import type { Core } from '@strapi/strapi';
import { adminCaller } from '../../../../../access/admin-caller';
import { bodyWithOnly, documentIdParam } from '../../../../../access/params';
import { PREVIEW_LOCALE_CODE } from '../../../../../content/locales';
import { invalidField } from '../../../../../errors/refusal';
import type lessonVideoService from '../services/lesson-video';
import type { LessonVideoTarget } from '../services/lesson-video';

const lessonVideo = (strapi: Core.Strapi) =>
  strapi.plugin('media').service('lesson-video') as ReturnType<typeof lessonVideoService>;

/** The lesson and, from `?locale=`, its version (the content manager passes the one on screen). */
function targetOf(ctx: any): LessonVideoTarget {
  const documentId = documentIdParam(ctx.params.documentId);
  const locale = ctx.query?.locale;
  if (locale === undefined) return { documentId };
  if (typeof locale !== 'string' || !PREVIEW_LOCALE_CODE.test(locale))
    throw invalidField('locale', 'locale is not a locale code');
  return { documentId, locale };
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /media/lessons/:documentId/video?locale= */
  async show(ctx: any) {
    const caller = await adminCaller(strapi, ctx.state.user);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = { data: await lessonVideo(strapi).show(caller, targetOf(ctx)), meta: {} };
  },

  /** POST /media/lessons/:documentId/video/retry?locale= */
  async retry(ctx: any) {
    const caller = await adminCaller(strapi, ctx.state.user);
    bodyWithOnly(ctx.request.body, []);
    ctx.body = { data: await lessonVideo(strapi).retry(caller, targetOf(ctx)), meta: {} };
  },
});
