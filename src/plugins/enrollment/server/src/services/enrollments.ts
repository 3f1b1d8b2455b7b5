import type { Core } from '@strapi/strapi';

const ENROLLMENT = 'plugin::enrollment.enrollment';

export type EnrollmentStatus = 'active' | 'completed' | 'expired' | 'cancelled';

export interface EnrollmentRecord {
  id: number;
  documentId: string;
  status: EnrollmentStatus;
  enrolledAt: string | null;
  completedAt: string | null;
  accessExpiresAt: string | null;
}

/** The database-unique key of "this student in this course": one enrollment each, whatever races. */
export const enrollmentKey = (userId: number, courseDocumentId: string) => `${userId}:${courseDocumentId}`;

/** Statuses in which a student still counts as a member of the course (reads its lessons, quizzes, news). */
export const MEMBER_STATUSES: readonly EnrollmentStatus[] = ['active', 'completed'];

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  enrollmentKey,

  async findEnrollment(userId: number, courseDocumentId: string): Promise<EnrollmentRecord | null> {
    return strapi.db.query(ENROLLMENT).findOne({
      where: { key: enrollmentKey(userId, courseDocumentId) },
      select: ['id', 'documentId', 'status', 'enrolledAt', 'completedAt', 'accessExpiresAt'],
    });
  },

  async isMember(userId: number, courseDocumentId: string): Promise<boolean> {
    const enrollment = await this.findEnrollment(userId, courseDocumentId);
    return enrollment !== null && MEMBER_STATUSES.includes(enrollment.status);
  },

  /** documentIds of the courses a student is a member of, for filtering lists to what they may read. */
  async memberCourseDocumentIds(userId: number): Promise<string[]> {
    const rows = await strapi.db.query(ENROLLMENT).findMany({
      where: { user: { id: userId }, status: { $in: MEMBER_STATUSES as EnrollmentStatus[] } },
      select: ['key'],
    });
    return rows.map((row: { key: string }) => row.key.slice(row.key.indexOf(':') + 1));
  },
});
