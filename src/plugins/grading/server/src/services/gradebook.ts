import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { assertCanManageCourse } from '../../../../../access/ownership';
import type { Caller } from '../../../../../access/roles';
import {
  assignmentScore,
  gradebookRows,
  itemWeight,
  pickQuizScore,
  type FinishedAttempt,
  type GradebookItem,
  type GradebookStudent,
  type ItemScore,
  type RubricColumn,
  type ScoringPolicy,
} from '../rules/gradebook';
import { enrollmentViews } from '../../../../enrollment/server/src/facade';
import { rubricOf, type ChosenLevel } from '../rules/rubric';

const COURSE = 'api::course.course';
const QUIZ = 'api::quiz.quiz';
const ASSIGNMENT = 'api::assignment.assignment';
const SUBMISSION = 'api::submission.submission';
/** Students are read in pages of this size from the enrollment plugin. */
const STUDENT_PAGE = 500;

const inEnglishFirst = <T extends { locale?: string | null }>(rows: T[]) =>
  rows.find((row) => row.locale === 'en') ?? rows[0];
const collator = new Intl.Collator(['ru', 'en'], { sensitivity: 'base', numeric: true });

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * GET /courses/:documentId/gradebook: every student of the course (cancelled ones left out) against its
   * published quizzes and assignments. A handful of queries whatever the course's size.
   */
  async gradebook(caller: Caller, courseDocumentId: string, now: Date) {
    await assertCanManageCourse(strapi, caller, courseDocumentId);
    const [course, quizzes, assignments, students] = await Promise.all([
      this.courseTitle(courseDocumentId),
      this.quizItems(courseDocumentId),
      this.assignmentItems(courseDocumentId),
      this.students(courseDocumentId, now),
    ]);

    const attempts = await strapi
      .plugin('grading')
      .service('quiz-results')
      .finishedAttempts(quizzes.map((quiz) => quiz.item.documentId));
    const attemptsOf = new Map<string, FinishedAttempt[]>();
    for (const attempt of attempts as Array<FinishedAttempt & { userId: number; quizDocumentId: string }>) {
      const key = `${attempt.userId}:${attempt.quizDocumentId}`;
      attemptsOf.set(key, [...(attemptsOf.get(key) ?? []), attempt]);
    }
    const grades = await this.assignmentGrades(assignments.map((item) => item.documentId));
    const policyOf = new Map(quizzes.map((quiz) => [quiz.item.documentId, quiz.scoringPolicy]));
    const maxPointsOf = new Map(assignments.map((item) => [item.documentId, item.maxPoints]));

    const items: GradebookItem[] = [...quizzes.map((quiz) => quiz.item), ...assignments];
    const rows = gradebookRows(items, students, (studentId, item): ItemScore | null => {
      const key = `${studentId}:${item.documentId}`;
      if (item.kind === 'quiz')
        return pickQuizScore(attemptsOf.get(key) ?? [], policyOf.get(item.documentId) ?? 'best');
      return assignmentScore(grades.get(key) ?? null, maxPointsOf.get(item.documentId) ?? item.maxPoints);
    });
    return { course: { documentId: courseDocumentId, title: course }, items, rows };
  },

  async courseTitle(courseDocumentId: string): Promise<string> {
    const rows = await strapi.db
      .query(COURSE)
      .findMany({ where: { documentId: courseDocumentId }, select: ['title', 'locale'] });
    if (rows.length === 0) throw new errors.NotFoundError('Course not found');
    return inEnglishFirst(rows).title;
  },

  /** Published quizzes of the course's lessons (in lesson order), then its final tests. */
  async quizItems(
    courseDocumentId: string
  ): Promise<Array<{ item: GradebookItem; scoringPolicy: ScoringPolicy; position: number }>> {
    const rows = await strapi.db.query(QUIZ).findMany({
      where: {
        publishedAt: { $notNull: true },
        $or: [{ course: { documentId: courseDocumentId } }, { lesson: { course: { documentId: courseDocumentId } } }],
      },
      select: ['id', 'documentId', 'locale', 'title', 'weight', 'scoringPolicy', 'createdAt'],
      populate: { questions: { select: ['points'] }, lesson: { select: ['position'] } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    const byDocument = new Map<string, any[]>();
    for (const row of rows) byDocument.set(row.documentId, [...(byDocument.get(row.documentId) ?? []), row]);
    const quizzes = [...byDocument.entries()].map(([documentId, versions]) => {
      const shown = inEnglishFirst(versions);
      const lessonPosition = versions.find((version) => version.lesson)?.lesson?.position;
      return {
        item: {
          id: `quiz:${documentId}`,
          kind: 'quiz' as const,
          documentId,
          title: shown.title,
          maxPoints: (shown.questions ?? []).reduce(
            (sum: number, question: { points?: unknown }) => sum + Number(question.points ?? 1),
            0
          ),
          weight: itemWeight(shown.weight),
        },
        scoringPolicy: (shown.scoringPolicy === 'last' ? 'last' : 'best') as ScoringPolicy,
        position: typeof lessonPosition === 'number' ? lessonPosition : Number.MAX_SAFE_INTEGER,
      };
    });
    // Array.prototype.sort is stable: quizzes of one lesson keep their creation order.
    return quizzes.sort((a, b) => a.position - b.position);
  },

  /** Published assignments of the course, by due date (undated ones last). */
  async assignmentItems(courseDocumentId: string): Promise<GradebookItem[]> {
    const rows = await strapi.db.query(ASSIGNMENT).findMany({
      where: { publishedAt: { $notNull: true }, course: { documentId: courseDocumentId } },
      select: ['documentId', 'title', 'maxPoints', 'weight', 'dueAt', 'createdAt'],
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    const unique = [...new Map(rows.map((row: any) => [row.documentId, row])).values()] as any[];
    const due = (row: any) => (row.dueAt ? new Date(row.dueAt).getTime() : Number.MAX_SAFE_INTEGER);
    return unique
      .sort((a, b) => due(a) - due(b))
      .map((row) => ({
        id: `assignment:${row.documentId}`,
        kind: 'assignment' as const,
        documentId: row.documentId,
        title: row.title,
        maxPoints: Number(row.maxPoints ?? 100),
        weight: itemWeight(row.weight),
      }));
  },

  /** The course's students through the enrollment plugin's own listing, sorted by name as a class list is. */
  async students(courseDocumentId: string, now: Date): Promise<GradebookStudent[]> {
    const students: GradebookStudent[] = [];
    const views = enrollmentViews(strapi);
    for (let page = 1; ; page += 1) {
      const { data, total } = await views.listStudents(courseDocumentId, { page, pageSize: STUDENT_PAGE, now });
      for (const row of data) {
        if (row.student)
          students.push({
            id: row.student.id,
            username: row.student.username,
            fullName: row.student.fullName ?? null,
            email: row.student.email,
          });
      }
      if (page * STUDENT_PAGE >= total) break;
    }
    const name = (student: GradebookStudent) => student.fullName || student.username;
    return students.sort((a, b) => collator.compare(name(a), name(b)) || a.id - b.id);
  },

  /**
   * The gradebook CSV's rubric columns (`?rubric=true`): per published assignment with a rubric, in the
   * gradebook's assignment order, one column per criterion, holding the points of the level each student got.
   */
  async rubricColumns(courseDocumentId: string, assignments: readonly GradebookItem[]): Promise<RubricColumn[]> {
    const rows = await strapi.db.query(ASSIGNMENT).findMany({
      where: { publishedAt: { $notNull: true }, course: { documentId: courseDocumentId } },
      select: ['documentId', 'rubric'],
    });
    const rubricOfAssignment = new Map(rows.map((row: any) => [row.documentId as string, rubricOf(row.rubric)]));
    const graded = assignments.filter((item) => item.kind === 'assignment' && rubricOfAssignment.get(item.documentId));
    if (graded.length === 0) return [];
    const submissions = await strapi.db.query(SUBMISSION).findMany({
      where: {
        finalGrade: { $notNull: true },
        $or: graded.map((item) => ({ key: { $endsWith: `:${item.documentId}` } })),
      },
      select: ['key', 'rubricLevels'],
    });
    const levelsOf = new Map<string, ChosenLevel[]>();
    for (const row of submissions as Array<{ key: string; rubricLevels: unknown }>)
      if (Array.isArray(row.rubricLevels)) levelsOf.set(row.key, row.rubricLevels as ChosenLevel[]);
    return graded.flatMap((item) =>
      rubricOfAssignment.get(item.documentId)!.map((criterion) => ({
        header: `${item.title}: ${criterion.criterion}`,
        pointsOf: (studentId: number) =>
          levelsOf.get(`${studentId}:${item.documentId}`)?.find((level) => level.criterion === criterion.criterion)
            ?.points ?? null,
      }))
    );
  },

  /** Final grades (after late penalties) by `<userId>:<assignmentDocumentId>`, the submissions' own key. */
  async assignmentGrades(assignmentDocumentIds: string[]): Promise<Map<string, number>> {
    const grades = new Map<string, number>();
    if (assignmentDocumentIds.length === 0) return grades;
    const rows = await strapi.db.query(SUBMISSION).findMany({
      where: {
        finalGrade: { $notNull: true },
        $or: assignmentDocumentIds.map((documentId) => ({ key: { $endsWith: `:${documentId}` } })),
      },
      select: ['key', 'finalGrade'],
    });
    for (const row of rows as Array<{ key: string; finalGrade: unknown }>) grades.set(row.key, Number(row.finalGrade));
    return grades;
  },
});
