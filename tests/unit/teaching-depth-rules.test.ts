import {
  drawSizeProblems,
  matchesTags,
  parseDraws,
  pickDrawnIds,
  type BankIndex,
} from '../../src/plugins/grading/server/src/rules/question-draws';
import { gradeByRubric, rubricProblems } from '../../src/plugins/grading/server/src/rules/rubric';

const paths = (problems: Array<{ path: Array<string | number> }>) => problems.map((problem) => problem.path.join('.'));

const bank: BankIndex = {
  documentId: 'bank',
  courseDocumentId: 'course',
  questions: [
    { id: 1, tags: ['a'] },
    { id: 2, tags: ['a', 'b'] },
    { id: 3, tags: ['b'] },
    { id: 4, tags: [] },
  ],
};
const banks = new Map([['bank', bank]]);

describe('question draws', () => {
  test.each([
    [undefined, []],
    [null, []],
    [[{ bank: 'bank', count: 1 }], []],
    [[{ bank: 'bank', count: 0 }], ['draws.0.count']],
    [[{ bank: 'bank', count: 2.5 }], ['draws.0.count']],
    [[{ bank: '', count: 1 }], ['draws.0.bank']],
    [[{ bank: 'bank', count: 1, tags: 'a' }], ['draws.0.tags']],
    [[{ bank: 'bank', count: 1, extra: true }], ['draws.0.extra']],
    [['bank'], ['draws.0']],
    ['bank', ['draws']],
  ])('parseDraws(%j) names %j', (value, expected) => {
    expect(paths(parseDraws(value).problems)).toEqual(expected);
  });

  test('a question matches when it carries every tag asked for', () => {
    expect(matchesTags(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(matchesTags(['a'], ['a', 'b'])).toBe(false);
    expect(matchesTags([], undefined)).toBe(true);
  });

  test.each([
    [[{ bank: 'bank', count: 4 }], []],
    [[{ bank: 'bank', count: 5 }], ['draws.0.count']],
    [[{ bank: 'bank', count: 3, tags: ['a'] }], ['draws.0.count']],
    [
      [
        { bank: 'bank', count: 2, tags: ['a'] },
        { bank: 'bank', count: 2, tags: ['b'] },
      ],
      ['draws.1.count'],
    ],
    [
      [
        { bank: 'bank', count: 2, tags: ['a'] },
        { bank: 'bank', count: 2 },
      ],
      [],
    ],
    [[{ bank: 'other', count: 1 }], ['draws.0.bank']],
  ])('drawSizeProblems(%j) names %j', (draws, expected) => {
    expect(paths(drawSizeProblems(draws, banks, 'course'))).toEqual(expected);
  });

  test('a bank of another course is refused', () => {
    expect(paths(drawSizeProblems([{ bank: 'bank', count: 1 }], banks, 'elsewhere'))).toEqual(['draws.0.bank']);
  });

  test('picks distinct ids across draws, filtered by tags, whatever the random numbers', () => {
    for (const random of [() => 0, (max: number) => max - 1]) {
      const ids = pickDrawnIds(
        [
          { bank: 'bank', count: 2, tags: ['a'] },
          { bank: 'bank', count: 2 },
        ],
        banks,
        random
      );
      expect(ids).toHaveLength(4);
      expect(new Set(ids).size).toBe(4);
      expect([1, 2]).toEqual(expect.arrayContaining(ids.slice(0, 2)));
    }
  });

  test('a bank shrunk since the quiz was saved gives what it has', () => {
    expect(pickDrawnIds([{ bank: 'bank', count: 9 }], banks)).toHaveLength(4);
    expect(pickDrawnIds([{ bank: 'gone', count: 2 }], banks)).toEqual([]);
  });
});

describe('rubrics', () => {
  const rubric = [
    {
      criterion: 'A',
      levels: [
        { label: 'low', points: 1 },
        { label: 'high', points: 3 },
      ],
    },
    { criterion: 'B', levels: [{ label: 'ok', points: 0.5 }] },
  ];

  test('a valid rubric has no problems; its best total must fit maxPoints', () => {
    expect(rubricProblems(rubric, 10)).toEqual([]);
    expect(paths(rubricProblems(rubric, 3))).toEqual(['rubric']);
  });

  test('the grade is the sum of the chosen levels, in the rubric order', () => {
    expect(
      gradeByRubric(rubric, [
        { criterion: 'B', level: 'ok' },
        { criterion: 'A', level: 'high' },
      ])
    ).toEqual({
      grade: 3.5,
      levels: [
        { criterion: 'A', level: 'high', points: 3 },
        { criterion: 'B', level: 'ok', points: 0.5 },
      ],
    });
  });

  test.each([
    [[{ criterion: 'A', level: 'high' }], ['rubric'], 'Missing criterion: "B"'],
    [
      [
        { criterion: 'A', level: 'mid' },
        { criterion: 'B', level: 'ok' },
      ],
      ['rubric.0.level'],
      'mid',
    ],
    [
      [
        { criterion: 'C', level: 'x' },
        { criterion: 'A', level: 'low' },
        { criterion: 'B', level: 'ok' },
      ],
      ['rubric.0.criterion'],
      'C',
    ],
  ])('gradeByRubric(%j) names %j', (chosen, expected, message) => {
    const result = gradeByRubric(rubric, chosen);
    expect('problems' in result && paths(result.problems)).toEqual(expected);
    expect('problems' in result && result.problems.map((problem) => problem.message).join(' ')).toContain(message);
  });
});
