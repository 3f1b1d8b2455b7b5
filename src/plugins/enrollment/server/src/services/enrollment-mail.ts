import type { Core } from '@strapi/strapi';
import { rememberCourseStructure } from '../../../../../access/course-structure-cache';

const COURSE = 'api::course.course';
const USER = 'plugin::users-permissions.user';

/** The enrollment confirmation a student receives by email. A mail failure is logged, never raised. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async sendEnrollmentConfirmation(userId: number, courseDocumentId: string) {
    try {
      const [user, course] = await Promise.all([
        strapi.db
          .query(USER)
          .findOne({ where: { id: userId }, select: ['email', 'username', 'fullName', 'preferredLocale'] }),
        // Kept with the course structure: a popular course is joined many times a minute.
        rememberCourseStructure(strapi, `course-title-for-mail:${courseDocumentId}`, () =>
          strapi.db.query(COURSE).findOne({
            where: { documentId: courseDocumentId, publishedAt: { $notNull: true } },
            select: ['title', 'slug'],
            orderBy: { locale: 'asc' },
          })
        ),
      ]);
      if (!user?.email || !course) return;
      const publicUrl = (strapi.config.get('server.url') as string) || '';
      await strapi
        .plugin('email')
        .service('email')
        .send({
          to: user.email,
          subject: `You are enrolled: ${course.title}`,
          text: [
            `Hello ${user.fullName || user.username},`,
            `you are enrolled in "${course.title}". Your lessons are waiting for you.`,
            publicUrl ? `${publicUrl.replace(/\/+$/, '')}/courses/${course.slug ?? courseDocumentId}` : '',
          ]
            .filter(Boolean)
            .join('\n\n'),
        });
    } catch (error) {
      strapi.log.warn(`enrollment: could not email the confirmation to user ${userId}: ${(error as Error).message}`);
    }
  },
});
