import {
  activityPart,
  bayesianRating,
  matchReasons,
  matchScore,
  pricePart,
  type MatchFacts,
} from '../../src/plugins/marketplace/server/src/tasks/rules/match-score';
import { offerPriceMinor, parseTaskInput } from '../../src/plugins/marketplace/server/src/tasks/rules/task-input';
import { mayReadTask, mayPostTasks } from '../../src/plugins/marketplace/server/src/tasks/rules/task-rules';

const NOW = new Date('2026-12-06T12:00:00Z');
const fieldsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    return ((error as any).details?.errors ?? []).map((problem: { path: string[] }) => problem.path.join('.'));
  }
  return [];
};

describe('the rating part of a match is a Bayesian average', () => {
  test('one 5-star review does not beat fifty reviews averaging 4.8', () => {
    expect(bayesianRating(5, 1)).toBeCloseTo(3.75);
    expect(bayesianRating(240, 50)).toBeCloseTo(4.682, 3);
    expect(bayesianRating(240, 50)).toBeGreaterThan(bayesianRating(5, 1));
  });
  test('a tutor without reviews sits at the prior, above a tutor with many poor ones', () => {
    expect(bayesianRating(0, 0)).toBe(3.5);
    expect(bayesianRating(0, 0)).toBeGreaterThan(bayesianRating(40, 20));
  });
});

describe('price and activity parts', () => {
  test.each<[string, number | null, string | null, number | null, number]>([
    ['no budget: neutral', 100, 'USD', null, 0.5],
    ['within budget', 30, 'USD', 40, 1],
    ['at the budget', 40, 'USD', 40, 1],
    ['a quarter above', 50, 'USD', 40, 0.75],
    ['twice the budget or more', 80, 'USD', 40, 0],
    ['another currency', 10, 'EUR', 40, 0],
    ['no rate', null, null, 40, 0],
  ])('%s', (_name, rate, currency, budget, expected) => {
    expect(pricePart(rate, currency, budget, budget === null ? null : 'USD')).toBeCloseTo(expected);
  });
  test('a week counts fully, a month half, longer nothing', () => {
    const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
    expect([activityPart(daysAgo(2), NOW), activityPart(daysAgo(20), NOW), activityPart(daysAgo(60), NOW)]).toEqual([
      1, 0.5, 0,
    ]);
    expect(activityPart(null, NOW)).toBe(0);
  });
});

describe('match score and reasons', () => {
  const facts = (overrides: Partial<MatchFacts> = {}): MatchFacts => ({
    subjectName: 'Algebra',
    ratingSum: 0,
    ratingCount: 0,
    ratingAverage: 0,
    hourlyRate: 30,
    rateCurrency: 'USD',
    budget: 40,
    currency: 'USD',
    sharesLanguage: true,
    language: 'en',
    lastActiveAt: NOW,
    ...overrides,
  });
  test('scores lie in 0..1 and each part moves them the right way', () => {
    const base = matchScore(facts(), NOW);
    expect(base).toBeGreaterThan(0);
    expect(base).toBeLessThanOrEqual(1);
    expect(matchScore(facts({ sharesLanguage: false }), NOW)).toBeLessThan(base);
    expect(matchScore(facts({ hourlyRate: 70 }), NOW)).toBeLessThan(base);
    expect(matchScore(facts({ lastActiveAt: null }), NOW)).toBeLessThan(base);
    expect(matchScore(facts({ ratingSum: 240, ratingCount: 50 }), NOW)).toBeGreaterThan(base);
  });
  test('reasons are sentences a student reads', () => {
    expect(matchReasons(facts({ ratingSum: 240, ratingCount: 50, ratingAverage: 4.8, language: 'ru' }), NOW)).toEqual([
      'Teaches Algebra',
      'Rated 4.8 from 50 reviews',
      'Hourly rate 30 USD is within your budget of 40 USD',
      'Speaks Russian',
      'Active in the last week',
    ]);
    expect(
      matchReasons(facts({ budget: null, currency: null, sharesLanguage: false, lastActiveAt: null }), NOW)
    ).toEqual(['Teaches Algebra', 'New tutor: no reviews yet']);
  });
});

describe('task input', () => {
  const valid = { title: 'Help', description: 'Please', subject: 'abc123', budget: '40.50', currency: 'usd' };
  test('reads money exactly in the currency’s minor unit and upper-cases the code', () => {
    expect(parseTaskInput(valid, NOW)).toMatchObject({ budgetMinor: 4050, currency: 'USD', deadline: null });
    expect(parseTaskInput({ ...valid, budget: 1500, currency: 'JPY' }, NOW).budgetMinor).toBe(1500);
  });
  test.each<[string, Record<string, unknown>, string[]]>([
    ['a budget without currency', { budget: 10, currency: undefined }, ['currency']],
    ['too many decimals', { budget: '1.234' }, ['budget']],
    ['a negative budget', { budget: -1 }, ['budget']],
    ['a past deadline', { deadline: '2026-12-01T00:00:00Z' }, ['deadline']],
    ['a deadline that is not a date', { deadline: 'tomorrow' }, ['deadline']],
    ['a subject that is not a documentId', { subject: 'not one!' }, ['subject']],
    ['an empty title', { title: ' ' }, ['title']],
  ])('%s → 400 naming it', (_name, change, fields) => {
    expect(fieldsOf(() => parseTaskInput({ ...valid, ...change }, NOW))).toEqual(fields);
  });
  test('an offer price must be a positive amount of the task currency', () => {
    expect(offerPriceMinor('35.5', 'USD')).toBe(3550);
    expect(fieldsOf(() => offerPriceMinor(0, 'USD'))).toEqual(['price']);
    expect(fieldsOf(() => offerPriceMinor('1.5', 'JPY'))).toEqual(['price']);
  });
});

describe('who posts and reads tasks', () => {
  test('students post; teachers (tutors) and admins read any task, students only their own or one they offered on', () => {
    expect(mayPostTasks({ userId: 1, role: 'student' })).toBe(true);
    expect(mayPostTasks({ userId: 1, role: 'teacher' })).toBe(false);
    const task = { authorId: 1 };
    expect(mayReadTask({ userId: 1, role: 'student' }, task, false)).toBe(true);
    expect(mayReadTask({ userId: 2, role: 'student' }, task, false)).toBe(false);
    expect(mayReadTask({ userId: 3, role: 'teacher' }, task, false)).toBe(true);
    expect(mayReadTask({ userId: null, role: 'public' }, task, false)).toBe(false);
  });
});
