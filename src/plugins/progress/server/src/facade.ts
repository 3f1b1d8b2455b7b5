import type { Core } from '@strapi/strapi';
import type progressService from './services/progress';

/**
 * What the progress plugin offers the rest of Lyceum (the only file others import from it): whether a lesson is
 * open to a caller, completing lessons, the lesson refusals and their messages, and the port through which grading
 * tells progress about quizzes. Progress depends on enrollment only; grading reports a pass here (onQuizPassed),
 * and progress announces a completed course as an event that certificates react to.
 */

export { lessonRefusal, lessonRefusalMessage, type LessonAction, type LessonRefusal } from './rules/lesson-refusals';
export { provideQuizRequirements, type QuizRequirements } from './quiz-requirements';

type ProgressService = ReturnType<typeof progressService>;

export type LessonProgress = Pick<
  ProgressService,
  'checkLessonAccess' | 'outline' | 'completeLesson' | 'savePosition' | 'watchPosition' | 'onQuizPassed'
>;

export const lessonProgress = (strapi: Core.Strapi): LessonProgress =>
  strapi.plugin('progress').service('progress') as ProgressService;
