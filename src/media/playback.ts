import { createReadStream, promises as fs } from 'fs';
import type { Core } from '@strapi/strapi';
import type { Caller } from '../access/roles';
import { forbidden, notFound } from '../errors/refusal';
import {
  FILE,
  assetByPublicId,
  assetOfFile,
  fieldVideoOf,
  isVideoMime,
  requeueAssetRow,
  upsertAssetRow,
  type VideoAssetRow,
  type VideoStatus,
} from './assets';
import { enqueueConversion } from './conversion';
import { OUTPUT_NAME } from './hls';
import { isValidSignature, signAsset, signatureQuery, type PlaybackSignature } from './signing';
import { localPathOf, readOutputText, remoteUrlOf, type StoredOutput } from './storage';

/**
 * What callers see of a video: `GET /videos/:assetId` (its uploader and admins), the playback answer any owner of a
 * rule (a lesson, a post, a tutor's intro) gives once its own rule let the caller in, and the signed route serving
 * playlists, segments and the poster.
 */

export interface VideoAssetView {
  id: string;
  status: VideoStatus;
  durationSeconds: number | null;
  renditions: Array<{ height: number; bandwidth: number }>;
  posterUrl: string | null;
  error?: string;
}

export interface VideoPlayback {
  status: VideoStatus;
  hlsUrl: string | null;
  posterUrl: string | null;
  durationSeconds: number | null;
}

export const ASSET_ID = /^[a-z0-9]{10,64}$/;
const streamPath = (assetId: string, name: string) => `/api/videos/${assetId}/hls/${name}`;

function signedUrl(asset: VideoAssetRow, name: string, signature: PlaybackSignature): string {
  return `${streamPath(asset.publicId, name)}?${signatureQuery(signature)}`;
}

/** The playback answer for a caller already allowed to watch (the owner of the rule decided): signed URLs. */
export function playbackOf(asset: VideoAssetRow | null, userId: number | null, now = Date.now()): VideoPlayback {
  if (!asset) return { status: 'failed', hlsUrl: null, posterUrl: null, durationSeconds: null };
  if (asset.status !== 'ready')
    return { status: asset.status, hlsUrl: null, posterUrl: null, durationSeconds: asset.durationSeconds };
  const signature = signAsset(asset.publicId, userId, now);
  return {
    status: 'ready',
    hlsUrl: signedUrl(asset, 'master.m3u8', signature),
    posterUrl: asset.outputs['poster.jpg'] ? signedUrl(asset, 'poster.jpg', signature) : null,
    durationSeconds: asset.durationSeconds,
  };
}

/**
 * The playback of the video stored as upload `fileId`, for a caller its owner's rule has let in (typed entry point
 * for lessons, posts and intro videos). A file with no asset yet (uploaded before conversions existed) is queued now.
 */
export async function playbackForFile(
  strapi: Core.Strapi,
  fileId: number,
  userId: number | null,
  now = Date.now()
): Promise<VideoPlayback> {
  return playbackOf(await assetOfVideoFile(strapi, fileId), userId, now);
}

/**
 * The playback of the video in an entry's media field (a post's `video`, a tutor's `introVideo`), for a caller the
 * entry's own rule has let in; null when the field is empty. The link and the asset come in one statement.
 */
export async function playbackForEntryVideo(
  strapi: Core.Strapi,
  entry: { uid: string; id: number; field: string },
  userId: number | null,
  now = Date.now()
): Promise<VideoPlayback | null> {
  const video = await fieldVideoOf(strapi, entry.uid, entry.id, entry.field);
  if (!video) return null;
  return playbackOf(video.asset ?? (await queueUnconvertedFile(strapi, video.fileId)), userId, now);
}

/** The asset of a stored video file, made and queued now if it has none; null for a file that is not a video. */
export async function assetOfVideoFile(strapi: Core.Strapi, fileId: number): Promise<VideoAssetRow | null> {
  return (await assetOfFile(strapi, fileId)) ?? (await queueUnconvertedFile(strapi, fileId));
}

/**
 * A video file without an asset (stored before conversions existed, or its row lost): its asset and conversion job
 * are made now, in one transaction, as the upload hooks would have. Null for a file that is not a video (or gone).
 */
async function queueUnconvertedFile(strapi: Core.Strapi, fileId: number): Promise<VideoAssetRow | null> {
  const file = await strapi.db.query(FILE).findOne({ where: { id: fileId }, select: ['id', 'hash', 'mime'] });
  if (!file?.hash || !isVideoMime(file.mime)) return null;
  return strapi.db.transaction(async () => {
    const { asset, isDue } = await upsertAssetRow(strapi, { id: file.id, hash: file.hash });
    if (isDue) await enqueueConversion(strapi, asset);
    return asset;
  });
}

export function presentAsset(asset: VideoAssetRow, userId: number | null, now = Date.now()): VideoAssetView {
  const playback = playbackOf(asset, userId, now);
  return {
    id: asset.publicId,
    status: asset.status,
    durationSeconds: asset.durationSeconds,
    renditions: asset.renditions.map(({ height, bandwidth }) => ({ height, bandwidth })),
    posterUrl: playback.posterUrl,
    ...(asset.status === 'failed' && asset.error ? { error: asset.error } : {}),
  };
}

/** The asset's uploader (API uploads; admin-panel uploads have none). */
async function uploaderOf(strapi: Core.Strapi, fileId: number): Promise<number | null> {
  const file = await strapi.db
    .query(FILE)
    .findOne({ where: { id: fileId }, select: ['id'], populate: { uploadedBy: { select: ['id'] } } });
  return file?.uploadedBy?.id ?? null;
}

