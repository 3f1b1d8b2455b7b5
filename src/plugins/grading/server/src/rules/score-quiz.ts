import { invalidFields } from '../../../../../errors/refusal';

/**
 * Quiz scoring: pure functions over the questions an attempt was given and the answers a student sent.
 * The attempt keeps its own copy of the questions (see attempt-questions.ts), so a quiz edited while an
 * attempt is open is scored against what the student actually saw.
 */

export type QuestionType = 'single' | 'multiple' | 'true_false' | 'short_text' | 'numeric';

export interface AttemptOption {
  id: number;
  text: string;
  correct: boolean;
}

export interface AttemptQuestion {
  id: number;
  type: QuestionType;
  prompt: string;
  points: number;
  partialCredit: boolean;
  options: AttemptOption[];
  acceptedAnswers: string[];
  numericAnswer: number | null;
  tolerance: number;
  explanation: string | null;
}

export interface Answer {
  question: number;
  choices?: number[];
  text?: string;
  number?: number;
}

export interface QuestionResult {
  question: number;
  points: number;
  earned: number;
  correct: boolean;
}

export interface QuizScore {
  score: number;
  maxScore: number;
  percent: number;
  passed: boolean;
  results: QuestionResult[];
}

/** A client mistake in the answers: a 400 naming the offending field (`details.errors[0].path`). */
const refusedAnswer = (path: Array<string | number>, message: string) =>
  invalidFields([{ path: path.map(String), message, name: 'ValidationError' }]);

const MAX_TEXT_LENGTH = 2000;
const CHOICE_TYPES: ReadonlySet<QuestionType> = new Set(['single', 'multiple', 'true_false']);
const round2 = (value: number) => Math.round(value * 100) / 100;
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Case-insensitive, and spaces count only as word breaks: " New  York " is "new york". */
export const normaliseText = (value: string) => value.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase();

/**
 * Checks the shape of submitted answers against the attempt's questions. Leaving a question out is
 * allowed (it scores 0); naming an unknown question, answering one twice, a choice of another question,
 * the same choice twice or a field of the wrong type is not.
 */
export function parseAnswers(input: unknown, questions: readonly AttemptQuestion[]): Answer[] {
  if (!Array.isArray(input)) throw refusedAnswer(['answers'], 'answers must be a list');
  if (input.length > questions.length)
    throw refusedAnswer(
      ['answers'],
      `answers has ${input.length} entries but the attempt has ${questions.length} questions`
    );
  const byId = new Map(questions.map((question) => [question.id, question]));
  const seen = new Set<number>();
  return input.map((raw, index) => {
    const at = (field?: string): Array<string | number> => (field ? ['answers', index, field] : ['answers', index]);
    if (!isPlainObject(raw)) throw refusedAnswer(at(), 'each answer must be an object');
    const unknownField = Object.keys(raw).find((key) => !['question', 'choices', 'text', 'number'].includes(key));
    if (unknownField) throw refusedAnswer(at(unknownField), `${unknownField} is not a field of an answer`);
    const questionId = raw.question;
    if (typeof questionId !== 'number' || !Number.isSafeInteger(questionId))
      throw refusedAnswer(at('question'), 'question must be a question id of this attempt');
    const question = byId.get(questionId);
    if (!question) throw refusedAnswer(at('question'), `question ${questionId} is not part of this attempt`);
    if (seen.has(questionId)) throw refusedAnswer(at('question'), `question ${questionId} is answered twice`);
    seen.add(questionId);

    const answer: Answer = { question: questionId };
    if (CHOICE_TYPES.has(question.type)) {
      if (raw.text !== undefined || raw.number !== undefined)
        throw refusedAnswer(at('choices'), `question ${questionId} is answered with choices`);
      const choices = raw.choices ?? [];
      if (!Array.isArray(choices)) throw refusedAnswer(at('choices'), 'choices must be a list of option ids');
      const optionIds = new Set(question.options.map((option) => option.id));
      const chosen = new Set<number>();
      for (const choice of choices) {
        if (typeof choice !== 'number' || !Number.isSafeInteger(choice))
          throw refusedAnswer(at('choices'), 'choices must be option ids');
        if (!optionIds.has(choice))
          throw refusedAnswer(at('choices'), `option ${choice} is not an option of question ${questionId}`);
        if (chosen.has(choice)) throw refusedAnswer(at('choices'), `option ${choice} is chosen twice`);
        chosen.add(choice);
      }
      if (question.type !== 'multiple' && chosen.size > 1)
        throw refusedAnswer(at('choices'), `question ${questionId} takes one choice`);
      answer.choices = [...chosen];
    } else if (question.type === 'short_text') {
      if (raw.choices !== undefined || raw.number !== undefined)
        throw refusedAnswer(at('text'), `question ${questionId} is answered with text`);
      if (raw.text !== undefined) {
        if (typeof raw.text !== 'string') throw refusedAnswer(at('text'), 'text must be a string');
        if (raw.text.length > MAX_TEXT_LENGTH)
          throw refusedAnswer(at('text'), `text must be at most ${MAX_TEXT_LENGTH} characters`);
        answer.text = raw.text;
      }
    } else {
      if (raw.choices !== undefined || raw.text !== undefined)
        throw refusedAnswer(at('number'), `question ${questionId} is answered with a number`);
      if (raw.number !== undefined) {
        if (typeof raw.number !== 'number' || !Number.isFinite(raw.number))
          throw refusedAnswer(at('number'), 'number must be a finite number');
        answer.number = raw.number;
      }
    }
    return answer;
  });
}

