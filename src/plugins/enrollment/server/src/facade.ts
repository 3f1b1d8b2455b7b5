import type { Core } from '@strapi/strapi';
import type enrollmentsService from './services/enrollments';
import type enrollmentViewsService from './services/enrollment-views';
import type popularCoursesService from './services/popular-courses';

/**
 * What the enrollment plugin offers the rest of Lyceum: the only file other plugins and the app import from it
 * (tests/unit/module-boundaries.test.ts holds them to that). Enrollment depends on no other plugin: where it needs an
 * answer from above (has this student paid for the course?) it declares a port (paid-orders.ts) that commerce fills.
 */

export type { CourseTerms, EnrollmentStatus } from './rules/enrollment-rules';
export type { SeatHold } from './seats';
export { providePaidOrders, type PaidOrders } from './paid-orders';
export { effectiveStatus, isMemberStatus } from './rules/enrollment-rules';
export type { EnrollmentActivity, EnrollmentChange, RecordedActivity } from './rules/enrollment-changes';
export { activityChange, completionChange } from './rules/enrollment-changes';
export {
  ENROLLMENT,
  enrollmentFromRow,
  enrollmentKey,
  RECORD_ATTRIBUTES as ENROLLMENT_RECORD_ATTRIBUTES,
  type EnrollmentRecord,
} from './services/enrollments';

type EnrollmentsService = ReturnType<typeof enrollmentsService>;
type EnrollmentViewsService = ReturnType<typeof enrollmentViewsService>;
type PopularCoursesService = ReturnType<typeof popularCoursesService>;

/** A student's place in a course: reading it, membership, the course's enrollment terms, placing and activity. */
export type Enrollments = Pick<
  EnrollmentsService,
  | 'enrollmentKey'
  | 'findEnrollment'
  | 'isMember'
  | 'memberCourseDocumentIds'
  | 'memberUserIds'
  | 'loadCourseTerms'
  | 'enroll'
  | 'cancel'
  | 'recordActivity'
  | 'expireFinishedAccess'
>;

/**
 * What a shop needs from enrollment: the enrollment rules for a buyer, seats held for pending orders (the one seat
 * implementation, seats.ts), and the enrollment of a buyer who paid, on the seat their order held.
 */
export type Purchases = Pick<
  EnrollmentsService,
  'checkPurchase' | 'prepareSeat' | 'holdSeat' | 'releaseHold' | 'enrollBuyer' | 'cancel'
>;

/** Enrollments as answered: one presented, a student's list, a course's students, the courses a caller manages. */
export type EnrollmentViews = Pick<
  EnrollmentViewsService,
  'present' | 'listForStudent' | 'listStudents' | 'listManageable'
>;

export const enrollments = (strapi: Core.Strapi): Enrollments =>
  strapi.plugin('enrollment').service('enrollments') as EnrollmentsService;

export const purchases = (strapi: Core.Strapi): Purchases =>
  strapi.plugin('enrollment').service('enrollments') as EnrollmentsService;

export const enrollmentViews = (strapi: Core.Strapi): EnrollmentViews =>
  strapi.plugin('enrollment').service('enrollment-views') as EnrollmentViewsService;

export {
  MAX_LIMIT as POPULAR_COURSES_MAX_LIMIT,
  WINDOW_DAYS as POPULAR_COURSES_WINDOW_DAYS,
} from './services/popular-courses';

/** The most enrolled published courses of the last 30 days (GET /courses/popular), and the scheduled refresh. */
export type PopularCourses = Pick<PopularCoursesService, 'popular' | 'refresh'>;

export const popularCourses = (strapi: Core.Strapi): PopularCourses =>
  strapi.plugin('enrollment').service('popular-courses') as PopularCoursesService;
