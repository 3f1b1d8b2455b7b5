import type { RouteDescription } from '../route-description';
import {
  anyObject,
  array,
  body,
  boolean,
  dateTime,
  documentId,
  envelope,
  integer,
  listEnvelope,
  nullable,
  number,
  object,
  oneOf,
  pagedEnvelope,
  string,
} from '../schema';

const page = { page: integer({ minimum: 1 }), pageSize: integer({ minimum: 1, maximum: 100 }) };
const pagination = object({ page: integer(), pageSize: integer(), pageCount: integer(), total: integer() });
const rating = { ratingAverage: number({ minimum: 0, maximum: 5 }), ratingCount: integer({ minimum: 0 }) };
/** People appear to others by public name only. */
const publicPerson = object({ name: nullable(string()) });

const review = object({
  documentId: documentId(),
  rating: integer({ minimum: 1, maximum: 5 }),
  body: nullable(string()),
  createdAt: dateTime(),
  updatedAt: dateTime(),
  course: object({ documentId: documentId() }),
  author: publicPerson,
  isMine: boolean(),
});

const courseCard = object({
  documentId: documentId(),
  title: string(),
  slug: nullable(string()),
  summary: nullable(string()),
  level: nullable(string()),
  ...rating,
});

const teacher = object({
  id: integer(),
  documentId: documentId(),
  username: string(),
  fullName: nullable(string()),
  bio: nullable(string()),
  avatar: nullable(object({ url: string(), alternativeText: nullable(string()), formats: nullable(anyObject()) })),
  courses: array(courseCard),
  ...rating,
});

const announcement = object({
  documentId: documentId(),
  title: string(),
  body: string({ description: 'Sanitised HTML: basic formatting and http(s)/mailto links only' }),
  createdAt: dateTime(),
  updatedAt: dateTime(),
  course: object({ documentId: documentId() }),
  author: publicPerson,
});

const favoriteLesson = object({
  documentId: documentId(),
  title: string(),
  course: nullable(object({ documentId: documentId(), title: string() })),
});

export const communityRoutes: RouteDescription[] = [
  {
    method: 'GET',
    path: '/courses/:documentId/reviews',
    tag: 'Community',
    audience: 'public',
    summary: "A published course's reviews, reviewers by public name; the course's rating in meta",
    query: { ...page, sort: oneOf('newest', 'rating') },
    status: 200,
    response: envelope(array(review), object({ pagination, ...rating })),
  },
  {
    method: 'POST',
    path: '/courses/:documentId/reviews',
    tag: 'Community',
    audience: 'student',
    summary: 'Review a course you are or were enrolled in, once',
    requestBody: body({ rating: integer({ minimum: 1, maximum: 5 }), body: string({ minLength: 1, maxLength: 5000 }) }),
    status: 201,
    response: envelope(review),
    refusals: [
      { status: 403, reasons: ['not_enrolled'] },
      { status: 409, reasons: ['already_reviewed'] },
    ],
  },
  {
    method: 'PUT',
    path: '/reviews/:documentId',
    tag: 'Community',
    audience: 'student',
    summary: 'Edit your review (rating, body or both)',
    requestBody: body(
      { rating: integer({ minimum: 1, maximum: 5 }), body: string({ minLength: 1, maxLength: 5000 }) },
      ['rating', 'body']
    ),
    status: 200,
    response: envelope(review),
    refusals: [{ status: 403, reasons: ['not_author'] }],
  },
  {
    method: 'DELETE',
    path: '/reviews/:documentId',
    tag: 'Community',
    audience: 'student',
    summary: 'Delete your review (admins delete any)',
    status: 200,
    response: envelope(review),
    refusals: [{ status: 403, reasons: ['not_author'] }],
  },
  {
    method: 'GET',
    path: '/teachers',
    tag: 'Community',
    audience: 'public',
    summary: 'Public teacher profiles with published courses and ratings',
    query: { ...page, locale: string() },
    status: 200,
    response: pagedEnvelope(teacher),
  },
  {
    method: 'GET',
    path: '/teachers/:id',
    tag: 'Community',
    audience: 'public',
    summary: 'One public teacher profile (404 for a user who is not a teacher)',
    query: { locale: string() },
    status: 200,
    response: envelope(teacher),
  },
  {
    method: 'GET',
    path: '/courses/:documentId/announcements',
    tag: 'Community',
    audience: 'public',
    summary: "A published course's news, newest first (owners also read a draft course's)",
    query: page,
    status: 200,
    response: pagedEnvelope(announcement),
  },
  {
    method: 'POST',
    path: '/courses/:documentId/announcements',
    tag: 'Community',
    audience: 'owner or admin',
    summary: 'Post course news; the body is sanitised and enrolled students are notified',
    requestBody: body({
      title: string({ minLength: 1, maxLength: 200 }),
      body: string({ minLength: 1, maxLength: 20000 }),
    }),
    status: 201,
    response: envelope(announcement),
    refusals: [{ status: 403, reasons: ['not_course_owner'] }],
  },
  {
    method: 'PUT',
    path: '/lessons/:documentId/favorite',
    tag: 'Community',
    audience: 'signed in',
    summary: 'Mark a lesson favorite (idempotent)',
    status: 200,
    response: envelope(
      object({
        lesson: object({ documentId: documentId(), title: string() }),
        favorite: boolean(),
        createdAt: dateTime(),
      })
    ),
  },
  {
    method: 'DELETE',
    path: '/lessons/:documentId/favorite',
    tag: 'Community',
    audience: 'signed in',
    summary: 'Unmark a favorite lesson (idempotent)',
    status: 200,
    response: envelope(object({ lesson: object({ documentId: documentId() }), favorite: boolean() })),
  },
  {
    method: 'GET',
    path: '/me/favorites',
    tag: 'Community',
    audience: 'signed in',
    summary: "The caller's favorite lessons, newest first",
    status: 200,
    response: listEnvelope(object({ lesson: favoriteLesson, favorite: boolean(), createdAt: dateTime() })),
  },
  {
    method: 'POST',
    path: '/feedback',
    tag: 'Community',
    audience: 'public',
    summary: 'Contact form: stored and emailed to the admins; limited per IP',
    requestBody: body({
      name: string({ minLength: 1, maxLength: 120 }),
      email: string({ format: 'email', maxLength: 254 }),
      message: string({ minLength: 1, maxLength: 5000 }),
    }),
    status: 201,
    response: envelope(object({ documentId: documentId(), createdAt: dateTime() })),
    refusals: [{ status: 429, reasons: ['rate_limited'] }],
  },
];
