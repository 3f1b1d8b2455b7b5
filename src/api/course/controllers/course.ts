import { factories } from '@strapi/strapi';
import { canManageCourse } from '../../../access/ownership';
import { mayFind, takePopulatedRelation } from '../../../access/populate';
import { asksForDraft, readPublishedOnly } from '../../../access/publication';
import { restPageLimits } from '../../../access/listing';
import { callerFrom } from '../../../access/roles';
import { createWithServerFields } from '../../../access/create-with-server-fields';
import { DEFAULT_LOCALE, supportedLocaleParam } from '../../../content/locales';
import { fieldProblem, throwIfInvalid } from '../../../errors/refusal';
import {
  POPULAR_COURSES_MAX_LIMIT,
  POPULAR_COURSES_WINDOW_DAYS,
  popularCourses,
} from '../../../plugins/enrollment/server/src/facade';
import { attachTeacherProfiles } from '../profiles/teacher-profiles';
import { catalogQueryFrom, type CatalogRelation } from '../reads/catalog-query';
import { readCatalogPage } from '../reads/catalog-read';

const COURSE = 'api::course.course';

/**
 * Figures the server keeps equal to their source (reviews, enrollments); a client's value for them is
 * dropped, so that no one, the course's own teacher included, can write a rating or a head count.
 */
const COMPUTED_FIELDS = ['ratingAverage', 'ratingCount', 'studentsCount'];
function dropComputedFields(ctx: any) {
  const data = ctx.request.body?.data;
  if (data && typeof data === 'object') for (const field of COMPUTED_FIELDS) delete data[field];
}

/** `?limit=` of GET /courses/popular: 1 to the maximum, 10 when absent. */
function popularLimit(value: unknown): number {
  if (value === undefined || value === '') return 10;
  const limit = typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= POPULAR_COURSES_MAX_LIMIT))
    throwIfInvalid([fieldProblem('limit', `limit must be a whole number from 1 to ${POPULAR_COURSES_MAX_LIMIT}`)]);
  return limit;
}

/**
 * LYCEUM_FAST_CATALOG_READS=false sends every catalog read through the document service again: the stock answer the
 * fast one is compared with (tests, bench). Read at each request, so a test compares both in one process.
 */
const isFastCatalogOn = () => process.env.LYCEUM_FAST_CATALOG_READS !== 'false';

export default factories.createCoreController(COURSE, ({ strapi }) => ({
  /** GET /courses/popular?limit&locale (public): the most enrolled published courses of the last 30 days. */
  async popular(ctx) {
    const limit = popularLimit(ctx.query.limit);
    const locale = supportedLocaleParam(ctx.query.locale, 'locale must be en or ru') ?? DEFAULT_LOCALE;
    ctx.body = {
      data: await popularCourses(strapi).popular(limit, locale),
      meta: { windowDays: POPULAR_COURSES_WINDOW_DAYS },
    };
  },

  async find(ctx) {
    const caller = callerFrom(ctx.state);
    if (caller.role !== 'admin') readPublishedOnly(ctx);
    // Users are not readable by the public, so teachers are filled in as public profiles, never raw users.
    const wantsTeachers = caller.role !== 'admin' && takePopulatedRelation(ctx.query, 'teachers');
    const catalogQuery =
      caller.role === 'admin' || !isFastCatalogOn() ? null : catalogQueryFrom(ctx.query, restPageLimits(strapi));
    if (catalogQuery) {
      // The stock read leaves out a populated relation whose type the caller may not `find` (Strapi's sanitizer).
      const populate: CatalogRelation[] = [];
      for (const relation of catalogQuery.populate)
        if (relation !== 'category' || (await mayFind(strapi, ctx.state.auth, 'api::category.category')))
          populate.push(relation);
      const page = await readCatalogPage(strapi, catalogQuery, { populate, withTeacherProfiles: wantsTeachers });
      if (page) return page;
    }
    const response = (await super.find(ctx)) as { data: Array<Record<string, unknown>> };
    if (wantsTeachers) await attachTeacherProfiles(strapi, response.data);
    return response;
  },

  async findOne(ctx) {
    const caller = callerFrom(ctx.state);
    const mayReadDraft =
      caller.role === 'admin' || (asksForDraft(ctx) && (await canManageCourse(strapi, caller, ctx.params.id)));
    if (!mayReadDraft) readPublishedOnly(ctx);
    const wantsTeachers = caller.role !== 'admin' && takePopulatedRelation(ctx.query, 'teachers');
    const response = (await super.findOne(ctx)) as { data: Record<string, unknown> | null } | undefined;
    if (wantsTeachers && response?.data) await attachTeacherProfiles(strapi, [response.data]);
    return response;
  },

  /** Strapi's stock find, routed only for the bench's --compare (src/api/course/routes/bench-stock.ts). */
  async stockFind(ctx) {
    return super.find(ctx);
  },

  async create(ctx) {
    dropComputedFields(ctx);
    const caller = callerFrom(ctx.state);
    if (caller.role !== 'teacher') return super.create(ctx);
    // A teacher's new course lists them as its teacher: they own what they create.
    return createWithServerFields(strapi, this, ctx, COURSE, { teachers: [caller.userId] });
  },

  async update(ctx) {
    dropComputedFields(ctx);
    return super.update(ctx);
  },
}));
