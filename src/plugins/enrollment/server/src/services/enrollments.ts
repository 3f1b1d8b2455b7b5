import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { conflict, Refusal } from '../../../../../errors/refusal';
import {
  accessExpiryAfterCompletion,
  decideEnrollment,
  effectiveStatus,
  isMemberStatus,
  statusOnReturn,
  type CourseTerms,
  type EnrollmentStatus,
} from '../rules/enrollment-rules';
import { isUniqueViolation } from '../../../../../errors/unique-violation';
import { rememberCourseStructure } from '../../../../../access/course-structure-cache';
import { aggregatedIds, isPostgres, runSql, toIsoOrNull, WRITTEN_BY_STATEMENT } from '../../../../../access/raw-sql';
import { linkOf, tableOf } from '../../../../../database/tables';
import { selectAttributes, updateRowStatement } from '../../../../../database/row-statements';
import { activityChange, type EnrollmentActivity, type RecordedActivity } from '../rules/enrollment-changes';
import { ensureSeatRow, holdSeat, releaseHold, releaseSeat, seatStudent, type SeatHold } from '../seats';
import { paidOrders } from '../paid-orders';
import { createId } from '@paralleldrive/cuid2';
import { enrollmentConfirmationJob, type EnrollmentConfirmation } from './enrollment-mail';
import { enqueue, enqueueInStatement } from '../../../../../jobs';
import { auditEntity, recordAuditEvent } from '../../../../../audit';
import type { Caller } from '../../../../../access/roles';

export const ENROLLMENT = 'plugin::enrollment.enrollment';
const COURSE = 'api::course.course';

export interface EnrollmentRecord {
  id: number;
  documentId: string;
  status: EnrollmentStatus;
  enrolledAt: string | null;
  completedAt: string | null;
  accessExpiresAt: string | null;
  cancelledAt: string | null;
  progressPercent: number;
  lastActivityAt: string | null;
  lastLessonDocumentId?: string | null;
}

const RECORD_FIELDS = [
  'id',
  'documentId',
  'status',
  'enrolledAt',
  'completedAt',
  'accessExpiresAt',
  'cancelledAt',
  'progressPercent',
  'lastActivityAt',
];

/** The attributes of an EnrollmentRecord, read raw by the fixed statements (progress reads them in its own). */
export const RECORD_ATTRIBUTES = [...RECORD_FIELDS, 'lastLessonDocumentId'] as const;

/** An enrollment row read raw by RECORD_ATTRIBUTES, in the shape the query engine answers (datetimes as ISO text). */
export function enrollmentFromRow(row: Record<string, unknown>): EnrollmentRecord {
  return {
    id: Number(row.id),
    documentId: row.documentId as string,
    status: row.status as EnrollmentStatus,
    enrolledAt: toIsoOrNull(row.enrolledAt),
    completedAt: toIsoOrNull(row.completedAt),
    accessExpiresAt: toIsoOrNull(row.accessExpiresAt),
    cancelledAt: toIsoOrNull(row.cancelledAt),
    progressPercent: Number(row.progressPercent ?? 0),
    lastActivityAt: toIsoOrNull(row.lastActivityAt),
    lastLessonDocumentId: (row.lastLessonDocumentId as string | null) ?? null,
  };
}

/** The database-unique key of "this student in this course": one enrollment each, whatever races. */
export const enrollmentKey = (userId: number, courseDocumentId: string) => `${userId}:${courseDocumentId}`;

const toDate = (value: unknown): Date | null => (value ? new Date(value as string) : null);

