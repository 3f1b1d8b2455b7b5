import type { Core } from '@strapi/strapi';
import { isUniqueViolation } from '../../../../errors/unique-violation';
import { isPostgres, keyStartsWith, runSql, type SqlStatement } from '../../../../access/raw-sql';
import { Refusal } from '../../../../errors/refusal';
import { linkOf, tableOf } from '../../../../database/tables';
import { enqueue } from '../../../../jobs';
import { createId } from '@paralleldrive/cuid2';
import { LRUCache } from 'lru-cache';
import { waitlistPromotionJob } from './jobs/waitlist-jobs';

/**
 * Seats: the one place where "a full course refuses a student" is decided, for new and returning students and for
 * buyers, on both databases. A course's seat row counts its taken seats (enrollments) and its held seats (pending
 * orders, `course_seat_holds`); a seat is taken or held by one conditional increment while taken + held is under
 * the capacity, which the database serialises on the row, so concurrent enrollments and orders at capacity cannot
 * overbook whatever the interleaving. The enrollment is written in the same transaction (a failed write gives the
 * seat back), and every row of the course gets studentsCount = the seats taken (holds are not students).
 * `held` is NULL on rows written before holds existed (and by the bench's bulk seed): read as 0.
 *
 * Waitlists hold seats the same way: a seat freed while students wait is first reserved for the line (a hold keyed
 * `waitlist-free:<course>:…`, in the transaction that freed it, with the promotion job), then the job gives it to the
 * first in line: taken at once (`auto`) or held for them as an offer (`waitlist-offer:<entry>`) until they accept or
 * the offer expires. So a freed seat never counts as free while someone waits, and nobody jumps the line.
 */

const SEAT = 'plugin::enrollment.course-seat';
const HOLD = 'plugin::enrollment.seat-hold';
const ENROLLMENT = 'plugin::enrollment.enrollment';
const COURSE = 'api::course.course';
const WAITLIST_ENTRY = 'plugin::enrollment.waitlist-entry';

/** The holds of a course's waitlist: seats reserved for its line, not yet anyone's. */
export const reservationKeyPrefix = (courseDocumentId: string) => `waitlist-free:${courseDocumentId}:`;
/** The hold of the seat offered to one waitlist entry. */
export const offerHoldKey = (entryId: number) => `waitlist-offer:${entryId}`;

/** The one seat-taking statement: the increment happens only while a seat is free; answers the seats taken. */
function seatTaking(strapi: Core.Strapi, courseDocumentId: string, capacity: number | null): SqlStatement {
  return {
    sql: `UPDATE ?? SET taken = taken + 1 WHERE course_document_id = ?${capacity === null ? '' : ' AND taken + coalesce(held, 0) < ?'} RETURNING taken`,
    bindings: [tableOf(strapi, SEAT), courseDocumentId, ...(capacity === null ? [] : [capacity])],
  };
}

/** A first enrollment: its row (column to value, in the order given) and its links. */
export interface NewEnrollment {
  row: Array<[string, unknown]>;
  userId: number;
  /** The course's published row the enrollment links to; null links none. */
  publishedRowId: number | null;
  /**
   * PostgreSQL's one statement only: another INSERT … SELECT … (without FROM) that runs once if the enrollment is
   * written (`FROM created` is appended), e.g. its confirmation job. Elsewhere the caller's transaction holds it.
   */
  alsoRecord?: SqlStatement;
}

/**
 * A cancelled or expired enrollment brought back: `bringBack` writes it (in the seat's transaction), false when it
 * lost a race.
 */
export interface ReturningEnrollment {
  bringBack(): Promise<boolean>;
}

/** The enrollment's id (0 for a returning student: the caller has it), or `lost_race` (nothing written). */
export type SeatOutcome = { enrollmentId: number } | 'lost_race';

const courseFull = () => new Refusal('This course is full', 'course_full');

/**
 * Takes a seat and writes the enrollment, all or nothing; a full course is refused (403 `course_full`). A new
 * student on PostgreSQL: the steps as one statement (a data-modifying CTE; a second enrollment of the same student
 * fails on the unique key and the seat goes back with it), as enrolling is a hot path. Otherwise the same steps in
 * one transaction.
 */
