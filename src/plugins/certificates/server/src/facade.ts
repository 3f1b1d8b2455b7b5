import type { Core } from '@strapi/strapi';
import type certificatesService from './services/certificates';

/**
 * What the certificates plugin offers the app (GraphQL): a holder's certificates as answered. Certificates react to
 * progress's course-completed event rather than being called, and read enrollments through the enrollment facade.
 */

export { presentCertificate } from './services/certificates';

type CertificatesService = ReturnType<typeof certificatesService>;

export type Certificates = Pick<CertificatesService, 'listForHolder'>;

export const certificates = (strapi: Core.Strapi): Certificates =>
  strapi.plugin('certificates').service('certificates') as CertificatesService;
