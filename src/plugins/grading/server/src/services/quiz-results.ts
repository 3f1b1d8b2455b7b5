import type { Core } from '@strapi/strapi';
import { rememberCourseStructure } from '../../../../../access/course-structure-cache';

const QUIZ = 'api::quiz.quiz';
const ATTEMPT = 'plugin::grading.quiz-attempt';

/**
 * What grading tells the rest of Lyceum about quizzes: which ones a course requires and which a student
 * has passed. Progress asks here; it never reads attempts itself.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** Published required quizzes of a course: on its lessons, or on the course itself (final tests). */
  requiredQuizDocumentIds(courseDocumentId: string): Promise<string[]> {
    return rememberCourseStructure(strapi, `required-quizzes-of-course:${courseDocumentId}`, async () => {
      const rows = await strapi.db.query(QUIZ).findMany({
        where: {
          required: true,
          publishedAt: { $notNull: true },
          $or: [{ course: { documentId: courseDocumentId } }, { lesson: { course: { documentId: courseDocumentId } } }],
        },
        select: ['documentId'],
      });
      return [...new Set<string>(rows.map((row: { documentId: string }) => row.documentId))];
    });
  },

  requiredQuizzesOfLesson(lessonDocumentId: string): Promise<string[]> {
    return rememberCourseStructure(strapi, `required-quizzes-of-lesson:${lessonDocumentId}`, async () => {
      const rows = await strapi.db.query(QUIZ).findMany({
        where: { required: true, publishedAt: { $notNull: true }, lesson: { documentId: lessonDocumentId } },
        select: ['documentId'],
      });
      return [...new Set<string>(rows.map((row: { documentId: string }) => row.documentId))];
    });
  },

  async passedQuizDocumentIds(userId: number, quizDocumentIds: string[]): Promise<Set<string>> {
    if (quizDocumentIds.length === 0) return new Set();
    const rows = await strapi.db.query(ATTEMPT).findMany({
      where: { user: { id: userId }, quizDocumentId: { $in: quizDocumentIds }, passed: true },
      select: ['quizDocumentId'],
    });
    return new Set(rows.map((row: { quizDocumentId: string }) => row.quizDocumentId));
  },

  /**
   * Finished attempts (submitted, or closed by the time limit with 0) of some quizzes, for the gradebook.
   * The student is read from the key, which every attempt has from its first write.
   */
  async finishedAttempts(quizDocumentIds: string[]): Promise<Array<{ userId: number; quizDocumentId: string; attemptNumber: number; score: number; maxScore: number; percent: number }>> {
    if (quizDocumentIds.length === 0) return [];
    const rows = await strapi.db.query(ATTEMPT).findMany({
      where: { quizDocumentId: { $in: quizDocumentIds }, status: { $in: ['submitted', 'expired'] } },
      select: ['key', 'quizDocumentId', 'attemptNumber', 'score', 'maxScore', 'percent'],
    });
    return rows.map((row: { key: string; quizDocumentId: string; attemptNumber: number; score: unknown; maxScore: unknown; percent: unknown }) => ({
      userId: Number(row.key.slice(0, row.key.indexOf(':'))),
      quizDocumentId: row.quizDocumentId,
      attemptNumber: row.attemptNumber,
      score: Number(row.score ?? 0),
      maxScore: Number(row.maxScore ?? 0),
      percent: Number(row.percent ?? 0),
    }));
  },
});
