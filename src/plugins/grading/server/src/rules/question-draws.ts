import { randomInt } from 'crypto';
import type { FieldError } from '../../../../../errors/refusal';

/**
 * Random draws from a course's question banks (contract, "Teaching depth"): a quiz's `draws` name a bank by
 * documentId, how many questions to take and, optionally, tags a question must all carry. Each attempt takes
 * its questions afresh, distinct within the attempt. Pure, so the rules are tested without a database.
 */
export interface QuestionDraw {
  bank: string;
  count: number;
  tags?: string[];
}

/** What a draw needs to know of a bank: its course and each question's id and tags, never the questions. */
export interface BankIndex {
  documentId: string;
  courseDocumentId: string | null;
  questions: Array<{ id: number; tags: string[] }>;
}

export const MAX_DRAWS = 20;
const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 100;
/** A draw never asks for more than this: an attempt is a copy of its questions, kept with the attempt. */
export const MAX_DRAW_COUNT = 200;

const problem = (path: Array<string | number>, message: string): FieldError => ({
  path,
  message,
  name: 'ValidationError',
});

/** A question's tags as stored (a JSON list of strings); anything else counts as no tags. */
export const tagsOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((tag): tag is string => typeof tag === 'string') : [];

/** A question matches a draw's tags when it carries every one of them (no tags: every question matches). */
export const matchesTags = (questionTags: readonly string[], wanted: readonly string[] | undefined) =>
  !wanted || wanted.every((tag) => questionTags.includes(tag));

/** The problems of a bank question's `tags`: a list of short, non-empty strings. */
export function tagProblems(value: unknown, path: Array<string | number>): FieldError[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MAX_TAGS)
    return [problem(path, `tags must be a list of at most ${MAX_TAGS} strings`)];
  const bad = value.findIndex((tag) => typeof tag !== 'string' || tag.trim() === '' || tag.length > MAX_TAG_LENGTH);
  return bad === -1
    ? []
    : [problem([...path, bad], `each tag must be a non-empty string of at most ${MAX_TAG_LENGTH} characters`)];
}

/**
 * `draws` as written to a quiz: a list of `{ bank, count, tags? }`. Returns the draws and the problems of their
 * shape; whether the banks hold enough is `drawSizeProblems`' question.
 */
export function parseDraws(value: unknown): { draws: QuestionDraw[]; problems: FieldError[] } {
  if (value === undefined || value === null) return { draws: [], problems: [] };
  if (!Array.isArray(value))
    return { draws: [], problems: [problem(['draws'], 'draws must be a list of { bank, count, tags? }')] };
  if (value.length > MAX_DRAWS)
    return { draws: [], problems: [problem(['draws'], `A quiz has at most ${MAX_DRAWS} draws`)] };
  const draws: QuestionDraw[] = [];
  const problems: FieldError[] = [];
  value.forEach((item, index) => {
    const path = ['draws', index];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push(problem(path, `draws[${index}] must be { bank, count, tags? }`));
      return;
    }
    const { bank, count, tags, ...rest } = item as Record<string, unknown>;
    const before = problems.length;
    const unknown = Object.keys(rest)[0];
    if (unknown) problems.push(problem([...path, unknown], `draws[${index}].${unknown} is not a draw field`));
    if (typeof bank !== 'string' || bank.length === 0 || bank.length > 64)
      problems.push(problem([...path, 'bank'], `draws[${index}].bank must name a question bank by documentId`));
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_DRAW_COUNT)
      problems.push(
        problem([...path, 'count'], `draws[${index}].count must be a whole number from 1 to ${MAX_DRAW_COUNT}`)
      );
    problems.push(...tagProblems(tags, [...path, 'tags']));
    if (problems.length === before)
      draws.push({ bank: bank as string, count: count as number, ...(Array.isArray(tags) ? { tags } : {}) });
  });
  return { draws, problems };
}

/**
 * Does every draw fit its bank? A draw may not ask for more questions than its bank holds after tag filtering,
 * and draws from one bank together may not ask for more than the questions they can reach, since an attempt's
 * questions are distinct. A bank of another course (or none) is refused: the quiz's teachers may not own it.
 */
export function drawSizeProblems(
  draws: readonly QuestionDraw[],
  banks: ReadonlyMap<string, BankIndex>,
  courseDocumentId: string | null
): FieldError[] {
  const problems: FieldError[] = [];
  const byBank = new Map<string, { asked: number; reachable: Set<number>; last: number }>();
  draws.forEach((draw, index) => {
    const bank = banks.get(draw.bank);
    if (!bank || bank.courseDocumentId === null || bank.courseDocumentId !== courseDocumentId) {
      problems.push(
        problem(['draws', index, 'bank'], `draws[${index}].bank names no question bank of this quiz's course`)
      );
      return;
    }
    const matching = bank.questions.filter((question) => matchesTags(question.tags, draw.tags));
    if (draw.count > matching.length) {
      problems.push(
        problem(
          ['draws', index, 'count'],
          `draws[${index}] asks for ${draw.count} questions but its bank holds ${matching.length}` +
            (draw.tags?.length ? ` tagged ${draw.tags.join(', ')}` : '')
        )
      );
      return;
    }
    const sum = byBank.get(draw.bank) ?? { asked: 0, reachable: new Set<number>(), last: index };
    sum.asked += draw.count;
    sum.last = index;
    matching.forEach((question) => sum.reachable.add(question.id));
    byBank.set(draw.bank, sum);
  });
  for (const sum of byBank.values()) {
    if (sum.asked > sum.reachable.size)
      problems.push(
        problem(
          ['draws', sum.last, 'count'],
          `The draws from one bank ask for ${sum.asked} distinct questions but reach only ${sum.reachable.size}`
        )
      );
  }
  return problems;
}

/**
 * The question ids one attempt takes: for each draw, `count` ids picked uniformly at random (a CSPRNG, as for
 * shuffling) among the bank's questions with the draw's tags, none picked twice in the attempt. A bank edited
 * since the quiz was saved may hold fewer: the draw then takes what is left.
 */
export function pickDrawnIds(
  draws: readonly QuestionDraw[],
  banks: ReadonlyMap<string, BankIndex>,
  random: (max: number) => number = randomInt
): number[] {
  const taken = new Set<number>();
  const picked: number[] = [];
  for (const draw of draws) {
    const pool = (banks.get(draw.bank)?.questions ?? [])
      .filter((question) => !taken.has(question.id) && matchesTags(question.tags, draw.tags))
      .map((question) => question.id);
    // Partial Fisher–Yates: only `count` swaps, whatever the bank's size.
    const wanted = Math.min(draw.count, pool.length);
    for (let index = 0; index < wanted; index += 1) {
      const other = index + random(pool.length - index);
      [pool[index], pool[other]] = [pool[other], pool[index]];
      taken.add(pool[index]);
      picked.push(pool[index]);
    }
  }
  return picked;
}
