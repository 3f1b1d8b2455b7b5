import { fieldProblem, throwIfInvalid, type FieldError } from '../../../../../errors/refusal';
import { toMinor } from './money';
import { isCouponCode, normalCouponCode } from './pricing';

/**
 * What the order routes take, checked field by field (each bad field is named in the 400). Pure.
 */

const DOCUMENT_ID = /^[A-Za-z0-9]{1,64}$/;
/** More courses than anyone buys at once; bounds the work one request can ask for. */
export const MAX_COURSES_PER_ORDER = 20;

export interface OrderRequest {
  courseDocumentIds: string[];
  couponCode: string | null;
  /** null: not given (a free order needs none). */
  providerName: string | null;
}

/** `POST /orders { courses, coupon?, provider }`; `offered`: the provider names this environment offers. */
export function parseOrderRequest(body: Record<string, unknown>, offered: readonly string[]): OrderRequest {
  const problems: FieldError[] = [];
  const courses = body.courses;
  if (!Array.isArray(courses) || courses.length === 0 || courses.length > MAX_COURSES_PER_ORDER) {
    problems.push(
      fieldProblem('courses', `courses must be a list of 1 to ${MAX_COURSES_PER_ORDER} course documentIds`)
    );
  } else if (!courses.every((course) => typeof course === 'string' && DOCUMENT_ID.test(course))) {
    problems.push(fieldProblem('courses', 'courses must hold course documentIds only'));
  } else if (new Set(courses).size !== courses.length) {
    problems.push(fieldProblem('courses', 'courses must not name a course twice'));
  }
  const coupon = body.coupon;
  if (coupon !== undefined && coupon !== null && !isCouponCode(coupon))
    problems.push(fieldProblem('coupon', 'coupon must be a coupon code (2 to 64 letters, digits, "-" or "_")'));
  const provider = body.provider;
  if (provider !== undefined && (typeof provider !== 'string' || !offered.includes(provider)))
    problems.push(fieldProblem('provider', `provider must be one of ${offered.join(', ')}`));
  throwIfInvalid(problems);
  return {
    courseDocumentIds: courses as string[],
    couponCode: typeof coupon === 'string' ? normalCouponCode(coupon) : null,
    providerName: typeof provider === 'string' ? provider : null,
  };
}

export interface RefundRequest {
  /** Minor units; null: whatever remains. */
  amount: number | null;
  reason: string;
}

/** `POST /orders/:documentId/refund { amount?, reason }`, amounts in the order's currency. */
export function parseRefundRequest(body: Record<string, unknown>, currency: string): RefundRequest {
  const problems: FieldError[] = [];
  let amount: number | null = null;
  if (body.amount !== undefined && body.amount !== null) {
    amount = toMinor(body.amount, currency);
    if (amount === null || amount <= 0) {
      problems.push(fieldProblem('amount', `amount must be a positive amount in ${currency} (e.g. "10.00")`));
      amount = null;
    }
  }
  const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
  if (reason.length < 1 || reason.length > 1000)
    problems.push(fieldProblem('reason', 'reason must be a text of 1 to 1000 characters'));
  throwIfInvalid(problems);
  return { amount, reason };
}

export type SalesGrouping = 'day' | 'course';

export interface SalesQuery {
  from: Date;
  /** Exclusive. */
  to: Date;
  groupBy: SalesGrouping;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The longest range one report covers: a year of days is already a long table. */
const MAX_RANGE_DAYS = 366;

/**
 * `GET /admin-reports/sales?from=&to=&groupBy=`: `from` and `to` are days (YYYY-MM-DD, UTC), `to` included;
 * by default the last 30 days to today. Bad values are a 400 naming them.
 */
export function parseSalesQuery(query: Record<string, unknown>, now: Date): SalesQuery {
  const problems: FieldError[] = [];
  const day = (name: 'from' | 'to', value: unknown): Date | null => {
    if (value === undefined || value === '') return null;
    const date = typeof value === 'string' && DATE.test(value) ? new Date(`${value}T00:00:00.000Z`) : null;
    if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
      problems.push(fieldProblem(name, `${name} must be a date, YYYY-MM-DD`));
      return null;
    }
    return date;
  };
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const lastDay = day('to', query.to) ?? today;
  const from = day('from', query.from) ?? new Date(lastDay.getTime() - 29 * DAY_MS);
  const groupBy = query.groupBy ?? 'day';
  if (groupBy !== 'day' && groupBy !== 'course')
    problems.push(fieldProblem('groupBy', 'groupBy must be day or course'));
  const to = new Date(lastDay.getTime() + DAY_MS);
  if (problems.length === 0 && from >= to) problems.push(fieldProblem('from', 'from must not be after to'));
  if (problems.length === 0 && to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS)
    problems.push(fieldProblem('to', `a report covers at most ${MAX_RANGE_DAYS} days`));
  throwIfInvalid(problems);
  return { from, to, groupBy: groupBy as SalesGrouping };
}

export const ORDER_STATUSES = ['pending', 'paid', 'failed', 'cancelled', 'refunded', 'partially_refunded'] as const;

/** The Orders page's search: each criterion a case-insensitive part (status exact); none given lists every order. */
export interface OrderSearch {
  number?: string;
  /** A part of the buyer's name, username or email. */
  buyer?: string;
  /** A part of a bought course's title (as the order recorded it), or a course's documentId. */
  course?: string;
  status?: (typeof ORDER_STATUSES)[number];
}

const SEARCH_TEXT_LIMIT = 200;

/** `GET /commerce/orders?number=&buyer=&course=&status=`: text of at most 200 characters; a known status. */
export function parseOrderSearch(query: Record<string, unknown>): OrderSearch {
  const problems: FieldError[] = [];
  const criteria: OrderSearch = {};
  for (const field of ['number', 'buyer', 'course'] as const) {
    const value = query[field];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string' || value.length > SEARCH_TEXT_LIMIT) {
      problems.push(fieldProblem(field, `${field} must be text of at most ${SEARCH_TEXT_LIMIT} characters`));
      continue;
    }
    if (value.trim()) criteria[field] = value.trim();
  }
  const status = query.status;
  if (status !== undefined && status !== '') {
    if (typeof status !== 'string' || !(ORDER_STATUSES as readonly string[]).includes(status))
      problems.push(fieldProblem('status', `status must be one of ${ORDER_STATUSES.join(', ')}`));
    else criteria.status = status as OrderSearch['status'];
  }
  throwIfInvalid(problems);
  return criteria;
}
