import type { Core } from '@strapi/strapi';
import { columnOf, tableOf } from '../../../../../database/tables';

const COURSE = 'api::course.course';
const REVIEW = 'api::review.review';

/**
 * The course's ratingAverage and ratingCount as one aggregate of its reviews, written to every row of the
 * course (each locale, draft and published), inside the caller's transaction. Recomputing, rather than
 * adding to the stored figures, keeps them equal to the reviews whatever happened before (edits, deletions,
 * reviews removed in the admin panel).
 */
export async function recomputeCourseRating(strapi: Core.Strapi, trx: any, courseDocumentId: string): Promise<void> {
  const course = tableWithColumns(strapi, COURSE, ['ratingAverage', 'ratingCount', 'documentId']);
  const review = tableWithColumns(strapi, REVIEW, ['rating', 'courseDocumentId']);
  await trx.raw(
    `UPDATE ?? SET ?? = COALESCE((SELECT ROUND(AVG(??), 2) FROM ?? WHERE ?? = ?), 0), ?? = (SELECT COUNT(*) FROM ?? WHERE ?? = ?) WHERE ?? = ?`,
    [
      course.table,
      course.columns.ratingAverage,
      review.columns.rating,
      review.table,
      review.columns.courseDocumentId,
      courseDocumentId,
      course.columns.ratingCount,
      review.table,
      review.columns.courseDocumentId,
      courseDocumentId,
      course.columns.documentId,
      courseDocumentId,
    ]
  );
}

/**
 * Holds the course's rows until the transaction ends, so that reviews of one course are written one
 * transaction after another. Without it, two students reviewing at once on PostgreSQL each compute the
 * aggregate from a snapshot missing the other's review, and the last writer leaves a count one short.
 * SQLite admits one writer at a time, which serialises the transactions already.
 */
export async function lockCourseRows(strapi: Core.Strapi, trx: any, courseDocumentId: string): Promise<void> {
  if (strapi.db.dialect.client === 'sqlite') return;
  const course = tableWithColumns(strapi, COURSE, ['documentId']);
  await trx(course.table).select('id').where(course.columns.documentId, courseDocumentId).orderBy('id').forUpdate();
}

function tableWithColumns<F extends string>(strapi: Core.Strapi, uid: string, fields: F[]) {
  const columns = Object.fromEntries(fields.map((field) => [field, columnOf(strapi, uid, field)])) as Record<F, string>;
  return { table: tableOf(strapi, uid), columns };
}
