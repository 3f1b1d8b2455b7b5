import { attemptQuestions, shuffled } from '../../src/plugins/grading/server/src/rules/attempt-questions';
import {
  ANSWER_KEY,
  mayReview,
  questionsForStaff,
  questionsForStudent,
  resultsWithAnswers,
} from '../../src/plugins/grading/server/src/rules/answer-visibility';
import { Refusal } from '../../src/errors/refusal';
import {
  normaliseText,
  parseAnswers,
  questionCredit,
  scoreQuiz,
  type AttemptQuestion,
} from '../../src/plugins/grading/server/src/rules/score-quiz';

const question = (overrides: Partial<AttemptQuestion> & Pick<AttemptQuestion, 'id' | 'type'>): AttemptQuestion => ({
  prompt: 'Q',
  points: 1,
  partialCredit: false,
  options: [],
  acceptedAnswers: [],
  numericAnswer: null,
  tolerance: 0,
  explanation: null,
  ...overrides,
});

const single = question({
  id: 1,
  type: 'single',
  options: [
    { id: 11, text: 'a', correct: true },
    { id: 12, text: 'b', correct: false },
  ],
});
const multiple = question({
  id: 2,
  type: 'multiple',
  points: 4,
  options: [
    { id: 21, text: 'a', correct: true },
    { id: 22, text: 'b', correct: true },
    { id: 23, text: 'c', correct: false },
    { id: 24, text: 'd', correct: false },
  ],
});
const partial = {
  ...multiple,
  id: 3,
  partialCredit: true,
  options: multiple.options.map((option) => ({ ...option, id: option.id + 10 })),
};
const trueFalse = question({
  id: 4,
  type: 'true_false',
  options: [
    { id: 41, text: 'True', correct: false },
    { id: 42, text: 'False', correct: true },
  ],
});
const shortText = question({ id: 5, type: 'short_text', points: 2, acceptedAnswers: ['New York', 'NYC'] });
const numeric = question({ id: 6, type: 'numeric', numericAnswer: 3.14, tolerance: 0.01 });
const exact = question({ id: 7, type: 'numeric', numericAnswer: 0.3, tolerance: 0 });
const all = [single, multiple, partial, trueFalse, shortText, numeric, exact];

describe('each question type earns its share of the points', () => {
  test.each([
    ['single: the correct option', single, { choices: [11] }, 1],
    ['single: a wrong option', single, { choices: [12] }, 0],
    ['single: no choice', single, { choices: [] }, 0],
    ['multiple: exactly the correct set', multiple, { choices: [22, 21] }, 1],
    ['multiple: one correct missing, all-or-nothing', multiple, { choices: [21] }, 0],
    ['multiple: correct set plus a wrong one', multiple, { choices: [21, 22, 23] }, 0],
    ['partial: half the correct ones', partial, { choices: [31] }, 0.5],
    ['partial: a right and a wrong cancel out', partial, { choices: [31, 33] }, 0],
    ['partial: every box ticked earns nothing', partial, { choices: [31, 32, 33, 34] }, 0],
    ['partial: exactly the correct set', partial, { choices: [31, 32] }, 1],
    ['true/false: the true statement', trueFalse, { choices: [42] }, 1],
    ['true/false: the false one', trueFalse, { choices: [41] }, 0],
    ['short text: case and spaces do not matter', shortText, { text: '  new   YORK ' }, 1],
    ['short text: another accepted answer', shortText, { text: 'nyc' }, 1],
    ['short text: a wrong answer', shortText, { text: 'Boston' }, 0],
    ['short text: an empty answer', shortText, { text: '   ' }, 0],
    ['numeric: within tolerance', numeric, { number: 3.149 }, 1],
    ['numeric: on the tolerance edge', numeric, { number: 3.15 }, 1],
    ['numeric: outside tolerance', numeric, { number: 3.2 }, 0],
    ['numeric: float noise on an exact answer', exact, { number: 0.1 + 0.2 }, 1],
    ['numeric: no number', numeric, {}, 0],
  ])('%s', (_name, subject, answer, credit) => {
    expect(questionCredit(subject, { question: subject.id, ...answer })).toBeCloseTo(credit);
  });

  test('an unanswered question earns nothing', () => {
    expect(questionCredit(single, undefined)).toBe(0);
  });
});

