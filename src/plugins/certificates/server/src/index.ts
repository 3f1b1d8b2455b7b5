import type { Core } from '@strapi/strapi';
import { LMS_PAGE_ACTIONS } from '../../../../access/admin-route';
import schema from './content-types/certificate/schema.json';
import adminCertificatesController from './controllers/admin-certificates';
import certificatesController from './controllers/certificates';
import routes from './routes';
import certificates from './services/certificates';

export default {
  contentTypes: { certificate: { schema } },
  services: { certificates },
  controllers: { certificates: certificatesController, 'admin-certificates': adminCertificatesController },
  routes,
  async register({ strapi }: { strapi: Core.Strapi }) {
    await strapi.service('admin::permission').actionProvider.registerMany([LMS_PAGE_ACTIONS.certificates.registration]);
  },
  bootstrap({ strapi }: { strapi: Core.Strapi }) {
    // Progress announces completions; a certificate follows each one, once.
    strapi.eventHub.on(
      'lyceum.course.completed',
      async (event: { userId: number; courseDocumentId: string; completedAt: string; progressPercent?: number }) => {
        try {
          await strapi
            .plugin('certificates')
            .service('certificates')
            .issue({
              userId: event.userId,
              courseDocumentId: event.courseDocumentId,
              now: new Date(event.completedAt),
              finalPercent: event.progressPercent ?? null,
            });
        } catch (error) {
          strapi.log.error(
            `certificates: could not issue for user ${event.userId} in ${event.courseDocumentId}: ${(error as Error).message}`
          );
        }
      }
    );
  },
};
