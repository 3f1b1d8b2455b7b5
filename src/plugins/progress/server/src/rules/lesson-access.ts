/**
 * Who may open a lesson, in the order a student would want it explained: enrollment, access left, drip
 * release, then the sequence. Pure; the service gathers the facts.
 */
import type { LessonRefusal as AnyLessonRefusal } from './lesson-refusals';

/** The refusals decided here (their messages: rules/lesson-refusals.ts); the quiz gate is completion's own. */
export type LessonRefusal = Exclude<AnyLessonRefusal, 'quiz_not_passed'>;
export type LearnerStatus = 'active' | 'completed' | 'expired' | 'cancelled';

export interface OutlineLesson {
  documentId: string;
  position: number;
  freePreview: boolean;
  releaseAt: Date | null;
  releaseAfterDays: number | null;
}

export interface Learner {
  /** Admins and the course's teachers open every lesson. */
  managesCourse: boolean;
  enrollment: { status: LearnerStatus; enrolledAt: Date | null } | null;
  completedLessonIds: ReadonlySet<string>;
}

export type LessonDecision = { allowed: true } | { allowed: false; reason: LessonRefusal };

const DAY_MS = 86_400_000;

/** When a lesson opens for this learner, if it drips. */
export function releaseDate(lesson: OutlineLesson, enrolledAt: Date | null): Date | null {
  const dates: Date[] = [];
  if (lesson.releaseAt) dates.push(lesson.releaseAt);
  if (lesson.releaseAfterDays && enrolledAt)
    dates.push(new Date(enrolledAt.getTime() + lesson.releaseAfterDays * DAY_MS));
  return dates.length ? new Date(Math.max(...dates.map((date) => date.getTime()))) : null;
}

/** `lessons` is the course's published lessons in order. */
export function decideLessonAccess(
  lesson: OutlineLesson,
  lessons: readonly OutlineLesson[],
  sequential: boolean,
  learner: Learner,
  now: Date
): LessonDecision {
  if (learner.managesCourse || lesson.freePreview) return { allowed: true };
  const enrollment = learner.enrollment;
  if (!enrollment || enrollment.status === 'cancelled') return { allowed: false, reason: 'not_enrolled' };
  if (enrollment.status === 'expired') return { allowed: false, reason: 'access_expired' };
  const opensAt = releaseDate(lesson, enrollment.enrolledAt);
  if (opensAt && opensAt > now) return { allowed: false, reason: 'not_released' };
  if (sequential) {
    const earlier = lessons.filter((other) => compareLessons(other, lesson) < 0);
    if (earlier.some((other) => !learner.completedLessonIds.has(other.documentId)))
      return { allowed: false, reason: 'lesson_locked' };
  }
  return { allowed: true };
}

export const compareLessons = (a: OutlineLesson, b: OutlineLesson) =>
  a.position - b.position || a.documentId.localeCompare(b.documentId);

export interface CourseProgress {
  completedLessons: number;
  totalLessons: number;
  percent: number;
  courseCompleted: boolean;
}

/** A course is complete when every lesson is and every required quiz (final test included) is passed. */
export function courseProgress(
  lessons: readonly OutlineLesson[],
  completedLessonIds: ReadonlySet<string>,
  requiredQuizCount: number,
  passedRequiredQuizCount: number
): CourseProgress {
  const totalLessons = lessons.length;
  const completedLessons = lessons.filter((lesson) => completedLessonIds.has(lesson.documentId)).length;
  const steps = totalLessons + requiredQuizCount;
  const done = completedLessons + passedRequiredQuizCount;
  return {
    completedLessons,
    totalLessons,
    percent: steps === 0 ? 0 : Math.floor((done / steps) * 100),
    courseCompleted: steps > 0 && done === steps,
  };
}
