import type { Core } from '@strapi/strapi';
import schema from './content-types/certificate/schema.json';
import certificatesController from './controllers/certificates';
import routes from './routes';
import certificates from './services/certificates';

export default {
  contentTypes: { certificate: { schema } },
  services: { certificates },
  controllers: { certificates: certificatesController },
  routes,
  bootstrap({ strapi }: { strapi: Core.Strapi }) {
    // Progress announces completions; a certificate follows each one, once.
    strapi.eventHub.on('lyceum.course.completed', async (event: { userId: number; courseDocumentId: string; completedAt: string; progressPercent?: number }) => {
      try {
        await strapi.plugin('certificates').service('certificates').issue({
          userId: event.userId,
          courseDocumentId: event.courseDocumentId,
          now: new Date(event.completedAt),
          finalPercent: event.progressPercent ?? null,
        });
      } catch (error) {
        strapi.log.error(`certificates: could not issue for user ${event.userId} in ${event.courseDocumentId}: ${(error as Error).message}`);
      }
    });
  },
};
