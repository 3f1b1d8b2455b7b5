import { factories } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { assertCanManageCourse, findCourseOfContent, teachingCourseDocumentIds } from '../../../access/ownership';
import { Refusal } from '../../../errors/refusal';
import { callerFrom } from '../../../access/roles';

const BANK = 'api::question-bank.question-bank';

/**
 * Question banks are read and written by their course's owners and admins only (contract, "Teaching depth"):
 * a teacher's list holds the banks of the courses they teach, another course's bank is 403 `not_course_owner`.
 * The answer key stays private as in quizzes (answer-visibility.ts): REST never shows it, the content manager does.
 */
export default factories.createCoreController(BANK, ({ strapi }) => ({
  async find(ctx) {
    const caller = callerFrom(ctx.state);
    if (caller.role !== 'admin') {
      const taught =
        caller.role === 'teacher' && caller.userId !== null
          ? await teachingCourseDocumentIds(strapi, caller.userId)
          : [];
      // Strapi drops an empty $in, which would then match every bank: an impossible filter instead.
      const ofTaughtCourses = taught.length ? { course: { documentId: { $in: taught } } } : { id: { $null: true } };
      const filters = ctx.query.filters;
      ctx.query.filters = filters ? { $and: [filters, ofTaughtCourses] } : ofTaughtCourses;
    }
    return super.find(ctx);
  },

  async findOne(ctx) {
    const caller = callerFrom(ctx.state);
    const courseDocumentId = await findCourseOfContent(strapi, BANK, ctx.params.id);
    if (courseDocumentId === undefined) throw new errors.NotFoundError('Not found');
    if (courseDocumentId === null) {
      if (caller.role !== 'admin')
        throw new Refusal('Only the teachers of this course may do this', 'not_course_owner');
    } else {
      await assertCanManageCourse(strapi, caller, courseDocumentId);
    }
    const response = (await super.findOne(ctx)) as { data: unknown } | undefined;
    if (!response?.data) throw new errors.NotFoundError('Not found');
    return response;
  },
}));
