import { errors } from '@strapi/utils';
import { bodyWithOnly } from '../../../../../access/params';
import type { GradeStatus } from './submission-rules';

export const MAX_FEEDBACK = 20_000;
export const GRADE_STATUSES: readonly GradeStatus[] = ['graded', 'returned', 'resubmit_requested'];

export const invalidField = (field: string, message: string) =>
  new errors.ValidationError(message, { errors: [{ path: [field], message, name: 'ValidationError' }] });

export function optionalText(value: unknown, field: string, maxLength: number): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== 'string') throw invalidField(field, `${field} must be text`);
  if (value.length > maxLength) throw invalidField(field, `${field} must be at most ${maxLength} characters`);
  return value;
}

export interface GradeInput {
  grade?: number | null;
  feedback?: string | null;
  status: GradeStatus;
  /** A grade by rubric, `[{ criterion, level }]`, checked against the assignment's rubric by the service. */
  rubric?: unknown;
  /** The attempt the teacher was shown: another one arrived meanwhile is a 409, not a grade for unseen work. */
  attempt?: number;
}

/**
 * A teacher's grade as the REST route (`{ grade | rubric, feedback, status }`) and the admin panel's grading queue
 * (which also sends the `attempt` it showed) take it: the range of `grade` is the service's, against the
 * assignment's maxPoints.
 */
export function parseGradeBody(body: unknown, options: { withAttempt?: boolean } = {}): GradeInput {
  const fields = bodyWithOnly(
    body,
    options.withAttempt
      ? ['grade', 'rubric', 'feedback', 'status', 'attempt']
      : ['grade', 'rubric', 'feedback', 'status']
  );
  if (
    fields.grade !== undefined &&
    fields.grade !== null &&
    (typeof fields.grade !== 'number' || !Number.isFinite(fields.grade))
  ) {
    throw invalidField('grade', 'grade must be a number of points');
  }
  // A grade by rubric is the sum of its levels: points sent beside it could only disagree.
  if (fields.rubric !== undefined && fields.grade !== undefined && fields.grade !== null)
    throw invalidField('grade', 'Send either grade or rubric: a grade by rubric is the sum of its levels');
  if (fields.rubric !== undefined && !Array.isArray(fields.rubric))
    throw invalidField('rubric', 'rubric must be a list of { criterion, level }');
  const status = fields.status === undefined ? 'graded' : fields.status;
  if (!GRADE_STATUSES.includes(status as GradeStatus))
    throw invalidField('status', `status must be one of ${GRADE_STATUSES.join(', ')}`);
  const feedback = optionalText(fields.feedback, 'feedback', MAX_FEEDBACK);
  let attempt: number | undefined;
  if (fields.attempt !== undefined) {
    if (typeof fields.attempt !== 'number' || !Number.isSafeInteger(fields.attempt) || fields.attempt < 1) {
      throw invalidField('attempt', 'attempt must be a positive integer');
    }
    attempt = fields.attempt;
  }
  return {
    grade: fields.grade as number | null | undefined,
    ...(fields.rubric === undefined ? {} : { rubric: fields.rubric }),
    feedback,
    status: status as GradeStatus,
    ...(attempt === undefined ? {} : { attempt }),
  };
}
