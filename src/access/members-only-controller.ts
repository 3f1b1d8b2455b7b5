import { factories } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { findCourseOfContent, isCourseMemberOrManager, readableCourseDocumentIds } from './ownership';
import { readPublishedOnly } from './publication';
import { Refusal } from '../errors/refusal';
import { callerFrom } from './roles';

type MembersOnlyUid = 'api::quiz.quiz' | 'api::assignment.assignment';

/**
 * Core controller for content only a course's members read (quizzes, assignments): lists are filtered to
 * the caller's courses, a single entry of another course is 403 `not_enrolled`.
 */
export function createMembersOnlyController(uid: MembersOnlyUid) {
  // Quizzes may hang off a lesson rather than the course itself.
  const inCourses = (courseIds: string[]) =>
    // Strapi drops an empty $in, which would then match every entry: an impossible filter instead.
    courseIds.length === 0
      ? { id: { $null: true } }
      : uid === 'api::quiz.quiz'
        ? {
            $or: [
              { course: { documentId: { $in: courseIds } } },
              { lesson: { course: { documentId: { $in: courseIds } } } },
            ],
          }
        : { course: { documentId: { $in: courseIds } } };

  return factories.createCoreController(uid, ({ strapi }) => ({
    async find(ctx) {
      const caller = callerFrom(ctx.state);
      if (caller.role !== 'admin') {
        readPublishedOnly(ctx);
        const courseIds = await readableCourseDocumentIds(strapi, caller);
        const filters = ctx.query.filters;
        ctx.query.filters = filters ? { $and: [filters, inCourses(courseIds)] } : inCourses(courseIds);
      }
      return super.find(ctx);
    },

    async findOne(ctx) {
      const caller = callerFrom(ctx.state);
      if (caller.role !== 'admin') {
        const courseDocumentId = await findCourseOfContent(strapi, uid, ctx.params.id);
        if (courseDocumentId === undefined) throw new errors.NotFoundError('Not found');
        const isMember = courseDocumentId !== null && (await isCourseMemberOrManager(strapi, caller, courseDocumentId));
        if (!isMember) throw new Refusal('Enroll in the course to see this', 'not_enrolled');
        readPublishedOnly(ctx);
      }
      const response = (await super.findOne(ctx)) as { data: unknown } | undefined;
      if (!response?.data) throw new errors.NotFoundError('Not found');
      return response;
    },
  }));
}
