import { declareJob } from '.';

/** A course completed: what its certificate is issued from. */
export interface CertificateIssue {
  userId: number;
  courseDocumentId: string;
  /** ISO time of the completion: the certificate's issue date. */
  completedAt: string;
  progressPercent: number;
}

/**
 * Enqueued by progress in the transaction that completes a course, handled by the certificates plugin. Declared
 * here, in the core both depend on, so progress never imports certificates.
 */
export const certificateIssue = declareJob<CertificateIssue>('certificates.issue');

/** One certificate job per student and course: a completion recorded twice adds nothing. */
export const certificateIssueKey = (userId: number, courseDocumentId: string) => `${userId}:${courseDocumentId}`;
