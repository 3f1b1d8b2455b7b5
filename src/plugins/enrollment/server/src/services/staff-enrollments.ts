import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { assertCanManageCourse } from '../../../../../access/ownership';
import type { Caller } from '../../../../../access/roles';

const USER = 'plugin::users-permissions.user';

const enrollments = (strapi: Core.Strapi) => strapi.plugin('enrollment').service('enrollments');
const views = (strapi: Core.Strapi) => strapi.plugin('enrollment').service('enrollment-views');

/**
 * What course staff do to enrollments from the admin panel's Enrollments page. Each action is the REST API's
 * own rule (owners and admins place and remove students; capacity, publication and "already enrolled" still
 * apply), reached with the caller adminCaller made of the admin-panel user.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async courses(caller: Caller, locale?: string) {
    return views(strapi).listManageable(caller, locale);
  },

  async students(caller: Caller, courseDocumentId: string, page: { page: number; pageSize: number }, now: Date) {
    await assertCanManageCourse(strapi, caller, courseDocumentId);
    return views(strapi).listStudents(courseDocumentId, { ...page, now });
  },

  /** Staff know a student by email, not by id: the account must exist (students register themselves). */
  async enrollByEmail(caller: Caller, courseDocumentId: string, email: string, now: Date) {
    await assertCanManageCourse(strapi, caller, courseDocumentId);
    const user = await strapi.db.query(USER).findOne({ where: { email: email.toLowerCase() }, select: ['id'] });
    if (!user) throw new errors.NotFoundError('No user has this email', { reason: 'user_not_found' });
    const enrollment = await enrollments(strapi).enroll({
      userId: user.id,
      courseDocumentId,
      now,
      isPlacedByStaff: true,
      staff: caller,
    });
    return views(strapi).present(enrollment, courseDocumentId, now);
  },

  async cancelForStudent(caller: Caller, courseDocumentId: string, userId: number, now: Date) {
    await assertCanManageCourse(strapi, caller, courseDocumentId);
    const enrollment = await enrollments(strapi).cancel({ userId, courseDocumentId, now, staff: caller });
    return views(strapi).present(enrollment, courseDocumentId, now);
  },
});
