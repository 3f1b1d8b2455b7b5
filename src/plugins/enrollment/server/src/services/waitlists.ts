import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { conflict, forbidden, notFound } from '../../../../../errors/refusal';
import { isUniqueViolation } from '../../../../../errors/unique-violation';
import { runSql, toIsoOrNull, WRITTEN_BY_STATEMENT } from '../../../../../access/raw-sql';
import { tableOf } from '../../../../../database/tables';
import { sendMail } from '../../../../../mail/mail-job';
import { wantsMailOf } from '../../../../../notifications/channels';
import { sendNotices } from '../../../../../notifications/notice-job';
import {
  ensureSeatRow,
  firstReservation,
  lockSeatRow,
  offerHoldKey,
  passHold,
  releaseHold,
  reserveForWaitlist,
  currentCapacity,
} from '../seats';
import {
  activeWaitlistKey,
  enrolledFromWaitlistNotice,
  offerExpiry,
  offerMessages,
  positionsInLine,
  waitlistTermsFrom,
  type WaitlistStatus,
  type WaitlistTerms,
} from '../rules/waitlist-rules';
import type enrollmentsService from './enrollments';
import { ENROLLMENT } from './enrollments';

const ENTRY = 'plugin::enrollment.waitlist-entry';
const COURSE = 'api::course.course';
const USER = 'plugin::users-permissions.user';
/** Expired offers handled per scheduled run; the next run takes the rest. */
const EXPIRY_BATCH = 500;

interface EntryRow {
  id: number;
  userId: number;
  courseDocumentId: string;
  status: WaitlistStatus;
  queueOrder: number;
  createdAt: string | null;
  offerExpiresAt: string | null;
}

/** A student's place in a course's line, as GET /me/waitlists answers it. */
export interface WaitlistPlace {
  course: { documentId: string; title: string | null; slug: string | null };
  position: number;
  status: 'waiting' | 'offered';
  offerExpiresAt?: string;
}

/** A row of the admin panel's waitlist table. */
export interface WaitlistRow {
  id: number;
  position: number;
  status: 'waiting' | 'offered';
  student: { id: number; username: string; fullName: string | null; email: string } | null;
  joinedAt: string | null;
  offerExpiresAt: string | null;
}

const ENTRY_COLUMNS = `id, user_id, course_document_id, status, queue_order, created_at, offer_expires_at`;

const entryFromRow = (row: Record<string, unknown>): EntryRow => ({
  id: Number(row.id),
  userId: Number(row.user_id),
  courseDocumentId: row.course_document_id as string,
  status: row.status as WaitlistStatus,
  queueOrder: Number(row.queue_order),
  createdAt: toIsoOrNull(row.created_at),
  offerExpiresAt: toIsoOrNull(row.offer_expires_at),
});

/** A rolled-back attempt to be made again (an entry changed under a promotion). */
class TryAgain extends Error {}

