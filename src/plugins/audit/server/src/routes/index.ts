import { AUDIT_PAGE_ACTION, lmsAdminRoutes } from '../../../../../access/admin-route';

const adminRoute = lmsAdminRoutes(AUDIT_PAGE_ACTION.id);

export default {
  // The admin panel's Audit page, served under /audit. Read-only, like the API's GET /audit-events.
  admin: {
    type: 'admin',
    routes: [adminRoute('GET', '/events', 'admin-audit.list')],
  },
};
