import { LMS_PAGE_ACTIONS, lmsAdminRoutes } from '../../../../../access/admin-route';

// Served at the contract's paths (/api/courses/…, /api/me/…) rather than under /api/enrollment.
const route = (method: string, path: string, handler: string) => ({
  method,
  path,
  handler: `enrollments.${handler}`,
  config: { prefix: '' },
});

const waitlistRoute = (method: string, path: string, handler: string) => ({
  method,
  path,
  handler: `waitlists.${handler}`,
  config: { prefix: '' },
});

const adminRoute = lmsAdminRoutes(LMS_PAGE_ACTIONS.enrollments.id);

export default {
  'content-api': {
    type: 'content-api',
    routes: [
      route('POST', '/courses/:documentId/enrollments', 'enroll'),
      route('DELETE', '/courses/:documentId/enrollments/me', 'cancelMine'),
      route('DELETE', '/courses/:documentId/enrollments/:userId', 'cancelForStudent'),
      route('GET', '/courses/:documentId/students', 'students'),
      route('GET', '/me/enrollments', 'mine'),
      route('GET', '/me/teaching', 'teaching'),
      waitlistRoute('POST', '/courses/:documentId/waitlist', 'join'),
      waitlistRoute('DELETE', '/courses/:documentId/waitlist/me', 'leave'),
      waitlistRoute('POST', '/courses/:documentId/waitlist/accept', 'accept'),
      waitlistRoute('GET', '/me/waitlists', 'mine'),
    ],
  },
  // The admin panel's Enrollments page, served under /enrollment.
  admin: {
    type: 'admin',
    routes: [
      adminRoute('GET', '/courses', 'admin-enrollments.courses'),
      adminRoute('GET', '/courses/:documentId/students', 'admin-enrollments.students'),
      adminRoute('POST', '/courses/:documentId/enrollments', 'admin-enrollments.enroll'),
      adminRoute('DELETE', '/courses/:documentId/enrollments/:userId', 'admin-enrollments.cancel'),
      adminRoute('GET', '/courses/:documentId/waitlist', 'admin-enrollments.waitlist'),
      adminRoute('POST', '/courses/:documentId/waitlist/:entryId/move-up', 'admin-enrollments.moveUp'),
      adminRoute('DELETE', '/courses/:documentId/waitlist/:entryId', 'admin-enrollments.removeFromWaitlist'),
    ],
  },
};
