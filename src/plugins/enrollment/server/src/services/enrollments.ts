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
import {
  aggregatedIds,
  isPostgres,
  runSql,
  toIsoOrNull,
  WRITTEN_BY_STATEMENT,
  type SqlStatement,
} from '../../../../../access/raw-sql';
import { linkOf, tableOf } from '../../../../../database/tables';
import { createId } from '@paralleldrive/cuid2';
import { enrollmentConfirmationJob } from './enrollment-mail';
import { enqueue } from '../../../../../jobs';

const ENROLLMENT = 'plugin::enrollment.enrollment';
const SEAT = 'plugin::enrollment.course-seat';
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

/** The columns of an EnrollmentRecord, read raw by the fixed statements. */
const RECORD_COLUMNS = [
  'id',
  'document_id',
  'status',
  'enrolled_at',
  'completed_at',
  'access_expires_at',
  'cancelled_at',
  'progress_percent',
  'last_activity_at',
  'last_lesson_document_id',
];

/** An enrollment row read raw, in the shape the query engine answers (datetimes as ISO text). */
function enrollmentFromRow(row: Record<string, unknown>): EnrollmentRecord {
  return {
    id: Number(row.id),
    documentId: row.document_id as string,
    status: row.status as EnrollmentStatus,
    enrolledAt: toIsoOrNull(row.enrolled_at),
    completedAt: toIsoOrNull(row.completed_at),
    accessExpiresAt: toIsoOrNull(row.access_expires_at),
    cancelledAt: toIsoOrNull(row.cancelled_at),
    progressPercent: Number(row.progress_percent ?? 0),
    lastActivityAt: toIsoOrNull(row.last_activity_at),
    lastLessonDocumentId: (row.last_lesson_document_id as string | null) ?? null,
  };
}

/**
 * Last activity is kept to the minute: a request that changes neither the percent nor the last lesson
 * within a minute of the recorded activity (a completion sent again, a page reloaded) writes nothing.
 */
const ACTIVITY_RESOLUTION_MS = 60_000;

/** The database-unique key of "this student in this course": one enrollment each, whatever races. */
export const enrollmentKey = (userId: number, courseDocumentId: string) => `${userId}:${courseDocumentId}`;

