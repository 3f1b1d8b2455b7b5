import { errors } from '@strapi/utils';

const DOCUMENT_ID = /^[A-Za-z0-9]{1,64}$/;

const invalid = (name: string, message: string) =>
  new errors.ValidationError(message, { errors: [{ path: [name], message, name: 'ValidationError' }] });

/** A route's :documentId: well-formed or 400 (an unknown but well-formed one is the service's 404). */
export function documentIdParam(value: unknown, name = 'documentId'): string {
  if (typeof value !== 'string' || !DOCUMENT_ID.test(value)) throw invalid(name, `${name} is not a valid document id`);
  return value;
}

/** A positive integer id (users are addressed by id in users-permissions). */
export function positiveIntegerParam(value: unknown, name: string): number {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < 1) throw invalid(name, `${name} must be a positive integer`);
  return number;
}

/**
 * The numeric id of a row in a stock route (`/users/:id`, `/upload/files/:id`): PostgreSQL refuses a non-integer or
 * one past its integer type with a driver error (a 500), SQLite just finds nothing, so both get the same 400.
 */
export function recordIdParam(value: unknown, name = 'id'): number {
  const id = positiveIntegerParam(value, name);
  if (id > 2_147_483_647) throw invalid(name, `${name} is not a valid id`);
  return id;
}

/** Custom routes take exactly the fields they name: anything else is a 400 naming it. */
export function bodyWithOnly(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new errors.ValidationError('The body must be a JSON object');
  const unknown = Object.keys(body).filter((field) => !allowed.includes(field));
  if (unknown.length) {
    throw new errors.ValidationError(`Unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
      errors: unknown.map((field) => ({
        path: [field],
        message: `${field} is not accepted here`,
        name: 'ValidationError',
      })),
    });
  }
  return body as Record<string, unknown>;
}

/** page and pageSize from a query string, within bounds. */
export function paginationParams(query: Record<string, unknown>, maxPageSize = 100) {
  const pagination = (query.pagination ?? {}) as Record<string, unknown>;
  const page = pagination.page === undefined ? 1 : positiveIntegerParam(pagination.page, 'pagination.page');
  const pageSize =
    pagination.pageSize === undefined ? 25 : positiveIntegerParam(pagination.pageSize, 'pagination.pageSize');
  if (pageSize > maxPageSize)
    throw invalid('pagination.pageSize', `pagination.pageSize must be at most ${maxPageSize}`);
  return { page, pageSize };
}
