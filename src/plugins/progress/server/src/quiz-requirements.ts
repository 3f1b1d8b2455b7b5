import type { Core } from '@strapi/strapi';

/**
 * What progress needs to know about quizzes to decide completion: which ones a course (or a lesson) requires and
 * which a student has passed. Grading answers it (it registers its answer at start-up through the progress facade),
 * so the dependency runs one way: grading knows progress, progress never calls grading.
 */
export interface QuizRequirements {
  /** Published required quizzes of a course: on its lessons, or on the course itself (final tests). */
  requiredQuizDocumentIds(courseDocumentId: string): Promise<string[]>;
  /** The published required quizzes on one lesson: the lesson completes when they are passed. */
  requiredQuizzesOfLesson(lessonDocumentId: string, courseDocumentId: string): Promise<string[]>;
  passedQuizDocumentIds(userId: number, quizDocumentIds: string[]): Promise<Set<string>>;
}

const provided = new WeakMap<Core.Strapi, QuizRequirements>();

export function provideQuizRequirements(strapi: Core.Strapi, requirements: QuizRequirements): void {
  provided.set(strapi, requirements);
}

export function quizRequirements(strapi: Core.Strapi): QuizRequirements {
  const requirements = provided.get(strapi);
  if (!requirements) throw new Error('progress: no plugin has provided the quiz requirements (grading registers them)');
  return requirements;
}
