import path from 'path';
import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { runSql } from '../access/raw-sql';
import { mediaLinkOf, ownTableLocation, ownTableOf } from '../database/tables';
import type { Rendition } from './hls';
import type { StoredOutputs } from './storage';

/**
 * Video assets (contract "Media"): one row per uploaded video file in `lyceum_video_assets`
 * (database/migrations/lib/video-assets-table.js), whichever route stored the file. The statements on that table live
 * here; the conversion job (conversion.ts) moves a row queued → processing → ready | failed.
 */
export const VIDEO_ASSETS_TABLE = 'lyceum_video_assets';
export const FILE = 'plugin::upload.file';

export type VideoStatus = 'queued' | 'processing' | 'ready' | 'failed';

export interface VideoAssetRow {
  id: number;
  publicId: string;
  fileId: number;
  sourceHash: string;
  status: VideoStatus;
  generation: number;
  attempts: number;
  processingUntil: number | null;
  outputPrefix: string | null;
  outputs: StoredOutputs;
  durationSeconds: number | null;
  renditions: Rendition[];
  error: string | null;
}

interface RawRow {
  id: unknown;
  public_id: string;
  file_id: unknown;
  source_hash: string;
  status: VideoStatus;
  generation: unknown;
  attempts: unknown;
  processing_until: unknown;
  output_prefix: string | null;
  outputs: string | null;
  duration_seconds: unknown;
  renditions: string | null;
  error: string | null;
}

export const assetsTable = (strapi: Core.Strapi) => ownTableOf(strapi, VIDEO_ASSETS_TABLE);

