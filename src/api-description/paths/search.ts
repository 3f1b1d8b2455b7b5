import type { RouteDescription } from '../route-description';
import { SUPPORTED_LOCALES } from '../../content/locales';
import { array, boolean, documentId, envelope, integer, nullable, number, object, oneOf, string } from '../schema';

const TYPES = ['course', 'lesson', 'article', 'post'];
const counts = object({}, []);
const page = {
  'pagination[page]': integer({ minimum: 1 }),
  'pagination[pageSize]': integer({ minimum: 1, maximum: 100 }),
  page: integer({ minimum: 1 }),
  pageSize: integer({ minimum: 1, maximum: 100 }),
};

const hit = object({
  type: oneOf(...TYPES),
  documentId: documentId(),
  locale: nullable(string({ description: 'null for a post (posts have no locale; every locale filter takes them)' })),
  title: string(),
  snippet: string({ description: 'Plain text, escaped, with each match inside <mark>…</mark> (no other markup)' }),
  score: number(),
  url: string({
    description:
      'Where a frontend shows it: /courses/<slug>, /courses/<slug>/lessons/<documentId>, /articles/<slug>, ' +
      '/posts/<documentId>',
  }),
});

const suggestion = object({ text: string(), type: oneOf(...TYPES), documentId: documentId() });

const popularCourse = object({
  documentId: documentId(),
  title: string(),
  slug: nullable(string()),
  summary: nullable(string()),
  level: nullable(string()),
  price: number({ minimum: 0 }),
  currency: nullable(string()),
  category: nullable(object({ name: string(), slug: nullable(string()) })),
  ratingAverage: number({ minimum: 0, maximum: 5 }),
  ratingCount: integer({ minimum: 0 }),
  studentsCount: integer({ minimum: 0 }),
  enrollmentsLast30Days: integer({ minimum: 1 }),
});

export const searchRoutes: RouteDescription[] = [
  {
    method: 'GET',
    path: '/search',
    tag: 'Search',
    audience: 'public',
    summary:
      'Full-text search over published courses, lesson titles, articles and public posts: Russian and English words ' +
      'match their other forms; facets count hits per type, category, level and price',
    query: {
      q: string({ minLength: 1, maxLength: 200 }),
      type: string({ description: `One or more of ${TYPES.join(', ')}, comma-separated (default: all)` }),
      locale: oneOf(...SUPPORTED_LOCALES),
      category: string({ description: 'The slug of a course category or an article category' }),
      level: oneOf('beginner', 'intermediate', 'advanced'),
      price: oneOf('free', 'paid'),
      ratingMin: number({ minimum: 0, maximum: 5 }),
      sort: oneOf('relevance', 'rating', 'popular', 'newest'),
      ...page,
    },
    status: 200,
    response: envelope(
      array(hit),
      object(
        {
          pagination: object(
            {
              page: integer(),
              pageSize: integer(),
              pageCount: integer(),
              total: integer({ description: 'Exact, unless totalIsLowerBound: then the cap of ranked hits' }),
              totalIsLowerBound: {
                ...boolean(),
                description:
                  'Present (true) only when more documents match than one search ranks (SEARCH_MAX_HITS): total is that ' +
                  'cap, pages end there, and title matches were ranked first',
              },
            },
            ['totalIsLowerBound']
          ),
          facets: object({ type: counts, category: counts, level: counts, price: counts }),
          facetsAreLowerBounds: {
            ...boolean(),
            description: 'Present (true) with totalIsLowerBound: the facets count the ranked hits only',
          },
        },
        ['facetsAreLowerBounds']
      )
    ),
  },
  {
    method: 'GET',
    path: '/search/suggest',
    tag: 'Search',
    audience: 'public',
    summary: 'Up to 10 titles completing what is typed, tolerant of one typo in words of five letters or more',
    query: {
      q: string({ minLength: 1, maxLength: 200 }),
      type: string({ description: `One or more of ${TYPES.join(', ')}, comma-separated (default: all)` }),
      locale: oneOf(...SUPPORTED_LOCALES),
    },
    status: 200,
    response: envelope(array(suggestion)),
  },
  {
    method: 'GET',
    path: '/courses/popular',
    tag: 'Search',
    audience: 'public',
    summary: 'The most enrolled published courses of the last 30 days (counts refreshed by a schedule)',
    query: { limit: integer({ minimum: 1, maximum: 50 }), locale: oneOf(...SUPPORTED_LOCALES) },
    status: 200,
    response: envelope(array(popularCourse), object({ windowDays: integer() })),
  },
];
