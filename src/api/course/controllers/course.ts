import { factories } from '@strapi/strapi';
import { canManageCourse } from '../../../access/ownership';
import { takePopulatedRelation } from '../../../access/populate';
import { asksForDraft, readPublishedOnly } from '../../../access/publication';
import { callerFrom } from '../../../access/roles';
import { createWithServerFields } from '../../../access/create-with-server-fields';
import { attachTeacherProfiles } from '../profiles/teacher-profiles';

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

export default factories.createCoreController(COURSE, ({ strapi }) => ({
  async find(ctx) {
    const caller = callerFrom(ctx.state);
    if (caller.role !== 'admin') readPublishedOnly(ctx);
    // Users are not readable by the public, so teachers are filled in as public profiles, never raw users.
    const wantsTeachers = caller.role !== 'admin' && takePopulatedRelation(ctx.query, 'teachers');
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
