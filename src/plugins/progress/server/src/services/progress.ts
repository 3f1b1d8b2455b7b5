import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { canManageCourse } from '../../../../../access/ownership';
import { Refusal } from '../../../../../access/refusal';
import type { Caller } from '../../../../../access/roles';
import { compareLessons, courseProgress, decideLessonAccess, type Learner, type LessonDecision, type OutlineLesson } from '../rules/lesson-access';
import { rememberCourseStructure } from '../../../../../access/course-structure-cache';
import { isUniqueViolation } from '../../../../../access/database-errors';

const LESSON = 'api::lesson.lesson';
const COURSE = 'api::course.course';
const PROGRESS = 'plugin::progress.lesson-progress';

const progressKey = (userId: number, lessonDocumentId: string) => `${userId}:${lessonDocumentId}`;
const toDate = (value: unknown): Date | null => (value ? new Date(value as string) : null);
/** The enrollment's activity as last written, to skip a write that would change nothing. */
type RecordedActivity = { progressPercent: number; lastActivityAt: string | null; lastLessonDocumentId?: string | null };

export interface CourseLessons {
  courseDocumentId: string;
  sequential: boolean;
  lessons: OutlineLesson[];
  titles: Map<string, Map<string, { title: string; kind: string; durationMinutes: number | null }>>;
}