const parsed = <T>(text: string | null, fallback: T): T => {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

export function assetFromRow(row: RawRow): VideoAssetRow {
  return {
    id: Number(row.id),
    publicId: row.public_id,
    fileId: Number(row.file_id),
    sourceHash: row.source_hash,
    status: row.status,
    generation: Number(row.generation),
    attempts: Number(row.attempts),
    processingUntil: row.processing_until === null ? null : Number(row.processing_until),
    outputPrefix: row.output_prefix,
    outputs: parsed<StoredOutputs>(row.outputs, {}),
    durationSeconds: row.duration_seconds === null ? null : Number(row.duration_seconds),
    renditions: parsed<Rendition[]>(row.renditions, []),
    error: row.error,
  };
}

export const isVideoMime = (mime: unknown): boolean => typeof mime === 'string' && mime.startsWith('video/');

async function selectOne(strapi: Core.Strapi, where: string, value: unknown): Promise<VideoAssetRow | null> {
  const { rows } = await runSql<RawRow>(strapi, `SELECT * FROM ?? WHERE ${where} = ?`, [assetsTable(strapi), value]);
  return rows[0] ? assetFromRow(rows[0]) : null;
}

export const assetById = (strapi: Core.Strapi, id: number) => selectOne(strapi, 'id', id);
export const assetByPublicId = (strapi: Core.Strapi, publicId: string) => selectOne(strapi, 'public_id', publicId);
export const assetOfFile = (strapi: Core.Strapi, fileId: number) => selectOne(strapi, 'file_id', fileId);

/**
 * The first file in an entry's media field with its asset (null when it has none yet), in one statement; null when
 * the field is empty. For the playback routes, where the query engine's population cost more than the reads.
 */
export async function fieldVideoOf(
  strapi: Core.Strapi,
  entryUid: string,
  entryId: number,
  field: string
): Promise<{ fileId: number; asset: VideoAssetRow | null } | null> {
  const link = mediaLinkOf(strapi);
  const { rows } = await runSql<RawRow & { linked_file_id: unknown }>(
    strapi,
    `SELECT l.?? AS linked_file_id, a.* FROM ?? l LEFT JOIN ?? a ON a.file_id = l.??
     WHERE l.?? = ? AND l.?? = ? AND l.?? = ? ORDER BY l.?? LIMIT 1`,
    [
      link.fileColumn,
      link.table,
      assetsTable(strapi),
      link.fileColumn,
      link.entryIdColumn,
      entryId,
      link.entryTypeColumn,
      entryUid,
      link.fieldColumn,
      field,
      link.orderColumn,
    ]
  );
  const row = rows[0];
  if (!row) return null;
  return { fileId: Number(row.linked_file_id), asset: row.id === null ? null : assetFromRow(row) };
}

/** The assets of these files, by file id (one statement, for lists: a page of posts with their videos). */
export async function assetsOfFiles(
  strapi: Core.Strapi,
  fileIds: readonly number[]
): Promise<Map<number, VideoAssetRow>> {
  const ids = [...new Set(fileIds.filter((id) => Number.isSafeInteger(id)))];
  if (!ids.length) return new Map();
  const { rows } = await runSql<RawRow>(
    strapi,
    `SELECT * FROM ?? WHERE file_id IN (${ids.map(() => '?').join(', ')})`,
    [assetsTable(strapi), ...ids]
  );
  return new Map(rows.map((row) => [Number(row.file_id), assetFromRow(row)]));
}

/**
 * Inserts the asset of a video file (queued), or, for a file whose stored bytes changed (a replaced file), queues it
 * again as a new generation. Returns the row and whether a conversion is now due. Runs in the caller's transaction.
 */
export async function upsertAssetRow(
  strapi: Core.Strapi,
  file: { id: number; hash: string },
  now = Date.now()
): Promise<{ asset: VideoAssetRow; isDue: boolean }> {
  const existing = await assetOfFile(strapi, file.id);
  if (existing) {
    if (existing.sourceHash === file.hash) return { asset: existing, isDue: false };
    const { rows } = await runSql<RawRow>(
      strapi,
      `UPDATE ?? SET source_hash = ?, status = 'queued', generation = generation + 1, attempts = 0, error = NULL,
       processing_until = NULL, updated_at = ? WHERE id = ? RETURNING *`,
      [assetsTable(strapi), file.hash, now, existing.id]
    );
    return { asset: assetFromRow(rows[0]), isDue: true };
  }
  // Two writes of one file at once (an upload and its lifecycle retried): the unique file_id keeps one row.
  const { rows } = await runSql<RawRow>(
    strapi,
    `INSERT INTO ?? (public_id, file_id, source_hash, status, generation, attempts, created_at, updated_at)
     VALUES (?, ?, ?, 'queued', 1, 0, ?, ?) ON CONFLICT (file_id) DO NOTHING RETURNING *`,
    [assetsTable(strapi), createId(), file.id, file.hash, now, now]
  );
  if (rows[0]) return { asset: assetFromRow(rows[0]), isDue: true };
  return { asset: (await assetOfFile(strapi, file.id))!, isDue: false };
}

/** A failed (or stuck queued) asset asked to convert again: a new generation. Null when it is converting or ready. */
export async function requeueAssetRow(
  strapi: Core.Strapi,
  id: number,
  now = Date.now()
): Promise<VideoAssetRow | null> {
  const { rows } = await runSql<RawRow>(
    strapi,
    `UPDATE ?? SET status = 'queued', generation = generation + 1, attempts = 0, error = NULL, processing_until = NULL,
     updated_at = ? WHERE id = ? AND status IN ('failed', 'queued') RETURNING *`,
    [assetsTable(strapi), now, id]
  );
  return rows[0] ? assetFromRow(rows[0]) : null;
}

/**
 * Takes a queued asset of this generation for conversion (or one whose converting worker died: its hold ran out).
 * One conditional UPDATE, so two workers never convert one generation at once.
 */
export async function claimAssetRow(
  strapi: Core.Strapi,
  claim: { id: number; generation: number; now: number; holdMs: number }
): Promise<VideoAssetRow | null> {
  const { rows } = await runSql<RawRow>(
    strapi,
    `UPDATE ?? SET status = 'processing', attempts = attempts + 1, processing_until = ?, updated_at = ?
     WHERE id = ? AND generation = ? AND (status = 'queued' OR (status = 'processing' AND processing_until < ?))
     RETURNING *`,
    [assetsTable(strapi), claim.now + claim.holdMs, claim.now, claim.id, claim.generation, claim.now]
  );
  return rows[0] ? assetFromRow(rows[0]) : null;
}

/** The conversion's result, written only if the asset is still this generation's and processing. */
export async function markAssetReady(
  strapi: Core.Strapi,
  asset: { id: number; generation: number },
  result: {
    outputPrefix: string;
    outputs: StoredOutputs;
    durationSeconds: number;
    renditions: Rendition[];
    now: number;
  }
): Promise<boolean> {
  const { count } = await runSql(
    strapi,
    `UPDATE ?? SET status = 'ready', output_prefix = ?, outputs = ?, duration_seconds = ?, renditions = ?, error = NULL,
     processing_until = NULL, ready_at = ?, updated_at = ? WHERE id = ? AND generation = ? AND status = 'processing'`,
    [
      assetsTable(strapi),
      result.outputPrefix,
      JSON.stringify(result.outputs),
      result.durationSeconds,
      JSON.stringify(result.renditions),
      result.now,
      result.now,
      asset.id,
      asset.generation,
    ]
  );
  return count > 0;
}

/** Ends a conversion attempt without output: failed for good, or back to queued for another attempt. */
export async function markAssetUnconverted(
  strapi: Core.Strapi,
  asset: { id: number; generation: number },
  outcome: { status: 'failed' | 'queued'; error: string; now: number }
): Promise<void> {
  await runSql(
    strapi,
    `UPDATE ?? SET status = ?, error = ?, processing_until = NULL, updated_at = ?
     WHERE id = ? AND generation = ? AND status = 'processing'`,
    [assetsTable(strapi), outcome.status, outcome.error.slice(0, 2000), outcome.now, asset.id, asset.generation]
  );
}

export async function deleteAssetRow(strapi: Core.Strapi, id: number): Promise<void> {
  await runSql(strapi, 'DELETE FROM ?? WHERE id = ?', [assetsTable(strapi), id]);
}

/** Queued assets (for the start-up sweep that hands them to the conversion job once ffmpeg is there). */
export async function queuedAssets(strapi: Core.Strapi, limit = 500): Promise<VideoAssetRow[]> {
  const { rows } = await runSql<RawRow>(strapi, `SELECT * FROM ?? WHERE status = 'queued' ORDER BY id LIMIT ?`, [
    assetsTable(strapi),
    limit,
  ]);
  return rows.map(assetFromRow);
}

/** At start-up: makes sure of the assets table (the migration creates it too). */
export async function ensureVideoAssetsTable(strapi: Core.Strapi): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createVideoAssetsTable } = require(
    path.join(strapi.dirs.app.root, 'database', 'migrations', 'lib', 'video-assets-table.js')
  ) as { createVideoAssetsTable: (knex: unknown, schema: string | null) => Promise<void> };
  await createVideoAssetsTable(strapi.db.connection, ownTableLocation(strapi.db, VIDEO_ASSETS_TABLE).schema);
}
