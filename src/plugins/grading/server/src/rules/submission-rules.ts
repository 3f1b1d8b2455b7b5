/**
 * When a student may hand work in, whether it is late, and what a late hand-in costs: pure rules over
 * plain values, tested without HTTP.
 */
export type SubmissionStatus = 'submitted' | 'graded' | 'returned' | 'resubmit_requested';
export type GradeStatus = Exclude<SubmissionStatus, 'submitted'>;
export type SubmissionRefusal = 'past_due' | 'already_graded';

export interface LatePolicy {
  dueAt: Date | null;
  allowLate: boolean;
  /** 0..100, taken off the grade of a late submission. */
  latePenaltyPercent: number;
}

export interface ActiveSubmission {
  status: SubmissionStatus;
  attempt: number;
  isLate: boolean;
}

export type SubmissionDecision =
  | { allowed: true; attempt: number; isLate: boolean; latePenaltyPercent: number }
  | { allowed: false; reason: SubmissionRefusal; message: string };

/**
 * One active submission per student, replaced by a resubmission, as Google Classroom and Canvas do:
 * - while `submitted` (not graded yet) the student may replace it freely;
 * - `returned` (handed back with feedback) and `resubmit_requested` invite a new version;
 * - `graded` is final: a new version would silently void a posted grade, so it is refused (409).
 * A resubmission the teacher asked for answers the teacher, not the deadline: it is accepted after the
 * due date even when late work is refused, and keeps the lateness of the work it replaces.
 */
export function decideSubmission(policy: LatePolicy, existing: ActiveSubmission | null, now: Date): SubmissionDecision {
  if (existing?.status === 'graded') {
    return {
      allowed: false,
      reason: 'already_graded',
      message: 'This submission is graded; ask your teacher to return it before you resubmit',
    };
  }
  const attempt = existing ? existing.attempt + 1 : 1;
  const isRequested = existing?.status === 'resubmit_requested';
  const isPastDue = policy.dueAt !== null && now.getTime() > policy.dueAt.getTime();
  if (isRequested) {
    return {
      allowed: true,
      attempt,
      isLate: existing!.isLate,
      latePenaltyPercent: existing!.isLate ? clampPercent(policy.latePenaltyPercent) : 0,
    };
  }
  if (isPastDue && !policy.allowLate) {
    return {
      allowed: false,
      reason: 'past_due',
      message: `This assignment was due at ${policy.dueAt!.toISOString()} and takes no late work`,
    };
  }
  return {
    allowed: true,
    attempt,
    isLate: isPastDue,
    latePenaltyPercent: isPastDue ? clampPercent(policy.latePenaltyPercent) : 0,
  };
}

const clampPercent = (value: number) => Math.min(100, Math.max(0, Number.isFinite(value) ? value : 0));

/** Points to two decimals, the precision a gradebook shows, without binary noise (0.1 + 0.2). */
export const roundPoints = (value: number) => Math.round((value + Number.EPSILON) * 100) / 100;

/** The grade that counts: the teacher's points less the late penalty, a percentage of those points. */
export function gradeAfterPenalty(grade: number, latePenaltyPercent: number): number {
  return roundPoints(grade * (1 - clampPercent(latePenaltyPercent) / 100));
}

export type GradeProblem = { field: 'grade' | 'status'; message: string };

/**
 * What a teacher's grade must be: points within 0..maxPoints; required to mark the work `graded`, optional
 * when it is only returned or sent back for a new version.
 */
export function gradeProblem(grade: number | null, status: GradeStatus, maxPoints: number): GradeProblem | null {
  if (grade === null)
    return status === 'graded' ? { field: 'grade', message: 'grade is required to mark a submission graded' } : null;
  if (!Number.isFinite(grade) || grade < 0 || grade > maxPoints)
    return { field: 'grade', message: `grade must be between 0 and ${maxPoints}` };
  return null;
}
