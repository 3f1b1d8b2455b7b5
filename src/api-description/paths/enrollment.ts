import type { RouteDescription } from '../route-description';
import {
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
import { SUPPORTED_LOCALES } from '../../content/locales';

const courseSummary = object({ documentId: documentId(), title: string(), slug: nullable(string()), locale: string() });

export const enrollmentSchema = object(
  {
    documentId: documentId(),
    course: nullable(courseSummary),
    status: oneOf('active', 'completed', 'expired', 'cancelled'),
    progressPercent: number({ minimum: 0, maximum: 100 }),
    enrolledAt: dateTime(),
    completedAt: nullable(dateTime()),
    accessExpiresAt: nullable(dateTime()),
    cancelledAt: nullable(dateTime()),
    lastActivityAt: nullable(dateTime()),
    lastLesson: nullable(object({ documentId: documentId(), title: nullable(string()), positionSeconds: integer() })),
  },
  ['lastActivityAt']
);

const studentRow = object(
  {
    student: nullable(
      object(
        { id: integer(), documentId: documentId(), username: string(), fullName: nullable(string()), email: string() },
        ['fullName']
      )
    ),
    status: oneOf('active', 'completed', 'expired'),
    progressPercent: number(),
    enrolledAt: dateTime(),
    completedAt: nullable(dateTime()),
    lastActivityAt: nullable(dateTime()),
    lastLesson: nullable(object({ documentId: documentId(), title: nullable(string()) })),
  },
  ['lastActivityAt']
);

const teachingRow = object({
  documentId: documentId(),
  title: string(),
  slug: nullable(string()),
  status: oneOf('published', 'draft'),
  isPublished: boolean(),
  locales: array(string()),
});

const waitlistPlace = object(
  {
    course: object({ documentId: documentId(), title: nullable(string()), slug: nullable(string()) }),
    position: integer({ minimum: 1 }),
    status: oneOf('waiting', 'offered'),
    offerExpiresAt: dateTime(),
  },
  ['offerExpiresAt']
);

const enrollRefusals = [
  'not_published',
  'enrollment_closed',
  'course_full',
  'prerequisites_missing',
  'payment_required',
];

export const enrollmentRoutes: RouteDescription[] = [
  {
    method: 'POST',
    path: '/courses/:documentId/enrollments',
    tag: 'Enrollment',
    audience: 'signed in',
    summary: 'Enroll yourself, or (owners and admins) the user named in the body',
    requestBody: body({ user: integer({ minimum: 1 }) }, ['user']),
    status: 201,
    response: envelope(enrollmentSchema),
    refusals: [
      { status: 403, reasons: enrollRefusals },
      { status: 409, reasons: ['already_enrolled'] },
    ],
  },
  {
    method: 'DELETE',
    path: '/courses/:documentId/enrollments/me',
    tag: 'Enrollment',
    audience: 'student',
    summary: 'Leave a course; progress is kept for a return',
    status: 200,
    response: envelope(enrollmentSchema),
  },
  {
    method: 'DELETE',
    path: '/courses/:documentId/enrollments/:userId',
    tag: 'Enrollment',
    audience: 'owner or admin',
    summary: "Cancel a student's enrollment",
    status: 200,
    response: envelope(enrollmentSchema),
  },
  {
    method: 'GET',
    path: '/courses/:documentId/students',
    tag: 'Enrollment',
    audience: 'owner or admin',
    summary: 'Students of a course with progress and last activity',
    query: { page: integer({ minimum: 1 }), pageSize: integer({ minimum: 1, maximum: 100 }) },
    status: 200,
    response: pagedEnvelope(studentRow),
  },
  {
    method: 'GET',
    path: '/me/enrollments',
    tag: 'Enrollment',
    audience: 'signed in',
    summary: "The caller's enrollments",
    query: { status: oneOf('active', 'completed', 'expired', 'cancelled'), locale: oneOf(...SUPPORTED_LOCALES) },
    status: 200,
    response: listEnvelope(enrollmentSchema),
  },
  {
    method: 'GET',
    path: '/me/teaching',
    tag: 'Enrollment',
    audience: 'owner or admin',
    summary: 'Courses the caller teaches, drafts included',
    query: { locale: oneOf(...SUPPORTED_LOCALES) },
    status: 200,
    response: listEnvelope(teachingRow),
  },
  {
    method: 'POST',
    path: '/courses/:documentId/waitlist',
    tag: 'Enrollment',
    audience: 'signed in',
    summary: 'Join the waitlist of a full course; position is the live rank (1 = next)',
    status: 201,
    response: envelope(object({ position: integer({ minimum: 1 }) })),
    refusals: [
      { status: 403, reasons: ['waitlist_closed', ...enrollRefusals.filter((reason) => reason !== 'course_full')] },
      { status: 409, reasons: ['already_waitlisted', 'already_enrolled', 'seats_available'] },
    ],
  },
  {
    method: 'DELETE',
    path: '/courses/:documentId/waitlist/me',
    tag: 'Enrollment',
    audience: 'signed in',
    summary: 'Leave the waitlist; a seat offered to you goes to the next in line',
    status: 200,
    response: envelope(object({ course: object({ documentId: documentId() }), status: oneOf('removed') })),
  },
  {
    method: 'POST',
    path: '/courses/:documentId/waitlist/accept',
    tag: 'Enrollment',
    audience: 'signed in',
    summary: 'Accept the seat offered to you: it becomes your enrollment',
    status: 201,
    response: envelope(enrollmentSchema),
    refusals: [
      { status: 403, reasons: ['offer_expired'] },
      { status: 409, reasons: ['no_offer', 'already_enrolled'] },
    ],
  },
  {
    method: 'GET',
    path: '/me/waitlists',
    tag: 'Enrollment',
    audience: 'signed in',
    summary: "The caller's places in waitlists, with live positions",
    status: 200,
    response: listEnvelope(waitlistPlace),
  },
];
