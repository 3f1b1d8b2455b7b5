import { randomInt } from 'crypto';
import type { AttemptQuestion, QuestionType } from './score-quiz';

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
