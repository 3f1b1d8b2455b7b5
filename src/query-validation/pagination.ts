import { isBooleanWord } from './operands';
import { isPlainObject } from './schema';
import { paramName, type Walk } from './walk';

const PAGINATION_KEYS = ['page', 'pageSize', 'start', 'limit', 'withCount'];

function wholeNumber(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/** page ≥ 1 and ≤ maxPage; pageSize 1..maxPageSize; start 0..maxStart; limit 1..maxPageSize or -1 (Strapi's "all", capped by maxLimit). */
export function checkPagingValue(walk: Walk, key: string, value: unknown, path: readonly string[]): void {
  const { maxPage, maxPageSize, maxStart } = walk.limits;
  const number = wholeNumber(value);
  const name = paramName(path);
  if (key === 'page' && (number === undefined || number < 1 || number > maxPage))
    walk.issues.add(path, `${name} must be a whole number from 1 to ${maxPage}`);
  if (key === 'pageSize' && (number === undefined || number < 1 || number > maxPageSize))
    walk.issues.add(path, `${name} must be a whole number from 1 to ${maxPageSize}`);
  if (key === 'start' && (number === undefined || number > maxStart))
    walk.issues.add(path, `${name} must be a whole number from 0 to ${maxStart}`);
  if (key === 'limit' && value !== '-1' && (number === undefined || number < 1 || number > maxPageSize))
    walk.issues.add(path, `${name} must be a whole number from 1 to ${maxPageSize}, or -1`);
  if (key === 'withCount' && !isBooleanWord(value)) walk.issues.add(path, `${name} must be true or false`);
}

/** `pagination` on a core route: page/pageSize or start/limit (not both), and withCount. */
export function checkPagination(walk: Walk, pagination: unknown, path: readonly string[]): void {
  if (!isPlainObject(pagination)) {
    walk.issues.add(path, `${paramName(path)} must be an object (pagination[page], pagination[pageSize], …)`);
    return;
  }
  for (const [key, value] of Object.entries(pagination)) {
    const at = [...path, key];
    if (!PAGINATION_KEYS.includes(key))
      walk.issues.add(at, `${paramName(at)}: ${key} is not a pagination parameter (${PAGINATION_KEYS.join(', ')})`);
    else checkPagingValue(walk, key, value, at);
  }
  const isPaged = 'page' in pagination || 'pageSize' in pagination;
  const isOffset = 'start' in pagination || 'limit' in pagination;
  if (isPaged && isOffset) walk.issues.add(path, `${paramName(path)} takes page/pageSize or start/limit, not both`);
}

/**
 * Custom routes read their own paging (and answer their own 400s for a bad page size); only the page number's upper
 * bound is added here, so no route echoes or computes with a page of 1e20.
 */
export function checkPageBound(walk: Walk, query: Record<string, unknown>): void {
  const nested = isPlainObject(query.pagination) ? query.pagination : {};
  for (const [value, path] of [
    [nested.page, ['pagination', 'page']],
    [query.page, ['page']],
  ] as Array<[unknown, string[]]>) {
    if (typeof value !== 'string' || !/^\s*[+-]?\d/.test(value)) continue;
    const number = Number(value);
    if (!Number.isFinite(number) || number > walk.limits.maxPage)
      walk.issues.add(path, `${paramName(path)} must be at most ${walk.limits.maxPage}`);
  }
}
