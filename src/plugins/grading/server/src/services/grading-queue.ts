import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { assertCanManageCourse, teachingCourseDocumentIds } from '../../../../../access/ownership';
import type { Caller } from '../../../../../access/roles';
import type { GradeInput } from '../rules/grade-input';
import {
  assignmentOfKey,
  presentStudent,
  presentSubmission,
  type AssignmentSettings,
  type SubmissionRow,
} from './submissions';

const COURSE = 'api::course.course';
const ASSIGNMENT = 'api::assignment.assignment';
const SUBMISSION = 'api::submission.submission';

const QUEUE_FIELDS = ['id', 'documentId', 'key', 'attempt', 'status', 'isLate', 'latePenaltyPercent', 'submittedAt'];
const STUDENT = { select: ['id', 'username', 'fullName', 'email'] };

const collator = new Intl.Collator(['ru', 'en'], { sensitivity: 'base', numeric: true });
const toIso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

interface TitledRow {
  documentId: string;
  title: string;
  locale?: string | null;
  publishedAt?: unknown;
}

/** One title per document: the published English version first, as a student would see it, then any. */
function titlesByDocument(rows: TitledRow[]): Map<string, string> {
  const rank = (row: TitledRow) => (row.publishedAt ? 0 : 2) + (row.locale === 'en' || !row.locale ? 0 : 1);
  const best = new Map<string, TitledRow>();
  for (const row of rows) {
    const current = best.get(row.documentId);
    if (!current || rank(row) < rank(current)) best.set(row.documentId, row);
  }
  return new Map([...best].map(([documentId, row]) => [documentId, row.title]));
}

export interface QueueQuery {
  course?: string;
  page: number;
  pageSize: number;
}

