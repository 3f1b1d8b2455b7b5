import type { Core } from '@strapi/strapi';
import type certificatesService from './services/certificates';
import type credentialsService from './services/credentials';

/**
 * What the certificates plugin offers the app (GraphQL): a holder's certificates as answered. Certificates are issued by
 * the `certificates.issue` job progress records with a completion (src/jobs/certificate-issue.ts), not called, and read
 * enrollments through the enrollment facade.
 */

export { presentCertificate } from './services/certificates';

type CertificatesService = ReturnType<typeof certificatesService>;

export type Certificates = Pick<CertificatesService, 'listForHolder'>;

export const certificates = (strapi: Core.Strapi): Certificates =>
  strapi.plugin('certificates').service('certificates') as CertificatesService;

type CredentialsService = ReturnType<typeof credentialsService>;

/**
 * The signed credentials, for whatever changes what they say after issue (an erasure): drop a stored credential from
 * every instance's memory, have every status list read again.
 */
export type Credentials = Pick<
  CredentialsService,
  'forgetStoredCredential' | 'forgetStatusLists' | 'credentialUrlFor' | 'dropCredentialsNaming'
>;

export const credentials = (strapi: Core.Strapi): Credentials =>
  strapi.plugin('certificates').service('credentials') as CredentialsService;
