import type { Core } from '@strapi/strapi';
import { rememberCourseStructure } from '../../../../../access/course-structure-cache';
import { defineJob } from '../../../../../jobs';
import { sendMailFromJob } from '../../../../../mail/mail-job';
import { wantsMailOf } from '../../../../../notifications/channels';

const COURSE = 'api::course.course';
const USER = 'plugin::users-permissions.user';

export interface EnrollmentConfirmation {
  userId: number;
  courseDocumentId: string;
  /** ISO time of this enrollment (for the admin job list: which enrollment the job confirms). */
  enrolledAt: string;
}

/**
 * `enrollment.confirmation-mail`: composes the confirmation when the job runs (the enrolling request reads neither
 * the user nor the title for it) and sends it from the job (one job per enrollment, not a second `mail.send`). Like
 * `mail.send`, a retry follows only a failed send, or a worker that died between the SMTP answer and the record.
 */
export const enrollmentConfirmationJob = defineJob<EnrollmentConfirmation>(
  'enrollment.confirmation-mail',
  async (strapi, confirmation) => {
    await strapi.plugin('enrollment').service('enrollment-mail').sendEnrollmentConfirmation(confirmation);
  }
);

/** The enrollment confirmation a student receives by email. A failure throws, so the job is retried. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async sendEnrollmentConfirmation({ userId, courseDocumentId }: EnrollmentConfirmation) {
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
    // The kind `enrollment`'s email switch (settings) decides; read when the job runs, so a change just made counts.
    if (!user?.email || !course || !(await wantsMailOf(strapi, userId, 'enrollment'))) return;
    const publicUrl = (strapi.config.get('server.url') as string) || '';
    await sendMailFromJob(strapi, {
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
  },
});
