import { fieldProblem, throwIfInvalid, type FieldError } from '../../../../../errors/refusal';

/** The contract's list style: `page` and `pageSize` (or `pagination[page]`…), meta.pagination in the answer. */
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

export function readPage(query: Record<string, unknown>, defaultPageSize = 25, maxPageSize = 100): Page {
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

export const paginationMeta = (page: Page, total: number) => ({
  page: page.page,
  pageSize: page.pageSize,
  pageCount: Math.ceil(total / page.pageSize),
  total,
});
