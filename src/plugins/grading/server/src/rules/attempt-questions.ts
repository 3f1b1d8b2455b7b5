import { randomInt } from 'crypto';
import type { AttemptQuestion, QuestionResult, QuestionType } from './score-quiz';

/** What the quiz's `questions` component rows look like when read with their options. */
export interface QuestionComponent {
  id: number;
  type: QuestionType;
  prompt: string;
  points?: number | string | null;
  partialCredit?: boolean | null;
  options?: Array<{ id: number; text: string; correct?: boolean | null }> | null;
  acceptedAnswers?: unknown;
  numericAnswer?: number | string | null;
  tolerance?: number | string | null;
  explanation?: string | null;
}

export type ReviewPolicy = 'never' | 'after_submit' | 'after_pass' | 'after_last_attempt';

const toNumber = (value: unknown, fallback: number) => {
  const number = typeof value === 'string' ? Number(value) : (value as number);
  return typeof number === 'number' && Number.isFinite(number) ? number : fallback;
};

/** Fisher–Yates with a CSPRNG: a student must not be able to predict the order from the attempt id. */
export function shuffled<T>(items: readonly T[], random: (max: number) => number = randomInt): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = random(index + 1);
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

/**
 * The questions an attempt is given: a copy of the quiz's questions, answers included, in the order this
 * attempt shows them. Kept server-side on the attempt, so edits to the quiz never change an open attempt.
 */
export function attemptQuestions(
  components: readonly QuestionComponent[],
  settings: { shuffleQuestions: boolean; shuffleOptions: boolean },
  random?: (max: number) => number
): AttemptQuestion[] {
  const questions = components.map((component): AttemptQuestion => {
    const options = (component.options ?? []).map((option) => ({
      id: option.id,
      text: option.text,
      correct: Boolean(option.correct),
    }));
    const accepted = Array.isArray(component.acceptedAnswers)
      ? component.acceptedAnswers.filter((value): value is string => typeof value === 'string')
      : [];
    return {
      id: component.id,
      type: component.type,
      prompt: component.prompt,
      points: Math.max(0, toNumber(component.points, 1)),
      partialCredit: Boolean(component.partialCredit),
      // True/false is a choice between two options; the order True, False is part of its meaning.
      options: settings.shuffleOptions && component.type !== 'true_false' ? shuffled(options, random) : options,
      acceptedAnswers: accepted,
      numericAnswer:
        component.numericAnswer === null || component.numericAnswer === undefined
          ? null
          : toNumber(component.numericAnswer, NaN),
      tolerance: Math.max(0, toNumber(component.tolerance, 0)),
      explanation: component.explanation ?? null,
    };
  });
  return settings.shuffleQuestions ? shuffled(questions, random) : questions;
}

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

/** Per-question results with the correct answers, for a review the policy allows. */
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
