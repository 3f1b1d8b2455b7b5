import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { adminCaller } from '../../../../../access/admin-caller';
import { documentIdParam } from '../../../../../access/params';
import { INSIGHTS_PERIODS, type InsightsPeriod } from '../rules/insights';
import { enrollmentViews } from '../../../../enrollment/server/src/facade';

function periodParam(value: unknown): InsightsPeriod {
  if (value === undefined) return 'week';
  if (typeof value === 'string' && (INSIGHTS_PERIODS as readonly string[]).includes(value))
    return value as InsightsPeriod;
  throw new errors.ValidationError('period must be day or week', {
    errors: [{ path: ['period'], message: 'period must be day or week', name: 'ValidationError' }],
  });
}

/** The admin panel's Course insights page (admin routes under /progress). */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /progress/courses — the courses the caller may open insights of. */
  async courses(ctx: any) {
    const caller = await adminCaller(strapi, ctx.state.user);
    const data = await enrollmentViews(strapi).listManageable(
      caller,
      typeof ctx.query.locale === 'string' ? ctx.query.locale : undefined
    );
    ctx.body = { data, meta: { total: data.length } };
  },

  /** GET /progress/insights/:courseDocumentId?period=day|week */
  async insights(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.courseDocumentId, 'courseDocumentId');
    const period = periodParam(ctx.query.period);
    const caller = await adminCaller(strapi, ctx.state.user);
    ctx.body = {
      data: await strapi.plugin('progress').service('course-insights').forCourse(caller, courseDocumentId, { period }),
      meta: {},
    };
  },
});
