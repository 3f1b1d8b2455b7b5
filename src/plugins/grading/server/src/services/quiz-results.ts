import type { Core } from '@strapi/strapi';
import { rememberCourseStructure } from '../../../../../access/course-structure-cache';
import { keyStartsWith, runSql } from '../../../../../access/raw-sql';
import { linkOf, tableOf } from '../../../../../database/tables';

const QUIZ = 'api::quiz.quiz';
const LESSON = 'api::lesson.lesson';
const COURSE = 'api::course.course';
const ATTEMPT = 'plugin::grading.quiz-attempt';

/**
 * What grading tells the rest of Lyceum about quizzes: which ones a course requires and which a student
 * has passed. Progress asks here; it never reads attempts itself.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** Published required quizzes of a course: on its lessons, or on the course itself (final tests). */
  async requiredQuizDocumentIds(courseDocumentId: string): Promise<string[]> {
    return (await this.requiredQuizzesOfCourse(courseDocumentId)).all;
  },

  /** The published required quizzes on one lesson of the course: the lesson completes when they are passed. */
  async requiredQuizzesOfLesson(lessonDocumentId: string, courseDocumentId: string): Promise<string[]> {
    return (await this.requiredQuizzesOfCourse(courseDocumentId)).byLesson.get(lessonDocumentId) ?? [];
  },

  /**
   * Every required quiz of a course and the lesson each is on, read once per course: a completion asks about
   * its lesson, and the next completion in the course is usually of another lesson.
   */
  requiredQuizzesOfCourse(courseDocumentId: string): Promise<{ all: string[]; byLesson: Map<string, string[]> }> {
    return rememberCourseStructure(strapi, `required-quizzes-of-course:${courseDocumentId}`, async () => {
      const onLesson = linkOf(strapi, QUIZ, 'lesson');
      const onCourse = linkOf(strapi, QUIZ, 'course');
      const lessonInCourse = linkOf(strapi, LESSON, 'course');
      const courses = tableOf(strapi, COURSE);
      // A quiz counts for the course through its own course link (final tests) or through its lesson's.
      const { rows } = await runSql<{ document_id: string; lesson_document_id: string | null }>(
        strapi,
        `SELECT q.document_id, l.document_id AS lesson_document_id FROM ?? q
         LEFT JOIN ?? ql ON ql.?? = q.id LEFT JOIN ?? l ON l.id = ql.??
         LEFT JOIN ?? qc ON qc.?? = q.id LEFT JOIN ?? c ON c.id = qc.??
         LEFT JOIN ?? lc ON lc.?? = l.id LEFT JOIN ?? lcourse ON lcourse.id = lc.??
         WHERE q.required = ? AND q.published_at IS NOT NULL AND (c.document_id = ? OR lcourse.document_id = ?)`,
        [
          tableOf(strapi, QUIZ),
          onLesson.table,
          onLesson.ownColumn,
          tableOf(strapi, LESSON),
          onLesson.targetColumn,
          onCourse.table,
          onCourse.ownColumn,
          courses,
          onCourse.targetColumn,
          lessonInCourse.table,
          lessonInCourse.ownColumn,
          courses,
          lessonInCourse.targetColumn,
          true,
          courseDocumentId,
          courseDocumentId,
        ]
      );
      const byLesson = new Map<string, string[]>();
      for (const row of rows) {
        if (!row.lesson_document_id) continue;
        const quizzes = byLesson.get(row.lesson_document_id) ?? [];
        if (!quizzes.includes(row.document_id)) quizzes.push(row.document_id);
        byLesson.set(row.lesson_document_id, quizzes);
      }
      return { all: [...new Set(rows.map((row) => row.document_id))], byLesson };
    });
  },

  /** Asked by every completion in a course with required quizzes: one fixed statement, the student read from the key. */
  async passedQuizDocumentIds(userId: number, quizDocumentIds: string[]): Promise<Set<string>> {
    if (quizDocumentIds.length === 0) return new Set();
    const ofStudent = keyStartsWith(strapi, `${userId}:`);
    const { rows } = await runSql<{ quiz_document_id: string }>(
      strapi,
      `SELECT DISTINCT quiz_document_id FROM ?? WHERE ${ofStudent.condition} AND passed = ? AND quiz_document_id IN (${quizDocumentIds.map(() => '?').join(', ')})`,
      [tableOf(strapi, ATTEMPT), ...ofStudent.bindings, true, ...quizDocumentIds]
    );
    return new Set(rows.map((row) => row.quiz_document_id));
  },

  /**
   * Finished attempts (submitted, or closed by the time limit with 0) of some quizzes, for the gradebook.
   * The student is read from the key, which every attempt has from its first write.
   */
  async finishedAttempts(quizDocumentIds: string[]): Promise<
    Array<{
      userId: number;
      quizDocumentId: string;
      attemptNumber: number;
      score: number;
      maxScore: number;
      percent: number;
    }>
  > {
    if (quizDocumentIds.length === 0) return [];
    const rows = await strapi.db.query(ATTEMPT).findMany({
      where: { quizDocumentId: { $in: quizDocumentIds }, status: { $in: ['submitted', 'expired'] } },
      select: ['key', 'quizDocumentId', 'attemptNumber', 'score', 'maxScore', 'percent'],
    });
    return rows.map(
      (row: {
        key: string;
        quizDocumentId: string;
        attemptNumber: number;
        score: unknown;
        maxScore: unknown;
        percent: unknown;
      }) => ({
        userId: Number(row.key.slice(0, row.key.indexOf(':'))),
        quizDocumentId: row.quizDocumentId,
        attemptNumber: row.attemptNumber,
        score: Number(row.score ?? 0),
        maxScore: Number(row.maxScore ?? 0),
        percent: Number(row.percent ?? 0),
      })
    );
  },
});
