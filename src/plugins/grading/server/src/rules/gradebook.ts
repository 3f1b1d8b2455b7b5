import { roundPoints } from './submission-rules';

/**
 * The gradebook's arithmetic: which quiz attempt counts, each item as a percentage, the weighted total.
 * Pure, so the numbers a teacher exports can be checked without a database.
 */
export type ScoringPolicy = 'best' | 'last';

export interface FinishedAttempt {
  attemptNumber: number;
  score: number;
  maxScore: number;
  percent: number;
}

export interface ItemScore {
  score: number;
  maxPoints: number;
  percent: number;
}

/** The attempt that counts: the highest percentage (earliest on a tie) or the latest one, as the quiz says. */
export function pickQuizScore(attempts: readonly FinishedAttempt[], policy: ScoringPolicy): ItemScore | null {
  if (attempts.length === 0) return null;
  const ordered = [...attempts].sort((a, b) => a.attemptNumber - b.attemptNumber);
  const chosen =
    policy === 'last'
      ? ordered[ordered.length - 1]
      : ordered.reduce((best, attempt) => (attempt.percent > best.percent ? attempt : best), ordered[0]);
  return {
    score: roundPoints(chosen.score),
    maxPoints: roundPoints(chosen.maxScore),
    percent: roundPoints(chosen.percent),
  };
}

export function assignmentScore(finalGrade: number | null, maxPoints: number): ItemScore | null {
  if (finalGrade === null || !Number.isFinite(finalGrade)) return null;
  return {
    score: roundPoints(finalGrade),
    maxPoints: roundPoints(maxPoints),
    percent: maxPoints > 0 ? roundPoints((finalGrade / maxPoints) * 100) : 0,
  };
}

export interface WeightedCell {
  weight: number;
  percent: number | null;
}

export interface Totals {
  /** Over every item, a missing score counting as zero: the grade if the course ended today. */
  totalPercent: number | null;
  /** Over the items with a score only: how the student is doing on what they have handed in. */
  gradedPercent: number | null;
}

/**
 * Weighted mean of the items' percentages. Weights are per item (default 1, so equal); an item weighing 0
 * is shown but does not count. Null when nothing counts.
 */
export function weightedTotals(cells: readonly WeightedCell[]): Totals {
  const counted = cells.filter((cell) => Number.isFinite(cell.weight) && cell.weight > 0);
  const allWeight = counted.reduce((sum, cell) => sum + cell.weight, 0);
  const graded = counted.filter((cell) => cell.percent !== null);
  const gradedWeight = graded.reduce((sum, cell) => sum + cell.weight, 0);
  const weightedSum = graded.reduce((sum, cell) => sum + cell.weight * (cell.percent as number), 0);
  return {
    totalPercent: allWeight > 0 ? roundPoints(weightedSum / allWeight) : null,
    gradedPercent: gradedWeight > 0 ? roundPoints(weightedSum / gradedWeight) : null,
  };
}

/** A weight as stored (decimal, possibly a string from PostgreSQL, possibly null): 1 unless a valid number. */
export function itemWeight(value: unknown): number {
  if (value === null || value === undefined || value === '') return 1;
  const weight = Number(value);
  return Number.isFinite(weight) && weight >= 0 ? weight : 1;
}

export interface GradebookItem {
  /** `quiz:<documentId>` or `assignment:<documentId>`: unique across both kinds. */
  id: string;
  kind: 'quiz' | 'assignment';
  documentId: string;
  title: string;
  maxPoints: number;
  weight: number;
}

export interface GradebookStudent {
  id: number;
  username: string;
  fullName: string | null;
  email: string;
}

export interface GradebookCell {
  item: string;
  score: number | null;
  maxPoints: number;
  percent: number | null;
}

export interface GradebookRow extends Totals {
  student: GradebookStudent;
  grades: GradebookCell[];
}

/** One row per student, one cell per item in the items' order, and the student's totals. */
export function gradebookRows(
  items: readonly GradebookItem[],
  students: readonly GradebookStudent[],
  scoreOf: (studentId: number, item: GradebookItem) => ItemScore | null
): GradebookRow[] {
  return students.map((student) => {
    const grades = items.map((item) => {
      const score = scoreOf(student.id, item);
      return {
        item: item.id,
        score: score?.score ?? null,
        maxPoints: score?.maxPoints ?? item.maxPoints,
        percent: score?.percent ?? null,
      };
    });
    const totals = weightedTotals(
      items.map((item, index) => ({ weight: item.weight, percent: grades[index].percent }))
    );
    return { student, grades, ...totals };
  });
}

/** One column per rubric criterion (`?rubric=true`): the points of the level each student's grade chose. */
export interface RubricColumn {
  header: string;
  pointsOf: (studentId: number) => number | null;
}

/**
 * The spreadsheet: a header naming each item with its points and weight, then points per student; rubric
 * criteria, when asked for, come after the totals so the columns before them stay where they always were.
 */
export function gradebookTable(
  items: readonly GradebookItem[],
  rows: readonly GradebookRow[],
  rubricColumns: readonly RubricColumn[] = []
): Array<Array<string | number | null>> {
  const header = [
    'Student',
    'Username',
    'Email',
    ...items.map((item) => `${item.title} (${item.kind}, ${item.maxPoints} pts, weight ${item.weight})`),
    'Total %',
    'Graded %',
    ...rubricColumns.map((column) => column.header),
  ];
  return [
    header,
    ...rows.map((row) => [
      row.student.fullName || row.student.username,
      row.student.username,
      row.student.email,
      ...row.grades.map((cell) => cell.score),
      row.totalPercent,
      row.gradedPercent,
      ...rubricColumns.map((column) => column.pointsOf(row.student.id)),
    ]),
  ];
}
