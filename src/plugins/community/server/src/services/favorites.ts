import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { publishedLessonRow } from '../queries/public-views';
import { isUniqueViolation } from '../../../../../errors/unique-violation';

const FAVORITE = 'api::favorite.favorite';
const LESSON = 'api::lesson.lesson';

/** The database-unique key of "this user's bookmark on this lesson". */
export const favoriteKey = (userId: number, lessonDocumentId: string) => `${userId}:${lessonDocumentId}`;
const lessonOfKey = (key: string) => key.slice(key.indexOf(':') + 1);
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** PUT /lessons/:documentId/favorite: idempotent; a second or concurrent PUT finds the one bookmark. */
  async add(userId: number, lessonDocumentId: string) {
    const lesson = await publishedLessonRow(strapi, lessonDocumentId);
    if (!lesson) throw new errors.NotFoundError('Lesson not found');
    const key = favoriteKey(userId, lessonDocumentId);
    let favorite = await strapi.db.query(FAVORITE).findOne({ where: { key } });
    if (!favorite) {
      try {
        favorite = await strapi.db
          .query(FAVORITE)
          .create({ data: { key, user: userId, lesson: lesson.id, publishedAt: new Date() } });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        favorite = await strapi.db.query(FAVORITE).findOne({ where: { key } });
      }
    }
    return {
      lesson: { documentId: lessonDocumentId, title: lesson.title },
      favorite: true,
      createdAt: favorite.createdAt,
    };
  },

  /** DELETE /lessons/:documentId/favorite: idempotent; removing what is not there is fine for a known lesson. */
  async remove(userId: number, lessonDocumentId: string) {
    const { count } = await strapi.db
      .query(FAVORITE)
      .deleteMany({ where: { key: favoriteKey(userId, lessonDocumentId) } });
    if (
      count === 0 &&
      !(await strapi.db.query(LESSON).findOne({ where: { documentId: lessonDocumentId }, select: ['id'] }))
    ) {
      throw new errors.NotFoundError('Lesson not found');
    }
    return { lesson: { documentId: lessonDocumentId }, favorite: false };
  },

  /** GET /me/favorites: the caller's own, newest first, with the lesson and its course as published. */
  async listMine(userId: number) {
    const rows = await strapi.db.query(FAVORITE).findMany({
      where: { user: { id: userId } },
      select: ['key', 'createdAt'],
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    const lessonIds = [...new Set<string>(rows.map((row: any) => lessonOfKey(row.key)))];
    const lessons = lessonIds.length
      ? await strapi.db.query(LESSON).findMany({
          where: { documentId: { $in: lessonIds }, publishedAt: { $notNull: true } },
          select: ['documentId', 'title', 'locale'],
          populate: { course: { select: ['documentId', 'title'] } },
          orderBy: { id: 'asc' },
        })
      : [];
    const byDocument = new Map<string, any>();
    for (const lesson of lessons)
      if (!byDocument.has(lesson.documentId) || lesson.locale === 'en') byDocument.set(lesson.documentId, lesson);
    // A bookmark on a lesson that was since unpublished or deleted is kept but not shown.
    return rows
      .filter((row: any) => byDocument.has(lessonOfKey(row.key)))
      .map((row: any) => {
        const lesson = byDocument.get(lessonOfKey(row.key));
        return {
          lesson: {
            documentId: lesson.documentId,
            title: lesson.title,
            course: lesson.course ? { documentId: lesson.course.documentId, title: lesson.course.title } : null,
          },
          favorite: true,
          createdAt: row.createdAt,
        };
      });
  },
});
