import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { canManageCourse } from '../../../../../access/ownership';
import { Refusal } from '../../../../../errors/refusal';
import type { Caller } from '../../../../../access/roles';
import {
  compareLessons,
  courseProgress,
  decideLessonAccess,
  type Learner,
  type LessonDecision,
  type OutlineLesson,
} from '../rules/lesson-access';
import { rememberCourseStructure } from '../../../../../access/course-structure-cache';
import {
  aggregatedIds,
  insertOnceWithLinks,
  isPostgres,
  keyStartsWith,
  runSql,
  type SqlStatement,
} from '../../../../../access/raw-sql';
import { linkOf, tableOf } from '../../../../../database/tables';
import { enqueue } from '../../../../../jobs';
import { certificateIssue, certificateIssueKey } from '../../../../../jobs/certificate-issue';
import { selectAttributes, updateRowStatement } from '../../../../../database/row-statements';
import {
  activityChange,
  completionChange,
  effectiveStatus,
  ENROLLMENT,
  ENROLLMENT_RECORD_ATTRIBUTES,
  enrollmentFromRow,
  enrollmentKey,
  enrollments,
  type EnrollmentChange,
  type RecordedActivity,
} from '../../../../enrollment/server/src/facade';
import { quizRequirements } from '../quiz-requirements';
import { lessonRefusal } from '../rules/lesson-refusals';

const LESSON = 'api::lesson.lesson';
const COURSE = 'api::course.course';
const PROGRESS = 'plugin::progress.lesson-progress';

const progressKey = (userId: number, lessonDocumentId: string) => `${userId}:${lessonDocumentId}`;
const toDate = (value: unknown): Date | null => (value ? new Date(value as string) : null);

interface LessonRow {
  document_id: string | null;
  title: string;
  position: number | null;
  free_preview: unknown;
  release_at: unknown;
  release_after_days: number | null;
  locale: string;
  kind: string;
  duration_minutes: number | null;
}

export interface CourseLessons {
  courseDocumentId: string;
  /** Whether the course has a published version: only then has it an outline. */
  isPublished: boolean;
  sequential: boolean;
  /** The course's term after completion (the enrollment's completion needs it), null for the default. */
  accessDaysAfterCompletion: number | null;
  lessons: OutlineLesson[];
  titles: Map<string, Map<string, { title: string; kind: string; durationMinutes: number | null }>>;
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The course a published lesson belongs to; null when the lesson is unknown or unpublished. */
  courseOfLesson(lessonDocumentId: string): Promise<string | null> {
    return rememberCourseStructure(strapi, `course-of-lesson:${lessonDocumentId}`, async () => {
      // A lesson not seen before is usually of a course not seen before: its lessons come in the same statement.
      const course = await this.readCourseLessons({ lessonDocumentId });
      if (!course) return null;
      void rememberCourseStructure(strapi, `course-lessons:${course.courseDocumentId}`, async () => course);
      return course.courseDocumentId;
    });
  },

  /** The published lessons of a course in order, with their titles per locale. Null for an unknown course. */
  courseLessons(courseDocumentId: string): Promise<CourseLessons | null> {
    return rememberCourseStructure(strapi, `course-lessons:${courseDocumentId}`, () =>
      this.readCourseLessons({ courseDocumentId })
    );
  },