export async function seatStudent(
  strapi: Core.Strapi,
  course: {
    courseDocumentId: string;
    capacity: number | null;
    /** A buyer's hold (its key): the seat it held becomes the enrollment's instead of a new one being taken. */
    heldBy?: string;
  },
  enrollment: NewEnrollment | ReturningEnrollment
): Promise<SeatOutcome> {
  const seat =
    course.heldBy === undefined
      ? seatTaking(strapi, course.courseDocumentId, course.capacity)
      : holdConverting(strapi, course.courseDocumentId, course.heldBy);
  const courses = tableOf(strapi, COURSE);
  if ('row' in enrollment && isPostgres(strapi)) {
    const userLink = linkOf(strapi, ENROLLMENT, 'user');
    const courseLink = linkOf(strapi, ENROLLMENT, 'course');
    const columns = enrollment.row.map(() => '??').join(', ');
    const values = enrollment.row.map(([, value]) => castFor(value)).join(', ');
    const { rows } = await runSql<{ id: number }>(
      strapi,
      `WITH ${course.heldBy === undefined ? `seat AS (${seat.sql})` : seat.sql},
       created AS (INSERT INTO ?? (${columns}) SELECT ${values} FROM seat RETURNING id),
       user_link AS (INSERT INTO ?? (??, ??) SELECT id, CAST(? AS integer) FROM created),
       course_link AS (INSERT INTO ?? (??, ??) SELECT id, CAST(? AS integer) FROM created WHERE CAST(? AS integer) IS NOT NULL),
       counted AS (UPDATE ?? SET students_count = (SELECT taken FROM seat) WHERE document_id = ? AND EXISTS (SELECT 1 FROM created))${
         enrollment.alsoRecord ? `, also_recorded AS (${enrollment.alsoRecord.sql} FROM created)` : ''
       }
       SELECT id FROM created`,
      [
        ...seat.bindings,
        tableOf(strapi, ENROLLMENT),
        ...enrollment.row.map(([column]) => column),
        ...enrollment.row.map(([, value]) => value),
        userLink.table,
        userLink.ownColumn,
        userLink.targetColumn,
        enrollment.userId,
        courseLink.table,
        courseLink.ownColumn,
        courseLink.targetColumn,
        enrollment.publishedRowId,
        enrollment.publishedRowId,
        courses,
        course.courseDocumentId,
        ...(enrollment.alsoRecord?.bindings ?? []),
      ]
    );
    if (rows.length === 0) throw courseFull();
    return { enrollmentId: Number(rows[0].id) };
  }
  try {
    return await strapi.db.transaction(async () => {
      const { rows: taken } =
        course.heldBy === undefined
          ? await runSql<{ taken: number }>(strapi, seat.sql, seat.bindings)
          : await convertHold(strapi, course.courseDocumentId, course.heldBy);
      if (taken.length === 0) throw courseFull();
      const enrollmentId = 'row' in enrollment ? await insertEnrollment(strapi, enrollment) : null;
      if (!('row' in enrollment) && !(await enrollment.bringBack())) throw new LostRace();
      await runSql(strapi, 'UPDATE ?? SET students_count = ? WHERE document_id = ?', [
        courses,
        taken[0].taken,
        course.courseDocumentId,
      ]);
      return { enrollmentId: enrollmentId ?? 0 };
    });
  } catch (error) {
    // Rolled back: the seat the lost write took is free again.
    if (error instanceof LostRace) return 'lost_race';
    throw error;
  }
}

/**
 * PostgreSQL's one statement for a seat held for this student (a paid order's, the waitlist's): the CTEs `released`
 * (the hold's row deleted) and `seat` (a held seat turned taken, or without the hold a seat taken regardless of the
 * capacity: see convertHold), answering `taken` as seatTaking does.
 */
function holdConverting(strapi: Core.Strapi, courseDocumentId: string, holdKey: string): SqlStatement {
  return {
    sql: `released AS (DELETE FROM ?? WHERE "key" = ? RETURNING id),
       seat AS (UPDATE ?? SET held = coalesce(held, 0) - (SELECT count(*) FROM released), taken = taken + 1 WHERE course_document_id = ? RETURNING taken)`,
    bindings: [tableOf(strapi, HOLD), holdKey, tableOf(strapi, SEAT), courseDocumentId],
  };
}

