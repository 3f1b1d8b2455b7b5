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
];
