/**
 * Who may join a course and until when: pure rules over plain values, tested without HTTP.
 */
export type EnrollmentStatus = 'active' | 'completed' | 'expired' | 'cancelled';
export type EnrollmentRefusal = 'not_published' | 'enrollment_closed' | 'prerequisites_missing' | 'payment_required';

export interface CourseTerms {
  documentId: string;
  isPublished: boolean;
  enrollmentOpensAt: Date | null;
  enrollmentClosesAt: Date | null;
  price: number;
  capacity: number | null;
  accessDaysAfterCompletion: number | null;
  prerequisiteDocumentIds: string[];
}

export interface EnrollmentRequest {
  course: CourseTerms;
  now: Date;
  /** Courses the student has completed (completedAt set, whatever happened to access since). */
  completedCourseDocumentIds: ReadonlySet<string>;
  hasPaidOrder: boolean;
  /** An owner or admin placing a student: the window and payment are theirs to waive, not publication or prerequisites. */
  isPlacedByStaff: boolean;
}

export type EnrollmentDecision = { allowed: true } | { allowed: false; reason: EnrollmentRefusal; message: string };

export function decideEnrollment(request: EnrollmentRequest): EnrollmentDecision {
  const { course, now } = request;
  if (!course.isPublished) return { allowed: false, reason: 'not_published', message: 'This course is not published' };
  if (!request.isPlacedByStaff) {
    if (course.enrollmentOpensAt && now < course.enrollmentOpensAt) {
      return {
        allowed: false,
        reason: 'enrollment_closed',
        message: `Enrollment opens at ${course.enrollmentOpensAt.toISOString()}`,
      };
    }
    if (course.enrollmentClosesAt && now > course.enrollmentClosesAt) {
      return { allowed: false, reason: 'enrollment_closed', message: 'Enrollment for this course has closed' };
    }
  }
  const missing = course.prerequisiteDocumentIds.filter((id) => !request.completedCourseDocumentIds.has(id));
  if (missing.length > 0) {
    return { allowed: false, reason: 'prerequisites_missing', message: 'Complete the prerequisite courses first' };
  }
  if (!request.isPlacedByStaff && course.price > 0 && !request.hasPaidOrder) {
    return { allowed: false, reason: 'payment_required', message: 'This course must be paid for first' };
  }
  return { allowed: true };
}

const DAY_MS = 86_400_000;
export const DEFAULT_ACCESS_DAYS_AFTER_COMPLETION = 30;

/** Access after completion lasts the course's accessDaysAfterCompletion (30 by default). */
export function accessExpiryAfterCompletion(completedAt: Date, accessDaysAfterCompletion: number | null): Date {
  const days = accessDaysAfterCompletion ?? DEFAULT_ACCESS_DAYS_AFTER_COMPLETION;
  return new Date(completedAt.getTime() + days * DAY_MS);
}

/** The status a student sees now: a completed enrollment whose access ran out is expired even before the job marks it. */
export function effectiveStatus(
  enrollment: { status: EnrollmentStatus; accessExpiresAt: Date | string | null },
  now: Date
): EnrollmentStatus {
  if (enrollment.status === 'completed' && enrollment.accessExpiresAt && new Date(enrollment.accessExpiresAt) <= now)
    return 'expired';
  return enrollment.status;
}

/** Members read the course's lessons, quizzes and news: active, or completed with access left. */
export const isMemberStatus = (status: EnrollmentStatus): boolean => status === 'active' || status === 'completed';

/** What a re-enrollment restores: a student who had finished the course keeps it finished. */
export const statusOnReturn = (completedAt: Date | string | null): EnrollmentStatus =>
  completedAt ? 'completed' : 'active';
