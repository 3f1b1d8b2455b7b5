import { LMS_PAGE_ACTIONS, lmsAdminRoutes } from '../../../../../access/admin-route';

/**
 * The admin panel's grading pages, served under /grading (admin JWT). Every route needs its admin action
 * (Super Admin has all; the Teacher admin role is given both in src/bootstrap/admin-roles.ts); which courses
 * the caller may see is then the API's ownership rule, through adminCaller.
 */
const queueRoute = lmsAdminRoutes(LMS_PAGE_ACTIONS.gradingQueue.id);
const previewRoute = lmsAdminRoutes(LMS_PAGE_ACTIONS.quizPreview.id);
const route = (method: string, path: string, handler: string, routeOf = queueRoute) =>
  routeOf(method, path, `admin-grading.${handler}`);

export const adminRoutes = [
  route('GET', '/courses', 'courses'),
  route('GET', '/queue', 'queue'),
  route('GET', '/queue/:documentId', 'show'),
  route('POST', '/queue/:documentId/grade', 'grade'),
  route('GET', '/quiz-preview/:documentId', 'quizPreview', previewRoute),
];
