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
  pagedEnvelope,
  string,
} from '../schema';

const submission = object({
  documentId: documentId(),
  assignment: documentId(),
  student: nullable(object({ id: integer(), username: string(), fullName: nullable(string()), email: string() })),
  text: nullable(string({ maxLength: 50000 })),
  files: array(object({ id: integer(), name: string(), url: string(), mime: string(), size: number() })),
  attempt: integer({ minimum: 1 }),
  status: oneOf('submitted', 'graded', 'returned', 'resubmit_requested'),
  isLate: boolean(),
  latePenaltyPercent: integer({ minimum: 0, maximum: 100 }),
  grade: nullable(number({ minimum: 0 })),
  finalGrade: nullable(number({ minimum: 0 })),
  // The levels chosen when the work was graded by rubric, in the rubric's order.
  rubric: nullable(array(object({ criterion: string(), level: string(), points: number({ minimum: 0 }) }))),
  feedback: nullable(string()),
  submittedAt: nullable(dateTime()),
  gradedAt: nullable(dateTime()),
});

const gradebookItem = object({
  id: string(),
  kind: oneOf('quiz', 'assignment'),
  documentId: documentId(),
  title: string(),
  maxPoints: number({ minimum: 0 }),
  weight: number({ minimum: 0 }),
});

const gradebookRow = object({
  student: object({ id: integer(), username: string(), fullName: nullable(string()), email: string() }),
  grades: array(
    object({ item: string(), score: nullable(number()), maxPoints: number(), percent: nullable(number()) })
  ),
  totalPercent: nullable(number()),
  gradedPercent: nullable(number()),
});

export const assignmentRoutes: RouteDescription[] = [
  {
    method: 'POST',
    path: '/assignments/:documentId/submissions',
    tag: 'Assignments',
    audience: 'student',
    summary:
      'Hand in work: multipart `text` and/or `files` (checked against allowedFileTypes and maxFileSizeMb), or JSON `{ text }`. ' +
      'A resubmission replaces the one active submission and raises `attempt`; graded work is final until returned.',
    requestBody: body({ text: string({ minLength: 1, maxLength: 50000 }) }),
    multipart: object({ text: string({ maxLength: 50000 }), files: array(string({ format: 'binary' })) }, [
      'text',
      'files',
    ]),
    status: 201,
    response: envelope(submission),
    refusals: [
      {
        status: 403,
        reasons: ['not_enrolled', 'access_expired', 'not_published', 'lesson_locked', 'not_released', 'past_due'],
      },
      { status: 409, reasons: ['already_graded'] },
    ],
  },
  {
    method: 'GET',
    path: '/assignments/:documentId/submissions',
    tag: 'Assignments',
    audience: 'signed in',
    summary: "Submissions of an assignment: every student's for owners and admins, the caller's own for a student",
    query: {
      'pagination[page]': integer({ minimum: 1 }),
      'pagination[pageSize]': integer({ minimum: 1, maximum: 100 }),
    },
    status: 200,
    response: pagedEnvelope(submission),
    refusals: [{ status: 403, reasons: ['not_enrolled'] }],
  },
  {
    method: 'PUT',
    path: '/submissions/:documentId/grade',
    tag: 'Assignments',
    audience: 'owner or admin',
    summary:
      'Grade (0..maxPoints; the late penalty gives finalGrade), give feedback, return or ask for a resubmission; the student is notified. ' +
      'An assignment with a rubric may be graded by `rubric: [{ criterion, level }]` instead of `grade`: one level per criterion, the grade is the sum of their points (400 naming an unknown or missing criterion or level)',
    requestBody: body(
      {
        grade: nullable(number({ minimum: 0 })),
        rubric: array(body({ criterion: string({ minLength: 1 }), level: string({ minLength: 1 }) })),
        feedback: nullable(string({ maxLength: 20000 })),
        status: oneOf('graded', 'returned', 'resubmit_requested'),
      },
      ['grade', 'rubric', 'feedback', 'status']
    ),
    status: 200,
    response: envelope(submission),
    refusals: [
      { status: 403, reasons: ['not_course_owner'] },
      { status: 409, reasons: ['submission_changed'] },
    ],
  },
  {
    method: 'GET',
    path: '/courses/:documentId/gradebook',
    tag: 'Assignments',
    audience: 'owner or admin',
    summary:
      'Students × published quizzes and assignments with weighted totals; `?format=csv` gives a UTF-8 (BOM) RFC 4180 spreadsheet; ' +
      'with `rubric=true` the CSV adds one column per rubric criterion (the points of the chosen level)',
    query: { format: oneOf('json', 'csv'), rubric: oneOf('true', 'false') },
    status: 200,
    response: envelope(
      object({
        course: object({ documentId: documentId(), title: string() }),
        items: array(gradebookItem),
        rows: array(gradebookRow),
      }),
      object({ students: integer(), items: integer() })
    ),
    alternativeContentTypes: ['text/csv'],
    refusals: [{ status: 403, reasons: ['not_course_owner'] }],
  },
];
