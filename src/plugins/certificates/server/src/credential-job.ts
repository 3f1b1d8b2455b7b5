import type { Core } from '@strapi/strapi';
import { cadenceFrom, defineJob, defineSchedule, type ScheduledRun } from '../../../../jobs';
import type credentialsService from './services/credentials';

type Credentials = ReturnType<typeof credentialsService>;
const credentials = (strapi: Core.Strapi) => strapi.plugin('certificates').service('credentials') as Credentials;

/**
 * A certificate's Open Badges credential is signed by a job, recorded in the transaction that issues the certificate
 * (services/certificates.ts) and run by the job runner right after the commit, not inside the completing request.
 * A fetch that comes first signs it through the same job. Idempotent: a retried or repeated run finds it stored.
 */
export const signCredential = defineJob<{ certificateId: number }>(
  'certificates.sign-credential',
  async (strapi, { certificateId }) => {
    await credentials(strapi).signFor(certificateId);
  }
);

const BACKFILL_BATCH = 100;

/**
 * Certificates without a credential (issued before credentials existed, or while no key was configured) get one:
 * on start (a schedule enqueues its current slot when an instance starts) and every CREDENTIAL_BACKFILL_CRON.
 */
export const backfillCredentials = defineJob<ScheduledRun>('certificates.backfill-credentials', async (strapi) => {
  const service = credentials(strapi);
  for (;;) {
    const missing = await service.certificatesWithoutCredential(BACKFILL_BATCH);
    let signed = 0;
    for (const certificateId of missing) if (await service.signFor(certificateId)) signed += 1;
    // No key (signFor answers null): nothing more can be done until one is configured.
    if (missing.length < BACKFILL_BATCH || signed === 0) return;
  }
});

defineSchedule(
  'certificates.backfill-credentials',
  cadenceFrom('CREDENTIAL_BACKFILL_CRON', process.env.CREDENTIAL_BACKFILL_CRON, { every: 3_600_000 }),
  backfillCredentials
);
