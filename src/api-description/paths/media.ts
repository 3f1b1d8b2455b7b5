import type { RouteDescription } from '../route-description';
import { array, body, envelope, integer, nullable, number, object, oneOf, string } from '../schema';

const status = oneOf('queued', 'processing', 'ready', 'failed');
const videoAsset = object(
  {
    id: string({ minLength: 10, maxLength: 64 }),
    status,
    durationSeconds: nullable(number()),
    renditions: array(object({ height: integer(), bandwidth: integer() })),
    posterUrl: { ...nullable(string()), description: 'Signed like `hlsUrl`, for the caller; null until ready' },
    error: { ...string(), description: 'Why the conversion failed (status `failed` only)' },
  },
  ['error']
);
const playbackFields = {
  status,
  hlsUrl: {
    ...nullable(string()),
    description:
      'The master playlist, signed for the caller in its query string (`u`, `e`, `s`) and expiring (VIDEO_URL_TTL_SECONDS, ' +
      'default 1 hour); null until the video is ready',
  },
  posterUrl: nullable(string()),
  durationSeconds: nullable(number()),
};
const lessonPlayback = object({ ...playbackFields, positionSeconds: number({ minimum: 0 }) });
const postPlayback = object(playbackFields);

// Resumable uploads (tus 1.0, src/uploads/resumable.ts): tus speaks in headers; only the last PATCH has a JSON body.
const tusResumable = { ...string({ enum: ['1.0.0'] }), description: 'The tus protocol version: `1.0.0`' };
const uploadOffset = { ...integer({ minimum: 0 }), description: 'Bytes the server holds' };
const uploadLocation = { ...string(), description: 'The upload’s URL: `/api/uploads/resumable/<32 hex digits>`' };
const storedFile = object(
  {
    id: integer(),
    documentId: string(),
    name: string(),
    url: string(),
    mime: string(),
    size: number(),
    ext: nullable(string()),
    videoAsset: {
      ...object({ id: string(), status }),
      description: 'Videos only: the asset its conversion runs on (`GET /videos/:assetId`)',
    },
  },
  ['videoAsset']
);
const resumable = '/uploads/resumable';
const resumableUpload = '/uploads/resumable/:uploadId';

