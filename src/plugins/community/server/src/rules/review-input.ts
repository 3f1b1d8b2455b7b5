import { cleanTextField } from '../../../../../content/text-policy';
import { fieldProblem, throwIfInvalid, type FieldError } from '../../../../../errors/refusal';
import { readBody, readText } from './field-errors';
import type { EnrollmentStatus } from '../../../../enrollment/server/src/facade';

export const REVIEW_BODY_MAX = 5000;

export interface ReviewInput {
  rating?: number;
  body?: string;
}

/** A rating is a whole number of stars, 1 to 5: "4.5", "5" and 4.5 are refused, not rounded. */
export const isValidRating = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5;

/**
 * `{ rating, body }` of a new review (both required) or of an edit (`partial`: at least one of them).
 * Throws a 400 naming every refused field.
 */
export function parseReviewInput(body: unknown, options: { partial: boolean }): ReviewInput {
  const { fields, problems } = readBody(body, ['rating', 'body']);
  const input: ReviewInput = {};
  if (fields.rating === undefined) {
    if (!options.partial) problems.push(fieldProblem('rating', 'rating is required'));
  } else if (!isValidRating(fields.rating)) {
    problems.push(fieldProblem('rating', 'rating must be a whole number from 1 to 5'));
  } else {
    input.rating = fields.rating;
  }
  const text = readText(fields, 'body', { min: 1, max: REVIEW_BODY_MAX, required: !options.partial }, problems);
  if (text !== undefined) {
    // Plain text (src/content/text-policy.ts): markup goes, and a body that was only markup says nothing.
    input.body = cleanTextField('api::review.review', 'body', text);
    if (!input.body.trim()) problems.push(fieldProblem('body', 'body has no text left once markup is removed'));
  }
  if (options.partial && problems.length === 0 && input.rating === undefined && input.body === undefined) {
    problems.push(fieldProblem('rating', 'Give a new rating or body'));
  }
  throwIfInvalid(problems as FieldError[]);
  return input;
}

/**
 * Who has taken the course may review it: a current student, one who finished, and one whose access has
 * since run out. Leaving before doing so (cancelled) or never enrolling does not count.
 */
export const mayReview = (status: EnrollmentStatus | null): boolean =>
  status === 'active' || status === 'completed' || status === 'expired';