  /**
   * Read once per course and kept with the course structure; one fixed statement, as a busy hour opens many
   * courses' lessons for the first time. The course is given, or found as the course of a published lesson.
   * Relations are per locale: a translation of a lesson may not link to the course itself, so every published
   * locale of the lessons that do is read by documentId.
   */
  async readCourseLessons(
    of: { courseDocumentId: string } | { lessonDocumentId: string }
  ): Promise<CourseLessons | null> {
    const link = linkOf(strapi, LESSON, 'course');
    const lessonTable = tableOf(strapi, LESSON);
    const courseTable = tableOf(strapi, COURSE);
    const course =
      'courseDocumentId' in of
        ? { sql: '?', bindings: [of.courseDocumentId] }
        : {
            sql: `(SELECT c.document_id FROM ?? l JOIN ?? lc ON lc.?? = l.id JOIN ?? c ON c.id = lc.??
                   WHERE l.document_id = ? AND l.published_at IS NOT NULL LIMIT 1)`,
            bindings: [lessonTable, link.table, link.ownColumn, courseTable, link.targetColumn, of.lessonDocumentId],
          };
    // The course's published version decides, else its draft; one row per lesson locale, or one without a lesson.
    // Joins, not a correlated subquery: PostgreSQL would run that once per published lesson of every course.
    const { rows } = await runSql<
      LessonRow & {
        course_document_id: string;
        sequential: unknown;
        course_published_at: unknown;
        access_days_after_completion: number | null;
      }
    >(
      strapi,
      `WITH course AS (
         SELECT document_id, sequential, published_at, access_days_after_completion FROM ?? WHERE document_id = ${course.sql}
         ORDER BY CASE WHEN published_at IS NULL THEN 1 ELSE 0 END, id LIMIT 1),
       linked AS (
         SELECT DISTINCT l.document_id FROM ?? c JOIN ?? lc ON lc.?? = c.id JOIN ?? l ON l.id = lc.??
         WHERE c.document_id = (SELECT document_id FROM course) AND l.published_at IS NOT NULL)
       SELECT course.document_id AS course_document_id, course.sequential, course.published_at AS course_published_at, course.access_days_after_completion,
              ls.document_id, ls.title, ls.position, ls.free_preview, ls.release_at, ls.release_after_days, ls.locale, ls.kind, ls.duration_minutes
       FROM course LEFT JOIN (
         SELECT lesson.* FROM ?? lesson JOIN linked ON linked.document_id = lesson.document_id WHERE lesson.published_at IS NOT NULL
       ) AS ls ON 1 = 1`,
      [
        courseTable,
        ...course.bindings,
        courseTable,
        link.table,
        link.targetColumn,
        lessonTable,
        link.ownColumn,
        lessonTable,
      ]
    );
    if (rows.length === 0) return null;
    const courseDocumentId = rows[0].course_document_id;
    const lessons = new Map<string, OutlineLesson>();
    const titles = new Map<string, Map<string, { title: string; kind: string; durationMinutes: number | null }>>();
    for (const row of rows) {
      if (row.document_id === null) continue; // the course has no published lesson
      if (!lessons.has(row.document_id)) {
        lessons.set(row.document_id, {
          documentId: row.document_id,
          position: row.position ?? 0,
          freePreview: Boolean(row.free_preview),
          releaseAt: toDate(row.release_at),
          releaseAfterDays: row.release_after_days ?? null,
        });
      }
      const byLocale = titles.get(row.document_id) ?? new Map();
      byLocale.set(row.locale, { title: row.title, kind: row.kind, durationMinutes: row.duration_minutes ?? null });
      titles.set(row.document_id, byLocale);
    }
    // The next request is usually for another lesson of this course: its course is known from here on.
    for (const lesson of lessons.keys())
      void rememberCourseStructure(strapi, `course-of-lesson:${lesson}`, async () => courseDocumentId);
    return {
      courseDocumentId,
      isPublished: Boolean(rows[0].course_published_at),
      sequential: Boolean(rows[0].sequential),
      accessDaysAfterCompletion:
        rows[0].access_days_after_completion === null ? null : Number(rows[0].access_days_after_completion),
      lessons: [...lessons.values()].sort(compareLessons),
      titles,
    };
  },

  /**
   * The completed lessons alone (a lesson request reads them with the enrollment, in `learner`). Found by the
   * key, which starts with the student's id (set once, by recordLesson), so no link table is joined.
   */
  async completedLessonIds(userId: number, courseDocumentId: string): Promise<Set<string>> {
    const completed = this.completedLessonsQuery(userId, courseDocumentId);
    const { rows } = await runSql<{ completed: unknown }>(
      strapi,
      `SELECT (${completed.select}) AS completed`,
      completed.bindings
    );
    return new Set(aggregatedIds(rows[0].completed));
  },

  /** The student's completed lessons of a course as one value (an array; JSON text on SQLite), for a subquery. */
  completedLessonsQuery(userId: number, courseDocumentId: string): { select: string; bindings: unknown[] } {
    const ofStudent = keyStartsWith(strapi, `${userId}:`);
    const aggregate = isPostgres(strapi) ? 'array_agg(lesson_document_id)' : 'json_group_array(lesson_document_id)';
    return {
      select: `SELECT ${aggregate} FROM ?? WHERE ${ofStudent.condition} AND course_document_id = ? AND completed_at IS NOT NULL`,
      bindings: [tableOf(strapi, PROGRESS), ...ofStudent.bindings, courseDocumentId],
    };
  },

