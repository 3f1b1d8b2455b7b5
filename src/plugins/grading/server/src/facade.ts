import type { Core } from '@strapi/strapi';
import type quizAttemptsService from './services/quiz-attempts';
import type submissionsService from './services/submissions';

/**
 * What the grading plugin offers the app (GraphQL): a student's quiz attempts and hand-ins. No plugin calls grading:
 * grading reports passes to progress and answers progress's questions about quizzes (index.ts register), so the
 * dependency runs grading → progress → enrollment.
 */

type QuizAttemptsService = ReturnType<typeof quizAttemptsService>;
type SubmissionsService = ReturnType<typeof submissionsService>;

export type QuizAttempts = Pick<QuizAttemptsService, 'mine' | 'start' | 'submit'>;
export type Submissions = Pick<SubmissionsService, 'submit'>;

export const quizAttempts = (strapi: Core.Strapi): QuizAttempts =>
  strapi.plugin('grading').service('quiz-attempts') as QuizAttemptsService;

export const submissions = (strapi: Core.Strapi): Submissions =>
  strapi.plugin('grading').service('submissions') as SubmissionsService;

/** A quiz attempt's questions as its student may see them (no answer key): what a data export holds of them. */
export { questionsForStudent } from './rules/answer-visibility';
export type { AttemptQuestion } from './rules/score-quiz';

/** Scoring and the answer parts of a review, for the social plugin's self-check quiz posts (same question shape). */
export { scoreQuiz, parseAnswers } from './rules/score-quiz';
export { resultsWithAnswers } from './rules/answer-visibility';
export type { QuestionType, QuestionResult } from './rules/score-quiz';
