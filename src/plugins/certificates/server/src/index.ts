import type { Core } from '@strapi/strapi';
import { LMS_PAGE_ACTIONS } from '../../../../access/admin-route';
import schema from './content-types/certificate/schema.json';
import adminCertificatesController from './controllers/admin-certificates';
import certificatesController from './controllers/certificates';
import routes from './routes';
import certificates from './services/certificates';
import './certificate-job';

export default {
  contentTypes: { certificate: { schema } },
  services: { certificates },
  controllers: { certificates: certificatesController, 'admin-certificates': adminCertificatesController },
  routes,
  async register({ strapi }: { strapi: Core.Strapi }) {
    await strapi.service('admin::permission').actionProvider.registerMany([LMS_PAGE_ACTIONS.certificates.registration]);
  },
  // The certificate of a completed course is a job (certificate-job.ts), recorded with the completion.
};
