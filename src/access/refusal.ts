import { errors } from '@strapi/utils';
import createHttpError from 'http-errors';

/**
 * A 403 that reaches the client with its message and `details.reason` (the contract's stable word).
 * Strapi's route wrapper turns any ForbiddenError thrown after authentication into a bare "Forbidden",
 * except a PolicyError; this is one, named as the ForbiddenError it is.
 */
export class Refusal extends errors.PolicyError {
  constructor(message: string, reason: string, details: Record<string, unknown> = {}) {
    super(message, { ...details, reason });
    (this as { name: string }).name = 'ForbiddenError';
  }
}

/**
 * A 409: the request collides with what is already there (already enrolled, already submitted). Strapi's
 * typed errors stop at 400/401/403/404, so this is the HTTP error its error middleware formats as-is.
 */
export function conflict(message: string, reason: string) {
  return createHttpError(409, message, { details: { reason } });
}
