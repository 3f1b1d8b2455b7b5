import { isFetchError } from '@strapi/strapi/admin';

/** What the server said about a failed request: its message, and for a 400 the field and reason it names. */
export interface ServerError {
  message: string;
  status?: number;
  field?: string;
  reason?: string;
}

interface ApiErrorBody {
  message?: string;
  status?: number;
  details?: { reason?: string; errors?: Array<{ path?: string[] }> };
}

/** The server's own words about a failed request (a 403 says why, a 409 what collides), or the fallback. */
export function serverError(error: unknown, fallback = 'Something went wrong'): ServerError {
  if (isFetchError(error)) {
    const apiError = error.response?.data?.error as ApiErrorBody | undefined;
    return {
      message: apiError?.message || error.message || fallback,
      status: apiError?.status ?? error.status,
      field: apiError?.details?.errors?.[0]?.path?.[0],
      reason: apiError?.details?.reason,
    };
  }
  return { message: error instanceof Error && error.message ? error.message : fallback };
}

/** The server's own message, or a plain fallback. */
export function errorMessage(error: unknown, fallback = 'Something went wrong'): string {
  return serverError(error, fallback).message;
}
