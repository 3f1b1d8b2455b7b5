import { isFetchError } from '@strapi/strapi/admin';

/** The server's own message (a 403 says why, a 409 what collides), or a plain fallback. */
export function errorMessage(error: unknown, fallback = 'Something went wrong'): string {
  if (isFetchError(error)) return error.response?.data?.error?.message || error.message || fallback;
  return error instanceof Error && error.message ? error.message : fallback;
}
