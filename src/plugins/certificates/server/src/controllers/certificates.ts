import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam, positiveIntegerParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { revokeReason } from '../rules/revoke-reason';
import { presentCertificate } from '../services/certificates';

const certificates = (strapi: Core.Strapi) => strapi.plugin('certificates').service('certificates');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /courses/:documentId/certificates { user } */
  async issue(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const { user } = bodyWithOnly(ctx.request.body, ['user']);
    const userId = positiveIntegerParam(user, 'user');
    const certificate = await certificates(strapi).issueManually(
      callerFrom(ctx.state),
      courseDocumentId,
      userId,
      new Date()
    );
    ctx.status = 201;
    ctx.body = { data: presentCertificate(certificate), meta: {} };
  },

  /** GET /me/certificates */
  async mine(ctx: any) {
    const rows = await certificates(strapi).listForHolder(callerFrom(ctx.state).userId!);
    ctx.body = { data: rows.map(presentCertificate), meta: { total: rows.length } };
  },

  /** GET /certificates/:documentId/pdf */
  async pdf(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const { certificate, pdf } = await certificates(strapi).pdf(callerFrom(ctx.state), documentId);
    ctx.set('Content-Type', 'application/pdf');
    ctx.set('Content-Disposition', `inline; filename="certificate-${certificate.code}.pdf"`);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = pdf;
  },

  /** GET /certificates/verify/:code (public) */
  async verify(ctx: any) {
    ctx.body = { data: await certificates(strapi).verify(ctx.params.code), meta: {} };
  },

  /** POST /certificates/:documentId/revoke { reason } */
  async revoke(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const reason = revokeReason(bodyWithOnly(ctx.request.body, ['reason']).reason);
    const certificate = await certificates(strapi).revoke(callerFrom(ctx.state), documentId, reason, new Date());
    ctx.body = { data: { ...presentCertificate(certificate), revokeReason: certificate.revokeReason }, meta: {} };
  },
});