/**
 * The admin panel's grading queue: work handed in and waiting for a grade (first hand-ins and
 * resubmissions alike are `submitted`), for the courses the admin user teaches. The grade itself goes
 * through the submissions service, so the rules of PUT /api/submissions/:documentId/grade apply unchanged.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** documentIds of the courses whose work the caller grades; null means every course (an admin). */
  async gradedCourseIds(caller: Caller): Promise<string[] | null> {
    if (caller.role === 'admin') return null;
    if (caller.role !== 'teacher' || caller.userId === null) return [];
    return teachingCourseDocumentIds(strapi, caller.userId);
  },

  async courseTitles(courseDocumentIds: string[] | null): Promise<Map<string, string>> {
    if (courseDocumentIds !== null && courseDocumentIds.length === 0) return new Map();
    const rows = await strapi.db.query(COURSE).findMany({
      where: courseDocumentIds === null ? {} : { documentId: { $in: courseDocumentIds } },
      select: ['documentId', 'title', 'locale', 'publishedAt'],
    });
    return titlesByDocument(rows);
  },

  /** GET /grading/courses: the courses of the picker, by title. */
  async courses(caller: Caller) {
    const titles = await this.courseTitles(await this.gradedCourseIds(caller));
    return [...titles]
      .map(([documentId, title]) => ({ documentId, title }))
      .sort((a, b) => collator.compare(a.title, b.title) || a.documentId.localeCompare(b.documentId));
  },

  /** GET /grading/queue: oldest first, a page at a time. */
  async queue(caller: Caller, query: QueueQuery) {
    let courses = await this.gradedCourseIds(caller);
    if (query.course) {
      // 404 for an unknown course, 403 `not_course_owner` for one the caller does not teach.
      await assertCanManageCourse(strapi, caller, query.course);
      courses = [query.course];
    }
    const where: Record<string, unknown> = { status: 'submitted' };
    if (courses !== null) {
      const assignments = courses.length
        ? await strapi.db
            .query(ASSIGNMENT)
            .findMany({ where: { course: { documentId: { $in: courses } } }, select: ['documentId'] })
        : [];
      const assignmentIds = [...new Set(assignments.map((row: { documentId: string }) => row.documentId))];
      if (assignmentIds.length === 0) return { data: [], total: 0 };
      // The key `<userId>:<assignmentDocumentId>` names the assignment whatever became of its rows since.
      where.$or = assignmentIds.map((documentId) => ({ key: { $endsWith: `:${documentId}` } }));
    }
    const [rows, total] = await Promise.all([
      strapi.db.query(SUBMISSION).findMany({
        where,
        select: QUEUE_FIELDS,
        populate: { student: STUDENT },
        orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }],
        offset: (query.page - 1) * query.pageSize,
        limit: query.pageSize,
      }),
      strapi.db.query(SUBMISSION).count({ where }),
    ]);
    const assignments = await this.assignmentSummaries([
      ...new Set(rows.map((row: SubmissionRow) => assignmentOfKey(row.key))),
    ] as string[]);
    const data = rows.map((row: SubmissionRow) => {
      const assignment = assignments.get(assignmentOfKey(row.key)) ?? null;
      return {
        documentId: row.documentId,
        student: presentStudent(row.student),
        course: assignment?.course ?? null,
        assignment: assignment
          ? { documentId: assignment.documentId, title: assignment.title, maxPoints: assignment.maxPoints }
          : null,
        attempt: row.attempt,
        status: row.status,
        isLate: Boolean(row.isLate),
        latePenaltyPercent: row.latePenaltyPercent ?? 0,
        submittedAt: toIso(row.submittedAt),
      };
    });
    return { data, total };
  },

  /** Titles, points and course of the assignments on one page of the queue, in two queries. */
  async assignmentSummaries(assignmentDocumentIds: string[]) {
    const summaries = new Map<
      string,
      { documentId: string; title: string; maxPoints: number; course: { documentId: string; title: string } | null }
    >();
    if (assignmentDocumentIds.length === 0) return summaries;
    const rows = await strapi.db.query(ASSIGNMENT).findMany({
      where: { documentId: { $in: assignmentDocumentIds } },
      select: ['documentId', 'title', 'maxPoints', 'publishedAt'],
      populate: { course: { select: ['documentId'] } },
    });
    const courseOf = new Map<string, string>();
    for (const row of rows)
      if (row.course?.documentId && !courseOf.has(row.documentId)) courseOf.set(row.documentId, row.course.documentId);
    const courseTitles = await this.courseTitles([...new Set(courseOf.values())]);
    const shown = new Map<string, any>();
    for (const row of rows)
      if (!shown.has(row.documentId) || (row.publishedAt && !shown.get(row.documentId).publishedAt))
        shown.set(row.documentId, row);
    for (const [documentId, row] of shown) {
      const course = courseOf.get(documentId);
      summaries.set(documentId, {
        documentId,
        title: row.title,
        maxPoints: Number(row.maxPoints ?? 100),
        course: course ? { documentId: course, title: courseTitles.get(course) ?? '' } : null,
      });
    }
    return summaries;
  },

  /** GET /grading/queue/:documentId: the work in full, with what grading it needs to know. */
  async show(caller: Caller, submissionDocumentId: string) {
    const { submission, assignment } = await strapi
      .plugin('grading')
      .service('submissions')
      .findManaged(caller, submissionDocumentId);
    return this.present(submission, assignment);
  },

  /** POST /grading/queue/:documentId/grade: the REST route's service, then the same view as `show`. */
  async grade(caller: Caller, submissionDocumentId: string, input: GradeInput, now: Date) {
    const service = strapi.plugin('grading').service('submissions');
    await service.grade(caller, submissionDocumentId, input, now);
    const { submission, assignment } = await service.findManaged(caller, submissionDocumentId);
    return this.present(submission, assignment);
  },

  async present(submission: SubmissionRow, assignment: AssignmentSettings) {
    const courseTitle = (await this.courseTitles([assignment.courseDocumentId])).get(assignment.courseDocumentId);
    if (courseTitle === undefined) throw new errors.NotFoundError('Course not found');
    return {
      ...presentSubmission(submission, assignment.documentId),
      assignment: {
        documentId: assignment.documentId,
        title: assignment.title,
        maxPoints: assignment.maxPoints,
        latePenaltyPercent: assignment.latePenaltyPercent,
        dueAt: assignment.dueAt ? assignment.dueAt.toISOString() : null,
        allowLate: assignment.allowLate,
        rubric: assignment.rubric,
      },
      course: { documentId: assignment.courseDocumentId, title: courseTitle },
    };
  },
});
