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

const TAG = 'Tutor marketplace: tasks';

/** How people appear here: never an email. */
const person = object({ id: integer(), username: string(), fullName: nullable(string()) });
const money = (description: string) => number({ minimum: 0, description });

const offer = object({
  documentId: documentId(),
  task: object({ documentId: documentId() }),
  tutor: nullable(person),
  message: string(),
  price: money('Major units of `currency`'),
  currency: nullable(string({ minLength: 3, maxLength: 3 })),
  status: oneOf('pending', 'accepted', 'declined'),
  decidedAt: nullable(dateTime()),
  createdAt: dateTime(),
});

const task = object(
  {
    documentId: documentId(),
    title: string(),
    description: string(),
    subject: object({ documentId: documentId(), name: nullable(string()) }),
    budget: nullable(money('Major units of `currency`')),
    currency: nullable(string({ minLength: 3, maxLength: 3 })),
    deadline: nullable(dateTime()),
    language: nullable(string({ description: "ISO 639-1: the author's language, which matching prefers" })),
    status: oneOf('open', 'assigned', 'completed', 'cancelled'),
    offersCount: integer({ minimum: 0 }),
    author: nullable(person),
    assignedTutor: nullable(person),
    assignedAt: nullable(dateTime()),
    completedAt: nullable(dateTime()),
    createdAt: dateTime(),
    offers: array(offer),
  },
  ['offers']
);

const match = object({
  tutor: object({
    id: integer(),
    username: string(),
    fullName: nullable(string()),
    headline: nullable(string()),
    hourlyRate: nullable(number()),
    currency: nullable(string()),
    ratingAverage: number(),
    ratingCount: integer({ minimum: 0 }),
  }),
  score: number({ minimum: 0, maximum: 1 }),
  reasons: array(string()),
});

const noBody = body({}, []);

export const taskRoutes: RouteDescription[] = [
  {
    method: 'POST',
    path: '/tasks',
    tag: TAG,
    audience: 'student',
    summary: 'Post a task request (students); open until an offer is accepted',
    requestBody: body(
      {
        title: string({ minLength: 1, maxLength: 200 }),
        description: string({ minLength: 1, maxLength: 10000 }),
        subject: documentId(),
        budget: nullable(number({ minimum: 0, description: 'Major units; needs `currency`' })),
        currency: nullable(string({ minLength: 3, maxLength: 3, description: 'ISO 4217' })),
        deadline: nullable(dateTime()),
      },
      ['budget', 'currency', 'deadline']
    ),
    status: 201,
    response: envelope(task),
    refusals: [{ status: 403, reasons: ['not_a_student'] }],
  },
  {
    method: 'GET',
    path: '/tasks',
    tag: TAG,
    audience: 'signed in',
    summary: "The caller's own tasks, newest first; with open=true the open tasks in the caller's tutor subjects",
    query: {
      open: boolean(),
      'pagination[page]': integer({ minimum: 1 }),
      'pagination[pageSize]': integer({ minimum: 1, maximum: 100 }),
    },
    status: 200,
    response: pagedEnvelope(task),
  },
  {
    method: 'GET',
    path: '/tasks/:documentId',
    tag: TAG,
    audience: 'signed in',
    summary: 'One task: its author, tutors and admins (the author sees every offer, a tutor their own); else 404',
    status: 200,
    response: envelope(task),
  },
  {
    method: 'GET',
    path: '/tasks/:documentId/matches',
    tag: TAG,
    audience: 'owner or admin',
    summary:
      'Tutors who fit the task (its author only), best first: subject, Bayesian rating, rate within budget, shared language, recent activity',
    query: { limit: integer({ minimum: 1, maximum: 50 }) },
    status: 200,
    response: envelope(array(match)),
    refusals: [{ status: 403, reasons: ['not_task_author'] }],
  },
  {
    method: 'POST',
    path: '/tasks/:documentId/offers',
    tag: TAG,
    audience: 'signed in',
    summary: 'A tutor offers on an open task, once (price in the task currency, else the tutor’s)',
    requestBody: body({ message: string({ minLength: 1, maxLength: 5000 }), price: number({ minimum: 0 }) }),
    status: 201,
    response: envelope(offer),
    refusals: [
      { status: 403, reasons: ['not_a_tutor'] },
      { status: 409, reasons: ['already_offered', 'task_not_open'] },
    ],
  },
  {
    method: 'POST',
    path: '/offers/:documentId/accept',
    tag: TAG,
    audience: 'owner or admin',
    summary:
      "The task's author accepts an offer: the task is assigned, the other offers declined (their tutors notified), student and tutor become contacts",
    requestBody: noBody,
    status: 200,
    response: envelope(task),
    refusals: [
      { status: 403, reasons: ['not_task_author'] },
      { status: 409, reasons: ['task_not_open'] },
    ],
  },
  {
    method: 'POST',
    path: '/tasks/:documentId/complete',
    tag: TAG,
    audience: 'owner or admin',
    summary: 'The author completes an assigned task (the student may then review the tutor)',
    requestBody: noBody,
    status: 200,
    response: envelope(task),
    refusals: [
      { status: 403, reasons: ['not_task_author'] },
      { status: 409, reasons: ['task_not_assigned'] },
    ],
  },
  {
    method: 'POST',
    path: '/tasks/:documentId/cancel',
    tag: TAG,
    audience: 'owner or admin',
    summary: 'The author cancels an open or assigned task; pending offers are declined',
    requestBody: noBody,
    status: 200,
    response: envelope(task),
    refusals: [
      { status: 403, reasons: ['not_task_author'] },
      { status: 409, reasons: ['task_closed'] },
    ],
  },
];
