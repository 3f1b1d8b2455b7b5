import type { Core } from '@strapi/strapi';
import { LMS_PAGE_ACTIONS } from '../../../../access/admin-route';
import schema from './content-types/certificate/schema.json';
import adminCertificatesController from './controllers/admin-certificates';
import certificatesController from './controllers/certificates';
import credentialsController, { answerDocument } from './controllers/credentials';
import { ensureCredentialsTable } from './credentials/credentials-table';
import { isSigningConfigured, publishedKeys } from './credentials/signing-keys';
import routes from './routes';
import certificates from './services/certificates';
import credentials from './services/credentials';
import './certificate-job';
import './credential-job';

export default {
  contentTypes: { certificate: { schema } },
  services: { certificates, credentials },
  controllers: {
    certificates: certificatesController,
    'admin-certificates': adminCertificatesController,
    credentials: credentialsController,
  },
  routes,
  async register({ strapi }: { strapi: Core.Strapi }) {
    await strapi.service('admin::permission').actionProvider.registerMany([LMS_PAGE_ACTIONS.certificates.registration]);
    // The issuer's DID document (did:web), at the site's root like Strapi's /_health: nothing stands in front of it.
    strapi.server.router.get('/.well-known/did.json', async (ctx: any) => {
      const document = await (
        strapi.plugin('certificates').service('credentials') as ReturnType<typeof credentials>
      ).didDocument();
      if (!document) return ctx.notFound();
      answerDocument(ctx, document, 'public, max-age=300', 'application/did+json');
    });
  },
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await ensureCredentialsTable(strapi);
    // A bad key stops the start with the variable's name (never its value); a missing one is said once.
    if (isSigningConfigured()) await publishedKeys();
    else
      strapi.log[process.env.NODE_ENV === 'production' ? 'warn' : 'info'](
        'certificates: CREDENTIAL_SIGNING_KEY is not set: certificates get no signed credential'
      );
  },
  // The certificate of a completed course is a job (certificate-job.ts), recorded with the completion.
};