/** What the confirmation job of an enrollment carries, whichever way it is recorded. */
const confirmationOf = (userId: number, courseDocumentId: string, enrolledAt: Date): EnrollmentConfirmation => ({
  userId,
  courseDocumentId,
  enrolledAt: enrolledAt.toISOString(),
});

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  enrollmentKey,
  effectiveStatus,

  /** One fixed statement on the unique key (lesson requests read it with their completed lessons, in progress). */
  async findEnrollment(userId: number, courseDocumentId: string): Promise<EnrollmentRecord | null> {
    const columns = selectAttributes(strapi, ENROLLMENT, RECORD_ATTRIBUTES, 'e');
    const { rows } = await runSql<Record<string, unknown>>(
      strapi,
      `SELECT ${columns.sql} FROM ?? e WHERE e."key" = ?`,
      [...columns.bindings, tableOf(strapi, ENROLLMENT), enrollmentKey(userId, courseDocumentId)]
    );
    return rows.length ? enrollmentFromRow(rows[0]) : null;
  },

  async isMember(userId: number, courseDocumentId: string, now = new Date()): Promise<boolean> {
    const enrollment = await this.findEnrollment(userId, courseDocumentId);
    return enrollment !== null && isMemberStatus(effectiveStatus(enrollment, now));
  },

  /** documentIds of the courses a student is a member of, for filtering lists to what they may read. */
  async memberCourseDocumentIds(userId: number, now = new Date()): Promise<string[]> {
    const rows = await strapi.db.query(ENROLLMENT).findMany({
      where: { user: { id: userId }, status: { $in: ['active', 'completed'] } },
      select: ['key', 'status', 'accessExpiresAt'],
    });
    return rows
      .filter((row: EnrollmentRecord & { key: string }) => isMemberStatus(effectiveStatus(row, now)))
      .map((row: { key: string }) => row.key.slice(row.key.indexOf(':') + 1));
  },

  /** Ids of the students whose enrollment in a course gives access now: who hears the course's news and lessons. */
  async memberUserIds(courseDocumentId: string, now = new Date()): Promise<number[]> {
    const rows = await strapi.db.query(ENROLLMENT).findMany({
      where: { key: { $endsWith: `:${courseDocumentId}` }, status: { $in: ['active', 'completed'] } },
      select: ['status', 'accessExpiresAt'],
      // Through the link, not the key: a deleted account has no link left and is told nothing.
      populate: { user: { select: ['id'] } },
    });
    return rows
      .filter(
        (row: EnrollmentRecord & { user?: { id: number } | null }) =>
          row.user && isMemberStatus(effectiveStatus(row, now))
      )
      .map((row: { user: { id: number } }) => row.user.id);
  },

  /**
   * The enrollment-relevant facts of a course, from its published version when there is one. Remembered
   * with the course structure: dropped on any course write in this instance.
   */
  loadCourseTerms(courseDocumentId: string): Promise<(CourseTerms & { publishedRowId: number | null }) | null> {
    return rememberCourseStructure(strapi, `course-terms:${courseDocumentId}`, () =>
      this.readCourseTerms(courseDocumentId)
    );
  },

  /**
   * One fixed statement, prerequisites aggregated per row: enrolling and completing meet many courses for the
   * first time (a busy hour's enrollments spread over the catalog).
   */
  async readCourseTerms(courseDocumentId: string): Promise<(CourseTerms & { publishedRowId: number | null }) | null> {
    const link = linkOf(strapi, COURSE, 'prerequisites');
    const courseTable = tableOf(strapi, COURSE);
    const aggregate = isPostgres(strapi)
      ? 'array_agg(DISTINCT p.document_id)'
      : 'json_group_array(DISTINCT p.document_id)';
    const { rows } = await runSql<Record<string, unknown>>(
      strapi,
      `SELECT c.id, c.published_at, c.enrollment_opens_at, c.enrollment_closes_at, c.price, c.capacity, c.access_days_after_completion,
         (SELECT ${aggregate} FROM ?? l JOIN ?? p ON p.id = l.?? WHERE l.?? = c.id) AS prerequisites
       FROM ?? c WHERE c.document_id = ? ORDER BY c.id`,
      [link.table, courseTable, link.targetColumn, link.ownColumn, courseTable, courseDocumentId]
    );
    if (rows.length === 0) return null;
    const published = rows.filter((candidate) => candidate.published_at);
    const row = published[0] ?? rows[0];
    return {
      documentId: courseDocumentId,
      publishedRowId: published.length ? Number(published[0].id) : null,
      isPublished: Boolean(row.published_at),
      enrollmentOpensAt: toDate(row.enrollment_opens_at),
      enrollmentClosesAt: toDate(row.enrollment_closes_at),
      price: Number(row.price ?? 0),
      capacity: row.capacity === null || row.capacity === undefined ? null : Number(row.capacity),
      accessDaysAfterCompletion:
        row.access_days_after_completion === null || row.access_days_after_completion === undefined
          ? null
          : Number(row.access_days_after_completion),
      prerequisiteDocumentIds: aggregatedIds(row.prerequisites),
    };
  },

  async completedCourseDocumentIds(userId: number): Promise<Set<string>> {
    const rows = await strapi.db
      .query(ENROLLMENT)
      .findMany({ where: { user: { id: userId }, completedAt: { $notNull: true } }, select: ['key'] });
    return new Set(rows.map((row: { key: string }) => row.key.slice(row.key.indexOf(':') + 1)));
  },

  /**
   * Enrolls a student. Rules first (publication, window, prerequisites, payment), then one transaction
   * where the database settles the races: the seat is taken by a conditional increment of the course's
   * seat row, and the unique key refuses a second enrollment of the same student.
   */
  async enroll(params: {
    userId: number;
    courseDocumentId: string;
    now: Date;
    isPlacedByStaff: boolean;
    /** The staff member placing the student: the placement is then in the audit trail, in its transaction. */
    staff?: Caller;
  }) {
    const { userId, courseDocumentId, now } = params;
    const { course, existing } = await this.admit({ ...params, isPaymentSettled: false });

    await ensureSeatRow(strapi, courseDocumentId);
    const newRow = newEnrollmentRow(userId, courseDocumentId, now);
    const alreadyEnrolled = () => conflict('Already enrolled in this course', 'already_enrolled');
    let seat;
    try {
      if (!existing && isPostgres(strapi) && !params.staff) {
        // The hot path in one statement, no transaction: seat, row, links, studentsCount and the confirmation job.
        const job = enqueueInStatement(
          strapi,
          enrollmentConfirmationJob,
          confirmationOf(userId, courseDocumentId, now)
        );
        const outcome = await seatStudent(
          strapi,
          { courseDocumentId, capacity: course.capacity },
          { row: newRow, userId, publishedRowId: course.publishedRowId, alsoRecord: job.statement }
        );
        if (outcome === 'lost_race') throw alreadyEnrolled();
        await job.recorded();
        seat = outcome;
      } else {
        // The confirmation mail is a job recorded with the enrollment: sent after the commit, never for a refusal.
        seat = await strapi.db.transaction(async () => {
          const outcome = await seatStudent(
            strapi,
            { courseDocumentId, capacity: course.capacity },
            existing
              ? { bringBack: () => this.placeStudent(course, existing, now) }
              : { row: newRow, userId, publishedRowId: course.publishedRowId }
          );
          // A concurrent return of the same enrollment got there first: throwing rolls the seat back.
          if (outcome === 'lost_race') throw alreadyEnrolled();
          await this.confirmByMail(userId, courseDocumentId, now);
          if (params.staff)
            await recordAuditEvent(strapi, {
              action: 'enrollment.placed',
              actor: params.staff,
              entity: auditEntity('enrollment', existing?.documentId ?? String(new Map(newRow).get('document_id'))),
              before: existing ? { student: userId, course: courseDocumentId, status: existing.status } : null,
              after: {
                student: userId,
                course: courseDocumentId,
                status: existing ? statusOnReturn(existing.completedAt) : 'active',
              },
              at: now,
            });
          return outcome;
        });
      }
    } catch (error) {
      if (isUniqueViolation(error)) throw alreadyEnrolled();
      throw error;
    }
    // The course's studentsCount changed: cached course answers go.
    await strapi.eventHub.emit(WRITTEN_BY_STATEMENT, { uid: ENROLLMENT });
    if (existing) return strapi.db.query(ENROLLMENT).findOne({ where: { id: existing.id }, select: RECORD_FIELDS });
    // A first enrollment is what was just written: no read back on this hot path.
    return newEnrollmentRecord(seat.enrollmentId, newRow);
  },

  /**
   * The rules every enrollment passes, in one place: not already a member (409 `already_enrolled`), then
   * publication, window, prerequisites and payment (403). `isPaymentSettled`: the caller is buying the course, so
   * the payment rule is the order's to satisfy.
   */
  async admit(params: {
    userId: number;
    courseDocumentId: string;
    now: Date;
    isPlacedByStaff: boolean;
    isPaymentSettled: boolean;
    /** The student's enrollment as the caller read it (null: none); read here when undefined. */
    enrollment?: EnrollmentRecord | null;
  }): Promise<{ course: CourseTerms & { publishedRowId: number | null }; existing: EnrollmentRecord | null }> {
    const { userId, courseDocumentId, now } = params;
    const course = await this.loadCourseTerms(courseDocumentId);
    if (!course) throw new errors.NotFoundError('Course not found');

    const existing =
      params.enrollment === undefined ? await this.findEnrollment(userId, courseDocumentId) : params.enrollment;
    if (existing && isMemberStatus(effectiveStatus(existing, now)))
      throw conflict('Already enrolled in this course', 'already_enrolled');

    const decision = decideEnrollment({
      course,
      now,
      completedCourseDocumentIds: course.prerequisiteDocumentIds.length
        ? await this.completedCourseDocumentIds(userId)
        : new Set(),
      hasPaidOrder:
        params.isPaymentSettled ||
        (course.price > 0 && !params.isPlacedByStaff
          ? await paidOrders(strapi).hasPaidOrder(userId, courseDocumentId)
          : false),
      isPlacedByStaff: params.isPlacedByStaff,
    });
    if (!decision.allowed) throw new Refusal(decision.message, decision.reason);
    return { course, existing };
  },

  /**
   * Whether a student may buy a course now: the enrollment rules with the payment left to the order (the same
   * refusals as enrolling). Answers the course's terms (capacity, for the order's seat hold).
   */
  async checkPurchase(params: {
    userId: number;
    courseDocumentId: string;
    now: Date;
    /** The buyer's enrollment in the course when the caller read it already (null: none), so it is not read again. */
    enrollment?: EnrollmentRecord | null;
  }): Promise<CourseTerms> {
    const { course } = await this.admit({ ...params, isPlacedByStaff: false, isPaymentSettled: true });
    return course;
  },

  /** A course's seat row exists before a transaction holds or takes one of its seats. */
  async prepareSeat(courseDocumentId: string): Promise<void> {
    await ensureSeatRow(strapi, courseDocumentId);
  },

  /** Holds a seat for a pending order, in the caller's transaction (see seats.ts); 403 `course_full`. */
  holdSeat(hold: SeatHold, now: Date): Promise<boolean> {
    return holdSeat(strapi, hold, now);
  },

  /** Gives a held seat back, in the caller's transaction; false when it was already given back or used. */
  releaseHold(key: string, courseDocumentId: string): Promise<boolean> {
    return releaseHold(strapi, key, courseDocumentId);
  },

  /**
   * Enrolls a buyer whose order is paid, on the seat the order held (`holdKey`): no window, publication or payment
   * rule any more (they were checked when the order was made, and the buyer paid). Idempotent: a buyer who is
   * already a member (an earlier run of the same fulfilment, or staff placed them meanwhile) keeps their enrollment
   * and the hold, if any, is given back. No confirmation mail: the shop's receipt, sent once per order, tells the buyer
   * the courses are open (one mail and one job per purchase rather than one more per course).
   */
  async enrollBuyer(params: {
    userId: number;
    courseDocumentId: string;
    holdKey: string;
    now: Date;
  }): Promise<'enrolled' | 'already_member' | 'course_missing'> {
    const { userId, courseDocumentId, holdKey, now } = params;
    const giveHoldBack = () => strapi.db.transaction(() => releaseHold(strapi, holdKey, courseDocumentId));
    const course = await this.loadCourseTerms(courseDocumentId);
    if (!course) {
      await giveHoldBack();
      return 'course_missing';
    }
    await ensureSeatRow(strapi, courseDocumentId);
    if (isPostgres(strapi) && !strapi.db.inTransaction()) {
      // The purchase's hot path, a new student nearly always: the hold turned into the seat, the row, its links and
      // studentsCount in one statement (seats.ts), as enroll() does. It is tried before any read: the enrollment's
      // unique key refuses it, with nothing written, when there is an enrollment already.
      try {
        await seatStudent(
          strapi,
          { courseDocumentId, capacity: course.capacity, heldBy: holdKey },
          { row: newEnrollmentRow(userId, courseDocumentId, now), userId, publishedRowId: course.publishedRowId }
        );
        await strapi.eventHub.emit(WRITTEN_BY_STATEMENT, { uid: ENROLLMENT });
        return 'enrolled';
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    const existing = await this.findEnrollment(userId, courseDocumentId);
    if (existing && isMemberStatus(effectiveStatus(existing, now))) {
      await giveHoldBack();
      return 'already_member';
    }
    try {
      await strapi.db.transaction(() =>
        this.seatOnHold({ course, existing, userId, courseDocumentId, holdKey, now, isConfirmedByMail: false })
      );
    } catch (error) {
      // Enrolled meanwhile by another path: the enrollment exists, the hold goes back.
      if (isUniqueViolation(error) || (error instanceof Refusal && error.reason === 'already_enrolled')) {
        await giveHoldBack();
        return 'already_member';
      }
      throw error;
    }
    await strapi.eventHub.emit(WRITTEN_BY_STATEMENT, { uid: ENROLLMENT });
    return 'enrolled';
  },

  /**
   * Enrolls a student from a course's waitlist on the seat held for them (`holdKey`: a seat reserved for the line in
   * `auto` mode, their offer when they accept), in the caller's transaction. The enrollment rules were checked when
   * they joined the line; 'already_member' (nothing written) when they are enrolled already. The caller announces
   * the write (WRITTEN_BY_STATEMENT) after its commit.
   */
  async enrollFromWaitlist(params: {
    userId: number;
    courseDocumentId: string;
    holdKey: string;
    now: Date;
  }): Promise<'enrolled' | 'already_member'> {
    const { userId, courseDocumentId, holdKey, now } = params;
    const course = await this.readCourseTerms(courseDocumentId);
    if (!course) throw new errors.NotFoundError('Course not found');
    const existing = await this.findEnrollment(userId, courseDocumentId);
    if (existing && isMemberStatus(effectiveStatus(existing, now))) return 'already_member';
    await this.seatOnHold({ course, existing, userId, courseDocumentId, holdKey, now, isConfirmedByMail: true });
    return 'enrolled';
  },

  /**
   * The enrollment on a seat held for this student (a paid order's, the waitlist's), in the caller's transaction: a
   * returning student's enrollment comes back, a new one is written. `isConfirmedByMail`: with the confirmation mail's
   * job (a paid order's buyer gets the receipt instead).
   */
  async seatOnHold(params: {
    course: CourseTerms & { publishedRowId: number | null };
    existing: EnrollmentRecord | null;
    userId: number;
    courseDocumentId: string;
    holdKey: string;
    now: Date;
    isConfirmedByMail: boolean;
  }): Promise<void> {
    const { course, existing, userId, courseDocumentId, holdKey, now } = params;
    const outcome = await seatStudent(
      strapi,
      { courseDocumentId, capacity: course.capacity, heldBy: holdKey },
      existing
        ? { bringBack: () => this.placeStudent(course, existing, now) }
        : { row: newEnrollmentRow(userId, courseDocumentId, now), userId, publishedRowId: course.publishedRowId }
    );
    if (outcome === 'lost_race') throw conflict('Already enrolled in this course', 'already_enrolled');
    if (params.isConfirmedByMail) await this.confirmByMail(userId, courseDocumentId, now);
  },

  /** Records the enrollment confirmation mail's job (in the enrollment's transaction); the request never waits for it. */
  async confirmByMail(userId: number, courseDocumentId: string, enrolledAt: Date) {
    await enqueue(strapi, enrollmentConfirmationJob, confirmationOf(userId, courseDocumentId, enrolledAt));
  },

  /** Brings a cancelled or expired enrollment back with its progress (in the seat's transaction); false when it lost a race. */
  async placeStudent(course: CourseTerms, existing: EnrollmentRecord, now: Date): Promise<boolean> {
    const status = statusOnReturn(existing.completedAt);
    // Only a row still in the state we read may come back: a concurrent return loses here and answers 409.
    const updated = await strapi.db.query(ENROLLMENT).updateMany({
      where: { id: existing.id, status: existing.status, cancelledAt: existing.cancelledAt ?? null },
      data: {
        status,
        cancelledAt: null,
        lastActivityAt: now,
        accessExpiresAt:
          status === 'completed' ? accessExpiryAfterCompletion(now, course.accessDaysAfterCompletion) : null,
      },
    });
    return updated.count === 1;
  },

  /** Cancels an enrollment; progress rows stay so a return picks up where the student left. */
  async cancel(params: {
    userId: number;
    courseDocumentId: string;
    now: Date;
    /** The staff member cancelling it: the cancellation is then in the audit trail, in its transaction. */
    staff?: Caller;
  }) {
    const { userId, courseDocumentId, now } = params;
    const existing = await this.findEnrollment(userId, courseDocumentId);
    if (!existing || existing.status === 'cancelled')
      throw new errors.NotFoundError('No enrollment in this course', { reason: 'not_enrolled' });
    await ensureSeatRow(strapi, courseDocumentId);
    return strapi.db.transaction(async () => {
      const { count } = await strapi.db.query(ENROLLMENT).updateMany({
        where: { id: existing.id, status: { $ne: 'cancelled' } },
        data: { status: 'cancelled', cancelledAt: now },
      });
      if (count !== 1) throw new errors.NotFoundError('No enrollment in this course', { reason: 'not_enrolled' });
      await releaseSeat(strapi, courseDocumentId);
      if (params.staff)
        await recordAuditEvent(strapi, {
          action: 'enrollment.cancelled',
          actor: params.staff,
          entity: auditEntity('enrollment', existing.documentId),
          before: { student: userId, course: courseDocumentId, status: existing.status },
          after: { student: userId, course: courseDocumentId, status: 'cancelled' },
          at: now,
        });
      return strapi.db.query(ENROLLMENT).findOne({ where: { id: existing.id }, select: RECORD_FIELDS });
    });
  },

  /** Where the student is (a saved position, an activity whose completion lost a race); undefined fields stay. */
  async recordActivity(enrollmentId: number, activity: EnrollmentActivity, recorded?: RecordedActivity) {
    const change = activityChange(activity, recorded);
    if (!change) return;
    const write = updateRowStatement(strapi, ENROLLMENT, enrollmentId, change.set, change.onlyWhere);
    await runSql(strapi, write.sql, write.bindings);
  },

  /** Marks finished access as expired: idempotent, safe to run as often as the scheduler likes. */
  async expireFinishedAccess(now: Date): Promise<number> {
    const { count } = await strapi.db.query(ENROLLMENT).updateMany({
      where: { status: 'completed', accessExpiresAt: { $lte: now } },
      data: { status: 'expired' },
    });
    return count;
  },
});

/** The columns of a first enrollment's row. */
function newEnrollmentRow(userId: number, courseDocumentId: string, now: Date): Array<[string, unknown]> {
  return [
    ['document_id', createId()],
    ['key', enrollmentKey(userId, courseDocumentId)],
    ['status', 'active'],
    ['enrolled_at', now],
    ['last_activity_at', now],
    ['progress_percent', 0],
    ['created_at', now],
    ['updated_at', now],
    ['published_at', now],
  ];
}

function newEnrollmentRecord(id: number, row: Array<[string, unknown]>): EnrollmentRecord {
  const value = new Map(row);
  const now = (value.get('enrolled_at') as Date).toISOString();
  return {
    id,
    documentId: value.get('document_id') as string,
    status: 'active',
    enrolledAt: now,
    completedAt: null,
    accessExpiresAt: null,
    cancelledAt: null,
    progressPercent: 0,
    lastActivityAt: now,
  };
}
