import { LMS_PAGE_ACTIONS, lmsAdminRoutes } from '../../../../../access/admin-route';
import { limitPerIp, limitSetting } from '../../../../../access/rate-limit';

// Against enumeration of codes; generous enough for a page that verifies a few certificates.
const verifyLimit = limitPerIp(
  'certificate-verification',
  limitSetting(process.env.RATE_LIMIT_CERTIFICATE_VERIFY_PER_IP, 60),
  60
);

// Served at the contract's paths rather than under /api/certificates-plugin.
const route = (method: string, path: string, handler: string, middlewares: unknown[] = []) => ({
  method,
  path,
  handler: `certificates.${handler}`,
  config: { prefix: '', middlewares },
});

// Signed credentials and status lists are for anyone's verifier, token or not: no permission to look up. Not
// rate-limited: they are found by a 128-bit code or name a public list, and verifiers fetch them in bulk.
const publicDocument = (path: string, handler: string) => ({
  method: 'GET',
  path,
  handler: `credentials.${handler}`,
  config: { prefix: '', auth: false },
});

const adminRoute = lmsAdminRoutes(LMS_PAGE_ACTIONS.certificates.id);

export default {
  'content-api': {
    type: 'content-api',
    routes: [
      route('GET', '/certificates/verify/:code', 'verify', [verifyLimit]),
      publicDocument('/certificates/verify/:code/credential', 'credential'),
      publicDocument('/credentials/status/:listId', 'statusList'),
      route('GET', '/certificates/:documentId/pdf', 'pdf'),
      route('POST', '/certificates/:documentId/revoke', 'revoke'),
      route('POST', '/courses/:documentId/certificates', 'issue'),
      route('GET', '/me/certificates', 'mine'),
    ],
  },
  // The admin panel's Certificates page, served under /certificates.
  admin: {
    type: 'admin',
    routes: [
      adminRoute('GET', '/search', 'admin-certificates.search'),
      adminRoute('GET', '/:documentId/pdf', 'admin-certificates.pdf'),
      adminRoute('POST', '/:documentId/revoke', 'admin-certificates.revoke'),
    ],
  },
};
