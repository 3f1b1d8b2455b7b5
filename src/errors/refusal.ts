import { errors } from '@strapi/utils';

/**
 * Lyceum's one error type: the API refuses a request (or, 503, cannot serve it right now), with an HTTP status, the contract's stable `reason`
 * (`details.reason`), a message for people and, for bad input, the refused fields (`details.errors`). Mapped once
 * for REST (rest.ts, the `global::refusals` middleware) and once for GraphQL (graphql.ts). Strapi's own typed errors
 * (`errors.NotFoundError`, `RateLimitError`…) thrown by stock-like code keep Strapi's stock mapping, which gives
 * the same shape.
 *
 * An ApplicationError, so anything that meets it before the mapping (Strapi's error middleware, its GraphQL
 * formatter) still shows its message and details. Not a ForbiddenError: Strapi's route wrapper turns one thrown
 * after authentication into a bare "Forbidden" (@strapi/core services/server/compose-endpoint.js), and this must
 * reach the client with its message and reason.
 */
export type RefusalStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503;

/** One refused field, in the shape Strapi's ValidationError carries in `details.errors`. */
export interface FieldError {
  path: Array<string | number>;
  message: string;
  name: string;
}

/** The error names clients see per status: Strapi's (and, for 409, http-errors' `ConflictError`). */
const NAMES: Record<RefusalStatus, string> = {
  400: 'ValidationError',
  401: 'UnauthorizedError',
  403: 'ForbiddenError',
  404: 'NotFoundError',
  409: 'ConflictError',
  413: 'PayloadTooLargeError',
  429: 'RateLimitError',
  503: 'ServiceUnavailableError',
};

export interface RefusalOptions {
  /** 403 unless said otherwise: the most common refusal is "you may not". */
  status?: RefusalStatus;
  fieldErrors?: FieldError[];
  /** More for the client beside `reason` and `errors` (kept first in `details`). */
  details?: Record<string, unknown>;
}

export class Refusal extends errors.ApplicationError {
  readonly status: RefusalStatus;
  readonly reason: string | undefined;
  readonly fieldErrors: readonly FieldError[];
  declare details: Record<string, unknown>;

  constructor(message: string, reason?: string, options: RefusalOptions = {}) {
    const status = options.status ?? 403;
    const fieldErrors = options.fieldErrors ?? [];
    super(message, {
      ...options.details,
      ...(fieldErrors.length > 0 ? { errors: fieldErrors } : {}),
      ...(reason !== undefined ? { reason } : {}),
    });
    // Strapi types `name` as the literal 'ApplicationError'; clients read the name of the status.
    (this as { name: string }).name = NAMES[status];
    this.status = status;
    this.reason = reason;
    this.fieldErrors = fieldErrors;
  }
}

/** 403: the caller may not do this (not enrolled, not the owner…). */
export const forbidden = (message: string, reason: string, fieldErrors?: FieldError[]) =>
  new Refusal(message, reason, { status: 403, fieldErrors });

/** 401: a credential is missing or no longer valid, with the reason (e.g. a reused refresh token). */
export const unauthorized = (message: string, reason: string) => new Refusal(message, reason, { status: 401 });

/** 404: nothing the caller may see has this id. */
export const notFound = (message: string, reason?: string) => new Refusal(message, reason, { status: 404 });

/** 409: the request collides with what is already there (already enrolled, already submitted). */
export const conflict = (message: string, reason: string) => new Refusal(message, reason, { status: 409 });

/** 503: a part the answer needs (the database) cannot be reached right now; the same request may succeed later. */
export const serviceUnavailable = (message: string, reason: string) => new Refusal(message, reason, { status: 503 });

/** One refused field, to collect before refusing them all with `invalidFields`. */
export const fieldProblem = (field: string, message: string): FieldError => ({
  path: [field],
  message,
  name: 'ValidationError',
});

/** 400 naming every refused field; the message is the field's own when there is one. */
export const invalidFields = (problems: FieldError[], message = 'The request is not valid') =>
  new Refusal(problems.length === 1 ? problems[0].message : message, undefined, {
    status: 400,
    fieldErrors: problems,
  });

/** 400 naming one refused field. */
export const invalidField = (field: string, message: string) => invalidFields([fieldProblem(field, message)]);

/** Refuses with 400 when there are problems; does nothing when there are none. */
export function throwIfInvalid(problems: FieldError[], message?: string): void {
  if (problems.length > 0) throw invalidFields(problems, message);
}