  /** Everything the lesson rules need to know about the caller in this course. */
  async learner(
    caller: Caller,
    courseDocumentId: string,
    now: Date
  ): Promise<Learner & { enrollmentId: number | null; recorded?: RecordedActivity }> {
    // Only a teacher can be one of the course's teachers: a student's request skips the lookup.
    const managesCourse =
      caller.role === 'admin' ||
      (caller.role === 'teacher' &&
        caller.userId !== null &&
        (await canManageCourse(strapi, caller, courseDocumentId)));
    if (caller.userId === null)
      return { managesCourse, enrollment: null, completedLessonIds: new Set(), enrollmentId: null };
    // The enrollment and the completed lessons in one statement: one round trip for every lesson request.
    const columns = selectAttributes(strapi, ENROLLMENT, ENROLLMENT_RECORD_ATTRIBUTES, 'e');
    const completed = this.completedLessonsQuery(caller.userId, courseDocumentId);
    const { rows } = await runSql<Record<string, unknown>>(
      strapi,
      `SELECT ${columns.sql}, (${completed.select}) AS lyceum_completed
       FROM (SELECT 1 AS one) AS one LEFT JOIN ?? e ON e."key" = ?`,
      [
        ...columns.bindings,
        ...completed.bindings,
        tableOf(strapi, ENROLLMENT),
        enrollmentKey(caller.userId, courseDocumentId),
      ]
    );
    const row = rows[0];
    const enrollment = row.id === null || row.id === undefined ? null : enrollmentFromRow(row);
    const completedLessonIds = new Set(aggregatedIds(row.lyceum_completed));
    return {
      managesCourse,
      enrollment: enrollment
        ? { status: effectiveStatus(enrollment, now), enrolledAt: toDate(enrollment.enrolledAt) }
        : null,
      completedLessonIds,
      enrollmentId: enrollment?.id ?? null,
      recorded: enrollment ?? undefined,
    };
  },

  /** May the caller open this lesson's content? Unknown lessons are 404. */
  async checkLessonAccess(caller: Caller, lessonDocumentId: string, now: Date) {
    const courseDocumentId = await this.courseOfLesson(lessonDocumentId);
    if (!courseDocumentId) throw new errors.NotFoundError('Lesson not found');
    const course = (await this.courseLessons(courseDocumentId))!;
    const lesson = course.lessons.find((candidate) => candidate.documentId === lessonDocumentId)!;
    const learner = await this.learner(caller, courseDocumentId, now);
    const decision: LessonDecision = decideLessonAccess(lesson, course.lessons, course.sequential, learner, now);
    return { decision, courseDocumentId, course, learner };
  },

  /** GET /courses/:documentId/outline: lessons in order, and for the caller `completed` and `locked`. */
  async outline(caller: Caller, courseDocumentId: string, locale: string | undefined, now: Date) {
    const course = await this.courseLessons(courseDocumentId);
    if (!course || !course.isPublished) throw new errors.NotFoundError('Course not found');
    const learner = await this.learner(caller, courseDocumentId, now);
    return course.lessons.map((lesson) => {
      const byLocale = course.titles.get(lesson.documentId)!;
      const text = byLocale.get(locale ?? 'en') ?? byLocale.get('en') ?? [...byLocale.values()][0];
      const decision = decideLessonAccess(lesson, course.lessons, course.sequential, learner, now);
      return {
        documentId: lesson.documentId,
        title: text.title,
        position: lesson.position,
        kind: text.kind,
        durationMinutes: text.durationMinutes,
        freePreview: lesson.freePreview,
        completed: learner.completedLessonIds.has(lesson.documentId),
        locked: !decision.allowed,
        ...(decision.allowed ? {} : { lockedReason: decision.reason }),
      };
    });
  },

