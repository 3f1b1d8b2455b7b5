import type { Core } from '@strapi/strapi';
import { plainText } from '../rules/text';
import type { SearchDocument, SearchType } from '../search-types';
import { countPublished, epochOf, priceClassOf, publishedDocumentIds } from './published-entries';

const COURSE = 'api::course.course';
const CATEGORY = 'api::category.category';

interface CourseRow {
  documentId: string;
  locale: string;
  title: string;
  slug: string | null;
  summary: string | null;
  description: string | null;
  level: string | null;
  price: number | string | null;
  publishedAt: Date | string;
  category?: { slug: string | null } | null;
}

/** The published versions of these courses, every locale, with what a hit and its lessons need. */
export async function publishedCourses(strapi: Core.Strapi, documentIds: string[]): Promise<CourseRow[]> {
  if (documentIds.length === 0) return [];
  return (await strapi.db.query(COURSE).findMany({
    where: { documentId: { $in: documentIds }, publishedAt: { $notNull: true } },
    select: ['documentId', 'locale', 'title', 'slug', 'summary', 'description', 'level', 'price', 'publishedAt'],
    populate: { category: { select: ['slug'] } },
  })) as CourseRow[];
}

/** What a course hit carries beside its own text: its facets. Lessons share them. */
export const courseFacets = (course: CourseRow) => ({
  category: course.category?.slug ?? null,
  level: course.level ?? null,
  price: priceClassOf(course.price),
  courseDocumentId: course.documentId,
});

export const courseUrl = (course: Pick<CourseRow, 'slug' | 'documentId'>) =>
  `/courses/${encodeURIComponent(course.slug ?? course.documentId)}`;

/** Published courses: title, summary and description (as plain text). */
export const courseSearch: SearchType = {
  type: 'course',
  uid: COURSE,
  async load(strapi, documentIds) {
    return (await publishedCourses(strapi, documentIds)).map((course): SearchDocument => ({
      type: 'course',
      documentId: course.documentId,
      locale: course.locale,
      title: course.title,
      body: [plainText(course.summary), plainText(course.description)].filter(Boolean).join(' '),
      url: courseUrl(course),
      ...courseFacets(course),
      publishedAt: epochOf(course.publishedAt),
    }));
  },
  candidates: (strapi, after, limit) => publishedDocumentIds(strapi, COURSE, after, limit),
  countCandidates: (strapi) => countPublished(strapi, COURSE),
  follows: [
    {
      // A renamed category changes its courses' facet.
      uid: CATEGORY,
      async documentIds(strapi, categoryDocumentId) {
        const rows = await strapi.db.query(COURSE).findMany({
          where: { category: { documentId: categoryDocumentId } },
          select: ['documentId'],
        });
        return [...new Set(rows.map((row: { documentId: string }) => row.documentId))];
      },
    },
  ],
};
