import { errors } from '@strapi/utils';

/** A revocation is explained to whoever checks the code later: 1 to 2000 characters, trimmed. */
export function revokeReason(value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > 2000) {
    throw new errors.ValidationError('Give a reason (1 to 2000 characters)', {
      errors: [{ path: ['reason'], message: 'reason must be text of 1 to 2000 characters', name: 'ValidationError' }],
    });
  }
  return value.trim();
}
