import type { Schema } from './schema';

export type Audience =
  | 'public'
  | 'signed in'
  | 'student'
  | 'owner or admin'
  | 'admin'
  | 'payment provider'
  /** Support staff: API admins and users with the `support` role. */
  | 'support staff';

/** What the OpenAPI document says about one of Lyceum's own routes. */
export interface RouteDescription {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Koa form, as the route file declares it: `/courses/:documentId/enrollments`. */
  path: string;
  tag: string;
  summary: string;
  audience: Audience;
  query?: Record<string, Schema>;
  requestBody?: Schema;
  /** Multipart upload instead of JSON. */
  multipart?: Schema;
  status: number;
  /** Missing when the answer is not JSON (PDF, CSV). */
  response?: Schema;
  contentType?: string;
  /** Other representations of the same success answer (the gradebook's `?format=csv`), described as text. */
  alternativeContentTypes?: string[];
  /** Refusals this route gives besides 401/404 (and a 400 naming fields), with their `details.reason` words. */
  refusals?: Array<{ status: 400 | 403 | 409 | 413 | 429 | 503; reasons: string[] }>;
}
