import { SUPPORTED_LOCALES } from '../../../content/locales';

/**
 * The query shapes the public catalog sends (GET /courses: a filter on published fields, a sort, a page, populated
 * category and cover), recognised so they can be read with a few fixed statements (catalog-read.ts) instead of the
 * document service. Anything else answers null and keeps today's path: this file only recognises, it never refuses
 * (bad input was already refused by src/query-validation before the controller).
 */

/**
 * LYCEUM_FAST_CATALOG_READS=false sends every catalog read, REST and GraphQL, through Strapi's stock path again: the
 * answer the fast one is compared with (tests, bench). Read at each request, so a test compares both in one process.
 */
export const isFastCatalogOn = () => process.env.LYCEUM_FAST_CATALOG_READS !== 'false';

/** Fields a catalog may filter on, with how their value is compared. */
const STRING_FILTERS = ['level', 'slug', 'currency'] as const;
const NUMBER_FILTERS = ['price'] as const;
const NUMBER_OPERATORS = { $eq: '=', $lt: '<', $lte: '<=', $gt: '>', $gte: '>=' } as const;
/** Category filters go through the link table: by the category's slug or documentId. */
const CATEGORY_FILTERS = ['slug', 'documentId'] as const;

/** Fields a catalog may sort on (each a course column; ties broken by id as the stock query does). */
const SORTABLE = [
  'title',
  'slug',
  'level',
  'price',
  'createdAt',
  'updatedAt',
  'publishedAt',
  'ratingAverage',
  'ratingCount',
  'studentsCount',
] as const;

export type CatalogRelation = 'category' | 'cover';
const POPULATABLE: readonly CatalogRelation[] = ['category', 'cover'];

export type CatalogCondition =
  | { kind: 'field'; attribute: string; operator: '=' | '<' | '<=' | '>' | '>='; value: string | number }
  | { kind: 'category'; attribute: (typeof CATEGORY_FILTERS)[number]; value: string };

/** The REST page limits the stock read pages by (src/access/listing.ts restPageLimits). */
export interface PageLimits {
  defaultPageSize: number;
  maxPageSize: number | null;
}

export interface CatalogQuery {
  /** null: the i18n plugin's default locale, as the stock read takes it. */
  locale: string | null;
  conditions: CatalogCondition[];
  sort: Array<{ attribute: string; direction: 'asc' | 'desc' }>;
  page: number;
  pageSize: number;
  /** In the order the query names them (the stock answer lists populated relations in that order). */
  populate: CatalogRelation[];
}

const ALLOWED_KEYS = new Set(['filters', 'sort', 'pagination', 'populate', 'locale', 'status']);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A whole number written plainly (what qs hands over): "1", "20"; anything else is not ours to interpret. */
function wholeNumber(value: unknown, min: number, max: number): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,6}$/.test(value)) return null;
  const number = Number(value);
  return number >= min && number <= max ? number : null;
}

/** `filters[level]=x` or `filters[level][$eq]=x`: the compared value, or null for any other shape. */
function equalityValue(filter: unknown): string | null {
  if (typeof filter === 'string') return filter;
  if (isPlainObject(filter) && Object.keys(filter).length === 1 && typeof filter.$eq === 'string') return filter.$eq;
  return null;
}

