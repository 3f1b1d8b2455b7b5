import { indexedDocumentIdsOfCourse } from '../index-store';
import type { SearchDocument, SearchType } from '../search-types';
import { courseFacets, courseUrl, publishedCourses } from './courses';
import { countPublished, epochOf, publishedDocumentIds } from './published-entries';

const LESSON = 'api::lesson.lesson';
const COURSE = 'api::course.course';

interface LessonRow {
  documentId: string;
  locale: string;
  title: string;
  publishedAt: Date | string;
  course?: { documentId: string } | null;
}

/**
 * Lesson titles of published courses, never their content: a lesson's body is private (paid courses sell it), so
 * it is not indexed at all. A published lesson of a course not published in that locale is not found either.
 */
export const lessonSearch: SearchType = {
  type: 'lesson',
  uid: LESSON,
  async load(strapi, documentIds) {
    if (documentIds.length === 0) return [];
    const lessons = (await strapi.db.query(LESSON).findMany({
      where: { documentId: { $in: documentIds }, publishedAt: { $notNull: true } },
      select: ['documentId', 'locale', 'title', 'publishedAt'],
      populate: { course: { select: ['documentId'] } },
    })) as LessonRow[];
    const courseIds = [...new Set(lessons.flatMap((lesson) => (lesson.course ? [lesson.course.documentId] : [])))];
    const courses = new Map(
      (await publishedCourses(strapi, courseIds)).map((course) => [`${course.documentId}:${course.locale}`, course])
    );
    return lessons.flatMap((lesson): SearchDocument[] => {
      const course = lesson.course && courses.get(`${lesson.course.documentId}:${lesson.locale}`);
      if (!course) return [];
      return [
        {
          type: 'lesson',
          documentId: lesson.documentId,
          locale: lesson.locale,
          title: lesson.title,
          body: '',
          url: `${courseUrl(course)}/lessons/${encodeURIComponent(lesson.documentId)}`,
          ...courseFacets(course),
          publishedAt: epochOf(lesson.publishedAt),
        },
      ];
    });
  },
  candidates: (strapi, after, limit) => publishedDocumentIds(strapi, LESSON, after, limit),
  countCandidates: (strapi) => countPublished(strapi, LESSON),
  follows: [
    {
      // Publishing, unpublishing, editing or deleting a course shows or hides its lessons and changes their facets.
      // The lessons linked now, and those indexed under it before (a deleted course has no links left).
      uid: COURSE,
      async documentIds(strapi, courseDocumentId) {
        const linked = await strapi.db.query(LESSON).findMany({
          where: { course: { documentId: courseDocumentId } },
          select: ['documentId'],
        });
        const indexed = await indexedDocumentIdsOfCourse(strapi, 'lesson', courseDocumentId);
        return [...new Set([...linked.map((row: { documentId: string }) => row.documentId), ...indexed])];
      },
    },
  ],
};
