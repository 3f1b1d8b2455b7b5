import { fieldProblem, throwIfInvalid, type FieldError } from '../errors/refusal';
import type { AuditFilter } from './index';

/** `kind` or `kind:id`: letters, digits and `-_.` (a documentId, a numeric id, an order number). */
const ENTITY = /^[a-z][a-z-]{0,39}(:[A-Za-z0-9_.-]{1,100})?$/;
const ALLOWED = ['actor', 'entity', 'from', 'to', 'pagination'];

function timeOf(value: unknown, field: string, problems: FieldError[]): Date | undefined {
  if (value === undefined) return undefined;
  // An ISO date or date-time; `Date.parse` alone accepts "1" and other guesses.
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    problems.push(fieldProblem(field, `${field} must be an ISO 8601 date or date-time`));
    return undefined;
  }
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) {
    problems.push(fieldProblem(field, `${field} is not a valid date`));
    return undefined;
  }
  return time;
}

/** The filters of GET /audit-events from its query string: 400 naming each bad one. */
export function auditFilterFrom(query: Record<string, unknown>): AuditFilter {
  const problems: FieldError[] = [];
  for (const name of Object.keys(query))
    if (!ALLOWED.includes(name)) problems.push(fieldProblem(name, `${name} is not a filter of audit events`));
  const filter: AuditFilter = {};
  if (query.actor !== undefined) {
    const actor = typeof query.actor === 'string' && /^\d{1,10}$/.test(query.actor) ? Number(query.actor) : NaN;
    if (!Number.isSafeInteger(actor) || actor < 1 || actor > 2_147_483_647)
      problems.push(fieldProblem('actor', 'actor must be a user id (a positive integer)'));
    else filter.actor = actor;
  }
  if (query.entity !== undefined) {
    if (typeof query.entity !== 'string' || !ENTITY.test(query.entity))
      problems.push(fieldProblem('entity', 'entity must be a kind (e.g. submission) or kind:id'));
    else filter.entity = query.entity;
  }
  filter.from = timeOf(query.from, 'from', problems);
  filter.to = timeOf(query.to, 'to', problems);
  if (filter.from && filter.to && filter.from > filter.to)
    problems.push(fieldProblem('to', 'to must not be before from'));
  throwIfInvalid(problems);
  if (!filter.from) delete filter.from;
  if (!filter.to) delete filter.to;
  return filter;
}
