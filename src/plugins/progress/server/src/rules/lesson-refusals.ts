import { Refusal } from '../../../../../errors/refusal';

/**
 * Every reason a lesson is refused to a student, and what they are told: the one table every path that refuses a
 * lesson reads (lesson content, completion, resume position, the outline's `lockedReason`, a lesson's quiz or
 * assignment). The rule deciding each reason is `decideLessonAccess` (rules/lesson-access.ts); the quiz gate is in
 * services/progress.ts completeLesson.
 */
export type LessonRefusal = 'not_enrolled' | 'access_expired' | 'not_released' | 'lesson_locked' | 'quiz_not_passed';

/** What the student was doing when refused: some messages name it. */
export type LessonAction = 'open' | 'read' | 'record' | 'take_quiz' | 'hand_in';

const LESSON_REFUSALS: Record<LessonRefusal, { open: string } & Partial<Record<LessonAction, string>>> = {
  not_enrolled: {
    open: 'Enroll in the course to open this lesson',
    read: 'Enroll in the course to read this lesson',
    record: 'Enroll in the course first',
    take_quiz: 'Enroll in the course to take its quizzes',
    hand_in: 'Enroll in the course to hand in its assignments',
  },
  access_expired: { open: 'Your access to this course has ended' },
  not_released: {
    open: 'This lesson is not released yet',
    take_quiz: 'The lesson of this quiz is not released yet',
    hand_in: 'The lesson of this assignment is not released yet',
  },
  lesson_locked: { open: 'Complete the earlier lessons first' },
  quiz_not_passed: { open: 'This lesson completes when its quiz is passed' },
};

export function lessonRefusalMessage(reason: LessonRefusal, action: LessonAction): string {
  const messages = LESSON_REFUSALS[reason];
  return messages[action] ?? messages.open;
}

/** The 403 for a refused lesson: its message and `details.reason`. */
export const lessonRefusal = (reason: LessonRefusal, action: LessonAction): Refusal =>
  new Refusal(lessonRefusalMessage(reason, action), reason);