/**
 * Gives a seat back (a cancellation) and sets studentsCount to the seats taken, in the caller's transaction; the
 * seat goes to the course's waitlist first, if anyone waits.
 */
export async function releaseSeat(strapi: Core.Strapi, courseDocumentId: string): Promise<void> {
  await runSql(strapi, 'UPDATE ?? SET taken = taken - 1 WHERE course_document_id = ? AND taken > 0', [
    tableOf(strapi, SEAT),
    courseDocumentId,
  ]);
  await runSql(
    strapi,
    'UPDATE ?? SET students_count = coalesce((SELECT taken FROM ?? WHERE course_document_id = ?), 0) WHERE document_id = ?',
    [tableOf(strapi, COURSE), tableOf(strapi, SEAT), courseDocumentId, courseDocumentId]
  );
  await reserveForWaitlist(strapi, courseDocumentId);
}

/**
 * A paid order's seat: the hold becomes a taken seat. Without its hold (a course without a capacity needs none, or
 * the capacity was set after the order) a seat is taken regardless of the capacity: the buyer has paid, and a
 * paid buyer is never refused.
 */
async function convertHold(strapi: Core.Strapi, courseDocumentId: string, holdKey: string) {
  const { rows: released } = await runSql(strapi, 'DELETE FROM ?? WHERE "key" = ? RETURNING id', [
    tableOf(strapi, HOLD),
    holdKey,
  ]);
  return runSql<{ taken: number }>(
    strapi,
    released.length > 0
      ? 'UPDATE ?? SET held = coalesce(held, 0) - 1, taken = taken + 1 WHERE course_document_id = ? RETURNING taken'
      : 'UPDATE ?? SET taken = taken + 1 WHERE course_document_id = ? RETURNING taken',
    [tableOf(strapi, SEAT), courseDocumentId]
  );
}

/** A seat kept for a buyer: `key` names the holder and course (one hold each). */
export interface SeatHold {
  key: string;
  courseDocumentId: string;
  capacity: number | null;
  expiresAt: Date;
}

/**
 * Holds a seat until the order is paid or gives up, in the caller's transaction: one conditional increment of the
 * course's held seats while taken + held is under the capacity (403 `course_full` otherwise), and the hold's row.
 * A course without a capacity needs no hold: false.
 */
export async function holdSeat(strapi: Core.Strapi, hold: SeatHold, now: Date): Promise<boolean> {
  if (hold.capacity === null) return false;
  if (isPostgres(strapi)) {
    // One statement: the seat row (every buyer of the course meets on it) stays locked for the commit's round trip
    // only, not for the hold row's insert as well.
    const { rows } = await runSql(
      strapi,
      `WITH seat AS (UPDATE ?? SET held = coalesce(held, 0) + 1 WHERE course_document_id = ? AND taken + coalesce(held, 0) < ? RETURNING held)
       INSERT INTO ?? (document_id, "key", course_document_id, expires_at, created_at, updated_at, published_at)
       SELECT CAST(? AS varchar), CAST(? AS varchar), CAST(? AS varchar), CAST(? AS timestamp), CAST(? AS timestamp), CAST(? AS timestamp), CAST(? AS timestamp) FROM seat
       RETURNING id`,
      [
        tableOf(strapi, SEAT),
        hold.courseDocumentId,
        hold.capacity,
        tableOf(strapi, HOLD),
        createId(),
        hold.key,
        hold.courseDocumentId,
        hold.expiresAt,
        now,
        now,
        now,
      ]
    );
    if (rows.length === 0) throw courseFull();
    return true;
  }
  const { rows } = await runSql(
    strapi,
    'UPDATE ?? SET held = coalesce(held, 0) + 1 WHERE course_document_id = ? AND taken + coalesce(held, 0) < ? RETURNING held',
    [tableOf(strapi, SEAT), hold.courseDocumentId, hold.capacity]
  );
  if (rows.length === 0) throw courseFull();
  await insertHoldRow(strapi, hold.key, hold.courseDocumentId, hold.expiresAt, now);
  return true;
}

async function insertHoldRow(
  strapi: Core.Strapi,
  key: string,
  courseDocumentId: string,
  expiresAt: Date | null,
  now: Date
): Promise<void> {
  await runSql(
    strapi,
    'INSERT INTO ?? (document_id, "key", course_document_id, expires_at, created_at, updated_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [tableOf(strapi, HOLD), createId(), key, courseDocumentId, expiresAt, now, now, now]
  );
}