function conditionsFrom(filters: unknown): CatalogCondition[] | null {
  if (filters === undefined) return [];
  if (!isPlainObject(filters)) return null;
  const conditions: CatalogCondition[] = [];
  for (const [attribute, filter] of Object.entries(filters)) {
    if ((STRING_FILTERS as readonly string[]).includes(attribute)) {
      const value = equalityValue(filter);
      if (value === null) return null;
      conditions.push({ kind: 'field', attribute, operator: '=', value });
    } else if ((NUMBER_FILTERS as readonly string[]).includes(attribute)) {
      const operands = typeof filter === 'string' ? { $eq: filter } : filter;
      if (!isPlainObject(operands) || Object.keys(operands).length === 0) return null;
      for (const [operator, operand] of Object.entries(operands)) {
        const sql = NUMBER_OPERATORS[operator as keyof typeof NUMBER_OPERATORS];
        // As Strapi's number field reads a filter value: a trimmed decimal; other spellings stay with the stock path.
        if (!sql || typeof operand !== 'string' || !/^-?\d{1,12}(\.\d{1,12})?$/.test(operand)) return null;
        conditions.push({ kind: 'field', attribute, operator: sql, value: Number(operand) });
      }
    } else if (attribute === 'category') {
      if (!isPlainObject(filter) || Object.keys(filter).length !== 1) return null;
      const [[key, inner]] = Object.entries(filter);
      const value = equalityValue(inner);
      if (!(CATEGORY_FILTERS as readonly string[]).includes(key) || value === null) return null;
      conditions.push({ kind: 'category', attribute: key as (typeof CATEGORY_FILTERS)[number], value });
    } else return null;
  }
  return conditions;
}

function sortFrom(sort: unknown): CatalogQuery['sort'] | null {
  if (sort === undefined) return [];
  const parts = typeof sort === 'string' ? sort.split(',') : Array.isArray(sort) ? sort : null;
  if (!parts || parts.length === 0 || parts.length > 3) return null;
  const order: CatalogQuery['sort'] = [];
  for (const part of parts) {
    if (typeof part !== 'string') return null;
    const match = /^([A-Za-z]+)(?::(asc|desc))?$/.exec(part.trim());
    if (!match || !(SORTABLE as readonly string[]).includes(match[1])) return null;
    if (order.some((entry) => entry.attribute === match[1])) return null;
    order.push({ attribute: match[1], direction: (match[2] as 'asc' | 'desc' | undefined) ?? 'asc' });
  }
  return order;
}

function populateFrom(populate: unknown): CatalogRelation[] | null {
  if (populate === undefined) return [];
  let names: unknown[];
  if (typeof populate === 'string') names = populate.split(',').map((name) => name.trim());
  else if (Array.isArray(populate)) names = populate;
  else if (isPlainObject(populate)) {
    if (!Object.values(populate).every((value) => value === true || value === 'true')) return null;
    names = Object.keys(populate);
  } else return null;
  const relations: CatalogRelation[] = [];
  for (const name of names) {
    if (!POPULATABLE.includes(name as CatalogRelation) || relations.includes(name as CatalogRelation)) return null;
    relations.push(name as CatalogRelation);
  }
  return relations;
}

function pageFrom(pagination: unknown, limits: PageLimits): { page: number; pageSize: number } | null {
  if (pagination === undefined) return { page: 1, pageSize: limits.defaultPageSize };
  if (!isPlainObject(pagination)) return null;
  const { page = '1', pageSize = String(limits.defaultPageSize), ...rest } = pagination;
  if (Object.keys(rest).length > 0) return null;
  const pageNumber = wholeNumber(page, 1, 1_000_000);
  const size = wholeNumber(pageSize, 1, limits.maxPageSize ?? 1_000_000);
  return pageNumber && size ? { page: pageNumber, pageSize: size } : null;
}

/**
 * The catalog query a published-only REST read asks for, or null when it is any other shape. Expects the query as
 * the course controller leaves it: `status` forced to published, `teachers` taken out of `populate`.
 */
export function catalogQueryFrom(query: Record<string, unknown>, limits: PageLimits): CatalogQuery | null {
  if (query.status !== 'published') return null;
  if (Object.keys(query).some((key) => !ALLOWED_KEYS.has(key))) return null;
  const locale = query.locale;
  if (locale !== undefined && !(SUPPORTED_LOCALES as readonly unknown[]).includes(locale)) return null;
  const conditions = conditionsFrom(query.filters);
  const sort = sortFrom(query.sort);
  const populate = populateFrom(query.populate);
  const page = pageFrom(query.pagination, limits);
  if (!conditions || !sort || !populate || !page) return null;
  return { locale: (locale as string | undefined) ?? null, conditions, sort, populate, ...page };
}
