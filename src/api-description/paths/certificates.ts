import type { RouteDescription } from '../route-description';
import {
  body,
  boolean,
  dateTime,
  documentId,
  envelope,
  integer,
  listEnvelope,
  nullable,
  number,
  object,
  oneOf,
  string,
} from '../schema';

const certificate = object(
  {
    documentId: documentId(),
    code: string(),
    status: oneOf('issued', 'revoked'),
    issuedAt: dateTime(),
    studentName: string(),
    courseTitle: string(),
    teacherNames: nullable(string()),
    finalPercent: nullable(number()),
    revokedAt: nullable(dateTime()),
    course: object({ documentId: documentId() }),
  },
  ['teacherNames']
);

const verification = object(
  {
    valid: boolean(),
    status: oneOf('issued', 'revoked'),
    code: string(),
    studentName: string(),
    courseTitle: string(),
    teacherNames: nullable(string()),
    finalPercent: nullable(number()),
    issuedAt: dateTime(),
    revokedAt: nullable(dateTime()),
    credentialUrl: string({ format: 'uri' }),
  },
  ['code', 'teacherNames', 'finalPercent', 'revokedAt', 'credentialUrl']
);

export const certificateRoutes: RouteDescription[] = [
  {
    method: 'GET',
    path: '/certificates/verify/:code',
    tag: 'Certificates',
    audience: 'public',
    summary: 'Check a certificate by its code',
    status: 200,
    response: envelope(verification),
    refusals: [{ status: 429, reasons: [] }],
  },
  {
    method: 'GET',
    path: '/certificates/verify/:code/credential',
    tag: 'Certificates',
    audience: 'public',
    summary:
      'The signed Open Badges 3.0 credential of a certificate (JSON-LD, DataIntegrityProof eddsa-rdfc-2022), with an ETag',
    status: 200,
    contentType: 'application/ld+json',
  },
  {
    method: 'GET',
    path: '/credentials/status/:listId',
    tag: 'Certificates',
    audience: 'public',
    summary: 'A signed Bitstring Status List credential (revocations), bare JSON-LD with an ETag',
    status: 200,
    contentType: 'application/ld+json',
  },
  {
    method: 'GET',
    path: '/certificates/:documentId/pdf',
    tag: 'Certificates',
    audience: 'signed in',
    summary: 'The certificate as a PDF (holder, owners, admins)',
    status: 200,
    contentType: 'application/pdf',
  },
  {
    method: 'POST',
    path: '/certificates/:documentId/revoke',
    tag: 'Certificates',
    audience: 'owner or admin',
    summary: 'Revoke with a reason',
    requestBody: body({ reason: string({ minLength: 1, maxLength: 500 }) }),
    status: 200,
    response: envelope(certificate),
  },
  {
    method: 'POST',
    path: '/courses/:documentId/certificates',
    tag: 'Certificates',
    audience: 'owner or admin',
    summary: 'Issue a certificate by hand to a student of the course',
    requestBody: body({ user: integer({ minimum: 1 }) }),
    status: 201,
    response: envelope(certificate),
  },
  {
    method: 'GET',
    path: '/me/certificates',
    tag: 'Certificates',
    audience: 'signed in',
    summary: "The caller's certificates",
    status: 200,
    response: listEnvelope(certificate),
  },
];