/**
 * Waitlists of full courses (contract, "Teaching depth"): joining, leaving, a student's places, promotion of the
 * first in line when a seat frees up, accepting an offer, expiring unanswered offers, and what staff do from the
 * Enrollments page. Every change of a course's line takes the course's seat row lock first (seats.ts, lockSeatRow),
 * so the database orders them; the seats themselves are the one seat implementation's (holds and taken seats).
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const enrollments = () => strapi.plugin('enrollment').service('enrollments') as ReturnType<typeof enrollmentsService>;
  const entries = () => tableOf(strapi, ENTRY);

  async function readTerms(courseDocumentId: string): Promise<WaitlistTerms | null> {
    const { rows } = await runSql<Record<string, unknown>>(
      strapi,
      'SELECT waitlist, waitlist_mode, waitlist_offer_hours, published_at FROM ?? WHERE document_id = ? ORDER BY id',
      [tableOf(strapi, COURSE), courseDocumentId]
    );
    if (rows.length === 0) return null;
    return waitlistTermsFrom(rows.find((row) => row.published_at) ?? rows[0]);
  }

  async function activeEntry(userId: number, courseDocumentId: string): Promise<EntryRow | null> {
    const { rows } = await runSql<Record<string, unknown>>(
      strapi,
      `SELECT ${ENTRY_COLUMNS} FROM ?? WHERE active_key = ?`,
      [entries(), activeWaitlistKey(userId, courseDocumentId)]
    );
    return rows.length ? entryFromRow(rows[0]) : null;
  }

  async function latestClosedEntry(userId: number, courseDocumentId: string): Promise<EntryRow | null> {
    const { rows } = await runSql<Record<string, unknown>>(
      strapi,
      `SELECT ${ENTRY_COLUMNS} FROM ?? WHERE course_document_id = ? AND user_id = ? AND active_key IS NULL ORDER BY id DESC LIMIT 1`,
      [entries(), courseDocumentId, userId]
    );
    return rows.length ? entryFromRow(rows[0]) : null;
  }

  /** 1 + the waiting entries ahead of this one. */
  async function positionOf(entry: EntryRow): Promise<number> {
    const { rows } = await runSql<{ ahead: unknown }>(
      strapi,
      `SELECT count(*) AS ahead FROM ?? WHERE course_document_id = ? AND status = 'waiting' AND queue_order < ?`,
      [entries(), entry.courseDocumentId, entry.queueOrder]
    );
    return Number(rows[0]?.ahead ?? 0) + 1;
  }

  /** Closes an active entry (accepted, removed, expired) if it is still in `from`; false when it was not. */
  async function closeEntry(
    entryId: number,
    from: WaitlistStatus,
    to: WaitlistStatus,
    now: Date,
    onlyIfExpiredBy?: Date
  ) {
    const { count, rows } = await runSql(
      strapi,
      `UPDATE ?? SET status = ?, active_key = NULL, closed_at = ?, updated_at = ? WHERE id = ? AND status = ?${
        onlyIfExpiredBy ? ' AND offer_expires_at <= ?' : ''
      } RETURNING id`,
      [entries(), to, now, now, entryId, from, ...(onlyIfExpiredBy ? [onlyIfExpiredBy] : [])]
    );
    return Math.max(count, rows.length) === 1;
  }

  /** Takes an entry out of the line; an offered one gives its seat back, to the next in line. In a transaction. */
  async function removeEntry(entry: EntryRow, now: Date): Promise<boolean> {
    if (!(await closeEntry(entry.id, entry.status, 'removed', now))) return false;
    if (entry.status === 'offered') await releaseHold(strapi, offerHoldKey(entry.id), entry.courseDocumentId);
    return true;
  }

  async function courseSummaries(courseDocumentIds: string[]) {
    if (courseDocumentIds.length === 0) return new Map<string, { title: string | null; slug: string | null }>();
    const rows: Array<{ documentId: string; title: string; slug: string | null; publishedAt: string | null }> =
      await strapi.db.query(COURSE).findMany({
        where: { documentId: { $in: courseDocumentIds } },
        select: ['documentId', 'title', 'slug', 'publishedAt'],
        orderBy: { locale: 'asc' },
      });
    const summaries = new Map<string, { title: string | null; slug: string | null }>();
    // The published version's title where there is one.
    for (const row of [...rows.filter((row) => row.publishedAt), ...rows.filter((row) => !row.publishedAt)])
      if (!summaries.has(row.documentId)) summaries.set(row.documentId, { title: row.title, slug: row.slug ?? null });
    return summaries;
  }

  /** The offer's mail and notice, as jobs in the promotion's transaction (keyed: recorded once per offer). */
  async function tellOffer(entry: EntryRow, expiresAt: Date) {
    const [user, summaries] = await Promise.all([
      strapi.db
        .query(USER)
        .findOne({ where: { id: entry.userId }, select: ['email', 'username', 'fullName', 'preferredLocale'] }),
      courseSummaries([entry.courseDocumentId]),
    ]);
    if (!user) return;
    const course = summaries.get(entry.courseDocumentId);
    const title = course?.title ?? entry.courseDocumentId;
    const publicUrl = ((strapi.config.get('server.url') as string) || '').replace(/\/+$/, '');
    const messages = offerMessages({
      studentName: user.fullName || user.username,
      courseTitle: title,
      expiresAt,
      locale: user.preferredLocale,
      acceptUrl: publicUrl ? `${publicUrl}/courses/${course?.slug ?? entry.courseDocumentId}` : null,
    });
    if (user.email && (await wantsMailOf(strapi, entry.userId, 'waitlist_offer')))
      await sendMail(strapi, { to: user.email, ...messages.mail }, { key: `waitlist-offer:${entry.id}` });
    await sendNotices(strapi, {
      deliveryKey: `waitlist-offer:${entry.id}`,
      userIds: [entry.userId],
      message: { type: 'waitlist_offer', ...messages.notice, link: `/courses/${entry.courseDocumentId}` },
    });
  }

  async function tellEnrolled(entry: EntryRow) {
    const [user, summaries] = await Promise.all([
      strapi.db.query(USER).findOne({ where: { id: entry.userId }, select: ['preferredLocale'] }),
      courseSummaries([entry.courseDocumentId]),
    ]);
    if (!user) return;
    const notice = enrolledFromWaitlistNotice(
      summaries.get(entry.courseDocumentId)?.title ?? entry.courseDocumentId,
      user.preferredLocale
    );
    await sendNotices(strapi, {
      deliveryKey: `waitlist-enrolled:${entry.id}`,
      userIds: [entry.userId],
      message: { type: 'enrollment', ...notice, link: `/courses/${entry.courseDocumentId}` },
    });
  }

  /**
   * One reserved seat to the first in line, in one transaction: 'done' when no seat is reserved any more, 'given'
   * after giving one out, 'next' after a step that gave nobody a seat (the seat back to the course when nobody waits,
   * or a first in line enrolled meanwhile taken out of the line).
   */
  async function promoteOne(
    courseDocumentId: string,
    terms: WaitlistTerms,
    now: Date
  ): Promise<'done' | 'given' | 'next'> {
    return strapi.db.transaction(async () => {
      await lockSeatRow(strapi, courseDocumentId);
      const reservation = await firstReservation(strapi, courseDocumentId);
      if (!reservation) return 'done';
      const { rows } = await runSql<Record<string, unknown>>(
        strapi,
        `SELECT ${ENTRY_COLUMNS} FROM ?? WHERE course_document_id = ? AND status = 'waiting' ORDER BY queue_order, id LIMIT 1`,
        [entries(), courseDocumentId]
      );
      if (rows.length === 0) {
        // Everyone left meanwhile: the seat is the course's again.
        await releaseHold(strapi, reservation, courseDocumentId);
        return 'next';
      }
      const entry = entryFromRow(rows[0]);
      if (terms.mode === 'auto') {
        const outcome = await enrollments().enrollFromWaitlist({
          userId: entry.userId,
          courseDocumentId,
          holdKey: reservation,
          now,
        });
        // Enrolled by staff meanwhile: out of the line; the reservation waits for the next one.
        if (outcome === 'already_member') {
          await closeEntry(entry.id, 'waiting', 'removed', now);
          return 'next';
        }
        if (!(await closeEntry(entry.id, 'waiting', 'accepted', now))) throw new TryAgain();
        await tellEnrolled(entry);
        return 'given';
      }
      const expiresAt = offerExpiry(now, terms.offerHours);
      const passed = await passHold(
        strapi,
        reservation,
        { key: offerHoldKey(entry.id), courseDocumentId, expiresAt },
        now
      );
      if (!passed) throw new TryAgain();
      const { count, rows: offered } = await runSql(
        strapi,
        `UPDATE ?? SET status = 'offered', offered_at = ?, offer_expires_at = ?, updated_at = ? WHERE id = ? AND status = 'waiting' RETURNING id`,
        [entries(), now, expiresAt, now, entry.id]
      );
      if (Math.max(count, offered.length) !== 1) throw new TryAgain();
      await tellOffer(entry, expiresAt);
      return 'given';
    });
  }

  return {
    /** POST /courses/:documentId/waitlist: 201 `{ position }`, or the contract's refusals. */
    async join(params: { userId: number; courseDocumentId: string; now: Date }): Promise<{ position: number }> {
      const { userId, courseDocumentId, now } = params;
      const terms = await readTerms(courseDocumentId);
      if (!terms) throw notFound('Course not found');
      if (!terms.isOpen) throw forbidden('This course keeps no waitlist', 'waitlist_closed');
      // Not a member already (409 already_enrolled), then the rules of enrolling (publication, window,
      // prerequisites, payment): a place in line is a promise of a seat the student could take.
      await enrollments().admit({ userId, courseDocumentId, now, isPlacedByStaff: false, isPaymentSettled: false });
      const alreadyWaitlisted = () => conflict('You are already on the waitlist of this course', 'already_waitlisted');
      if (await activeEntry(userId, courseDocumentId)) throw alreadyWaitlisted();
      await ensureSeatRow(strapi, courseDocumentId);
      try {
        return await strapi.db.transaction(async () => {
          const seats = await lockSeatRow(strapi, courseDocumentId);
          const capacity = await currentCapacity(strapi, courseDocumentId);
          if (capacity === null || !seats || seats.taken + seats.held < capacity)
            throw conflict('A seat is free: enroll instead', 'seats_available');
          const { rows } = await runSql<{ id: unknown }>(
            strapi,
            `INSERT INTO ?? (document_id, active_key, course_document_id, user_id, status, created_at, updated_at, published_at)
             VALUES (?, ?, ?, ?, 'waiting', ?, ?, ?) RETURNING id`,
            [
              entries(),
              createId(),
              activeWaitlistKey(userId, courseDocumentId),
              courseDocumentId,
              userId,
              now,
              now,
              now,
            ]
          );
          const id = Number(rows[0].id);
          // Line order is the entry's id until staff move someone: ids are unique, so the order is total.
          await runSql(strapi, 'UPDATE ?? SET queue_order = id WHERE id = ?', [entries(), id]);
          const entry = await activeEntry(userId, courseDocumentId);
          return { position: await positionOf(entry!) };
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw alreadyWaitlisted();
        throw error;
      }
    },

    /** DELETE /courses/:documentId/waitlist/me: out of the line; a seat offered goes to the next in line. */
    async leave(params: { userId: number; courseDocumentId: string; now: Date }) {
      const { userId, courseDocumentId, now } = params;
      const left = await strapi.db.transaction(async () => {
        await lockSeatRow(strapi, courseDocumentId);
        const entry = await activeEntry(userId, courseDocumentId);
        if (!entry || !(await removeEntry(entry, now))) return null;
        return entry;
      });
      if (!left) throw notFound('You are not on the waitlist of this course', 'not_waitlisted');
      return { course: { documentId: courseDocumentId }, status: 'removed' as const };
    },

    /** GET /me/waitlists: the caller's places in line, with live positions. */
    async listForStudent(userId: number): Promise<WaitlistPlace[]> {
      const { rows } = await runSql<Record<string, unknown>>(
        strapi,
        `SELECT ${ENTRY_COLUMNS} FROM ?? WHERE user_id = ? AND active_key IS NOT NULL ORDER BY id`,
        [entries(), userId]
      );
      const places = rows.map(entryFromRow);
      const summaries = await courseSummaries([...new Set(places.map((place) => place.courseDocumentId))]);
      return Promise.all(
        places.map(async (entry) => {
          const summary = summaries.get(entry.courseDocumentId);
          return {
            course: { documentId: entry.courseDocumentId, title: summary?.title ?? null, slug: summary?.slug ?? null },
            position: await positionOf(entry),
            status: entry.status as 'waiting' | 'offered',
            ...(entry.status === 'offered' && entry.offerExpiresAt ? { offerExpiresAt: entry.offerExpiresAt } : {}),
          };
        })
      );
    },

    /**
     * POST /courses/:documentId/waitlist/accept: the offered seat becomes the caller's enrollment. 403
     * `offer_expired` once the offer ran out (whether or not the schedule has moved it on yet), 409 `no_offer` while
     * still waiting, 404 `not_waitlisted` for no entry at all.
     */
    async accept(params: { userId: number; courseDocumentId: string; now: Date }) {
      const { userId, courseDocumentId, now } = params;
      if (!(await readTerms(courseDocumentId))) throw notFound('Course not found');
      await strapi.db.transaction(async () => {
        await lockSeatRow(strapi, courseDocumentId);
        const entry = await activeEntry(userId, courseDocumentId);
        if (!entry) {
          const closed = await latestClosedEntry(userId, courseDocumentId);
          if (closed?.status === 'expired') throw forbidden('Your offer of a seat has expired', 'offer_expired');
          if (closed?.status === 'accepted') throw conflict('Already enrolled in this course', 'already_enrolled');
          throw notFound('You are not on the waitlist of this course', 'not_waitlisted');
        }
        if (entry.status !== 'offered') throw conflict('No seat is offered to you yet', 'no_offer');
        if (!entry.offerExpiresAt || new Date(entry.offerExpiresAt) <= now)
          throw forbidden('Your offer of a seat has expired', 'offer_expired');
        if (!(await closeEntry(entry.id, 'offered', 'accepted', now)))
          throw conflict('No seat is offered to you', 'no_offer');
        const outcome = await enrollments().enrollFromWaitlist({
          userId,
          courseDocumentId,
          holdKey: offerHoldKey(entry.id),
          now,
        });
        if (outcome === 'already_member') throw conflict('Already enrolled in this course', 'already_enrolled');
      });
      await strapi.eventHub.emit(WRITTEN_BY_STATEMENT, { uid: ENROLLMENT });
      return enrollments().findEnrollment(userId, courseDocumentId);
    },

    /** The promotion job: every seat reserved for the course's line to the first in line. Answers the seats given. */
    async promote(courseDocumentId: string, now: Date): Promise<number> {
      const terms = await readTerms(courseDocumentId);
      if (!terms) return 0;
      let given = 0;
      // Bounded: each round consumes a reservation or an entry; a course never has this many in one go.
      for (let round = 0; round < 10_000; round += 1) {
        let outcome: 'done' | 'given' | 'next';
        try {
          outcome = await promoteOne(courseDocumentId, terms, now);
        } catch (error) {
          if (error instanceof TryAgain) continue;
          throw error;
        }
        if (outcome === 'done') break;
        if (outcome === 'given') given += 1;
      }
      if (given > 0) await strapi.eventHub.emit(WRITTEN_BY_STATEMENT, { uid: ENROLLMENT });
      return given;
    },

    /** The schedule: offers past their time expire and each seat goes to the next in line. Answers how many. */
    async expireOffers(now: Date): Promise<number> {
      const { rows } = await runSql<Record<string, unknown>>(
        strapi,
        `SELECT ${ENTRY_COLUMNS} FROM ?? WHERE status = 'offered' AND offer_expires_at <= ? ORDER BY offer_expires_at LIMIT ?`,
        [entries(), now, EXPIRY_BATCH]
      );
      let expired = 0;
      for (const entry of rows.map(entryFromRow)) {
        const isExpired = await strapi.db.transaction(async () => {
          await lockSeatRow(strapi, entry.courseDocumentId);
          // Accepted in time meanwhile: stays accepted.
          if (!(await closeEntry(entry.id, 'offered', 'expired', now, now))) return false;
          await releaseHold(strapi, offerHoldKey(entry.id), entry.courseDocumentId);
          return true;
        });
        if (isExpired) expired += 1;
      }
      return expired;
    },

    /**
     * After a course write that may have raised its capacity: free seats go to its line (reserved, with the
     * promotion job), in the write's transaction. Nothing when nobody waits.
     */
    async seatsMayHaveFreed(courseDocumentId: string): Promise<number> {
      await ensureSeatRow(strapi, courseDocumentId);
      return reserveForWaitlist(strapi, courseDocumentId);
    },

    /** Takes the course's line lock (its seat row) for the rest of the caller's transaction. */
    async lockLine(courseDocumentId: string): Promise<void> {
      await lockSeatRow(strapi, courseDocumentId);
    },

    /** Whether anyone waits in a course's line (a course write checks before it takes the longer path). */
    async hasWaiting(courseDocumentId: string): Promise<boolean> {
      const { rows } = await runSql<{ id: unknown }>(
        strapi,
        `SELECT id FROM ?? WHERE course_document_id = ? AND status = 'waiting' LIMIT 1`,
        [entries(), courseDocumentId]
      );
      return rows.length > 0;
    },

    /** The admin page: a course's active entries in line order, with live positions and students. */
    async listForCourse(courseDocumentId: string): Promise<WaitlistRow[]> {
      const { rows } = await runSql<Record<string, unknown>>(
        strapi,
        `SELECT ${ENTRY_COLUMNS} FROM ?? WHERE course_document_id = ? AND active_key IS NOT NULL ORDER BY queue_order, id`,
        [entries(), courseDocumentId]
      );
      const line = positionsInLine(rows.map(entryFromRow));
      const students: Array<{ id: number; username: string; fullName: string | null; email: string }> = line.length
        ? await strapi.db.query(USER).findMany({
            where: { id: { $in: [...new Set(line.map((entry) => entry.userId))] } },
            select: ['id', 'username', 'fullName', 'email'],
          })
        : [];
      const byId = new Map(students.map((student) => [student.id, student]));
      return line.map((entry) => {
        const student = byId.get(entry.userId);
        return {
          id: entry.id,
          position: entry.position,
          status: entry.status as 'waiting' | 'offered',
          student: student
            ? { id: student.id, username: student.username, fullName: student.fullName ?? null, email: student.email }
            : null,
          joinedAt: entry.createdAt,
          offerExpiresAt: entry.status === 'offered' ? entry.offerExpiresAt : null,
        };
      });
    },

    /**
     * Staff move a waiting entry one place up (it swaps places with the waiting entry before it). 404 for an entry
     * not in this course's line, 409 `not_waiting` for an entry holding an offer; the first in line stays first.
     */
    async moveUp(courseDocumentId: string, entryId: number, now: Date): Promise<void> {
      await strapi.db.transaction(async () => {
        await lockSeatRow(strapi, courseDocumentId);
        const entry = await entryInLine(courseDocumentId, entryId);
        if (entry.status !== 'waiting') throw conflict('Only a waiting entry moves in line', 'not_waiting');
        const { rows } = await runSql<Record<string, unknown>>(
          strapi,
          `SELECT ${ENTRY_COLUMNS} FROM ?? WHERE course_document_id = ? AND status = 'waiting' AND queue_order < ? ORDER BY queue_order DESC LIMIT 1`,
          [entries(), courseDocumentId, entry.queueOrder]
        );
        if (rows.length === 0) return;
        const before = entryFromRow(rows[0]);
        await runSql(strapi, 'UPDATE ?? SET queue_order = ?, updated_at = ? WHERE id = ?', [
          entries(),
          before.queueOrder,
          now,
          entry.id,
        ]);
        await runSql(strapi, 'UPDATE ?? SET queue_order = ?, updated_at = ? WHERE id = ?', [
          entries(),
          entry.queueOrder,
          now,
          before.id,
        ]);
      });
    },

    /** Staff take an entry out of the line; an offered seat goes to the next in line. 404 for no such entry. */
    async remove(courseDocumentId: string, entryId: number, now: Date): Promise<{ id: number; userId: number }> {
      return strapi.db.transaction(async () => {
        await lockSeatRow(strapi, courseDocumentId);
        const entry = await entryInLine(courseDocumentId, entryId);
        if (!(await removeEntry(entry, now))) throw notFound('No such entry in this waitlist', 'not_waitlisted');
        return { id: entry.id, userId: entry.userId };
      });
    },
  };

  async function entryInLine(courseDocumentId: string, entryId: number): Promise<EntryRow> {
    const { rows } = await runSql<Record<string, unknown>>(
      strapi,
      `SELECT ${ENTRY_COLUMNS} FROM ?? WHERE id = ? AND course_document_id = ? AND active_key IS NOT NULL`,
      [entries(), entryId, courseDocumentId]
    );
    if (rows.length === 0) throw notFound('No such entry in this waitlist', 'not_waitlisted');
    return entryFromRow(rows[0]);
  }
};
