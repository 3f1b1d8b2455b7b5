import { FINANCE_PAGE_ACTIONS, lmsAdminRoutes } from '../../../../../access/admin-route';

// Served at the contract's paths (/api/orders, /api/payments/…) rather than under /api/commerce.
const route = (method: string, path: string, handler: string, config: Record<string, unknown> = {}) => ({
  method,
  path,
  handler,
  config: { prefix: '', ...config },
});
// Payment providers and the sandbox's page carry no token: they prove themselves (signature, address) or need none.
const untokened = { auth: false };
const adminRoute = lmsAdminRoutes(FINANCE_PAGE_ACTIONS.orders.id);

export default {
  'content-api': {
    type: 'content-api',
    routes: [
      route('POST', '/orders', 'orders.create'),
      route('GET', '/me/orders', 'orders.mine'),
      route('GET', '/orders/:documentId', 'orders.findOne'),
      route('POST', '/orders/:documentId/cancel', 'orders.cancel'),
      route('POST', '/orders/:documentId/refund', 'orders.refund'),
      route('POST', '/payments/webhooks/:provider', 'payments.receive', untokened),
      route('GET', '/payments/sandbox/checkout/:orderDocumentId', 'payments.sandboxPage', untokened),
      route('POST', '/payments/sandbox/checkout/:orderDocumentId', 'payments.sandboxSubmit', untokened),
      route('GET', '/admin-reports/sales', 'reports.sales'),
    ],
  },
  // The admin panel's Orders page, served under /commerce.
  admin: {
    type: 'admin',
    routes: [
      adminRoute('GET', '/orders', 'admin-orders.search'),
      adminRoute('GET', '/orders/:documentId', 'admin-orders.findOne'),
      adminRoute('POST', '/orders/:documentId/refund', 'admin-orders.refund'),
    ],
  },
};
