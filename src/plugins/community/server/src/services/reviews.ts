import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { conflict, Refusal } from '../../../../../errors/refusal';
import type { Caller } from '../../../../../access/roles';
import type { Page } from '../../../../../access/listing';
import { mayReview, type ReviewInput } from '../rules/review-input';
import { lockCourseRows, recomputeCourseRating } from '../queries/course-rating';
import { publicName, publishedCourseRow } from '../queries/public-views';
import { isUniqueViolation } from '../../../../../errors/unique-violation';
import { effectiveStatus, enrollments } from '../../../../enrollment/server/src/facade';

const REVIEW = 'api::review.review';

export type ReviewOrder = 'newest' | 'rating';

const ORDERS: Record<ReviewOrder, Array<Record<string, 'asc' | 'desc'>>> = {
  newest: [{ createdAt: 'desc' }, { id: 'desc' }],
  rating: [{ rating: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }],
};

/** The database-unique key of "this student's review of this course". */
export const reviewKey = (userId: number, courseDocumentId: string) => `${userId}:${courseDocumentId}`;
const courseOfKey = (key: string) => key.slice(key.indexOf(':') + 1);
/** What anyone sees of a review: the reviewer by public name only. */
export const presentReview = (row: any, callerId: number | null = null) => ({
  documentId: row.documentId,
  rating: row.rating,
  body: row.body ?? null,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  course: { documentId: row.courseDocumentId ?? courseOfKey(row.key) },
  author: { name: row.author ? publicName(row.author) : null },
  isMine: callerId !== null && row.author?.id === callerId,
});

const AUTHOR = { author: { select: ['id', 'username', 'fullName'] } };

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /courses/:documentId/reviews: students who took the course, once each. */
  async create(caller: Caller, courseDocumentId: string, input: Required<ReviewInput>, now: Date) {
    const course = await publishedCourseRow(strapi, courseDocumentId);
    if (!course) throw new errors.NotFoundError('Course not found');
    const enrollment =
      caller.userId === null ? null : await enrollments(strapi).findEnrollment(caller.userId, courseDocumentId);
    if (!mayReview(enrollment ? effectiveStatus(enrollment, now) : null)) {
      throw new Refusal('Only students of this course may review it', 'not_enrolled');
    }
    const key = reviewKey(caller.userId!, courseDocumentId);
    try {
      const created = await strapi.db.transaction(async ({ trx }) => {
        await lockCourseRows(strapi, trx, courseDocumentId);
        const review = await strapi.db.query(REVIEW).create({
          data: {
            key,
            courseDocumentId,
            rating: input.rating,
            body: input.body,
            course: course.id,
            author: caller.userId,
          },
        });
        await recomputeCourseRating(strapi, trx, courseDocumentId);
        return review;
      });
      return this.findPresented(created.documentId, caller.userId);
    } catch (error) {
      // The unique key, not a look-up beforehand, is what refuses the second review, races included.
      if (isUniqueViolation(error)) throw conflict('You have already reviewed this course', 'already_reviewed');
      throw error;
    }
  },

  /** PUT /reviews/:documentId: its author only. */
  async update(caller: Caller, documentId: string, input: ReviewInput) {
    const review = await this.findForChange(documentId);
    if (review.author?.id !== caller.userId) throw new Refusal('Only its author may edit a review', 'not_author');
    const courseDocumentId = review.courseDocumentId ?? courseOfKey(review.key);
    await strapi.db.transaction(async ({ trx }) => {
      await lockCourseRows(strapi, trx, courseDocumentId);
      await strapi.db.query(REVIEW).update({ where: { id: review.id }, data: input });
      await recomputeCourseRating(strapi, trx, courseDocumentId);
    });
    return this.findPresented(documentId, caller.userId);
  },

  /** DELETE /reviews/:documentId: its author, or an admin moderating. */
  async remove(caller: Caller, documentId: string) {
    const review = await this.findForChange(documentId);
    if (review.author?.id !== caller.userId && caller.role !== 'admin') {
      throw new Refusal('Only its author or an admin may delete a review', 'not_author');
    }
    const courseDocumentId = review.courseDocumentId ?? courseOfKey(review.key);
    await strapi.db.transaction(async ({ trx }) => {
      await lockCourseRows(strapi, trx, courseDocumentId);
      await strapi.db.query(REVIEW).delete({ where: { id: review.id } });
      await recomputeCourseRating(strapi, trx, courseDocumentId);
    });
    return presentReview(review, caller.userId);
  },

  /** GET /courses/:documentId/reviews: public, for published courses. */
  async list(courseDocumentId: string, options: { page: Page; order: ReviewOrder; callerId: number | null }) {
    const course = await publishedCourseRow(strapi, courseDocumentId);
    if (!course) throw new errors.NotFoundError('Course not found');
    const where = { courseDocumentId };
    const [rows, total] = await Promise.all([
      strapi.db.query(REVIEW).findMany({
        where,
        populate: AUTHOR,
        orderBy: ORDERS[options.order],
        offset: (options.page.page - 1) * options.page.pageSize,
        limit: options.page.pageSize,
      }),
      strapi.db.query(REVIEW).count({ where }),
    ]);
    return {
      data: rows.map((row: any) => presentReview(row, options.callerId)),
      total,
      rating: { ratingAverage: Number(course.ratingAverage ?? 0), ratingCount: Number(course.ratingCount ?? 0) },
    };
  },

  /**
   * Reviews stored before `courseDocumentId` existed get it from their key, and their courses' figures are
   * recomputed: run at start-up, a no-op once done.
   */
  async backfillCourseDocumentIds(): Promise<number> {
    const rows = await strapi.db
      .query(REVIEW)
      .findMany({ where: { courseDocumentId: { $null: true } }, select: ['id', 'key'] });
    const courses = new Set<string>();
    for (const row of rows) {
      const courseDocumentId = courseOfKey(row.key);
      courses.add(courseDocumentId);
      await strapi.db.query(REVIEW).update({ where: { id: row.id }, data: { courseDocumentId } });
    }
    for (const courseDocumentId of courses) {
      await strapi.db.transaction(async ({ trx }) => {
        await lockCourseRows(strapi, trx, courseDocumentId);
        await recomputeCourseRating(strapi, trx, courseDocumentId);
      });
    }
    return rows.length;
  },

  async findForChange(documentId: string) {
    const review = await strapi.db.query(REVIEW).findOne({ where: { documentId }, populate: AUTHOR });
    if (!review) throw new errors.NotFoundError('Review not found');
    return review;
  },

  async findPresented(documentId: string, callerId: number | null) {
    return presentReview(await this.findForChange(documentId), callerId);
  },
});
