import type { Core } from '@strapi/strapi';
import { handleJob } from '../../../../jobs';
import { certificateIssue, type CertificateIssue } from '../../../../jobs/certificate-issue';

interface IssuingService {
  issue(params: {
    userId: number;
    courseDocumentId: string;
    now: Date;
    finalPercent?: number | null;
  }): Promise<{ created: boolean }>;
}

/**
 * A completed course's certificate, issued by the job progress records with the completion. A repeated run (a retry,
 * a worker that died after the insert) finds the certificate's unique key taken and issues nothing; the mail and
 * the notification follow only the run that created it.
 */
handleJob(certificateIssue, async (strapi: Core.Strapi, completion: CertificateIssue) => {
  const certificates = strapi.plugin('certificates').service('certificates') as IssuingService;
  await certificates.issue({
    userId: completion.userId,
    courseDocumentId: completion.courseDocumentId,
    now: new Date(completion.completedAt),
    finalPercent: completion.progressPercent,
  });
});
