import type { Core } from '@strapi/strapi';
import { fieldProblem, throwIfInvalid, type FieldError } from '../errors/refusal';

/** The contract's list style: `page` and `pageSize` (or `pagination[page]`…), `meta.pagination` in the answer. */
export interface Page {
  page: number;
  pageSize: number;
}

const readPositive = (value: unknown, field: string, problems: FieldError[]): number | undefined => {
  if (value === undefined) return undefined;
  const number =
    typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isSafeInteger(number) || number < 1) {
    problems.push(fieldProblem(field, `${field} must be a positive integer`));
    return undefined;
  }
  return number;
};

/**
 * Strapi's REST page limits (config/api.ts `rest.defaultLimit`, `rest.maxLimit`; no cap when unset): what a read
 * answering beside the stock path must page by to answer alike.
 */
export function restPageLimits(strapi: Core.Strapi): { defaultPageSize: number; maxPageSize: number | null } {
  return {
    defaultPageSize: Number(strapi.config.get('api.rest.defaultLimit', 25)),
    maxPageSize: Number(strapi.config.get('api.rest.maxLimit')) || null,
  };
}

/** `page` and `pageSize` from the query string (Strapi's `pagination[page]` form is understood too). */
export function readPage(
  query: Record<string, unknown>,
  options: { defaultPageSize?: number; maxPageSize?: number } = {}
): Page {
  const { defaultPageSize = 25, maxPageSize = 100 } = options;
  const nested = (query.pagination && typeof query.pagination === 'object' ? query.pagination : {}) as Record<
    string,
    unknown
  >;
  const problems: FieldError[] = [];
  const page = readPositive(query.page ?? nested.page, 'page', problems) ?? 1;
  const pageSize = readPositive(query.pageSize ?? nested.pageSize, 'pageSize', problems) ?? defaultPageSize;
  if (pageSize > maxPageSize) problems.push(fieldProblem('pageSize', `pageSize must be at most ${maxPageSize}`));
  throwIfInvalid(problems);
  return { page, pageSize };
}

/** A `sort` that must be one of the named orders; the first is the default. */
export function readSort<T extends string>(query: Record<string, unknown>, orders: readonly T[]): T {
  const value = query.sort;
  if (value === undefined || value === '') return orders[0];
  if (typeof value !== 'string' || !(orders as readonly string[]).includes(value)) {
    throwIfInvalid([fieldProblem('sort', `sort must be one of ${orders.join(', ')}`)]);
  }
  return value as T;
}

export const paginationMeta = (page: Page, total: number) => ({
  page: page.page,
  pageSize: page.pageSize,
  pageCount: Math.ceil(total / page.pageSize),
  total,
});
