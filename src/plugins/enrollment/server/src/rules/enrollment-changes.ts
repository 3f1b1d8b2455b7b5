import { accessExpiryAfterCompletion, type EnrollmentStatus } from './enrollment-rules';

/**
 * What a student's activity changes on their enrollment, as typed values of its attributes: the enrollment
 * plugin decides them, whoever writes them (progress writes a completion's change with the lesson's progress row,
 * in one statement). Pure.
 */

/** Where the student is; fields left undefined stay as they are. */
export interface EnrollmentActivity {
  lastLessonDocumentId?: string;
  lastPositionSeconds?: number;
  progressPercent?: number;
  now: Date;
}

/** The enrollment's activity as last written, to skip a write that would change nothing. */
export interface RecordedActivity {
  progressPercent: number;
  lastActivityAt: string | null;
  lastLessonDocumentId?: string | null;
}

export interface EnrollmentChange {
  /** Attribute values to write (undefined: left as it is). */
  set: {
    status?: EnrollmentStatus;
    completedAt?: Date;
    progressPercent?: number;
    accessExpiresAt?: Date;
    lastActivityAt: Date;
    updatedAt: Date;
    lastLessonDocumentId?: string;
    lastPositionSeconds?: number;
  };
  /** Written only while the enrollment has these values: of concurrent completions one moves the row. */
  onlyWhere: { status?: EnrollmentStatus };
}

/**
 * Last activity is kept to the minute: a request that changes neither the percent nor the last lesson
 * within a minute of the recorded activity (a completion sent again, a page reloaded) writes nothing.
 */
const ACTIVITY_RESOLUTION_MS = 60_000;

/**
 * The activity alone; null when it would change nothing. Only where the student is: no cached answer shows
 * these attributes, so the writer purges nothing.
 */
export function activityChange(activity: EnrollmentActivity, recorded?: RecordedActivity): EnrollmentChange | null {
  if (recorded && isSameActivity(activity, recorded)) return null;
  return {
    set: {
      lastActivityAt: activity.now,
      updatedAt: activity.now,
      lastLessonDocumentId: activity.lastLessonDocumentId,
      lastPositionSeconds: activity.lastPositionSeconds,
      progressPercent: activity.progressPercent,
    },
    onlyWhere: {},
  };
}

/**
 * Completes the enrollment once, with the activity that completed it: only an active enrollment moves, so of
 * concurrent completions one writes the row; the others write nothing and record the activity alone. Access then
 * lasts the course's accessDaysAfterCompletion. No cached answer shows an enrollment's status (studentsCount
 * counts seats, which a completion keeps), so the writer purges nothing.
 */
export function completionChange(
  activity: { lastLessonDocumentId?: string; now: Date },
  accessDaysAfterCompletion: number | null
): EnrollmentChange {
  const { now } = activity;
  return {
    set: {
      status: 'completed',
      completedAt: now,
      progressPercent: 100,
      accessExpiresAt: accessExpiryAfterCompletion(now, accessDaysAfterCompletion),
      lastActivityAt: now,
      updatedAt: now,
      lastLessonDocumentId: activity.lastLessonDocumentId,
    },
    onlyWhere: { status: 'active' },
  };
}

function isSameActivity(activity: EnrollmentActivity, recorded: RecordedActivity): boolean {
  if (activity.lastPositionSeconds !== undefined || !recorded.lastActivityAt) return false;
  if (activity.progressPercent !== undefined && activity.progressPercent !== recorded.progressPercent) return false;
  if (activity.lastLessonDocumentId !== undefined && activity.lastLessonDocumentId !== recorded.lastLessonDocumentId)
    return false;
  return activity.now.getTime() - new Date(recorded.lastActivityAt).getTime() < ACTIVITY_RESOLUTION_MS;
}
