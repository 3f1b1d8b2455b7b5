import { dropOff, percentOf, scoreBuckets } from '../../src/plugins/progress/server/src/rules/insights';

describe('course insights arithmetic', () => {
  test.each([
    [1, 6, 16.7],
    [2, 3, 66.7],
    [3, 3, 100],
    [0, 0, 0],
  ])('%i of %i is %d percent, with one decimal', (part, whole, expected) => {
    expect(percentOf(part, whole)).toBe(expected);
  });

  test('score buckets are ten tenths, empty ones included', () => {
    const buckets = scoreBuckets(
      new Map([
        [0, 2],
        [9, 1],
      ])
    );
    expect(buckets).toHaveLength(10);
    expect(buckets[0]).toEqual({ from: 0, to: 10, students: 2 });
    expect(buckets[9]).toEqual({ from: 90, to: 100, students: 1 });
    expect(buckets.slice(1, 9).every((bucket) => bucket.students === 0)).toBe(true);
  });

  test('each active student stopped at their first incomplete lesson, in course order', () => {
    const completed = new Map<number, Set<string>>([
      [1, new Set()],
      [2, new Set(['a'])],
      [3, new Set(['a', 'c'])],
      [4, new Set(['a', 'b', 'c'])],
    ]);
    const result = dropOff(['a', 'b', 'c'], [1, 2, 3, 4, 5], completed);
    // 5 has no progress at all: stopped at the first lesson, like 1.
    expect(Object.fromEntries(result.stoppedAt)).toEqual({ a: 2, b: 2, c: 0 });
    expect(result.finishedAllLessons).toBe(1);
    expect(result.top).toEqual({ lessonDocumentId: 'a', students: 2 });
  });

  test('no active students or no lessons: no drop-off lesson', () => {
    expect(dropOff(['a'], [], new Map()).top).toBeNull();
    expect(dropOff([], [1], new Map())).toMatchObject({ top: null, finishedAllLessons: 1 });
  });
});