/**
 * Locks the course's seat row until the caller's transaction ends and reads it: every waitlist change of a course
 * (joining, promotion, accepting, leaving, expiry, staff moves) takes this lock first, so they follow one another per
 * course on PostgreSQL as they do on SQLite, and a cancellation (which updates the same row) is either before a join
 * (the join sees the free seat) or after it (the cancellation sees the new entry). Null when the course has no row.
 */
export async function lockSeatRow(
  strapi: Core.Strapi,
  courseDocumentId: string
): Promise<{ taken: number; held: number } | null> {
  const { rows } = await runSql<{ taken: unknown; held: unknown }>(
    strapi,
    'UPDATE ?? SET taken = taken WHERE course_document_id = ? RETURNING taken, coalesce(held, 0) AS held',
    [tableOf(strapi, SEAT), courseDocumentId]
  );
  return rows.length ? { taken: Number(rows[0].taken), held: Number(rows[0].held) } : null;
}

/** The course's capacity as enrolling reads it (its published version when there is one); null: unlimited. */
export async function currentCapacity(strapi: Core.Strapi, courseDocumentId: string): Promise<number | null> {
  const { rows } = await runSql<{ capacity: unknown; published_at: unknown }>(
    strapi,
    'SELECT capacity, published_at FROM ?? WHERE document_id = ? ORDER BY id',
    [tableOf(strapi, COURSE), courseDocumentId]
  );
  const row = rows.find((candidate) => candidate.published_at) ?? rows[0];
  return row?.capacity === null || row?.capacity === undefined ? null : Number(row.capacity);
}

/**
 * In the transaction that may have freed seats (a cancellation, a hold given back, an offer declined or expired, a
 * raised capacity): reserves for the waitlist as many free seats as students wait without a reservation yet, each by
 * the one conditional increment of `held`, and records the promotion job that gives them out. Nothing when nobody
 * waits (one indexed count, the cost on every cancellation). Answers the seats reserved.
 */
export async function reserveForWaitlist(strapi: Core.Strapi, courseDocumentId: string, now = new Date()) {
  const { rows: line } = await runSql<{ waiting: unknown }>(
    strapi,
    `SELECT count(*) AS waiting FROM ?? WHERE course_document_id = ? AND status = 'waiting'`,
    [tableOf(strapi, WAITLIST_ENTRY), courseDocumentId]
  );
  const waiting = Number(line[0]?.waiting ?? 0);
  if (waiting === 0) return 0;
  const prefix = reservationKeyPrefix(courseDocumentId);
  const ofCourse = keyStartsWith(strapi, prefix);
  const { rows: reservations } = await runSql<{ reserved: unknown }>(
    strapi,
    `SELECT count(*) AS reserved FROM ?? WHERE ${ofCourse.condition}`,
    [tableOf(strapi, HOLD), ...ofCourse.bindings]
  );
  const wanted = waiting - Number(reservations[0]?.reserved ?? 0);
  if (wanted <= 0) return 0;
  const capacity = await currentCapacity(strapi, courseDocumentId);
  let reserved = 0;
  for (; reserved < wanted; reserved += 1) {
    const { rows } = await runSql(
      strapi,
      `UPDATE ?? SET held = coalesce(held, 0) + 1 WHERE course_document_id = ?${capacity === null ? '' : ' AND taken + coalesce(held, 0) < ?'} RETURNING held`,
      [tableOf(strapi, SEAT), courseDocumentId, ...(capacity === null ? [] : [capacity])]
    );
    if (rows.length === 0) break;
    await insertHoldRow(strapi, `${prefix}${createId()}`, courseDocumentId, null, now);
  }
  if (reserved > 0) await enqueue(strapi, waitlistPromotionJob, { courseDocumentId });
  return reserved;
}

