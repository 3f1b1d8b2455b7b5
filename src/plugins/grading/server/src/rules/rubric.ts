import type { FieldError } from '../../../../../errors/refusal';
import { roundPoints } from './submission-rules';

/**
 * Rubrics (contract, "Teaching depth"): an assignment's `rubric` is `[{ criterion, levels: [{ label, points }] }]`;
 * a grade by rubric picks one level per criterion and the grade is the sum of their points. Pure.
 */
export interface RubricLevel {
  label: string;
  points: number;
}
export interface RubricCriterion {
  criterion: string;
  levels: RubricLevel[];
}
/** A chosen level as it is kept with the grade and shown to the student. */
export interface ChosenLevel {
  criterion: string;
  level: string;
  points: number;
}

const MAX_CRITERIA = 50;
const MAX_LEVELS = 20;
const MAX_NAME = 200;

const problem = (path: Array<string | number>, message: string): FieldError => ({
  path,
  message,
  name: 'ValidationError',
});
const isName = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() !== '' && value.length <= MAX_NAME;

/** A rubric as stored (already checked on save); anything unreadable counts as no rubric. */
export function rubricOf(value: unknown): RubricCriterion[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  return value as RubricCriterion[];
}

/** The problems of a rubric written to an assignment: named criteria, each with named levels and points ≥ 0. */
export function rubricProblems(value: unknown, maxPoints?: number): FieldError[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MAX_CRITERIA)
    return [problem(['rubric'], `rubric must be a list of at most ${MAX_CRITERIA} criteria`)];
  const problems: FieldError[] = [];
  const criteria = new Set<string>();
  let best = 0;
  value.forEach((item, index) => {
    const path = ['rubric', index];
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      return problems.push(problem(path, `rubric[${index}] must be { criterion, levels }`));
    const { criterion, levels, ...rest } = item as Record<string, unknown>;
    const unknown = Object.keys(rest)[0];
    if (unknown) problems.push(problem([...path, unknown], `rubric[${index}].${unknown} is not a rubric field`));
    if (!isName(criterion))
      problems.push(
        problem([...path, 'criterion'], `rubric[${index}].criterion must be a name of 1–${MAX_NAME} characters`)
      );
    else if (criteria.has(criterion))
      problems.push(problem([...path, 'criterion'], `The criterion "${criterion}" appears twice`));
    else criteria.add(criterion);
    if (!Array.isArray(levels) || levels.length === 0 || levels.length > MAX_LEVELS)
      return problems.push(problem([...path, 'levels'], `rubric[${index}].levels must list 1–${MAX_LEVELS} levels`));
    const labels = new Set<string>();
    let top = 0;
    levels.forEach((level, levelIndex) => {
      const levelPath = [...path, 'levels', levelIndex];
      if (level === null || typeof level !== 'object' || Array.isArray(level))
        return problems.push(problem(levelPath, 'a level must be { label, points }'));
      const { label, points, ...extra } = level as Record<string, unknown>;
      const stray = Object.keys(extra)[0];
      if (stray) problems.push(problem([...levelPath, stray], `${stray} is not a level field`));
      if (!isName(label))
        problems.push(problem([...levelPath, 'label'], `a level's label must be 1–${MAX_NAME} characters`));
      else if (labels.has(label)) problems.push(problem([...levelPath, 'label'], `The level "${label}" appears twice`));
      else labels.add(label);
      if (typeof points !== 'number' || !Number.isFinite(points) || points < 0)
        problems.push(problem([...levelPath, 'points'], "a level's points must be a number ≥ 0"));
      else top = Math.max(top, points);
    });
    best += top;
  });
  if (problems.length === 0 && maxPoints !== undefined && roundPoints(best) > maxPoints)
    problems.push(
      problem(['rubric'], `The rubric's best levels add up to ${roundPoints(best)}, more than maxPoints (${maxPoints})`)
    );
  return problems;
}

/**
 * A grade by rubric: one `{ criterion, level }` per criterion of the assignment's rubric. Unknown criteria or
 * levels, a criterion chosen twice and a criterion left out are each named; the grade is the sum of the points.
 */
export function gradeByRubric(
  rubric: readonly RubricCriterion[],
  chosen: unknown
): { grade: number; levels: ChosenLevel[] } | { problems: FieldError[] } {
  if (!Array.isArray(chosen))
    return { problems: [problem(['rubric'], 'rubric must be a list of { criterion, level }')] };
  const problems: FieldError[] = [];
  const byCriterion = new Map(rubric.map((criterion) => [criterion.criterion, criterion]));
  const picked = new Map<string, ChosenLevel>();
  // A criterion the teacher named, rightly or not, is reported for what is wrong with it, not as missing too.
  const named = new Set(
    chosen.map((item) => (item && typeof item === 'object' ? (item as { criterion?: unknown }).criterion : undefined))
  );
  chosen.forEach((item, index) => {
    const path = ['rubric', index];
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      return problems.push(problem(path, `rubric[${index}] must be { criterion, level }`));
    const { criterion, level, ...rest } = item as Record<string, unknown>;
    const unknown = Object.keys(rest)[0];
    if (unknown) return problems.push(problem([...path, unknown], `rubric[${index}].${unknown} is not accepted`));
    const known = typeof criterion === 'string' ? byCriterion.get(criterion) : undefined;
    if (!known)
      return problems.push(problem([...path, 'criterion'], `Unknown criterion: ${JSON.stringify(criterion ?? null)}`));
    if (picked.has(known.criterion))
      return problems.push(problem([...path, 'criterion'], `The criterion "${known.criterion}" is graded twice`));
    const match = typeof level === 'string' ? known.levels.find((candidate) => candidate.label === level) : undefined;
    if (!match)
      return problems.push(
        problem(
          [...path, 'level'],
          `Unknown level ${JSON.stringify(level ?? null)} of the criterion "${known.criterion}"`
        )
      );
    picked.set(known.criterion, { criterion: known.criterion, level: match.label, points: Number(match.points) });
  });
  for (const criterion of rubric) {
    if (!picked.has(criterion.criterion) && !named.has(criterion.criterion))
      problems.push(problem(['rubric'], `Missing criterion: "${criterion.criterion}"`));
  }
  if (problems.length) return { problems };
  // In the rubric's order, whatever order the teacher sent them in.
  const levels = rubric.map((criterion) => picked.get(criterion.criterion)!);
  return { grade: roundPoints(levels.reduce((sum, level) => sum + level.points, 0)), levels };
}