const enrollments = (strapi: Core.Strapi) => strapi.plugin('enrollment').service('enrollments');
const quizResults = (strapi: Core.Strapi) => strapi.plugin('grading').service('quiz-results');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The course a published lesson belongs to; null when the lesson is unknown or unpublished. */
  courseOfLesson(lessonDocumentId: string): Promise<string | null> {
    return rememberCourseStructure(strapi, `course-of-lesson:${lessonDocumentId}`, () => this.readCourseOfLesson(lessonDocumentId));
  },

  async readCourseOfLesson(lessonDocumentId: string): Promise<string | null> {
    const rows = await strapi.db.query(LESSON).findMany({
      where: { documentId: lessonDocumentId, publishedAt: { $notNull: true } },
      select: ['id'],
      populate: { course: { select: ['documentId'] } },
    });
    return rows.find((row: { course?: { documentId: string } }) => row.course)?.course?.documentId ?? null;
  },

  /** The published lessons of a course in order, with their titles per locale. Null for an unknown course. */
  courseLessons(courseDocumentId: string): Promise<CourseLessons | null> {
    return rememberCourseStructure(strapi, `course-lessons:${courseDocumentId}`, () => this.readCourseLessons(courseDocumentId));
  },

  async readCourseLessons(courseDocumentId: string): Promise<CourseLessons | null> {
    const [course, linked] = await Promise.all([
      strapi.db.query(COURSE).findOne({ where: { documentId: courseDocumentId }, select: ['sequential'], orderBy: { publishedAt: 'asc' } }),
      strapi.db.query(LESSON).findMany({ where: { course: { documentId: courseDocumentId }, publishedAt: { $notNull: true } }, select: ['documentId'] }),
    ]);
    if (!course) return null;
    // Relations are per locale: a translation of a lesson may not link to the course itself, so every
    // published locale of the lessons that do is read by documentId.
    const lessonDocumentIds = [...new Set<string>(linked.map((row: { documentId: string }) => row.documentId))];
    const rows = lessonDocumentIds.length
      ? await strapi.db.query(LESSON).findMany({
          where: { documentId: { $in: lessonDocumentIds }, publishedAt: { $notNull: true } },
          select: ['documentId', 'title', 'position', 'freePreview', 'releaseAt', 'releaseAfterDays', 'locale', 'kind', 'durationMinutes'],
        })
      : [];
    const lessons = new Map<string, OutlineLesson>();
    const titles = new Map<string, Map<string, { title: string; kind: string; durationMinutes: number | null }>>();
    for (const row of rows) {
      if (!lessons.has(row.documentId)) {
        lessons.set(row.documentId, {
          documentId: row.documentId,
          position: row.position ?? 0,
          freePreview: Boolean(row.freePreview),
          releaseAt: toDate(row.releaseAt),
          releaseAfterDays: row.releaseAfterDays ?? null,
        });
      }
      const byLocale = titles.get(row.documentId) ?? new Map();
      byLocale.set(row.locale, { title: row.title, kind: row.kind, durationMinutes: row.durationMinutes ?? null });
      titles.set(row.documentId, byLocale);
    }
    return { courseDocumentId, sequential: Boolean(course.sequential), lessons: [...lessons.values()].sort(compareLessons), titles };
  },

  async completedLessonIds(userId: number, courseDocumentId: string): Promise<Set<string>> {
    const rows = await strapi.db.query(PROGRESS).findMany({
      where: { courseDocumentId, user: { id: userId }, completedAt: { $notNull: true } },
      select: ['lessonDocumentId'],
    });
    return new Set(rows.map((row: { lessonDocumentId: string }) => row.lessonDocumentId));
  },

  /** Everything the lesson rules need to know about the caller in this course. */
  async learner(caller: Caller, courseDocumentId: string, now: Date): Promise<Learner & { enrollmentId: number | null; recorded?: RecordedActivity }> {
    // Only a teacher can be one of the course's teachers: a student's request skips the lookup.
    const managesCourse = caller.role === 'admin' || (caller.role === 'teacher' && caller.userId !== null && (await canManageCourse(strapi, caller, courseDocumentId)));
    if (caller.userId === null) return { managesCourse, enrollment: null, completedLessonIds: new Set(), enrollmentId: null };
    const [enrollment, completedLessonIds] = await Promise.all([
      enrollments(strapi).findEnrollment(caller.userId, courseDocumentId),
      this.completedLessonIds(caller.userId, courseDocumentId),
    ]);
    return {
      managesCourse,
      enrollment: enrollment ? { status: enrollments(strapi).effectiveStatus(enrollment, now), enrolledAt: toDate(enrollment.enrolledAt) } : null,
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
    const isPublished = course && (await strapi.db.query(COURSE).count({ where: { documentId: courseDocumentId, publishedAt: { $notNull: true } } })) > 0;
    if (!course || !isPublished) throw new errors.NotFoundError('Course not found');
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
    if (!learner.enrollment || learner.enrollment.status === 'cancelled') throw new Refusal('Enroll in the course first', 'not_enrolled');
    if (!decision.allowed) throw new Refusal(refusalMessage(decision.reason), decision.reason);
    if (learner.enrollment.status === 'expired') throw new Refusal('Your access to this course has ended', 'access_expired');

    const lessonQuizzes = await quizResults(strapi).requiredQuizzesOfLesson(lessonDocumentId);
    if (lessonQuizzes.length) {
      const passed = await quizResults(strapi).passedQuizDocumentIds(userId, lessonQuizzes);
      if (passed.size < lessonQuizzes.length) throw new Refusal("This lesson completes when its quiz is passed", 'quiz_not_passed');
    }

    // Completing again writes nothing: the lesson keeps its first completion date.
    if (!learner.completedLessonIds.has(lessonDocumentId)) await this.recordLesson(userId, lessonDocumentId, courseDocumentId, { completedAt: now });
    learner.completedLessonIds = new Set([...learner.completedLessonIds, lessonDocumentId]);
    return this.updateCourseProgress(userId, { id: learner.enrollmentId!, status: learner.enrollment.status, recorded: learner.recorded }, course, learner.completedLessonIds, now, {
      lastLessonDocumentId: lessonDocumentId,
    });
  },

  /** PUT /lessons/:documentId/position: where the student stopped, to resume there. */
  async savePosition(caller: Caller, lessonDocumentId: string, positionSeconds: number, now: Date) {
    const { decision, courseDocumentId, learner } = await this.checkLessonAccess(caller, lessonDocumentId, now);
    if (!learner.enrollment || learner.enrollment.status === 'cancelled') throw new Refusal('Enroll in the course first', 'not_enrolled');
    if (!decision.allowed) throw new Refusal(refusalMessage(decision.reason), decision.reason);
    await this.recordLesson(caller.userId!, lessonDocumentId, courseDocumentId, { positionSeconds });
    await enrollments(strapi).recordActivity(learner.enrollmentId!, { lastLessonDocumentId: lessonDocumentId, lastPositionSeconds: positionSeconds, now });
    return { lessonDocumentId, positionSeconds };
  },

  async recordLesson(userId: number, lessonDocumentId: string, courseDocumentId: string, change: { completedAt?: Date; positionSeconds?: number }) {
    const key = progressKey(userId, lessonDocumentId);
    const existing = await strapi.db.query(PROGRESS).findOne({ where: { key }, select: ['id', 'completedAt'] });
    if (!existing) {
      try {
        await strapi.db.query(PROGRESS).create({ data: { key, user: userId, lessonDocumentId, courseDocumentId, positionSeconds: 0, ...change } });
        return;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    // A completion keeps its first date: completing again changes nothing.
    const where = change.completedAt ? { key, completedAt: { $null: true } } : { key };
    await strapi.db.query(PROGRESS).updateMany({ where, data: change });
  },

  /** Recomputes the enrollment's percent and, the first time everything is done, completes the course. */
  async updateCourseProgress(
    userId: number,
    enrollment: { id: number; status: string; recorded?: RecordedActivity },
    course: CourseLessons,
    completedLessonIds: ReadonlySet<string>,
    now: Date,
    activity: { lastLessonDocumentId?: string }
  ) {
    const requiredQuizzes: string[] = await quizResults(strapi).requiredQuizDocumentIds(course.courseDocumentId);
    const passedQuizzes: Set<string> = requiredQuizzes.length ? await quizResults(strapi).passedQuizDocumentIds(userId, requiredQuizzes) : new Set();
    const progress = courseProgress(course.lessons, completedLessonIds, requiredQuizzes.length, passedQuizzes.size);
    await enrollments(strapi).recordActivity(enrollment.id, { ...activity, progressPercent: progress.percent, now }, enrollment.recorded);
    // Only an active enrollment completes: a course completed before (or since expired) stays as it is.
    if (progress.courseCompleted && enrollment.status === 'active') {
      const isFirstCompletion = await enrollments(strapi).markCompleted(enrollment.id, course.courseDocumentId, now);
      if (isFirstCompletion) {
        // One event; certificates and notifications subscribe to it rather than being called from here.
        // Awaited so the certificate exists when the completing request answers.
        await strapi.eventHub.emit('lyceum.course.completed', { userId, courseDocumentId: course.courseDocumentId, completedAt: now.toISOString(), progressPercent: progress.percent });
      }
    }
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
    const status = enrollments(strapi).effectiveStatus(enrollment, now);
    return this.updateCourseProgress(userId, { id: enrollment.id, status, recorded: enrollment }, course, await this.completedLessonIds(userId, courseDocumentId), now, {});
  },
});

function refusalMessage(reason: string): string {
  switch (reason) {
    case 'lesson_locked':
      return 'Complete the earlier lessons first';
    case 'not_released':
      return 'This lesson is not released yet';
    case 'access_expired':
      return 'Your access to this course has ended';
    default:
      return 'Enroll in the course to open this lesson';
  }
}