  /**
   * POST /lessons/:documentId/complete. Idempotent: the unique key makes a second completion a no-op.
   * A lesson with a required quiz completes only once that quiz is passed.
   */
  async completeLesson(caller: Caller, lessonDocumentId: string, now: Date) {
    const { decision, courseDocumentId, course, learner } = await this.checkLessonAccess(caller, lessonDocumentId, now);
    const userId = caller.userId!;
    // Completion is a student's record: even a lesson open to everyone needs an enrollment to count.
    if (!learner.enrollment || learner.enrollment.status === 'cancelled') throw lessonRefusal('not_enrolled', 'record');
    if (!decision.allowed) throw lessonRefusal(decision.reason, 'open');
    if (learner.enrollment.status === 'expired') throw lessonRefusal('access_expired', 'record');

    const quizzes = quizRequirements(strapi);
    const lessonQuizzes = await quizzes.requiredQuizzesOfLesson(lessonDocumentId, courseDocumentId);
    if (lessonQuizzes.length) {
      const passed = await quizzes.passedQuizDocumentIds(userId, lessonQuizzes);
      if (passed.size < lessonQuizzes.length) throw lessonRefusal('quiz_not_passed', 'record');
    }

    // Completing again writes nothing: the lesson keeps its first completion date.
    const isNewCompletion = !learner.completedLessonIds.has(lessonDocumentId);
    const enrollment = { id: learner.enrollmentId!, status: learner.enrollment.status };
    const activity = { lastLessonDocumentId: lessonDocumentId };
    const progress = await this.updateCourseProgress(
      userId,
      { ...enrollment, recorded: learner.recorded },
      course,
      new Set([...learner.completedLessonIds, lessonDocumentId]),
      now,
      activity,
      isNewCompletion ? lessonDocumentId : undefined
    );
    // The last two lessons completed at once: each request read the other's lesson as not done. Once written,
    // a request that saw one lesson left reads again; the later of the two sees both and completes the course.
    if (!isNewCompletion || progress.courseCompleted || progress.completedLessons !== progress.totalLessons - 1)
      return progress;
    const completedNow = await this.completedLessonIds(userId, courseDocumentId);
    if (course.lessons.filter((lesson) => completedNow.has(lesson.documentId)).length <= progress.completedLessons)
      return progress;
    return this.updateCourseProgress(userId, enrollment, course, completedNow, now, activity);
  },

  /** PUT /lessons/:documentId/position: where the student stopped, to resume there. */
  async savePosition(caller: Caller, lessonDocumentId: string, positionSeconds: number, now: Date) {
    const { decision, courseDocumentId, learner } = await this.checkLessonAccess(caller, lessonDocumentId, now);
    if (!learner.enrollment || learner.enrollment.status === 'cancelled') throw lessonRefusal('not_enrolled', 'record');
    if (!decision.allowed) throw lessonRefusal(decision.reason, 'open');
    await this.recordLesson(caller.userId!, lessonDocumentId, courseDocumentId, { positionSeconds });
    await enrollments(strapi).recordActivity(learner.enrollmentId!, {
      lastLessonDocumentId: lessonDocumentId,
      lastPositionSeconds: positionSeconds,
      now,
    });
    return { lessonDocumentId, positionSeconds };
  },

  /** Where the student last stopped in a lesson's video (PUT /lessons/:documentId/position), 0 when never saved. */
  async watchPosition(userId: number, lessonDocumentId: string): Promise<number> {
    const { rows } = await runSql<{ position_seconds: unknown }>(
      strapi,
      'SELECT position_seconds FROM ?? WHERE "key" = ?',
      [tableOf(strapi, PROGRESS), progressKey(userId, lessonDocumentId)]
    );
    return Number(rows[0]?.position_seconds ?? 0) || 0;
  },

  /**
   * The student's row for the lesson: created with its user link when absent, else updated. A completion
   * keeps its first date: completing again changes nothing. Fixed statements, as every first completion
   * writes here; the unique key settles two requests racing to create the row. `alongside` (the enrollment's
   * write) runs in the same statement, one round trip and one commit: the rows it answered are returned.
   */
  async recordLesson(
    userId: number,
    lessonDocumentId: string,
    courseDocumentId: string,
    change: { completedAt?: Date; positionSeconds?: number },
    alongside?: SqlStatement | null
  ): Promise<number> {
    const key = progressKey(userId, lessonDocumentId);
    const now = new Date();
    const { row, alongsideRows } = await insertOnceWithLinks(
      strapi,
      PROGRESS,
      {
        key,
        lesson_document_id: lessonDocumentId,
        course_document_id: courseDocumentId,
        completed_at: change.completedAt ?? null,
        position_seconds: change.positionSeconds ?? 0,
      },
      { user: userId },
      now,
      alongside
    );
    if (row !== null) return alongsideRows;
    const columns: Array<[string, unknown]> = [['updated_at', now]];
    if (change.completedAt) columns.push(['completed_at', change.completedAt]);
    if (change.positionSeconds !== undefined) columns.push(['position_seconds', change.positionSeconds]);
    await runSql(
      strapi,
      `UPDATE ?? SET ${columns.map(() => '?? = ?').join(', ')} WHERE "key" = ?${change.completedAt ? ' AND completed_at IS NULL' : ''}`,
      [tableOf(strapi, PROGRESS), ...columns.flat(), key]
    );
    return alongsideRows;
  },

