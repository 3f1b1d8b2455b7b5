import { LOCALE_CODE } from '../content/locales';
import { checkShape } from './bounds';
import { checkFields } from './fields';
import { checkFilters } from './filters';
import { IssueList, type QueryIssue } from './issues';
import type { QueryLimits } from './limits';
import { checkPageBound, checkPagination, checkPagingValue } from './pagination';
import { checkPopulate } from './populate';
import type { Model, Schemas } from './schema';
import { checkSort } from './sort';
import type { Walk } from './walk';

const STATUSES = ['draft', 'published'];
const NO_MODELS: Schemas = { model: () => undefined, isPrivate: () => true };

/**
 * The query of a core route of `model` (/api/<plural>, /api/<plural>/:id, /api/upload/files, /api/users): every
 * parameter Strapi's parser reads, checked against the model. Keys Strapi does not know are left to its own strict
 * check (config/api.ts `strictParams`), which already answers 400.
 */
export function contentQueryIssues(
  query: Record<string, unknown>,
  model: Model,
  schemas: Schemas,
  limits: QueryLimits
): QueryIssue[] {
  const walk: Walk = { schemas, limits, issues: new IssueList() };
  checkShape(walk, query);
  if (!walk.issues.isEmpty) return walk.issues.issues;
  const has = (key: string) => query[key] !== undefined;
  if (has('filters')) checkFilters(walk, query.filters, model, ['filters']);
  if (has('sort')) checkSort(walk, query.sort, model, ['sort']);
  if (has('fields')) checkFields(walk, query.fields, model, ['fields']);
  if (has('populate')) checkPopulate(walk, query.populate, model, ['populate']);
  if (has('pagination')) checkPagination(walk, query.pagination, ['pagination']);
  for (const key of ['page', 'pageSize', 'start', 'limit'])
    if (has(key)) checkPagingValue(walk, key, query[key], [key]);
  if (has('status') && !STATUSES.includes(query.status as string))
    walk.issues.add(['status'], 'status must be draft or published');
  if (has('locale') && (typeof query.locale !== 'string' || !LOCALE_CODE.test(query.locale)))
    walk.issues.add(['locale'], 'locale must be a locale code such as en or ru');
  if (has('_q') && typeof query._q !== 'string') walk.issues.add(['_q'], '_q must be a single search string');
  return walk.issues.issues;
}

/**
 * The query of any other route under the API prefix (custom routes, or a path no route serves): its shape only,
 * since its own controller reads it: list sizes, nesting, and the page number's upper bound.
 */
export function plainQueryIssues(query: Record<string, unknown>, limits: QueryLimits): QueryIssue[] {
  const walk: Walk = { schemas: NO_MODELS, limits, issues: new IssueList() };
  checkShape(walk, query, limits.maxDepth);
  checkPageBound(walk, query);
  return walk.issues.issues;
}
