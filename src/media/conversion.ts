import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { defineJob, enqueue } from '../jobs';
import {
  FILE,
  claimAssetRow,
  deleteAssetRow,
  markAssetReady,
  markAssetUnconverted,
  queuedAssets,
  type VideoAssetRow,
} from './assets';
import { ToolError, conversionTimeoutMs, isFfmpegAvailable, runTool } from './ffmpeg';
import {
  OUTPUT_NAME,
  PROBE_ARGS,
  UnusableVideo,
  masterPlaylist,
  parseProbe,
  planRenditions,
  posterArgs,
  renditionArgs,
  renditionName,
  type ProbedVideo,
  type Rendition,
} from './hls';
import { deleteOutputs, publishOutputs, sourceOnDisk } from './storage';

/**
 * The conversion job (`media.convert-video`): one per asset generation, enqueued with the asset in the upload's
 * transaction. It probes the source, encodes each rendition to HLS in a temporary directory, takes the poster, writes
 * the master playlist, publishes everything through the upload provider under a fresh per-attempt prefix and only
 * then marks the asset ready (pointing at that prefix) and deletes the previous output. A retry (a worker that died,
 * a storage error) therefore never serves half an output. A file ffmpeg cannot read ends the asset `failed` with the
 * reason; that is not retried. Storage and other passing errors are retried (VIDEO_CONVERSION_ATTEMPTS, default 3).
 */

export interface ConvertVideo {
  assetId: number;
  generation: number;
}

const CONVERSION_ATTEMPTS = () => {
  const value = Number(process.env.VIDEO_CONVERSION_ATTEMPTS ?? 3);
  return Number.isInteger(value) && value > 0 ? value : 3;
};

export const convertVideoJob = defineJob<ConvertVideo>('media.convert-video', (strapi, payload) =>
  convertVideo(strapi, payload)
);

/** Records the conversion of an asset's generation (in the caller's transaction). */
export function enqueueConversion(strapi: Core.Strapi, asset: Pick<VideoAssetRow, 'id' | 'publicId' | 'generation'>) {
  return enqueue(
    strapi,
    convertVideoJob,
    { assetId: asset.id, generation: asset.generation },
    // A small number of attempts: a retry is a whole conversion, and the asset says failed after the last.
    { key: `${asset.publicId}:${asset.generation}`, maxAttempts: CONVERSION_ATTEMPTS() + 1 }
  );
}

/** The peak bit rate of a rendition: its largest segment's bits over that segment's duration. */
async function measuredBandwidth(dir: string, name: string, fallback: number): Promise<number> {
  const playlist = await fs.readFile(path.join(dir, `${name}.m3u8`), 'utf8');
  const lines = playlist.split('\n');
  let peak = 0;
  for (let index = 0; index < lines.length; index += 1) {
    const match = /^#EXTINF:([\d.]+)/.exec(lines[index]);
    const segment = lines[index + 1]?.trim();
    if (!match || !segment || !OUTPUT_NAME.test(segment)) continue;
    const seconds = Math.max(Number(match[1]), 0.5);
    const { size } = await fs.stat(path.join(dir, segment));
    peak = Math.max(peak, Math.ceil((size * 8) / seconds));
  }
  return peak > 0 ? peak : fallback;
}

