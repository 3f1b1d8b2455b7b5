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
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD' | 'PATCH' | 'OPTIONS';
  /** Koa form, as the route file declares it: `/courses/:documentId/enrollments`. */
  path: string;
  tag: string;
  summary: string;
  audience: Audience;
  query?: Record<string, Schema>;
  /** Request headers the route reads (tus: `Upload-Length`, `Upload-Offset`…); `required` lists the ones it needs. */
  headers?: { properties: Record<string, Schema>; required?: string[] };
  requestBody?: Schema;
  /** Multipart upload instead of JSON. */
  multipart?: Schema;
  /** A body of raw bytes of this content type (tus's PATCH: `application/offset+octet-stream`). */
  binaryBody?: string;
  status: number;
  /** Missing when the answer is not JSON (PDF, CSV). */
  response?: Schema;
  contentType?: string;
  /** The success answer has no body (a 204, a HEAD): what it says is in its headers. */
  noBody?: boolean;
  /** Headers of the success answer, as schemas with a description. */
  responseHeaders?: Record<string, Schema>;
  /** Other success answers besides `status` (the last PATCH of a resumable upload: 200 with the stored file). */
  otherSuccesses?: Array<{ status: number; description: string; response?: Schema }>;
  /** Other representations of the same success answer (the gradebook's `?format=csv`), described as text. */
  alternativeContentTypes?: string[];
  /** Refusals this route gives besides 401/404 (and a 400 naming fields), with their `details.reason` words. */
  refusals?: Array<{ status: 400 | 403 | 409 | 413 | 429 | 503; reasons: string[] }>;
}
