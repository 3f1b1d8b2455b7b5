import type { Core } from '@strapi/strapi';
import { LMS_PAGE_ACTIONS } from '../../../../access/admin-route';
import { provideMembership } from '../../../../access/membership';
import seatSchema from './content-types/course-seat/schema.json';
import enrollmentSchema from './content-types/enrollment/schema.json';
import adminEnrollmentsController from './controllers/admin-enrollments';
import enrollmentsController from './controllers/enrollments';
import routes from './routes';
import enrollmentMail from './services/enrollment-mail';
import enrollmentViews from './services/enrollment-views';
import enrollments from './services/enrollments';
import payments from './services/payments';
import staffEnrollments from './services/staff-enrollments';

export default {
  contentTypes: { enrollment: { schema: enrollmentSchema }, 'course-seat': { schema: seatSchema } },
  services: {
    enrollments,
    'enrollment-views': enrollmentViews,
    'enrollment-mail': enrollmentMail,
    payments,
    'staff-enrollments': staffEnrollments,
  },
  controllers: { enrollments: enrollmentsController, 'admin-enrollments': adminEnrollmentsController },
  routes,
  async register({ strapi }: { strapi: Core.Strapi }) {
    const service = () => strapi.plugin('enrollment').service('enrollments') as ReturnType<typeof enrollments>;
    provideMembership(strapi, {
      isMember: (userId, courseDocumentId) => service().isMember(userId, courseDocumentId),
      memberCourseDocumentIds: (userId) => service().memberCourseDocumentIds(userId),
    });
    await strapi.service('admin::permission').actionProvider.registerMany([LMS_PAGE_ACTIONS.enrollments.registration]);
  },
  bootstrap({ strapi }: { strapi: Core.Strapi }) {
    // Finished access turns into `expired` even when nobody reads it; reads already show it as expired.
    strapi.cron.add({
      'enrollment:expire-finished-access': {
        task: async () => {
          const expired = await strapi.plugin('enrollment').service('enrollments').expireFinishedAccess(new Date());
          if (expired > 0) strapi.log.info(`enrollment: ${expired} enrollment(s) reached the end of their access`);
        },
        options: { rule: process.env.ENROLLMENT_EXPIRY_CRON ?? '*/10 * * * *' },
      },
    });
  },
};