describe('scoring a whole attempt', () => {
  test('adds the points, computes the percent and compares it with the pass mark', () => {
    const answers = parseAnswers(
      [
        { question: 1, choices: [11] },
        { question: 2, choices: [21, 22] },
        { question: 3, choices: [31] },
        { question: 5, text: 'NYC' },
      ],
      all
    );
    const score = scoreQuiz(all, answers, 60);
    expect(score.maxScore).toBe(1 + 4 + 4 + 1 + 2 + 1 + 1);
    expect(score.score).toBe(1 + 4 + 2 + 2);
    expect(score.percent).toBe(64.29);
    expect(score.passed).toBe(true);
    expect(scoreQuiz(all, answers, 65).passed).toBe(false);
    expect(score.results.find((result) => result.question === 3)).toEqual({
      question: 3,
      points: 4,
      earned: 2,
      correct: false,
    });
  });

  test('empty answers score zero and fail', () => {
    const score = scoreQuiz(all, parseAnswers([], all), 50);
    expect(score).toMatchObject({ score: 0, percent: 0, passed: false });
  });

  test('a quiz worth no points is passed by anyone', () => {
    const free = [question({ id: 9, type: 'short_text', points: 0 })];
    expect(scoreQuiz(free, [], 80)).toMatchObject({ maxScore: 0, percent: 100, passed: true });
  });
});

describe('malformed answers are refused with the field named', () => {
  test.each([
    ['not a list', { question: 1 }, ['answers']],
    ['an answer that is not an object', ['x'], ['answers', 0]],
    ['an unknown question id', [{ question: 99, choices: [11] }], ['answers', 0, 'question']],
    ['a question id that is not a number', [{ question: '1', choices: [11] }], ['answers', 0, 'question']],
    [
      'the same question twice',
      [
        { question: 1, choices: [11] },
        { question: 1, choices: [12] },
      ],
      ['answers', 1, 'question'],
    ],
    ['an option of another question', [{ question: 1, choices: [21] }], ['answers', 0, 'choices']],
    ['the same choice twice', [{ question: 2, choices: [21, 21] }], ['answers', 0, 'choices']],
    ['two choices on a single-choice question', [{ question: 1, choices: [11, 12] }], ['answers', 0, 'choices']],
    ['choices that are not a list', [{ question: 1, choices: 11 }], ['answers', 0, 'choices']],
    ['text on a choice question', [{ question: 1, text: 'a' }], ['answers', 0, 'choices']],
    ['a number as the text answer', [{ question: 5, text: 42 }], ['answers', 0, 'text']],
    ['a text that is too long', [{ question: 5, text: 'x'.repeat(2001) }], ['answers', 0, 'text']],
    ['a number that is not finite', [{ question: 6, number: 'NaN' }], ['answers', 0, 'number']],
    ['an unknown field', [{ question: 6, number: 1, hint: true }], ['answers', 0, 'hint']],
    ['more answers than questions', Array.from({ length: 8 }, (_, index) => ({ question: index + 1 })), ['answers']],
  ])('%s', (_name, input, path) => {
    let thrown: unknown;
    try {
      parseAnswers(input, all);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Refusal);
    expect((thrown as Refusal).status).toBe(400);
    expect((thrown as Refusal).fieldErrors[0].path).toEqual(path.map(String));
  });
});

