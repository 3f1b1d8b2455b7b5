import { fieldProblem, type FieldError } from '../../../../../errors/refusal';
import { toPlainText } from '../../../../../content/rich-text';
import type { AttemptQuestion, QuestionType } from '../../../../grading/server/src/facade';

/**
 * A quiz post's self-check questions, written in the grading plugin's question shape (`type`, `prompt`, `points`,
 * `partialCredit`, `options: [{ text, correct }]`, `acceptedAnswers`, `numericAnswer`, `tolerance`, `explanation`)
 * and stored as grading scores them (AttemptQuestion: numbered questions and options), so grading's scoring and
 * answer visibility apply unchanged.
 */
export type PostQuestion = AttemptQuestion;

const TYPES: readonly QuestionType[] = ['single', 'multiple', 'true_false', 'short_text', 'numeric'];
export const QUESTIONS_LIMIT = 50;
const OPTIONS_LIMIT = 20;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const plain = (value: string) => toPlainText(value).trim();
const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export function parseQuestions(value: unknown): { questions: PostQuestion[]; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const questions: PostQuestion[] = [];
  if (!Array.isArray(value) || value.length > QUESTIONS_LIMIT) {
    problems.push(fieldProblem('questions', `questions must be a list of at most ${QUESTIONS_LIMIT} questions`));
    return { questions, problems };
  }
  let optionId = 0;
  value.forEach((raw, index) => {
    const at = (field: string, message: string) =>
      problems.push({ path: ['questions', String(index), field], message, name: 'ValidationError' });
    if (!isObject(raw)) {
      problems.push({
        path: ['questions', String(index)],
        message: 'a question is an object',
        name: 'ValidationError',
      });
      return;
    }
    const type = raw.type ?? 'single';
    if (!TYPES.includes(type as QuestionType)) return at('type', `type must be one of ${TYPES.join(', ')}`);
    const prompt = typeof raw.prompt === 'string' ? plain(raw.prompt) : '';
    if (!prompt || prompt.length > 5000) at('prompt', 'prompt must be text of 1 to 5000 characters');
    const points = raw.points ?? 1;
    if (!finite(points) || points < 0 || points > 1000) at('points', 'points must be a number from 0 to 1000');
    const question: PostQuestion = {
      id: index + 1,
      type: type as QuestionType,
      prompt,
      points: finite(points) ? points : 1,
      partialCredit: raw.partialCredit === true,
      options: [],
      acceptedAnswers: [],
      numericAnswer: null,
      tolerance: 0,
      explanation: typeof raw.explanation === 'string' ? plain(raw.explanation).slice(0, 5000) || null : null,
    };
    if (question.type === 'single' || question.type === 'multiple' || question.type === 'true_false') {
      const options = raw.options;
      if (!Array.isArray(options) || options.length < 2 || options.length > OPTIONS_LIMIT) {
        at('options', `a ${question.type} question has 2 to ${OPTIONS_LIMIT} options`);
      } else {
        for (const option of options) {
          const text = isObject(option) && typeof option.text === 'string' ? plain(option.text) : '';
          if (!text) at('options', 'every option has text');
          optionId += 1;
          question.options.push({ id: optionId, text, correct: isObject(option) && option.correct === true });
        }
        const correct = question.options.filter((option) => option.correct).length;
        if (question.type === 'multiple' ? correct < 1 : correct !== 1)
          at(
            'options',
            question.type === 'multiple' ? 'mark at least one correct option' : 'mark exactly one correct option'
          );
      }
    } else if (question.type === 'short_text') {
      const accepted = raw.acceptedAnswers;
      if (
        !Array.isArray(accepted) ||
        !accepted.length ||
        !accepted.every((answer) => typeof answer === 'string' && answer.trim())
      )
        at('acceptedAnswers', 'a short_text question lists its accepted answers');
      else question.acceptedAnswers = accepted.map((answer) => String(answer).slice(0, 2000));
    } else {
      if (!finite(raw.numericAnswer)) at('numericAnswer', 'a numeric question has its numericAnswer');
      else question.numericAnswer = raw.numericAnswer;
      const tolerance = raw.tolerance ?? 0;
      if (!finite(tolerance) || tolerance < 0) at('tolerance', 'tolerance must be a number of at least 0');
      else question.tolerance = tolerance;
    }
    questions.push(question);
  });
  return { questions, problems };
}
