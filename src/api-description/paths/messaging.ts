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
  object,
  oneOf,
  string,
} from '../schema';

const pagination = object({ page: integer(), pageSize: integer(), pageCount: integer(), total: integer() });

const notification = object({
  id: integer(),
  documentId: documentId(),
  type: oneOf(
    'grade_posted',
    'certificate_issued',
    'new_lesson',
    'new_announcement',
    'comment_reply',
    'new_message',
    'broadcast',
    'enrollment',
    'order_paid',
    'waitlist_offer',
    'post_liked',
    'comment_liked',
    'post_commented',
    'new_follower',
    'new_post',
    'new_offer',
    'offer_accepted',
    'offer_declined',
    'task_completed',
    'support_reply'
  ),
  title: string(),
  body: nullable(string()),
  link: nullable(string()),
  readAt: nullable(dateTime()),
  createdAt: dateTime(),
});

const person = object({ id: integer(), username: string(), fullName: nullable(string()) });

const message = object({
  id: integer(),
  documentId: documentId(),
  body: string(),
  sender: person,
  recipient: person,
  readAt: nullable(dateTime()),
  createdAt: dateTime(),
});

const conversation = object({ user: person, lastMessage: message, unreadCount: integer({ minimum: 0 }) });

/** One comment with its replies nested to any depth (`replies` holds more of the same). */
const commentFields = {
  documentId: documentId(),
  body: nullable(string()),
  author: nullable(person),
  parent: nullable(documentId()),
  createdAt: dateTime(),
  updatedAt: nullable(dateTime()),
  isHidden: boolean(),
  isDeleted: boolean(),
};
const comment = object({ ...commentFields, replies: array(object(commentFields)) });

const audience = {
  type: 'object',
  description:
    'Exactly one of: `{ "all": true }`, `{ "role": "student"|"teacher"|"admin" }`, `{ "course": documentId }` (its enrolled students)',
  properties: {
    all: { type: 'boolean', enum: [true] },
    role: oneOf('student', 'teacher', 'admin'),
    course: documentId(),
  },
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
};

const commentBody = body(
  {
    body: string({
      minLength: 1,
      maxLength: 5000,
      description:
        'HTML is cleaned: b, i, em, strong, code, pre, p, br, lists, blockquote and http(s)/mailto links stay',
    }),
    parent: documentId(),
  },
  ['parent']
);

const threadRoutes = (target: 'lessons' | 'assignments' | 'submissions', who: string): RouteDescription[] => [
  {
    method: 'GET',
    path: `/${target}/:documentId/comments`,
    tag: 'Comments',
    audience: 'signed in',
    summary: `The discussion as a tree, each level oldest first (${who})`,
    status: 200,
    response: envelope(array(comment), object({ total: integer() })),
    refusals: [{ status: 403, reasons: [target === 'submissions' ? 'not_submission_party' : 'not_enrolled'] }],
  },
  {
    method: 'POST',
    path: `/${target}/:documentId/comments`,
    tag: 'Comments',
    audience: 'signed in',
    summary: `Comment or reply (parent from the same discussion); a reply notifies the parent's author (${who})`,
    requestBody: commentBody,
    status: 201,
    response: envelope(comment),
    refusals: [{ status: 403, reasons: [target === 'submissions' ? 'not_submission_party' : 'not_enrolled'] }],
  },
];

export const messagingRoutes: RouteDescription[] = [
  {
    method: 'GET',
    path: '/me/notifications',
    tag: 'Notifications',
    audience: 'signed in',
    summary: "The caller's notifications, newest first; `meta.unreadCount` counts all unread",
    query: {
      unread: oneOf('true', 'false'),
      'pagination[page]': integer({ minimum: 1 }),
      'pagination[pageSize]': integer({ minimum: 1, maximum: 100 }),
    },
    status: 200,
    response: envelope(array(notification), object({ pagination, unreadCount: integer({ minimum: 0 }) })),
  },
  {
    method: 'POST',
    path: '/notifications/:id/read',
    tag: 'Notifications',
    audience: 'signed in',
    summary: "Mark one of the caller's notifications read (another user's is 404)",
    status: 200,
    response: envelope(notification),
  },
  {
    method: 'POST',
    path: '/notifications/read-all',
    tag: 'Notifications',
    audience: 'signed in',
    summary: "Mark all the caller's notifications read",
    status: 200,
    response: envelope(object({ updated: integer({ minimum: 0 }) })),
  },
  {
    method: 'POST',
    path: '/notifications/broadcast',
    tag: 'Notifications',
    audience: 'admin',
    summary: 'Notify everyone, a role, or the enrolled students of a course (admins)',
    requestBody: body(
      { title: string({ minLength: 1, maxLength: 200 }), body: nullable(string({ maxLength: 5000 })), audience },
      ['body']
    ),
    status: 201,
    response: envelope(object({ recipients: integer({ minimum: 0 }) })),
  },
  {
    method: 'GET',
    path: '/me/conversations',
    tag: 'Messages',
    audience: 'signed in',
    summary: 'Everyone the caller exchanged messages with, latest first, with the last message and unread count',
    query: {
      'pagination[page]': integer({ minimum: 1 }),
      'pagination[pageSize]': integer({ minimum: 1, maximum: 100 }),
    },
    status: 200,
    response: envelope(array(conversation), object({ pagination })),
  },
  {
    method: 'GET',
    path: '/conversations/:userId/messages',
    tag: 'Messages',
    audience: 'signed in',
    summary:
      'The conversation with one user, oldest first; reading it marks their messages to the caller read (`readAt`)',
    query: {
      'pagination[page]': integer({ minimum: 1 }),
      'pagination[pageSize]': integer({ minimum: 1, maximum: 100 }),
    },
    status: 200,
    response: envelope(array(message), object({ pagination })),
  },
  {
    method: 'POST',
    path: '/conversations/:userId/messages',
    tag: 'Messages',
    audience: 'signed in',
    summary:
      'Send a direct message. Students write to the teachers of their courses, teachers to their students, admins to anyone; anyone answers who wrote to them',
    requestBody: body({ body: string({ minLength: 1, maxLength: 5000 }) }),
    status: 201,
    response: envelope(message),
    refusals: [{ status: 403, reasons: ['not_a_contact', 'messages_not_allowed'] }],
  },
  ...threadRoutes('lessons', 'enrolled students, the course teachers, admins'),
  ...threadRoutes('assignments', 'enrolled students, the course teachers, admins'),
  ...threadRoutes('submissions', 'its student, the course teachers, admins'),
  {
    method: 'DELETE',
    path: '/comments/:documentId',
    tag: 'Comments',
    audience: 'signed in',
    summary: 'Delete a comment (its author, the course teachers, admins); replies stay under a deleted placeholder',
    status: 200,
    response: envelope(object({ documentId: documentId(), isDeleted: boolean() })),
    refusals: [{ status: 403, reasons: ['not_comment_author'] }],
  },
  {
    method: 'POST',
    path: '/comments/:documentId/hide',
    tag: 'Comments',
    audience: 'owner or admin',
    summary: 'Hide a comment from students (`{ "hidden": false }` shows it again)',
    requestBody: body({ hidden: boolean() }, ['hidden']),
    status: 200,
    response: envelope(object({ documentId: documentId(), isHidden: boolean() })),
    refusals: [{ status: 403, reasons: ['not_course_owner'] }],
  },
];
