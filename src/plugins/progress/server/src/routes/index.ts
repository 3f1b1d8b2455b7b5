import { LMS_PAGE_ACTIONS, lmsAdminRoutes } from '../../../../../access/admin-route';

// Served at the contract's paths (/api/lessons/…, /api/courses/…) rather than under /api/progress.
const route = (method: string, path: string, handler: string) => ({
  method,
  path,
  handler: `progress.${handler}`,
  config: { prefix: '' },
});

const adminRoute = lmsAdminRoutes(LMS_PAGE_ACTIONS.insights.id);

export default {
  'content-api': {
    type: 'content-api',
    routes: [
      route('POST', '/lessons/:documentId/complete', 'complete'),
      route('PUT', '/lessons/:documentId/position', 'savePosition'),
      route('GET', '/courses/:documentId/outline', 'outline'),
    ],
  },
  // The admin panel's Course insights page, served under /progress.
  admin: {
    type: 'admin',
    routes: [
      adminRoute('GET', '/courses', 'admin-insights.courses'),
      adminRoute('GET', '/insights/:courseDocumentId', 'admin-insights.insights'),
    ],
  },
};