/** An asset its uploader or an admin asks for; anyone else is told 403, an unknown id 404. */
export async function assetForOwner(strapi: Core.Strapi, caller: Caller, assetId: string): Promise<VideoAssetRow> {
  const asset = ASSET_ID.test(assetId) ? await assetByPublicId(strapi, assetId) : null;
  if (!asset) throw notFound('No video has this id');
  if (caller.role === 'admin') return asset;
  if (caller.userId === null || (await uploaderOf(strapi, asset.fileId)) !== caller.userId)
    throw forbidden('Only the uploader or staff may see this video', 'not_video_owner');
  return asset;
}

/** GET /videos/:assetId */
export async function videoAsset(strapi: Core.Strapi, caller: Caller, assetId: string): Promise<VideoAssetView> {
  return presentAsset(await assetForOwner(strapi, caller, assetId), caller.userId);
}

/** A failed conversion asked again (uploader or admin): queued as a new generation with its job. */
export async function retryConversion(strapi: Core.Strapi, caller: Caller, assetId: string): Promise<VideoAssetView> {
  const asset = await assetForOwner(strapi, caller, assetId);
  return presentAsset(await requeueConversion(strapi, asset), caller.userId);
}

/**
 * Queues a failed (or stuck queued) asset again as a new generation with its job, once whoever owns the rule let the
 * caller in (the uploader, or the staff of the lesson it plays in); a ready or converting asset is left as it is.
 */
export async function requeueConversion(strapi: Core.Strapi, asset: VideoAssetRow): Promise<VideoAssetRow> {
  const requeued = await strapi.db.transaction(async () => {
    const row = await requeueAssetRow(strapi, asset.id);
    if (row) await enqueueConversion(strapi, row);
    return row;
  });
  return requeued ?? asset;
}

/** The file a signed request names, or a refusal: 403 for a missing, tampered or expired signature. */
export async function signedOutput(
  strapi: Core.Strapi,
  assetId: string,
  name: string,
  query: Record<string, unknown>,
  now = Date.now()
): Promise<{ asset: VideoAssetRow; output: StoredOutput; signature: PlaybackSignature }> {
  if (!ASSET_ID.test(assetId) || !isValidSignature(assetId, query, now))
    throw forbidden('This video link is not valid or has expired', 'invalid_signature');
  // A valid signature on a name no conversion makes (a path, say) finds nothing.
  const asset = OUTPUT_NAME.test(name) ? await assetByPublicId(strapi, assetId) : null;
  const output = asset?.status === 'ready' ? asset.outputs[name] : undefined;
  if (!asset || !output) throw notFound('No such video file');
  return { asset, output, signature: { u: Number(query.u), e: Number(query.e), s: String(query.s) } };
}

/** A playlist with every URI signed like the playlist itself (players resolve them against the playlist's URL). */
export function signPlaylist(text: string, asset: VideoAssetRow, signature: PlaybackSignature): string {
  return text
    .split('\n')
    .map((line) => {
      const uri = line.trim();
      if (uri === '' || uri.startsWith('#')) return line;
      // Only names the conversion made; anything else is left out rather than served.
      return OUTPUT_NAME.test(uri) ? signedUrl(asset, uri, signature) : '';
    })
    .join('\n');
}

/** `bytes=a-b` against a size: the range to send, 'unsatisfiable', or null for the whole file. */
export function parseRange(header: unknown, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (typeof header !== 'string' || !header.startsWith('bytes=')) return null;
  const spec = header.slice('bytes='.length).trim();
  // One range only; several ranges (multipart answers) are answered with the whole file, which RFC 9110 allows.
  if (spec.includes(',')) return null;
  const match = /^(\d*)-(\d*)$/.exec(spec);
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(size - suffix, 0);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/**
 * Answers a signed request for a playlist, a segment or the poster. Playlists are rewritten with signed URIs.
 * Segments and the poster: from the local provider's file with range support (206, Content-Range); from a bucket, a
 * redirect to a short-lived presigned URL of the object (the bucket honours the range itself).
 */
export async function serveSignedOutput(strapi: Core.Strapi, ctx: any, assetId: string, name: string): Promise<void> {
  const { asset, output, signature } = await signedOutput(strapi, assetId, name, ctx.query ?? {});
  ctx.set('Cache-Control', 'private, max-age=60');
  if (name.endsWith('.m3u8')) {
    ctx.type = output.mime;
    ctx.body = signPlaylist(await readOutputText(strapi, output), asset, signature);
    return;
  }
  const local = localPathOf(strapi, output.url);
  if (!local) {
    ctx.redirect(await remoteUrlOf(strapi, output));
    return;
  }
  const { size } = await fs.stat(local).catch(() => {
    throw notFound('No such video file');
  });
  ctx.set('Accept-Ranges', 'bytes');
  ctx.type = output.mime;
  const range = parseRange(ctx.get('range'), size);
  if (range === 'unsatisfiable') {
    ctx.status = 416;
    ctx.set('Content-Range', `bytes */${size}`);
    ctx.body = '';
    return;
  }
  if (range) {
    ctx.status = 206;
    ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    ctx.length = range.end - range.start + 1;
    ctx.body = createReadStream(local, { start: range.start, end: range.end });
    return;
  }
  ctx.length = size;
  ctx.body = createReadStream(local);
}