describe('the questions of an attempt', () => {
  const components = [
    {
      id: 1,
      type: 'single' as const,
      prompt: 'P1',
      points: '2',
      options: [
        { id: 11, text: 'a', correct: true },
        { id: 12, text: 'b', correct: null },
      ],
      explanation: 'why',
    },
    {
      id: 2,
      type: 'true_false' as const,
      prompt: 'P2',
      options: [
        { id: 21, text: 'True', correct: true },
        { id: 22, text: 'False' },
      ],
    },
    { id: 3, type: 'short_text' as const, prompt: 'P3', acceptedAnswers: ['x', 7] },
    { id: 4, type: 'numeric' as const, prompt: 'P4', numericAnswer: '2.5', tolerance: null },
  ];

  test('copy the quiz with numbers and answers normalised', () => {
    const questions = attemptQuestions(components, { shuffleQuestions: false, shuffleOptions: false });
    expect(questions.map((entry) => entry.id)).toEqual([1, 2, 3, 4]);
    expect(questions[0]).toMatchObject({
      points: 2,
      options: [
        { id: 11, correct: true },
        { id: 12, correct: false },
      ],
    });
    expect(questions[2].acceptedAnswers).toEqual(['x']);
    expect(questions[3]).toMatchObject({ numericAnswer: 2.5, tolerance: 0, points: 1 });
  });

  test('shuffle questions and options when asked, but never the True/False pair', () => {
    const reverse = (max: number) => 0 * max; // always swap with the first: a deterministic permutation
    const questions = attemptQuestions(components, { shuffleQuestions: true, shuffleOptions: true }, reverse);
    expect(questions.map((entry) => entry.id)).not.toEqual([1, 2, 3, 4]);
    expect(questions.find((entry) => entry.id === 1)!.options.map((option) => option.id)).toEqual([12, 11]);
    expect(questions.find((entry) => entry.id === 2)!.options.map((option) => option.id)).toEqual([21, 22]);
  });

  test('shuffling keeps every item exactly once', () => {
    const items = Array.from({ length: 50 }, (_, index) => index);
    expect(shuffled(items).sort((a, b) => a - b)).toEqual(items);
  });

  test('students see prompts and options, never correctness, accepted answers or explanations', () => {
    const shown = JSON.stringify(
      questionsForStudent(attemptQuestions(components, { shuffleQuestions: false, shuffleOptions: false }))
    );
    for (const secret of ['correct', 'acceptedAnswers', 'numericAnswer', 'tolerance', 'explanation', 'why', '2.5'])
      expect(shown).not.toContain(secret);
    expect(shown).toContain('P1');
  });

  test('a review shows the correct choices, accepted answers and explanations', () => {
    const questions = attemptQuestions(components, { shuffleQuestions: false, shuffleOptions: false });
    const score = scoreQuiz(questions, [], 50);
    const review = resultsWithAnswers(questions, score.results);
    expect(review[0]).toMatchObject({ correctChoices: [11], explanation: 'why' });
    expect(review[2]).toMatchObject({ acceptedAnswers: ['x'] });
    expect(review[3]).toMatchObject({ numericAnswer: 2.5, tolerance: 0 });
  });

  test('staff previewing a quiz see the whole answer key', () => {
    const staff = questionsForStaff(attemptQuestions(components, { shuffleQuestions: false, shuffleOptions: false }));
    expect(staff[0]).toMatchObject({
      explanation: 'why',
      options: expect.arrayContaining([{ id: 11, text: expect.any(String), correct: true }]),
    });
    expect(staff[2]).toMatchObject({ acceptedAnswers: ['x'] });
    expect(staff[3]).toMatchObject({ numericAnswer: 2.5, tolerance: 0 });
  });

  test('every answer-key attribute is private in the quiz components, so REST and GraphQL never show it', () => {
    for (const [component, attributes] of Object.entries(ANSWER_KEY)) {
      const schema = require(`../../src/components/${component.replace('.', '/')}.json`) as {
        attributes: Record<string, { private?: boolean }>;
      };
      for (const attribute of attributes)
        expect([component, attribute, schema.attributes[attribute]?.private]).toEqual([component, attribute, true]);
    }
  });
});

test.each([
  ['never', { passed: true, attemptsUsed: 3, maxAttempts: 3 }, false],
  ['after_submit', { passed: false, attemptsUsed: 1, maxAttempts: 3 }, true],
  ['after_pass', { passed: false, attemptsUsed: 1, maxAttempts: 3 }, false],
  ['after_pass', { passed: true, attemptsUsed: 1, maxAttempts: 3 }, true],
  ['after_last_attempt', { passed: true, attemptsUsed: 2, maxAttempts: 3 }, false],
  ['after_last_attempt', { passed: false, attemptsUsed: 3, maxAttempts: 3 }, true],
  ['after_last_attempt', { passed: false, attemptsUsed: 40, maxAttempts: null }, false],
] as const)('review policy %s with %j allows review: %s', (policy, state, expected) => {
  expect(mayReview(policy, state)).toBe(expected);
});

test('text comparison ignores case, surrounding and repeated spaces', () => {
  expect(normaliseText('  Hello\t  World ')).toBe('hello world');
});
