/**
 * Bounds on what one REST query may ask of the database (issue #19: the probe's 500s and a page number of 1e20
 * echoed back). Each has an environment override for a deployment that needs more; a value that is not a
 * positive whole number keeps the default.
 */
export interface QueryLimits {
  /** Bytes of the raw query string. Node refuses request heads over 16 KB itself (431), so this stays below. */
  maxQueryBytes: number;
  /** Items in one list: `$or`, `$and`, `$in`, `$notIn`, an operand list, sort/fields/populate lists. */
  maxItems: number;
  /** Levels of nesting: each `$and`/`$or`/`$not` and each relation or component hop in filters, sort, populate. */
  maxDepth: number;
  /** Highest `pagination[page]`. */
  maxPage: number;
  /** Highest `pagination[pageSize]` and `pagination[limit]` (Strapi's api.rest.maxLimit is 100 as well). */
  maxPageSize: number;
  /** Highest `pagination[start]`. */
  maxStart: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = Object.freeze({
  maxQueryBytes: 8 * 1024,
  maxItems: 100,
  maxDepth: 6,
  maxPage: 10_000,
  maxPageSize: 100,
  maxStart: 1_000_000,
});

const ENV_NAMES: Record<keyof QueryLimits, string> = {
  maxQueryBytes: 'QUERY_MAX_BYTES',
  maxItems: 'QUERY_MAX_ITEMS',
  maxDepth: 'QUERY_MAX_DEPTH',
  maxPage: 'QUERY_MAX_PAGE',
  maxPageSize: 'QUERY_MAX_PAGE_SIZE',
  maxStart: 'QUERY_MAX_START',
};

function positiveWhole(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,9}$/.test(value.trim())) return undefined;
  const number = Number(value.trim());
  return number >= 1 ? number : undefined;
}

/** The limits in force: the defaults, each replaced by its environment variable when that is a positive whole number. */
export function queryLimitsFrom(env: Record<string, string | undefined>): QueryLimits {
  const limits = { ...DEFAULT_QUERY_LIMITS };
  for (const key of Object.keys(ENV_NAMES) as Array<keyof QueryLimits>) {
    limits[key] = positiveWhole(env[ENV_NAMES[key]]) ?? limits[key];
  }
  return limits;
}