const toDate = (value: unknown): Date | null => (value ? new Date(value as string) : null);

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  enrollmentKey,
  effectiveStatus,

  /** One fixed statement on the unique key (lesson requests read it with their completed lessons: findEnrollmentAlong). */
  async findEnrollment(userId: number, courseDocumentId: string): Promise<EnrollmentRecord | null> {
    const { rows } = await runSql<Record<string, unknown>>(
      strapi,
      `SELECT ${RECORD_COLUMNS.join(', ')} FROM ?? WHERE "key" = ?`,
      [tableOf(strapi, ENROLLMENT), enrollmentKey(userId, courseDocumentId)]
    );
    return rows.length ? enrollmentFromRow(rows[0]) : null;
  },

  /**
   * findEnrollment with one more value the caller reads in the same statement: `alongside` is a subquery
   * answering one value (`?` and `??` bound by its own bindings), read whether or not there is an enrollment.
   * Lesson requests read the enrollment and the completed lessons this way: one round trip, not two.
   */
  async findEnrollmentAlong(
    userId: number,
    courseDocumentId: string,
    alongside: { select: string; bindings: readonly unknown[] }
  ): Promise<{ enrollment: EnrollmentRecord | null; alongside: unknown }> {
    const { rows } = await runSql<Record<string, unknown>>(
      strapi,
      `SELECT ${RECORD_COLUMNS.map((column) => `e.${column}`).join(', ')}, (${alongside.select}) AS alongside
       FROM (SELECT 1 AS one) AS one LEFT JOIN ?? e ON e."key" = ?`,
      [...alongside.bindings, tableOf(strapi, ENROLLMENT), enrollmentKey(userId, courseDocumentId)]
    );
    const row = rows[0];
    return {
      enrollment: row.id === null || row.id === undefined ? null : enrollmentFromRow(row),
      alongside: row.alongside,
    };
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
  async enroll(params: { userId: number; courseDocumentId: string; now: Date; isPlacedByStaff: boolean }) {
    const { userId, courseDocumentId, now } = params;
    const course = await this.loadCourseTerms(courseDocumentId);
    if (!course) throw new errors.NotFoundError('Course not found');

    const existing = await this.findEnrollment(userId, courseDocumentId);
    if (existing && isMemberStatus(effectiveStatus(existing, now)))
      throw conflict('Already enrolled in this course', 'already_enrolled');

    const decision = decideEnrollment({
      course,
      now,
      completedCourseDocumentIds: course.prerequisiteDocumentIds.length
        ? await this.completedCourseDocumentIds(userId)
        : new Set(),
      hasPaidOrder:
        course.price > 0
          ? await strapi.plugin('enrollment').service('payments').hasPaidOrder(userId, courseDocumentId)
          : false,
      isPlacedByStaff: params.isPlacedByStaff,
    });
    if (!decision.allowed) throw new Refusal(decision.message, decision.reason);

    await this.ensureSeatRow(courseDocumentId);
    try {
      if (!existing) {
        // The confirmation mail is a job recorded with the enrollment: sent after the commit, never for a refusal.
        const enrollment = await strapi.db.transaction(async () => {
          const created = await enrollNewStudent(strapi, {
            userId,
            courseDocumentId,
            publishedRowId: course.publishedRowId,
            capacity: course.capacity,
            now,
          });
          if (created) await this.confirmByMail(userId, courseDocumentId, now);
          return created;
        });
        if (!enrollment) throw new Refusal('This course is full', 'course_full');
        // The course's studentsCount changed: cached course answers go.
        await strapi.eventHub.emit(WRITTEN_BY_STATEMENT, { uid: ENROLLMENT });
        return enrollment;
      }
      return await strapi.db.transaction(async ({ trx }) => {
        const seatTaken = await takeSeat(strapi, trx, courseDocumentId, course.capacity);
        if (!seatTaken) throw new Refusal('This course is full', 'course_full');
        const record = await this.placeStudent(userId, courseDocumentId, course, existing, now);
        await syncStudentsCount(strapi, trx, courseDocumentId);
        await this.confirmByMail(userId, courseDocumentId, now);
        return record;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('Already enrolled in this course', 'already_enrolled');
      throw error;
    }
  },

  /** Records the enrollment confirmation mail's job (in the enrollment's transaction); the request never waits for it. */
  async confirmByMail(userId: number, courseDocumentId: string, enrolledAt: Date) {
    await enqueue(strapi, enrollmentConfirmationJob, {
      userId,
      courseDocumentId,
      enrolledAt: enrolledAt.toISOString(),
    });
  },

  /** Brings a cancelled or expired enrollment back with its progress. */
  async placeStudent(
    userId: number,
    courseDocumentId: string,
    course: CourseTerms & { publishedRowId: number | null },
    existing: EnrollmentRecord,
    now: Date
  ) {
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
    if (updated.count !== 1) throw conflict('Already enrolled in this course', 'already_enrolled');
    return strapi.db.query(ENROLLMENT).findOne({ where: { id: existing.id }, select: RECORD_FIELDS });
  },

  async ensureSeatRow(courseDocumentId: string) {
    // Seat rows are never deleted: once seen, a course's row need not be looked up again.
    if (coursesWithSeatRow.has(courseDocumentId)) return;
    const seat = await strapi.db.query(SEAT).findOne({ where: { courseDocumentId }, select: ['id'] });
    if (seat) {
      rememberSeatRow(courseDocumentId);
      return;
    }
    const taken = await strapi.db
      .query(ENROLLMENT)
      .count({ where: { course: { documentId: courseDocumentId }, status: { $ne: 'cancelled' } } });
    try {
      await strapi.db.query(SEAT).create({ data: { courseDocumentId, taken } });
    } catch (error) {
      // Two first enrollments at once: the unique index kept one seat row, which is all we need.
      if (!isUniqueViolation(error)) throw error;
    }
    rememberSeatRow(courseDocumentId);
  },

  /** Cancels an enrollment; progress rows stay so a return picks up where the student left. */
  async cancel(params: { userId: number; courseDocumentId: string; now: Date }) {
    const { userId, courseDocumentId, now } = params;
    const existing = await this.findEnrollment(userId, courseDocumentId);
    if (!existing || existing.status === 'cancelled')
      throw new errors.NotFoundError('No enrollment in this course', { reason: 'not_enrolled' });
    await this.ensureSeatRow(courseDocumentId);
    return strapi.db.transaction(async ({ trx }) => {
      const { count } = await strapi.db.query(ENROLLMENT).updateMany({
        where: { id: existing.id, status: { $ne: 'cancelled' } },
        data: { status: 'cancelled', cancelledAt: now },
      });
      if (count !== 1) throw new errors.NotFoundError('No enrollment in this course', { reason: 'not_enrolled' });
      await trx(tableOf(strapi, SEAT))
        .where({ course_document_id: courseDocumentId })
        .andWhere('taken', '>', 0)
        .decrement('taken', 1);
      await syncStudentsCount(strapi, trx, courseDocumentId);
      return strapi.db.query(ENROLLMENT).findOne({ where: { id: existing.id }, select: RECORD_FIELDS });
    });
  },

  /** Progress reports where the student is; fields left undefined stay as they are. */
  async recordActivity(
    enrollmentId: number,
    activity: { lastLessonDocumentId?: string; lastPositionSeconds?: number; progressPercent?: number; now: Date },
    recorded?: Pick<EnrollmentRecord, 'progressPercent' | 'lastActivityAt' | 'lastLessonDocumentId'>
  ) {
    const write = this.activityWrite(enrollmentId, activity, recorded);
    if (write) await runSql(strapi, write.sql, write.bindings);
  },

  /**
   * recordActivity's statement, for a caller that runs it with its own write (a first completion writes the
   * lesson's progress and this in one statement); null when it would change nothing. Answers the row's id.
   */
  activityWrite(
    enrollmentId: number,
    activity: { lastLessonDocumentId?: string; lastPositionSeconds?: number; progressPercent?: number; now: Date },
    recorded?: Pick<EnrollmentRecord, 'progressPercent' | 'lastActivityAt' | 'lastLessonDocumentId'>
  ): SqlStatement | null {
    if (recorded && isSameActivity(activity, recorded)) return null;
    // Only where the student is: no cached answer shows these columns, so nothing is purged.
    const columns: Array<[string, unknown]> = [
      ['last_activity_at', activity.now],
      ['updated_at', activity.now],
    ];
    if (activity.lastLessonDocumentId !== undefined)
      columns.push(['last_lesson_document_id', activity.lastLessonDocumentId]);
    if (activity.lastPositionSeconds !== undefined)
      columns.push(['last_position_seconds', activity.lastPositionSeconds]);
    if (activity.progressPercent !== undefined) columns.push(['progress_percent', activity.progressPercent]);
    return updateEnrollment(strapi, enrollmentId, columns, '');
  },

  /**
   * The statement that completes the enrollment once, with the activity that completed it, for the caller to
   * run with its own write: only an active enrollment moves, so of concurrent completions one gets the row's
   * id back; the others get nothing and record the activity alone. Access then lasts the course's
   * accessDaysAfterCompletion, which the caller has just read with the course (progress reads it with the
   * lessons). No cached answer shows an enrollment's status (studentsCount counts seats, which a completion
   * keeps), so nothing is purged.
   */
  completionWrite(
    enrollmentId: number,
    activity: { lastLessonDocumentId?: string; now: Date },
    accessDaysAfterCompletion: number | null
  ): SqlStatement {
    const { now } = activity;
    const columns: Array<[string, unknown]> = [
      ['status', 'completed'],
      ['completed_at', now],
      ['progress_percent', 100],
      ['access_expires_at', accessExpiryAfterCompletion(now, accessDaysAfterCompletion)],
      ['last_activity_at', now],
      ['updated_at', now],
    ];
    if (activity.lastLessonDocumentId !== undefined)
      columns.push(['last_lesson_document_id', activity.lastLessonDocumentId]);
    return updateEnrollment(strapi, enrollmentId, columns, " AND status = 'active'");
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

function isSameActivity(
  activity: { lastLessonDocumentId?: string; lastPositionSeconds?: number; progressPercent?: number; now: Date },
  recorded: Pick<EnrollmentRecord, 'progressPercent' | 'lastActivityAt' | 'lastLessonDocumentId'>
): boolean {
  if (activity.lastPositionSeconds !== undefined || !recorded.lastActivityAt) return false;
  if (activity.progressPercent !== undefined && activity.progressPercent !== recorded.progressPercent) return false;
  if (activity.lastLessonDocumentId !== undefined && activity.lastLessonDocumentId !== recorded.lastLessonDocumentId)
    return false;
  return activity.now.getTime() - new Date(recorded.lastActivityAt).getTime() < ACTIVITY_RESOLUTION_MS;
}

/** An UPDATE of one enrollment, answering its id when written: run alone, or inside another statement. */
function updateEnrollment(
  strapi: Core.Strapi,
  enrollmentId: number,
  columns: Array<[string, unknown]>,
  condition: string
): SqlStatement {
  return {
    sql: `UPDATE ?? SET ${columns.map(() => '?? = ?').join(', ')} WHERE id = ?${condition} RETURNING id`,
    bindings: [tableOf(strapi, ENROLLMENT), ...columns.flat(), enrollmentId],
  };
}

const coursesWithSeatRow = new Set<string>();
const MAX_REMEMBERED_SEAT_ROWS = 100_000;
function rememberSeatRow(courseDocumentId: string) {
  if (coursesWithSeatRow.size >= MAX_REMEMBERED_SEAT_ROWS) coursesWithSeatRow.clear();
  coursesWithSeatRow.add(courseDocumentId);
}

/** One atomic statement: the increment happens only while a seat is free, whoever else is enrolling. */
async function takeSeat(
  strapi: Core.Strapi,
  trx: any,
  courseDocumentId: string,
  capacity: number | null
): Promise<boolean> {
  const query = trx(tableOf(strapi, SEAT)).where({ course_document_id: courseDocumentId });
  if (capacity !== null) query.andWhere('taken', '<', capacity);
  const updated = await query.increment('taken', 1);
  return Number(updated) === 1;
}

/** studentsCount on every row of the course (each locale and state) equals its taken seats: one statement. */
async function syncStudentsCount(strapi: Core.Strapi, trx: any, courseDocumentId: string) {
  const taken = trx(tableOf(strapi, SEAT)).select('taken').where({ course_document_id: courseDocumentId });
  await trx(tableOf(strapi, COURSE))
    .where({ document_id: courseDocumentId })
    .update({ students_count: trx.raw('coalesce((?), 0)', [taken]) });
}

/**
 * A first enrollment: takes a seat (only while one is free, whoever else is enrolling), writes the enrollment
 * and its user and course links, and sets studentsCount to the seats taken. Null when the course is full. On
 * PostgreSQL one statement, so all of it or none: a second enrollment of the same student fails on the unique
 * key and takes back its seat. On SQLite the same statements in one transaction.
 */
async function enrollNewStudent(
  strapi: Core.Strapi,
  params: {
    userId: number;
    courseDocumentId: string;
    publishedRowId: number | null;
    capacity: number | null;
    now: Date;
  }
): Promise<EnrollmentRecord | null> {
  const { userId, courseDocumentId, publishedRowId, capacity, now } = params;
  const documentId = createId();
  const seats = tableOf(strapi, SEAT);
  const courses = tableOf(strapi, COURSE);
  const userLink = linkOf(strapi, ENROLLMENT, 'user');
  const courseLink = linkOf(strapi, ENROLLMENT, 'course');
  const takeSeatSql = `UPDATE ?? SET taken = taken + 1 WHERE course_document_id = ?${capacity === null ? '' : ' AND taken < ?'} RETURNING taken`;
  const takeSeatValues = [seats, courseDocumentId, ...(capacity === null ? [] : [capacity])];
  const columns =
    'document_id, "key", status, enrolled_at, last_activity_at, progress_percent, created_at, updated_at, published_at';
  const rowValues = [documentId, enrollmentKey(userId, courseDocumentId), 'active', now, now, 0, now, now, now];
  const record: Omit<EnrollmentRecord, 'id'> = {
    documentId,
    status: 'active',
    enrolledAt: now.toISOString(),
    completedAt: null,
    accessExpiresAt: null,
    cancelledAt: null,
    progressPercent: 0,
    lastActivityAt: now.toISOString(),
  };

  if (isPostgres(strapi)) {
    const { rows } = await runSql<{ id: number }>(
      strapi,
      `WITH seat AS (${takeSeatSql}),
       created AS (INSERT INTO ?? (${columns}) SELECT ?, ?, ?, CAST(? AS timestamp), CAST(? AS timestamp), CAST(? AS integer), CAST(? AS timestamp), CAST(? AS timestamp), CAST(? AS timestamp) FROM seat RETURNING id),
       user_link AS (INSERT INTO ?? (??, ??) SELECT id, CAST(? AS integer) FROM created),
       course_link AS (INSERT INTO ?? (??, ??) SELECT id, CAST(? AS integer) FROM created WHERE CAST(? AS integer) IS NOT NULL),
       counted AS (UPDATE ?? SET students_count = (SELECT taken FROM seat) WHERE document_id = ? AND EXISTS (SELECT 1 FROM created))
       SELECT id FROM created`,
      [
        ...takeSeatValues,
        tableOf(strapi, ENROLLMENT),
        ...rowValues,
        userLink.table,
        userLink.ownColumn,
        userLink.targetColumn,
        userId,
        courseLink.table,
        courseLink.ownColumn,
        courseLink.targetColumn,
        publishedRowId,
        publishedRowId,
        courses,
        courseDocumentId,
      ]
    );
    return rows.length ? { id: Number(rows[0].id), ...record } : null;
  }
  return strapi.db.transaction(async () => {
    const { rows: seat } = await runSql<{ taken: number }>(strapi, takeSeatSql, takeSeatValues);
    if (seat.length === 0) return null;
    const { rows } = await runSql<{ id: number }>(
      strapi,
      `INSERT INTO ?? (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [tableOf(strapi, ENROLLMENT), ...rowValues]
    );
    const id = Number(rows[0].id);
    await runSql(strapi, 'INSERT INTO ?? (??, ??) VALUES (?, ?)', [
      userLink.table,
      userLink.ownColumn,
      userLink.targetColumn,
      id,
      userId,
    ]);
    if (publishedRowId !== null)
      await runSql(strapi, 'INSERT INTO ?? (??, ??) VALUES (?, ?)', [
        courseLink.table,
        courseLink.ownColumn,
        courseLink.targetColumn,
        id,
        publishedRowId,
      ]);
    await runSql(strapi, 'UPDATE ?? SET students_count = ? WHERE document_id = ?', [
      courses,
      seat[0].taken,
      courseDocumentId,
    ]);
    return { id, ...record };
  });
}
