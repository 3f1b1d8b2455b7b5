import type { Core } from '@strapi/strapi';
import { FILE, assetOfFile, deleteAssetRow, isVideoMime, upsertAssetRow } from './assets';
import { enqueueConversion } from './conversion';
import { deleteOutputs } from './storage';

/**
 * Every video file gets its asset, whichever route stored it (REST `POST /upload`, GraphQL, the admin panel's media
 * library, a resumable upload, the demo seed): the hooks sit on the upload file's rows themselves. A new or replaced
 * video is queued and its conversion recorded in the same transaction as the asset; a deleted file takes its asset
 * and the converted output with it.
 */
interface FileRow {
  id?: number;
  hash?: string;
  mime?: string;
}

type FileEvent = { result?: FileRow | FileRow[] | null };

async function queueIfVideo(strapi: Core.Strapi, file: FileRow | null | undefined): Promise<void> {
  if (!file || typeof file.id !== 'number' || !file.hash || !isVideoMime(file.mime)) return;
  const id = file.id;
  const hash = file.hash;
  await strapi.db.transaction(async () => {
    const { asset, isDue } = await upsertAssetRow(strapi, { id, hash });
    if (isDue) await enqueueConversion(strapi, asset);
  });
}

async function forgetFile(strapi: Core.Strapi, file: FileRow | null | undefined): Promise<void> {
  if (!file || typeof file.id !== 'number') return;
  const asset = await assetOfFile(strapi, file.id);
  if (!asset) return;
  await deleteAssetRow(strapi, asset.id);
  await deleteOutputs(strapi, asset.outputs);
}

export function createAssetsForUploadedVideos(strapi: Core.Strapi): void {
  strapi.db.lifecycles.subscribe({
    models: [FILE],
    async afterCreate(event: FileEvent) {
      await queueIfVideo(strapi, event.result as FileRow);
    },
    async afterUpdate(event: FileEvent) {
      await queueIfVideo(strapi, event.result as FileRow);
    },
    async afterDelete(event: FileEvent) {
      await forgetFile(strapi, event.result as FileRow);
    },
  });
}
