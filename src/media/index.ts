import type { Core } from '@strapi/strapi';
import { ensureVideoAssetsTable } from './assets';
import { sweepQueuedVideos } from './conversion';
import { isFfmpegAvailable } from './ffmpeg';
import { createAssetsForUploadedVideos } from './upload-hooks';

/**
 * Video (contract "Media"): an asset per uploaded video, converted to HLS by a job, played through signed URLs. What
 * the rest of Lyceum calls (lessons here; posts and tutors' intro videos later): `playbackForFile` once the owner's
 * own rule has let the caller in, `videoAsset` and `retryConversion` for the uploader and staff, `assetOfFile` for an
 * admin view. README "Video" has the whole story.
 */
import { assetOfFile, assetsOfFiles } from './assets';
export { assetOfFile, assetsOfFiles };
export type { VideoAssetRow, VideoStatus } from './assets';
export { enqueueConversion, sweepQueuedVideos } from './conversion';
export { isFfmpegAvailable } from './ffmpeg';
export {
  ASSET_ID,
  assetOfVideoFile,
  playbackForEntryVideo,
  playbackForFile,
  playbackOf,
  presentAsset,
  requeueConversion,
  retryConversion,
  serveSignedOutput,
  videoAsset,
  type VideoAssetView,
  type VideoPlayback,
} from './playback';

/** In bootstrap: the table, the hooks on upload rows, and queued videos handed to jobs where ffmpeg is installed. */
export async function startMedia(strapi: Core.Strapi): Promise<void> {
  await ensureVideoAssetsTable(strapi);
  createAssetsForUploadedVideos(strapi);
}

/** After the jobs started: videos left queued (no ffmpeg before, a storage error) get their jobs. */
export async function resumeQueuedVideos(strapi: Core.Strapi): Promise<void> {
  if (!isFfmpegAvailable()) {
    strapi.log.warn('media: ffmpeg/ffprobe not found: uploaded videos stay queued until they are installed');
    return;
  }
  const count = await sweepQueuedVideos(strapi);
  if (count > 0) strapi.log.info(`media: ${count} queued video(s) handed to conversion jobs`);
}

/** What /_ready says about video conversion (informational: the instance serves without it). */
export const videoReadiness = (): 'ok' | 'ffmpeg_missing' => (isFfmpegAvailable() ? 'ok' : 'ffmpeg_missing');

/** Adds `videoAsset: { id, status }` to each uploaded video in an upload answer (files as Strapi returns them). */
export async function describeVideoAssets(strapi: Core.Strapi, body: unknown): Promise<void> {
  const files = (Array.isArray(body) ? body : body ? [body] : []) as Array<Record<string, unknown>>;
  for (const file of files) {
    if (typeof file?.id !== 'number' || typeof file.mime !== 'string' || !file.mime.startsWith('video/')) continue;
    const asset = await assetOfFile(strapi, file.id);
    if (asset) file.videoAsset = { id: asset.publicId, status: asset.status };
  }
}
