import type { RouteDescription } from '../route-description';
import { body, dateTime, envelope, integer, object, oneOf, string } from '../schema';

const dataExport = object(
  {
    id: string({ minLength: 10, maxLength: 64 }),
    status: oneOf('pending', 'ready', 'failed', 'expired'),
    createdAt: dateTime(),
    expiresAt: dateTime(),
    size: integer({ minimum: 0 }),
    downloadUrl: { ...string(), description: 'Path of the zip (`GET`, with the owner’s token), while ready' },
  },
  ['expiresAt', 'size', 'downloadUrl']
);
const erasure = object({ id: integer(), erased: { type: 'boolean', enum: [true] } });

export const privacyRoutes: RouteDescription[] = [
  {
    method: 'POST',
    path: '/me/data-export',
    tag: 'Privacy',
    audience: 'signed in',
    summary:
      'Starts an export of everything stored about the caller (a pending one is answered again); a job builds a zip of ' +
      'JSON files and their uploads, downloadable by the caller for 7 days',
    status: 202,
    response: envelope(dataExport),
  },
  {
    method: 'GET',
    path: '/me/data-export/:exportId',
    tag: 'Privacy',
    audience: 'signed in',
    summary: 'An export of the caller: its status and, once ready, `downloadUrl`; another user’s export is 404',
    status: 200,
    response: envelope(dataExport),
  },
  {
    method: 'GET',
    path: '/me/data-export/:exportId/download',
    tag: 'Privacy',
    audience: 'signed in',
    summary: 'The export’s zip, to its owner only (another user’s: 404; expired: 404 `export_expired`)',
    status: 200,
    contentType: 'application/zip',
    refusals: [{ status: 409, reasons: ['export_not_ready'] }],
  },
  {
    method: 'DELETE',
    path: '/me',
    tag: 'Privacy',
    audience: 'signed in',
    summary:
      'Erases the caller’s account (current password required): profile, messages, submissions’ files and text, sessions, ' +
      'likes (the liked posts’ counts lowered), follows both ways, reports, quiz answers; reviews, comments, posts and ' +
      'post comments stay as "Deleted user", certificates stay valid with "Erased holder"; the email may register again',
    requestBody: body({ password: string({ minLength: 1, maxLength: 200 }) }),
    status: 200,
    response: envelope(erasure),
    refusals: [{ status: 409, reasons: ['last_admin'] }],
  },
  {
    method: 'POST',
    path: '/users/:id/data-export',
    tag: 'Privacy',
    audience: 'admin',
    summary: 'Staff start an export of a user’s data (recorded in the audit trail); the user downloads it',
    status: 202,
    response: envelope(dataExport),
  },
];