async function encode(strapi: Core.Strapi, asset: VideoAssetRow, workDir: string) {
  const file = await strapi.db
    .query(FILE)
    .findOne({ where: { id: asset.fileId }, select: ['id', 'url', 'hash', 'ext', 'mime'] });
  if (!file) return null;
  const source = await sourceOnDisk(strapi, file, workDir);
  // ffmpeg sees a name Lyceum chose, never the uploaded file's name.
  const sourceName = 'source';
  if (path.dirname(source) !== workDir || path.basename(source) !== sourceName)
    await fs.symlink(source, path.join(workDir, sourceName));
  const timeoutMs = conversionTimeoutMs();
  let probed: ProbedVideo;
  try {
    probed = parseProbe((await runTool('ffprobe', PROBE_ARGS(sourceName), { cwd: workDir, timeoutMs })).stdout);
  } catch (error) {
    if (error instanceof ToolError) throw new UnusableVideo('the file could not be read as a video');
    throw error;
  }
  const renditions: Rendition[] = [];
  for (const plan of planRenditions(probed)) {
    await runTool('ffmpeg', renditionArgs(sourceName, plan, probed.hasAudio), { cwd: workDir, timeoutMs });
    const name = renditionName(plan.height);
    renditions.push({
      height: plan.height,
      width: plan.width,
      bandwidth: await measuredBandwidth(workDir, name, plan.videoBitrate + plan.audioBitrate),
    });
  }
  await runTool('ffmpeg', posterArgs(sourceName, probed), { cwd: workDir, timeoutMs });
  await fs.writeFile(path.join(workDir, 'master.m3u8'), masterPlaylist(renditions, probed.hasAudio));
  const names = (await fs.readdir(workDir)).filter((name) => OUTPUT_NAME.test(name)).sort();
  // A fresh prefix per attempt: objects of an earlier, unfinished attempt are never overwritten or served.
  const outputPrefix = `video_${asset.publicId}_${createId()}`;
  const outputs = await publishOutputs(strapi, workDir, outputPrefix, names);
  return { outputPrefix, outputs, durationSeconds: probed.durationSeconds, renditions };
}

export async function convertVideo(strapi: Core.Strapi, { assetId, generation }: ConvertVideo): Promise<void> {
  // Without ffmpeg the asset stays queued; the start-up sweep hands it to a job again once ffmpeg is installed.
  if (!isFfmpegAvailable()) {
    strapi.log.warn('media: ffmpeg is not installed: the video stays queued (README "Video")');
    return;
  }
  const asset = await claimAssetRow(strapi, {
    id: assetId,
    generation,
    now: Date.now(),
    holdMs: conversionTimeoutMs() * 4 + 60_000,
  });
  // Converted already, superseded by a newer generation, deleted, or being converted by a live worker.
  if (!asset) return;
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-video-'));
  try {
    const result = await encode(strapi, asset, workDir);
    if (!result) {
      // The file is gone (deleted, or its upload undone): so is its asset.
      await deleteAssetRow(strapi, asset.id);
      return;
    }
    const isCurrent = await markAssetReady(strapi, asset, { ...result, now: Date.now() });
    // The asset moved on (a replaced file) while this ran: this output is nobody's.
    if (!isCurrent) return deleteOutputs(strapi, result.outputs);
    await deleteOutputs(strapi, asset.outputs);
  } catch (error) {
    const isPermanent = error instanceof UnusableVideo || error instanceof ToolError;
    const isLastAttempt = asset.attempts >= CONVERSION_ATTEMPTS();
    const message =
      error instanceof UnusableVideo
        ? `Not a usable video: ${error.message}`
        : `Conversion failed: ${(error as Error).message}`;
    await markAssetUnconverted(strapi, asset, {
      status: isPermanent || isLastAttempt ? 'failed' : 'queued',
      error: message,
      now: Date.now(),
    });
    if (isPermanent || isLastAttempt) {
      strapi.log.warn(`media: video ${asset.publicId} failed: ${message}`);
      return;
    }
    throw error;
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

/**
 * At start-up on an instance with ffmpeg: gives every queued asset a job (those left queued where ffmpeg was absent,
 * or after a storage error). A second job for the same generation finds the asset claimed and does nothing.
 */
export async function sweepQueuedVideos(strapi: Core.Strapi): Promise<number> {
  if (!isFfmpegAvailable()) return 0;
  const queued = await queuedAssets(strapi);
  for (const asset of queued)
    await enqueue(strapi, convertVideoJob, { assetId: asset.id, generation: asset.generation });
  return queued.length;
}