/** Turns one held seat into another hold (a reservation into an offer), in the caller's transaction; false if gone. */
export async function passHold(
  strapi: Core.Strapi,
  fromKey: string,
  to: { key: string; courseDocumentId: string; expiresAt: Date | null },
  now: Date
): Promise<boolean> {
  const { rows } = await runSql(strapi, 'DELETE FROM ?? WHERE "key" = ? RETURNING id', [
    tableOf(strapi, HOLD),
    fromKey,
  ]);
  if (rows.length === 0) return false;
  await insertHoldRow(strapi, to.key, to.courseDocumentId, to.expiresAt, now);
  return true;
}

/** The key of the oldest seat reserved for a course's waitlist, if any. */
export async function firstReservation(strapi: Core.Strapi, courseDocumentId: string): Promise<string | null> {
  const ofCourse = keyStartsWith(strapi, reservationKeyPrefix(courseDocumentId));
  const { rows } = await runSql<{ key: string }>(
    strapi,
    `SELECT "key" FROM ?? WHERE ${ofCourse.condition} ORDER BY id LIMIT 1`,
    [tableOf(strapi, HOLD), ...ofCourse.bindings]
  );
  return rows[0]?.key ?? null;
}

/**
 * Gives a held seat back, in the caller's transaction (the course's waitlist first, if anyone waits); false when there
 * was no such hold (released or used).
 */
export async function releaseHold(strapi: Core.Strapi, key: string, courseDocumentId: string): Promise<boolean> {
  const { rows } = await runSql(strapi, 'DELETE FROM ?? WHERE "key" = ? RETURNING id', [tableOf(strapi, HOLD), key]);
  if (rows.length === 0) return false;
  await runSql(
    strapi,
    'UPDATE ?? SET held = coalesce(held, 0) - 1 WHERE course_document_id = ? AND coalesce(held, 0) > 0',
    [tableOf(strapi, SEAT), courseDocumentId]
  );
  await reserveForWaitlist(strapi, courseDocumentId);
  return true;
}

/**
 * Makes sure the course has its seat row, counting the seats its enrollments already hold the first time (courses
 * created before seats were counted). Seat rows are never deleted: once seen, a course's row is not looked up again.
 */
export async function ensureSeatRow(strapi: Core.Strapi, courseDocumentId: string): Promise<void> {
  if (coursesWithSeatRow.has(courseDocumentId)) return;
  const seat = await strapi.db.query(SEAT).findOne({ where: { courseDocumentId }, select: ['id'] });
  if (!seat) {
    const taken = await strapi.db
      .query(ENROLLMENT)
      .count({ where: { course: { documentId: courseDocumentId }, status: { $ne: 'cancelled' } } });
    try {
      await strapi.db.query(SEAT).create({ data: { courseDocumentId, taken } });
    } catch (error) {
      // Two first enrollments at once: the unique index kept one seat row, which is all we need.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  coursesWithSeatRow.set(courseDocumentId, true);
}

const MAX_REMEMBERED_SEAT_ROWS = 100_000;
const coursesWithSeatRow = new LRUCache<string, true>({ max: MAX_REMEMBERED_SEAT_ROWS });

class LostRace extends Error {}

async function insertEnrollment(strapi: Core.Strapi, enrollment: NewEnrollment): Promise<number> {
  const { rows } = await runSql<{ id: number }>(
    strapi,
    `INSERT INTO ?? (${enrollment.row.map(() => '??').join(', ')}) VALUES (${enrollment.row.map(() => '?').join(', ')}) RETURNING id`,
    [
      tableOf(strapi, ENROLLMENT),
      ...enrollment.row.map(([column]) => column),
      ...enrollment.row.map(([, value]) => value),
    ]
  );
  const id = Number(rows[0].id);
  const links: Array<['user' | 'course', number | null]> = [
    ['user', enrollment.userId],
    ['course', enrollment.publishedRowId],
  ];
  for (const [attribute, targetId] of links) {
    if (targetId === null) continue;
    const link = linkOf(strapi, ENROLLMENT, attribute);
    await runSql(strapi, 'INSERT INTO ?? (??, ??) VALUES (?, ?)', [
      link.table,
      link.ownColumn,
      link.targetColumn,
      id,
      targetId,
    ]);
  }
  return id;
}

/** INSERT … SELECT on PostgreSQL cannot infer a bound value's type from the column: each is cast. */
function castFor(value: unknown): string {
  if (value instanceof Date) return 'CAST(? AS timestamp)';
  if (typeof value === 'number') return 'CAST(? AS integer)';
  return '?';
}
