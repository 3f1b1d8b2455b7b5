import { lmsAdminRoutes, SUPPORT_PAGE_ACTION } from '../../../../../access/admin-route';

const adminRoute = lmsAdminRoutes(SUPPORT_PAGE_ACTION.id);

// Served at the contract's paths ("Tutor marketplace", Support) rather than under /api/support.
const route = (method: string, path: string, handler: string) => ({
  method,
  path,
  handler,
  config: { prefix: '' },
});

export default {
  'content-api': {
    type: 'content-api',
    routes: [
      route('POST', '/support/tickets', 'tickets.create'),
      route('GET', '/support/tickets', 'tickets.list'),
      route('GET', '/support/tickets/:documentId', 'tickets.show'),
      route('GET', '/support/tickets/:documentId/messages', 'tickets.messages'),
      route('POST', '/support/tickets/:documentId/messages', 'tickets.reply'),
      route('POST', '/support/tickets/:documentId/close', 'tickets.close'),
      route('POST', '/support/tickets/:documentId/assign', 'tickets.assign'),
    ],
  },
  // The admin panel's Support page, served under /support.
  admin: {
    type: 'admin',
    routes: [
      adminRoute('GET', '/tickets', 'admin-tickets.list'),
      adminRoute('GET', '/tickets/:documentId', 'admin-tickets.show'),
      adminRoute('POST', '/tickets/:documentId/messages', 'admin-tickets.reply'),
      adminRoute('POST', '/tickets/:documentId/close', 'admin-tickets.close'),
      adminRoute('POST', '/tickets/:documentId/assign', 'admin-tickets.assign'),
    ],
  },
};