  /**
   * Recomputes the enrollment's percent and, the first time everything is done, completes the course.
   * `newlyCompletedLesson` is a lesson completed by this request: its progress row is written with the
   * enrollment's write, in one statement.
   */
  async updateCourseProgress(
    userId: number,
    enrollment: { id: number; status: string; recorded?: RecordedActivity },
    course: CourseLessons,
    completedLessonIds: ReadonlySet<string>,
    now: Date,
    activity: { lastLessonDocumentId?: string },
    newlyCompletedLesson?: string
  ) {
    const quizzes = quizRequirements(strapi);
    const requiredQuizzes = await quizzes.requiredQuizDocumentIds(course.courseDocumentId);
    const passedQuizzes = requiredQuizzes.length
      ? await quizzes.passedQuizDocumentIds(userId, requiredQuizzes)
      : new Set<string>();
    const progress = courseProgress(course.lessons, completedLessonIds, requiredQuizzes.length, passedQuizzes.size);
    // Only an active enrollment completes: a course completed before (or since expired) stays as it is.
    const completes = progress.courseCompleted && enrollment.status === 'active';
    const change: EnrollmentChange | null = completes
      ? completionChange({ ...activity, now }, course.accessDaysAfterCompletion)
      : activityChange({ ...activity, progressPercent: progress.percent, now }, enrollment.recorded);
    // Progress writes the enrollment's change with the lesson's row: the enrollment plugin decided the values.
    const write = change ? updateRowStatement(strapi, ENROLLMENT, enrollment.id, change.set, change.onlyWhere) : null;
    const writeAll = async () =>
      newlyCompletedLesson
        ? await this.recordLesson(userId, newlyCompletedLesson, course.courseDocumentId, { completedAt: now }, write)
        : write
          ? (await runSql(strapi, write.sql, write.bindings)).rows.length
          : 0;
    if (!completes) {
      await writeAll();
      return progress;
    }
    // The completion and the certificate job it causes commit together, or neither does.
    const { written, certificate } = await strapi.db.transaction(async () => {
      const rows = await writeAll();
      const job =
        rows === 1
          ? await enqueue(
              strapi,
              certificateIssue,
              {
                userId,
                courseDocumentId: course.courseDocumentId,
                completedAt: now.toISOString(),
                progressPercent: progress.percent,
              },
              { key: certificateIssueKey(userId, course.courseDocumentId) }
            )
          : null;
      return { written: rows, certificate: job };
    });
    if (written !== 1 || !certificate) {
      // Completed (or cancelled) meanwhile by another request: only the activity is this one's to record.
      await enrollments(strapi).recordActivity(
        enrollment.id,
        { ...activity, progressPercent: progress.percent, now },
        enrollment.recorded
      );
      return progress;
    }
    // The contract: the certificate exists when the completing request answers. Should it fail, the job runner
    // tries again later.
    await certificate.deliver();
    return progress;
  },

  /** Called by grading when a quiz is passed, so a quiz-gated lesson and the course complete at once. */
  async onQuizPassed(userId: number, quizLessonDocumentId: string | null, courseDocumentId: string, now: Date) {
    const caller: Caller = { userId, role: 'student' };
    if (quizLessonDocumentId) {
      try {
        return await this.completeLesson(caller, quizLessonDocumentId, now);
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
      }
    }
    const course = await this.courseLessons(courseDocumentId);
    const enrollment = await enrollments(strapi).findEnrollment(userId, courseDocumentId);
    if (!course || !enrollment) return null;
    const status = effectiveStatus(enrollment, now);
    return this.updateCourseProgress(
      userId,
      { id: enrollment.id, status, recorded: enrollment },
      course,
      await this.completedLessonIds(userId, courseDocumentId),
      now,
      {}
    );
  },
});
