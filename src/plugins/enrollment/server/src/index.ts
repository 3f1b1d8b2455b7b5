import type { Core } from '@strapi/strapi';
import { cadenceFrom, defineSchedule } from '../../../../jobs';
import { LMS_PAGE_ACTIONS } from '../../../../access/admin-route';
import { provideMembership } from '../../../../access/membership';
import seatSchema from './content-types/course-seat/schema.json';
import seatHoldSchema from './content-types/seat-hold/schema.json';
import enrollmentSchema from './content-types/enrollment/schema.json';
import waitlistEntrySchema from './content-types/waitlist-entry/schema.json';
import adminEnrollmentsController from './controllers/admin-enrollments';
import enrollmentsController from './controllers/enrollments';
import waitlistsController from './controllers/waitlists';
import routes from './routes';
import { EXPIRE_FINISHED_ACCESS, expireFinishedAccess } from './jobs/expire-finished-access';
import enrollmentMail from './services/enrollment-mail';
import enrollmentViews from './services/enrollment-views';
import enrollments from './services/enrollments';
import popularCourses, { closePopularCoursesRedis } from './services/popular-courses';
import { REFRESH_POPULAR_COURSES, refreshPopularCourses } from './jobs/refresh-popular-courses';
import staffEnrollments from './services/staff-enrollments';
import waitlists from './services/waitlists';
import { EXPIRE_WAITLIST_OFFERS, expireWaitlistOffers } from './jobs/waitlist-jobs';
import { freeRaisedCapacityForWaitlists } from './waitlist-course-writes';

export default {
  contentTypes: {
    enrollment: { schema: enrollmentSchema },
    'course-seat': { schema: seatSchema },
    'seat-hold': { schema: seatHoldSchema },
    'waitlist-entry': { schema: waitlistEntrySchema },
  },
  services: {
    enrollments,
    'enrollment-views': enrollmentViews,
    'enrollment-mail': enrollmentMail,
    'popular-courses': popularCourses,
    'staff-enrollments': staffEnrollments,
    waitlists,
  },
  controllers: {
    enrollments: enrollmentsController,
    'admin-enrollments': adminEnrollmentsController,
    waitlists: waitlistsController,
  },
  routes,
  async register({ strapi }: { strapi: Core.Strapi }) {
    const service = () => strapi.plugin('enrollment').service('enrollments') as ReturnType<typeof enrollments>;
    provideMembership(strapi, {
      isMember: (userId, courseDocumentId) => service().isMember(userId, courseDocumentId),
      memberCourseDocumentIds: (userId) => service().memberCourseDocumentIds(userId),
    });
    await strapi.service('admin::permission').actionProvider.registerMany([LMS_PAGE_ACTIONS.enrollments.registration]);
    freeRaisedCapacityForWaitlists(
      strapi,
      () => strapi.plugin('enrollment').service('waitlists') as ReturnType<typeof waitlists>
    );
  },
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    // The counts' table when no Redis keeps them; made before the schedule's first run and the first read.
    if (!process.env.REDIS_URL)
      await (strapi.plugin('enrollment').service('popular-courses') as ReturnType<typeof popularCourses>).ensureTable();
    defineSchedule(
      EXPIRE_FINISHED_ACCESS,
      cadenceFrom('ENROLLMENT_EXPIRY_CRON', process.env.ENROLLMENT_EXPIRY_CRON, { cron: '*/10 * * * *' }),
      expireFinishedAccess
    );
    defineSchedule(
      EXPIRE_WAITLIST_OFFERS,
      cadenceFrom('WAITLIST_OFFER_EXPIRY_CRON', process.env.WAITLIST_OFFER_EXPIRY_CRON, { every: 60_000 }),
      expireWaitlistOffers
    );
    defineSchedule(
      REFRESH_POPULAR_COURSES,
      cadenceFrom('POPULAR_COURSES_CRON', process.env.POPULAR_COURSES_CRON, { cron: '*/5 * * * *' }),
      refreshPopularCourses
    );
  },
  async destroy() {
    await closePopularCoursesRedis();
  },
};
