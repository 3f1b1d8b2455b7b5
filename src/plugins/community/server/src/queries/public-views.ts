import type { Core } from '@strapi/strapi';

/** How a user appears to others: their full name, or their username when they gave none. Never an email. */
export const publicName = (user: { fullName?: string | null; username?: string | null }) =>
  user.fullName?.trim() || user.username || null;

/** The course's published row (the lowest id, as the enrollment plugin links to), or null when unpublished or unknown. */
export async function publishedCourseRow(strapi: Core.Strapi, courseDocumentId: string) {
  return strapi.db.query('api::course.course').findOne({
    where: { documentId: courseDocumentId, publishedAt: { $notNull: true } },
    select: ['id', 'documentId', 'title', 'ratingAverage', 'ratingCount'],
    orderBy: { id: 'asc' },
  });
}

/** The lesson's published row with its course, or null. */
export async function publishedLessonRow(strapi: Core.Strapi, lessonDocumentId: string) {
  return strapi.db.query('api::lesson.lesson').findOne({
    where: { documentId: lessonDocumentId, publishedAt: { $notNull: true } },
    select: ['id', 'documentId', 'title'],
    orderBy: { id: 'asc' },
  });
}
