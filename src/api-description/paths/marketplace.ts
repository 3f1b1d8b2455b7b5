import type { RouteDescription } from '../route-description';
import {
  array,
  body,
  boolean,
  dateTime,
  documentId,
  envelope,
  integer,
  nullable,
  number,
  object,
  oneOf,
  string,
} from '../schema';

const TAG = 'Tutor marketplace';

/** A public tutor card: never an email, flags or the private figures behind the rating. */
const tutorFields = {
  id: integer({ description: 'The user id' }),
  username: string(),
  fullName: nullable(string()),
  bio: nullable(string()),
  headline: nullable(string()),
  subjects: array(object({ documentId: documentId(), name: string(), slug: nullable(string()) })),
  experienceYears: integer({ minimum: 0 }),
  hourlyRate: nullable(string({ description: 'Major units as a decimal string with the currency’s decimals' })),
  currency: nullable(string({ minLength: 3, maxLength: 3 })),
  languages: array(string({ minLength: 2, maxLength: 2, description: 'ISO 639-1' })),
  hasIntroVideo: boolean(),
  ratingAverage: number({ minimum: 0, maximum: 5 }),
  ratingCount: integer({ minimum: 0 }),
};
const tutor = object(tutorFields);
const tutorProfile = object({
  ...tutorFields,
  courses: array(
    object({
      documentId: documentId(),
      title: string(),
      slug: nullable(string()),
      summary: nullable(string()),
      level: nullable(string()),
      ratingAverage: number(),
      ratingCount: integer(),
    })
  ),
  postsCount: integer({ minimum: 0 }),
});
const pagination = object({ page: integer(), pageSize: integer(), pageCount: integer(), total: integer() });
const pageQuery = { page: integer({ minimum: 1 }), pageSize: integer({ minimum: 1, maximum: 100 }) };

const review = object(
  {
    documentId: documentId(),
    rating: integer({ minimum: 1, maximum: 5 }),
    body: string(),
    createdAt: nullable(dateTime()),
    author: object({ name: string({ description: 'The public name; "Deleted user" once erased' }) }),
    tutor: object({
      id: integer(),
      username: nullable(string()),
      fullName: nullable(string()),
      headline: nullable(string()),
    }),
  },
  ['tutor']
);

const playback = object({
  status: oneOf('queued', 'processing', 'ready', 'failed'),
  hlsUrl: nullable(string({ description: 'Signed master playlist, expiring; null until ready' })),
  posterUrl: nullable(string()),
  durationSeconds: nullable(number()),
});

export const marketplaceRoutes: RouteDescription[] = [
  {
    method: 'PUT',
    path: '/me/tutor-profile',
    tag: TAG,
    audience: 'signed in',
    summary:
      'Save the caller’s tutor profile (teachers only; absent fields keep what is stored, a first save needs ' +
      'headline, subjects, hourlyRate, currency and languages)',
    requestBody: body(
      {
        headline: string({ minLength: 1, maxLength: 200 }),
        subjects: array(documentId()),
        experienceYears: integer({ minimum: 0, maximum: 80 }),
        hourlyRate: string({ description: 'Major units, at most the currency’s decimals (a number is taken too)' }),
        currency: string({ description: 'ISO 4217', minLength: 3, maxLength: 3 }),
        languages: array(string({ description: 'ISO 639-1' })),
        introVideo: nullable(integer({ description: 'The id of a video file the caller uploaded; null removes it' })),
      },
      ['headline', 'subjects', 'experienceYears', 'hourlyRate', 'currency', 'languages', 'introVideo']
    ),
    status: 200,
    response: envelope(tutor),
    refusals: [{ status: 403, reasons: ['not_a_teacher', 'not_file_owner'] }],
  },
  {
    method: 'GET',
    path: '/me/tutor-profile',
    tag: TAG,
    audience: 'signed in',
    summary: 'The caller’s tutor profile as others see it (404 before the first save)',
    status: 200,
    response: envelope(tutor),
  },
  {
    method: 'GET',
    path: '/tutors',
    tag: TAG,
    audience: 'public',
    summary: 'Tutors, filtered and sorted; `q` goes through search (sort=relevance by default then, else rating)',
    query: {
      q: string({ maxLength: 200 }),
      subject: documentId(),
      language: string({ description: 'ISO 639-1' }),
      priceMax: number({ minimum: 0 }),
      ratingMin: number({ minimum: 0, maximum: 5 }),
      sort: oneOf('relevance', 'rating', 'price', 'experience'),
      ...pageQuery,
    },
    status: 200,
    response: envelope(array(tutor), object({ pagination })),
  },
  {
    method: 'GET',
    path: '/tutors/:id',
    tag: TAG,
    audience: 'public',
    summary: 'A tutor’s public profile with published courses, posts count and rating',
    status: 200,
    response: envelope(tutorProfile),
  },
  {
    method: 'GET',
    path: '/tutors/:id/intro/playback',
    tag: TAG,
    audience: 'public',
    summary: 'The intro video’s playback (signed HLS URL) for anyone who may see the profile; 404 when none',
    status: 200,
    response: envelope(playback),
  },
  {
    method: 'GET',
    path: '/tutors/:id/reviews',
    tag: TAG,
    audience: 'public',
    summary: 'A tutor’s reviews, newest first, with the rating in meta',
    query: pageQuery,
    status: 200,
    response: envelope(
      array(review),
      object({ pagination, ratingAverage: number(), ratingCount: integer({ minimum: 0 }) })
    ),
  },
  {
    method: 'POST',
    path: '/tutors/:id/reviews',
    tag: TAG,
    audience: 'signed in',
    summary:
      'Review a tutor: verified clients only (a completed task with them or an enrollment in one of their ' +
      'courses), once; oneself is 400',
    requestBody: body({ rating: integer({ minimum: 1, maximum: 5 }), body: string({ maxLength: 5000 }) }, ['body']),
    status: 201,
    response: envelope(review),
    refusals: [
      { status: 400, reasons: ['own_profile'] },
      { status: 403, reasons: ['not_a_client'] },
      { status: 409, reasons: ['already_reviewed'] },
    ],
  },
  {
    method: 'GET',
    path: '/reviews/best',
    tag: TAG,
    audience: 'public',
    summary: 'For the home page: tutor reviews rated 4+ with at least 80 characters, recent first, one per tutor',
    query: { limit: integer({ minimum: 1, maximum: 50 }) },
    status: 200,
    response: envelope(array(review)),
  },
];
