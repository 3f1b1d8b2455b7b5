import { AUDIT_ACTIONS } from '../../audit';
import type { RouteDescription } from '../route-description';
import { anyObject, dateTime, integer, listEnvelope, nullable, object, oneOf, pagedEnvelope, string } from '../schema';

const ROLES = ['student', 'teacher', 'admin', 'system'];
const state = {
  ...nullable(anyObject()),
  description: 'Ids, numbers, statuses and staff’s words (JSON), never a learner’s text',
};

const auditEvent = object(
  {
    id: integer(),
    action: oneOf(...AUDIT_ACTIONS),
    actor: {
      ...nullable(integer()),
      description: 'The user who acted; null for the system, an API token or a Super Admin',
    },
    actorRole: oneOf(...ROLES),
    entity: { ...string(), description: '`<kind>:<id>`, e.g. `submission:<documentId>`, `user:<id>`' },
    before: state,
    after: state,
    reason: string(),
    at: dateTime(),
  },
  ['reason']
);

const historyRow = object({
  action: oneOf('submission.submitted', 'submission.graded'),
  attempt: nullable(integer({ minimum: 1 })),
  grade: nullable({ type: 'number' }),
  finalGrade: nullable({ type: 'number' }),
  status: nullable(oneOf('submitted', 'graded', 'returned', 'resubmit_requested')),
  feedback: nullable(string()),
  by: object({ id: nullable(integer()), role: oneOf(...ROLES) }),
  at: dateTime(),
});

export const auditRoutes: RouteDescription[] = [
  {
    method: 'GET',
    path: '/audit-events',
    tag: 'Audit',
    audience: 'admin',
    summary:
      'The audit trail, newest first: grades and regrades, certificate issue and revoke, enrollments placed or cancelled by staff, ' +
      'role changes, refunds, hidden content, erasures and exports by staff. Append-only: no route changes or deletes an event',
    query: {
      actor: integer({ minimum: 1 }),
      entity: { ...string(), description: '`kind` (every entity of a kind) or `kind:id`' },
      from: dateTime(),
      to: dateTime(),
      'pagination[page]': integer({ minimum: 1 }),
      'pagination[pageSize]': integer({ minimum: 1, maximum: 100 }),
    },
    status: 200,
    response: pagedEnvelope(auditEvent),
  },
  {
    method: 'GET',
    path: '/submissions/:documentId/history',
    tag: 'Assignments',
    audience: 'signed in',
    summary:
      'A submission’s versions and grades, oldest first: each hand-in and each grade or regrade with who gave it; 404 for anyone else',
    status: 200,
    response: listEnvelope(historyRow),
  },
];
