import type { RouteDescription } from '../route-description';
import { anyObject, dateTime, integer, nullable, object, oneOf, pagedEnvelope, envelope, string } from '../schema';

const job = object({
  id: integer(),
  type: string(),
  key: nullable(string()),
  status: oneOf('pending', 'running', 'done', 'dead'),
  payload: { ...anyObject(), description: 'What the job was recorded with (JSON)' },
  attempts: integer({ minimum: 0 }),
  maxAttempts: integer({ minimum: 1 }),
  lastError: nullable(string()),
  runAt: dateTime(),
  createdAt: dateTime(),
  updatedAt: dateTime(),
  finishedAt: nullable(dateTime()),
});

export const jobRoutes: RouteDescription[] = [
  {
    method: 'GET',
    path: '/jobs',
    tag: 'Jobs',
    audience: 'admin',
    summary: 'The job runner’s outbox, newest first: dead jobs (`status=dead`) with their last error, or any status',
    query: {
      status: oneOf('pending', 'running', 'done', 'dead'),
      'pagination[page]': integer({ minimum: 1 }),
      'pagination[pageSize]': integer({ minimum: 1, maximum: 100 }),
    },
    status: 200,
    response: pagedEnvelope(job),
  },
  {
    method: 'POST',
    path: '/jobs/:id/retry',
    tag: 'Jobs',
    audience: 'admin',
    summary: 'Sends a dead job again: back to pending with its attempts reset',
    status: 200,
    response: envelope(job),
    refusals: [{ status: 409, reasons: ['job_not_dead'] }],
  },
];
