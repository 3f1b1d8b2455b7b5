import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { bodyWithOnly, documentIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { supportedLocaleParam } from '../../../../../content/locales';

const progress = (strapi: Core.Strapi) => strapi.plugin('progress').service('progress');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /lessons/:documentId/complete */
  async complete(ctx: any) {
    const lessonDocumentId = documentIdParam(ctx.params.documentId);
    bodyWithOnly(ctx.request.body, []);
    const result = await progress(strapi).completeLesson(callerFrom(ctx.state), lessonDocumentId, new Date());
    ctx.body = { data: result, meta: {} };
  },

  /** PUT /lessons/:documentId/position { positionSeconds } */
  async savePosition(ctx: any) {
    const lessonDocumentId = documentIdParam(ctx.params.documentId);
    const { positionSeconds } = bodyWithOnly(ctx.request.body, ['positionSeconds']);
    if (
      typeof positionSeconds !== 'number' ||
      !Number.isInteger(positionSeconds) ||
      positionSeconds < 0 ||
      positionSeconds > 86_400 * 7
    ) {
      throw new errors.ValidationError('positionSeconds must be a whole number of seconds', {
        errors: [
          {
            path: ['positionSeconds'],
            message: 'positionSeconds must be an integer from 0 to 604800',
            name: 'ValidationError',
          },
        ],
      });
    }
    const result = await progress(strapi).savePosition(
      callerFrom(ctx.state),
      lessonDocumentId,
      positionSeconds,
      new Date()
    );
    ctx.body = { data: result, meta: {} };
  },

  /** GET /courses/:documentId/outline?locale= */
  async outline(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const locale = supportedLocaleParam(ctx.query.locale);
    const lessons = await progress(strapi).outline(callerFrom(ctx.state), courseDocumentId, locale, new Date());
    ctx.body = { data: lessons, meta: { total: lessons.length } };
  },
});