/** Share of a question's points earned by one answer, from 0 to 1. */
export function questionCredit(question: AttemptQuestion, answer: Answer | undefined): number {
  if (!answer) return 0;
  switch (question.type) {
    case 'single':
    case 'true_false': {
      const [choice] = answer.choices ?? [];
      return question.options.some((option) => option.id === choice && option.correct) ? 1 : 0;
    }
    case 'multiple': {
      const correctIds = new Set(question.options.filter((option) => option.correct).map((option) => option.id));
      const chosen = answer.choices ?? [];
      if (chosen.length === 0) return 0;
      const right = chosen.filter((id) => correctIds.has(id)).length;
      const wrong = chosen.length - right;
      if (!question.partialCredit) return wrong === 0 && right === correctIds.size ? 1 : 0;
      // Partial credit: each right choice earns a share, each wrong one takes a share back, never below 0,
      // so ticking every box earns nothing.
      if (correctIds.size === 0) return wrong === 0 ? 1 : 0;
      return Math.max(0, (right - wrong) / correctIds.size);
    }
    case 'short_text': {
      if (answer.text === undefined) return 0;
      const given = normaliseText(answer.text);
      return given !== '' && question.acceptedAnswers.some((accepted) => normaliseText(accepted) === given) ? 1 : 0;
    }
    case 'numeric': {
      if (answer.number === undefined || question.numericAnswer === null) return 0;
      // A hair of slack so that 0.1 + 0.2 style float noise does not fail an exact answer.
      return Math.abs(answer.number - question.numericAnswer) <= question.tolerance + 1e-9 ? 1 : 0;
    }
  }
}

export function scoreQuiz(
  questions: readonly AttemptQuestion[],
  answers: readonly Answer[],
  passingPercent: number
): QuizScore {
  const byQuestion = new Map(answers.map((answer) => [answer.question, answer]));
  const results = questions.map((question) => {
    const credit = questionCredit(question, byQuestion.get(question.id));
    return {
      question: question.id,
      points: question.points,
      earned: round2(question.points * credit),
      correct: credit === 1,
    };
  });
  const score = round2(results.reduce((sum, result) => sum + result.earned, 0));
  const maxScore = round2(questions.reduce((sum, question) => sum + question.points, 0));
  // A quiz worth nothing cannot be failed: every answer is as good as any other.
  const percent = maxScore > 0 ? round2((score / maxScore) * 100) : 100;
  return { score, maxScore, percent, passed: percent >= passingPercent, results };
}