export const mediaRoutes: RouteDescription[] = [
  {
    method: 'GET',
    path: '/videos/:assetId',
    tag: 'Media',
    audience: 'owner or admin',
    summary:
      'A video’s conversion: status (queued → processing → ready | failed), duration, renditions, poster and, on ' +
      'failure, the reason. Its uploader and admins only (others 403 `not_video_owner`); the upload answer names each ' +
      'video’s asset (`videoAsset.id`)',
    status: 200,
    response: envelope(videoAsset),
    refusals: [{ status: 403, reasons: ['not_video_owner'] }],
  },
  {
    method: 'POST',
    path: '/videos/:assetId/retry',
    tag: 'Media',
    audience: 'owner or admin',
    summary: 'Converts a failed (or still queued) video again; a ready or converting one is answered as it is',
    requestBody: body({}),
    status: 200,
    response: envelope(videoAsset),
    refusals: [{ status: 403, reasons: ['not_video_owner'] }],
  },
  {
    method: 'GET',
    path: '/videos/:assetId/hls/:name',
    tag: 'Media',
    audience: 'public',
    summary:
      'A converted video’s file with a valid signature (`?u&e&s`, from a playback answer): the master and rendition ' +
      'playlists (every URI inside signed the same way), segments (`.ts`, with Range: 206 and Content-Range) and the ' +
      'poster. Missing, tampered or expired signatures: 403 `invalid_signature`',
    query: {
      u: integer({ minimum: 0 }),
      e: integer({ minimum: 0 }),
      s: string({ minLength: 43, maxLength: 43 }),
    },
    status: 200,
    contentType: 'application/vnd.apple.mpegurl',
    alternativeContentTypes: ['video/mp2t', 'image/jpeg'],
    refusals: [{ status: 403, reasons: ['invalid_signature'] }],
  },
  {
    method: 'GET',
    path: '/lessons/:documentId/playback',
    tag: 'Media',
    audience: 'public',
    summary:
      'The lesson’s video under the lesson’s own rules (the 403 reasons of `GET /lessons/:id`): conversion status, ' +
      'the signed HLS URL, poster, duration, and the caller’s saved position (`PUT /lessons/:documentId/position`)',
    status: 200,
    response: envelope(lessonPlayback),
    refusals: [{ status: 403, reasons: ['not_enrolled', 'access_expired', 'not_released', 'lesson_locked'] }],
  },
  {
    method: 'GET',
    path: '/posts/:documentId/playback',
    tag: 'Media',
    audience: 'public',
    summary:
      'A video post’s video under the post’s own visibility (a draft, a hidden post or a followers-only post the caller ' +
      'may not see: 404, as `GET /posts/:documentId`; a post without a video: 404 `no_video`): conversion status, the ' +
      'signed HLS URL, poster and duration',
    status: 200,
    response: envelope(postPlayback),
  },
  {
    method: 'OPTIONS',
    path: resumable,
    tag: 'Media',
    audience: 'public',
    summary:
      'Resumable uploads (tus 1.0) discovery: the versions, extensions and largest size (VIDEO_MAX_FILE_MB) the server ' +
      'takes. A browser’s CORS preflight (with `Origin`) is answered by the CORS settings instead',
    status: 204,
    noBody: true,
    responseHeaders: {
      'Tus-Resumable': tusResumable,
      'Tus-Version': { ...string(), description: 'Protocol versions served: `1.0.0`' },
      'Tus-Extension': {
        ...string(),
        description: 'Comma-separated, e.g. `creation,creation-with-upload,termination`',
      },
      'Tus-Max-Size': { ...integer({ minimum: 1 }), description: 'Largest upload in bytes (VIDEO_MAX_FILE_MB)' },
    },
  },
  {
    method: 'POST',
    path: resumable,
    tag: 'Media',
    audience: 'signed in',
    summary:
      'Starts a resumable upload (tus 1.0 creation) for files above UPLOAD_MAX_FILE_MB, videos up to VIDEO_MAX_FILE_MB. ' +
      '`Upload-Metadata` carries `filename` and `filetype` (base64); the id is the server’s. Answers 201 with `Location`; ' +
      'a declared length above VIDEO_MAX_FILE_MB: 413 `file_too_large`',
    headers: {
      properties: {
        'Tus-Resumable': tusResumable,
        'Upload-Length': { ...integer({ minimum: 0 }), description: 'The whole file’s size in bytes' },
        'Upload-Metadata': {
          ...string(),
          description: 'Comma-separated `key base64(value)` pairs: `filename`, `filetype`',
        },
      },
      required: ['Tus-Resumable', 'Upload-Length'],
    },
    status: 201,
    noBody: true,
    responseHeaders: { Location: uploadLocation, 'Tus-Resumable': tusResumable },
    refusals: [{ status: 413, reasons: ['file_too_large'] }],
  },
  {
    method: 'HEAD',
    path: resumableUpload,
    tag: 'Media',
    audience: 'signed in',
    summary:
      'Where an upload stands (to resume after an interruption): `Upload-Offset` of `Upload-Length`. Its creator only ' +
      '(others 403 `not_file_owner`); an id the server did not make or an upload finished or expired: 404',
    headers: { properties: { 'Tus-Resumable': tusResumable }, required: ['Tus-Resumable'] },
    status: 200,
    noBody: true,
    responseHeaders: {
      'Upload-Offset': uploadOffset,
      'Upload-Length': { ...integer({ minimum: 0 }), description: 'The whole file’s size' },
      'Tus-Resumable': tusResumable,
    },
    refusals: [{ status: 403, reasons: ['not_file_owner'] }],
  },
  {
    method: 'PATCH',
    path: resumableUpload,
    tag: 'Media',
    audience: 'signed in',
    summary:
      'Sends bytes from `Upload-Offset` (which must be the server’s offset, else 409). 204 with the new offset; the ' +
      'PATCH that completes the file answers 200 with the stored file, judged like `POST /upload`: 400 ' +
      '`file_type_not_allowed` or `dangerous_content`, 413 `file_too_large` (the partial file is removed). Its creator ' +
      'only (403 `not_file_owner`)',
    headers: {
      properties: { 'Tus-Resumable': tusResumable, 'Upload-Offset': uploadOffset },
      required: ['Tus-Resumable', 'Upload-Offset'],
    },
    binaryBody: 'application/offset+octet-stream',
    status: 204,
    noBody: true,
    responseHeaders: { 'Upload-Offset': uploadOffset, 'Tus-Resumable': tusResumable },
    otherSuccesses: [
      {
        status: 200,
        description: 'The last bytes arrived: the stored file (as `POST /upload` answers it)',
        response: storedFile,
      },
    ],
    refusals: [
      { status: 400, reasons: ['file_type_not_allowed', 'dangerous_content'] },
      { status: 403, reasons: ['not_file_owner'] },
      { status: 413, reasons: ['file_too_large'] },
    ],
  },
  {
    method: 'DELETE',
    path: resumableUpload,
    tag: 'Media',
    audience: 'signed in',
    summary:
      'Cancels an unfinished upload and deletes its bytes (tus termination). Its creator only (403 `not_file_owner`)',
    headers: { properties: { 'Tus-Resumable': tusResumable }, required: ['Tus-Resumable'] },
    status: 204,
    noBody: true,
    responseHeaders: { 'Tus-Resumable': tusResumable },
    refusals: [{ status: 403, reasons: ['not_file_owner'] }],
  },
];
