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
  pagedEnvelope,
  string,
} from '../schema';

const TAG = 'Support desk';
const statusValues = ['open', 'pending', 'closed'];

/** A person on a ticket: never a password or token; `email` to staff only; a panel user has no id. */
const person = object(
  {
    id: nullable(integer()),
    username: nullable(string()),
    fullName: nullable(string()),
    email: nullable(string({ description: 'Staff only' })),
  },
  ['email']
);

const ticketFields = {
  documentId: documentId(),
  subject: string(),
  status: oneOf(...statusValues),
  author: nullable(person),
  assignee: nullable(person),
  assignedToCaller: boolean(),
  messagesCount: integer({ minimum: 0 }),
  lastMessageAt: nullable(dateTime()),
  closedAt: nullable(dateTime()),
  createdAt: dateTime(),
  updatedAt: dateTime(),
};
const ticket = object(ticketFields);

const message = object({
  id: integer(),
  body: string({ description: 'Plain text; empty once its author erased their account' }),
  byStaff: boolean(),
  author: nullable(person),
  createdAt: dateTime(),
});

const ticketWithThread = object({ ...ticketFields, messages: array(message) });

const paged = {
  'pagination[page]': integer({ minimum: 1 }),
  'pagination[pageSize]': integer({ minimum: 1, maximum: 100 }),
};

const closedRefusal = { status: 409 as const, reasons: ['ticket_closed'] };

/** Contract "Tutor marketplace", Support. Staff: admins and users with the `support` role. */
export const supportRoutes: RouteDescription[] = [
  {
    method: 'POST',
    path: '/support/tickets',
    tag: TAG,
    audience: 'signed in',
    summary: 'Open a ticket: 201, status `open`, with its first message',
    requestBody: body({
      subject: string({ minLength: 1, maxLength: 200 }),
      body: string({ minLength: 1, maxLength: 5000 }),
    }),
    status: 201,
    response: envelope(ticketWithThread),
  },
  {
    method: 'GET',
    path: '/support/tickets',
    tag: TAG,
    audience: 'signed in',
    summary: "The caller's tickets (staff: every ticket), newest first, optionally of one status",
    query: { status: oneOf(...statusValues), ...paged },
    status: 200,
    response: pagedEnvelope(ticket),
  },
  {
    method: 'GET',
    path: '/support/tickets/:documentId',
    tag: TAG,
    audience: 'owner or admin',
    summary: 'A ticket with its thread (its first 100 messages): its author and staff; 404 to anyone else',
    status: 200,
    response: envelope(ticketWithThread),
  },
  {
    method: 'GET',
    path: '/support/tickets/:documentId/messages',
    tag: TAG,
    audience: 'owner or admin',
    summary: "A ticket's thread, oldest first (its author and staff)",
    query: paged,
    status: 200,
    response: pagedEnvelope(message),
  },
  {
    method: 'POST',
    path: '/support/tickets/:documentId/messages',
    tag: TAG,
    audience: 'owner or admin',
    summary: 'Reply: by staff sets `pending` (waiting on the user, who is notified), by the author `open`',
    requestBody: body({ body: string({ minLength: 1, maxLength: 5000 }) }),
    status: 201,
    response: envelope(message),
    refusals: [closedRefusal],
  },
  {
    method: 'POST',
    path: '/support/tickets/:documentId/close',
    tag: TAG,
    audience: 'owner or admin',
    summary: 'Close a ticket (its author or staff); it takes no more replies',
    status: 200,
    response: envelope(ticketWithThread),
    refusals: [closedRefusal],
  },
  {
    method: 'POST',
    path: '/support/tickets/:documentId/assign',
    tag: TAG,
    audience: 'support staff',
    summary: 'Take a ticket ("assign to me"): staff only (admins and the `support` role)',
    status: 200,
    response: envelope(ticketWithThread),
    refusals: [{ status: 403, reasons: ['not_support_staff'] }, closedRefusal],
  },
];
