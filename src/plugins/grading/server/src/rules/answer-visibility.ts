import type { Core } from '@strapi/strapi';
import type { AttemptQuestion, QuestionResult } from './score-quiz';

/**
 * Quiz answers never leak: the one module that decides who sees a quiz's answer key (correct options, accepted
 * answers, the numeric answer and its tolerance, explanations). Every path goes through here:
 * - REST (`GET /quizzes`, `/quizzes/:id`) and GraphQL: the fields are `private` in the quiz components, so Strapi's
 *   output sanitiser drops them from REST answers and leaves them out of the GraphQL schema (and GraphQL serves no
 *   quiz type at all: src/graphql/shadow-crud.ts). `assertAnswerKeyPrivate` stops start-up if a schema edit
 *   un-marks one. Question banks hold `quiz.question` components too, so `GET /question-banks` drops the same fields
 *   (and GraphQL serves no bank).
 * - Random draws: the drawn questions are copied into the attempt with the fixed ones and shown, reviewed and
 *   previewed through the functions below like them (the admin preview's sample draw through `questionsForStaff`).
 * - A student answering an attempt (REST and GraphQL): `questionsForStudent`.
 * - A student reviewing a submitted attempt: `mayReview` (the quiz's reviewPolicy), then `resultsWithAnswers`.
 * - Staff previewing a quiz in the admin panel: `questionsForStaff`.
 * - The gradebook and its CSV export carry scores only, never questions.
 */

/** The answer key: per quiz component, the attributes only staff and an allowed review see. */
export const ANSWER_KEY: Readonly<Record<'quiz.option' | 'quiz.question', readonly string[]>> = {
  'quiz.option': ['correct'],
  'quiz.question': ['acceptedAnswers', 'numericAnswer', 'tolerance', 'explanation'],
};

export type ReviewPolicy = 'never' | 'after_submit' | 'after_pass' | 'after_last_attempt';

/** The questions as a student sees them while answering: no correctness, accepted answers or explanations. */
export function questionsForStudent(questions: readonly AttemptQuestion[]) {
  return questions.map((question) => ({
    id: question.id,
    type: question.type,
    prompt: question.prompt,
    points: question.points,
    ...(question.type === 'short_text' || question.type === 'numeric'
      ? {}
      : { options: question.options.map((option) => ({ id: option.id, text: option.text })) }),
  }));
}

/**
 * May the student see the correct answers of a submitted attempt? `after_last_attempt` opens once no
 * attempt is left (never for a quiz with unlimited attempts: the answers would help the next try).
 */
export function mayReview(
  policy: ReviewPolicy,
  state: { passed: boolean; attemptsUsed: number; maxAttempts: number | null }
): boolean {
  switch (policy) {
    case 'after_submit':
      return true;
    case 'after_pass':
      return state.passed;
    case 'after_last_attempt':
      return state.maxAttempts !== null && state.attemptsUsed >= state.maxAttempts;
    default:
      return false;
  }
}

/** Per-question results with the correct answers, for a review `mayReview` allows. */
export function resultsWithAnswers(questions: readonly AttemptQuestion[], results: readonly QuestionResult[]) {
  const byId = new Map(questions.map((question) => [question.id, question]));
  return results.map((result) => {
    const question = byId.get(result.question)!;
    return {
      ...result,
      explanation: question.explanation,
      ...(question.type === 'short_text'
        ? { acceptedAnswers: question.acceptedAnswers }
        : question.type === 'numeric'
          ? { numericAnswer: question.numericAnswer, tolerance: question.tolerance }
          : { correctChoices: question.options.filter((option) => option.correct).map((option) => option.id) }),
    };
  });
}

/** The questions with their answer key, for the staff who manage the quiz's course (the admin panel's preview). */
export function questionsForStaff(questions: readonly AttemptQuestion[]) {
  return questions.map((question) => ({
    id: question.id,
    type: question.type,
    prompt: question.prompt,
    points: question.points,
    partialCredit: question.partialCredit,
    explanation: question.explanation,
    ...(question.type === 'short_text'
      ? { acceptedAnswers: question.acceptedAnswers }
      : question.type === 'numeric'
        ? { numericAnswer: question.numericAnswer, tolerance: question.tolerance }
        : {
            options: question.options.map((option) => ({
              id: option.id,
              text: option.text,
              correct: option.correct,
            })),
          }),
  }));
}

/** Stops start-up when an answer-key attribute is not `private`: REST and GraphQL would then show it. */
export function assertAnswerKeyPrivate(strapi: Core.Strapi): void {
  for (const [component, attributes] of Object.entries(ANSWER_KEY)) {
    const schema = strapi.components[component as keyof typeof strapi.components] as
      { attributes: Record<string, { private?: boolean }> } | undefined;
    for (const attribute of attributes) {
      if (schema?.attributes[attribute]?.private !== true)
        throw new Error(`${component}.${attribute} is part of the quiz answer key and must be "private": true`);
    }
  }
}
