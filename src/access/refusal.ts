import { errors } from '@strapi/utils';

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
