import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { adminCaller } from '../../../../../access/admin-caller';
import { bodyWithOnly, documentIdParam, paginationParams } from '../../../../../access/params';
import { revokeReason } from '../rules/revoke-reason';
import { presentCertificate, type CertificateSearch } from '../services/certificates';

const certificates = (strapi: Core.Strapi) => strapi.plugin('certificates').service('certificates');

const SEARCH_FIELDS = ['student', 'course', 'code'] as const;

function searchCriteria(query: Record<string, unknown>): CertificateSearch {
  const criteria: CertificateSearch = {};
  for (const field of SEARCH_FIELDS) {
    const value = query[field];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string' || value.length > 200) {
      throw new errors.ValidationError(`${field} must be text of at most 200 characters`, {
        errors: [
          { path: [field], message: `${field} must be text of at most 200 characters`, name: 'ValidationError' },
        ],
      });
    }
    if (value.trim()) criteria[field] = value.trim();
  }
  return criteria;
}

/** The admin panel's Certificates page (admin routes under /certificates). */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /certificates/search?student=&course=&code=&pagination[page]=&pagination[pageSize]= */
  async search(ctx: any) {
    const criteria = searchCriteria(ctx.query);
    const { page, pageSize } = paginationParams(ctx.query);
    const caller = await adminCaller(strapi, ctx.state.user);
    const { data, total } = await certificates(strapi).search(caller, criteria, { page, pageSize });
    ctx.body = { data, meta: { pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total } } };
  },

  /** GET /certificates/:documentId/pdf — the same PDF as the API's. */
  async pdf(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const caller = await adminCaller(strapi, ctx.state.user);
    const { certificate, pdf } = await certificates(strapi).pdf(caller, documentId);
    ctx.set('Content-Type', 'application/pdf');
    ctx.set('Content-Disposition', `inline; filename="certificate-${certificate.code}.pdf"`);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = pdf;
  },

  /** POST /certificates/:documentId/revoke { reason } */
  async revoke(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const reason = revokeReason(bodyWithOnly(ctx.request.body, ['reason']).reason);
    const caller = await adminCaller(strapi, ctx.state.user);
    const certificate = await certificates(strapi).revoke(caller, documentId, reason, new Date());
    ctx.body = { data: { ...presentCertificate(certificate), revokeReason: certificate.revokeReason }, meta: {} };
  },
});
