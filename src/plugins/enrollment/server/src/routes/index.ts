import { LMS_PAGE_ACTIONS, lmsAdminRoutes } from '../../../../../access/admin-route';

// Served at the contract's paths (/api/courses/…, /api/me/…) rather than under /api/enrollment.
const route = (method: string, path: string, handler: string) => ({
  method,
  path,
  handler: `enrollments.${handler}`,
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
    ],
  },
};
