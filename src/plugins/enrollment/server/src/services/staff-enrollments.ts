import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { assertCanManageCourse } from '../../../../../access/ownership';
import type { Caller } from '../../../../../access/roles';
import { auditEntity, recordAuditEvent } from '../../../../../audit';
import type waitlistsService from './waitlists';

const USER = 'plugin::users-permissions.user';

const enrollments = (strapi: Core.Strapi) => strapi.plugin('enrollment').service('enrollments');
const views = (strapi: Core.Strapi) => strapi.plugin('enrollment').service('enrollment-views');
const waitlists = (strapi: Core.Strapi) =>
  strapi.plugin('enrollment').service('waitlists') as ReturnType<typeof waitlistsService>;

/** The admin-panel user behind a staff change, named in its audit line. */
export interface AdminActor {
  id: number;
  email: string;
}

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

  /** The course's waitlist in line order (waiting and offered entries). */
  async waitlist(caller: Caller, courseDocumentId: string) {
    await assertCanManageCourse(strapi, caller, courseDocumentId);
    return waitlists(strapi).listForCourse(courseDocumentId);
  },

  /** Moves a waiting entry one place up; answers the line as it now stands. In the audit trail and the log. */
  async moveUp(caller: Caller, actor: AdminActor, courseDocumentId: string, entryId: number, now: Date) {
    await assertCanManageCourse(strapi, caller, courseDocumentId);
    // The move and its audit event commit together (the service's transaction joins this one).
    await strapi.db.transaction(async () => {
      await waitlists(strapi).moveUp(courseDocumentId, entryId, now);
      await recordAuditEvent(strapi, {
        action: 'waitlist.moved',
        actor: caller,
        entity: auditEntity('waitlist-entry', entryId),
        after: { course: courseDocumentId, movedUp: 1, adminPanelUser: actor.id },
        at: now,
      });
    });
    strapi.log.info(
      `audit: admin user #${actor.id} (${actor.email}) moved waitlist entry #${entryId} of course ${courseDocumentId} up`
    );
    return waitlists(strapi).listForCourse(courseDocumentId);
  },

  /** Takes an entry out of the line (an offered seat goes to the next); answers the line. In the audit trail and the log. */
  async removeFromWaitlist(caller: Caller, actor: AdminActor, courseDocumentId: string, entryId: number, now: Date) {
    await assertCanManageCourse(strapi, caller, courseDocumentId);
    const removed = await strapi.db.transaction(async () => {
      const entry = await waitlists(strapi).remove(courseDocumentId, entryId, now);
      await recordAuditEvent(strapi, {
        action: 'waitlist.removed',
        actor: caller,
        entity: auditEntity('waitlist-entry', entry.id),
        before: { course: courseDocumentId, student: entry.userId },
        after: { adminPanelUser: actor.id },
        at: now,
      });
      return entry;
    });
    strapi.log.info(
      `audit: admin user #${actor.id} (${actor.email}) removed waitlist entry #${removed.id} (user #${removed.userId}) of course ${courseDocumentId}`
    );
    return waitlists(strapi).listForCourse(courseDocumentId);
  },

  async cancelForStudent(caller: Caller, courseDocumentId: string, userId: number, now: Date) {
    await assertCanManageCourse(strapi, caller, courseDocumentId);
    const enrollment = await enrollments(strapi).cancel({ userId, courseDocumentId, now, staff: caller });
    return views(strapi).present(enrollment, courseDocumentId, now);
  },
});
