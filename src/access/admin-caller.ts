import type { Core } from '@strapi/strapi';
import { TEACHER_ROLE_CODE } from '../bootstrap/admin-roles';
import { Refusal } from '../errors/refusal';
import type { Caller } from './roles';

const SUPER_ADMIN_CODE = 'strapi-super-admin';

/** The admin-panel user as Strapi's admin auth leaves it in ctx.state.user. */
export interface AdminPanelUser {
  id: number;
  email?: string | null;
  roles?: Array<{ code?: string | null }> | null;
}

/**
 * The LMS pages of the admin panel (grading queue, insights, enrollments, certificates) run the same rules as
 * the API, so they need the same Caller. A Super Admin acts as an admin. A Teacher acts as the users-permissions
 * account with the same email, the one listed in the courses' `teachers`: an admin-panel account and a learning
 * account are different records, and the email is what they share (as in the "is a teacher of this course"
 * condition). Anyone else (Marketer, Editor, Author) is not course staff.
 */
export async function adminCaller(strapi: Core.Strapi, user: AdminPanelUser | null | undefined): Promise<Caller> {
  if (!user) throw new Refusal('Log in to the admin panel first', 'not_authenticated');
  const codes = (user.roles ?? []).map((role) => role.code);
  if (codes.includes(SUPER_ADMIN_CODE)) return { userId: null, role: 'admin' };
  if (codes.includes(TEACHER_ROLE_CODE) && user.email) {
    const account = await strapi.db.query('plugin::users-permissions.user').findOne({
      where: { email: user.email.toLowerCase() },
      select: ['id', 'blocked'],
      populate: { role: { select: ['type'] } },
    });
    if (account && !account.blocked && (account.role?.type === 'teacher' || account.role?.type === 'admin'))
      return { userId: account.id, role: account.role.type };
    throw new Refusal(
      `No teacher account uses ${user.email}: the courses you teach are found through it`,
      'no_teacher_account'
    );
  }
  throw new Refusal('Only teachers and administrators use the LMS pages', 'not_course_staff');
}
