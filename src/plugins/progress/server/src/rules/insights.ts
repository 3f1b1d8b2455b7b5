/**
 * The arithmetic of the Course insights page, pure so it is tested without a database; the service gathers
 * the counts with aggregate queries.
 */
export type InsightsPeriod = 'day' | 'week';
export const INSIGHTS_PERIODS: readonly InsightsPeriod[] = ['day', 'week'];

/** Ten buckets of best-attempt percent: [0,10), [10,20) … [90,100]; 100 belongs to the last. */
export const SCORE_BUCKET_COUNT = 10;

export const scoreBuckets = (counts: ReadonlyMap<number, number>) =>
  Array.from({ length: SCORE_BUCKET_COUNT }, (_, index) => ({
    from: index * 10,
    to: index * 10 + 10,
    students: counts.get(index) ?? 0,
  }));

/** A share in percent with one decimal; 0 of 0 is 0 rather than NaN (a course nobody joined yet). */
export const percentOf = (part: number, whole: number): number =>
  whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;

export const roundToOneDecimal = (value: number): number => Math.round(value * 10) / 10;

/**
 * Where active students stopped: each one's first lesson (in course order) they have not completed. Students
 * who completed every lesson but not the course (a required quiz left) are counted apart.
 */
export function dropOff(
  lessonOrder: readonly string[],
  activeStudentIds: Iterable<number>,
  completedLessonsByStudent: ReadonlyMap<number, ReadonlySet<string>>
) {
  const stoppedAt = new Map<string, number>(lessonOrder.map((lesson) => [lesson, 0]));
  let finishedAllLessons = 0;
  for (const studentId of activeStudentIds) {
    const completed = completedLessonsByStudent.get(studentId) ?? new Set<string>();
    const firstIncomplete = lessonOrder.find((lesson) => !completed.has(lesson));
    if (firstIncomplete === undefined) finishedAllLessons += 1;
    else stoppedAt.set(firstIncomplete, (stoppedAt.get(firstIncomplete) ?? 0) + 1);
  }
  let top: { lessonDocumentId: string; students: number } | null = null;
  // Ties go to the earlier lesson: it is where the trouble starts.
  for (const lesson of lessonOrder) {
    const students = stoppedAt.get(lesson)!;
    if (students > 0 && (!top || students > top.students)) top = { lessonDocumentId: lesson, students };
  }
  return { stoppedAt, finishedAllLessons, top };
}
