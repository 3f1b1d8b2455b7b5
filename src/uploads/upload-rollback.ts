import { AsyncLocalStorage } from 'async_hooks';
import type { Core } from '@strapi/strapi';

/**
 * An upload is all or nothing: when it fails half-way (the storage refuses the second file or a thumbnail, the
 * database refuses the row after the bytes were stored, or anything after Strapi's upload fails, such as recording
 * the uploader), every file it stored is deleted from the storage and every row it wrote is deleted. Strapi's
 * upload service (@strapi/upload services/upload.js, `uploadFileAndPersist`) stores the bytes first and writes the
 * row after, each file on its own, and undoes nothing: a failure leaves stored files without rows, and the rows of
 * the files before the failing one.
 *
 * What an attempt stored is collected per request through AsyncLocalStorage: the provider service's `upload`
 * records each file (with its `hash`, the key of both the stored object and the row) before it writes it, so a
 * write that fails part-way is deleted too. Wired in src/extensions/upload/strapi-server.ts.
 */
export interface StoredFile {
  hash: string;
  ext?: string;
  url?: string;
  path?: string;
  [key: string]: unknown;
}

interface UploadAttempt {
  stored: StoredFile[];
}

const attempts = new AsyncLocalStorage<UploadAttempt>();
const FILE = 'plugin::upload.file';

/** Called by the provider service before it stores a file: remembered by the attempt running now, if any. */
export function rememberStoredFile(file: StoredFile): void {
  attempts.getStore()?.stored.push(file);
}

/**
 * Runs `upload`; if it throws, deletes what it stored and wrote, then throws the same error. Nested attempts (the
 * controller's around the service's) are one attempt: the outermost undoes everything.
 */
export async function uploadAllOrNothing<Result>(strapi: Core.Strapi, upload: () => Promise<Result>): Promise<Result> {
  if (attempts.getStore()) return upload();
  const attempt: UploadAttempt = { stored: [] };
  try {
    return await attempts.run(attempt, upload);
  } catch (error) {
    await undo(strapi, attempt.stored);
    throw error;
  }
}

async function undo(strapi: Core.Strapi, stored: StoredFile[]): Promise<void> {
  const provider = strapi.plugin('upload').provider as { delete(file: StoredFile): unknown };
  for (const file of stored) {
    try {
      await provider.delete(file);
    } catch (error) {
      // Never stored (the write failed before the object existed), or the storage is what failed: nothing more to
      // do here than say so.
      strapi.log.warn(`upload: could not delete ${file.hash}${file.ext ?? ''} after a failed upload: ${String(error)}`);
    }
  }
  const hashes = [...new Set(stored.map((file) => file.hash).filter(Boolean))];
  if (hashes.length === 0) return;
  try {
    const rows: Array<{ id: number }> = await strapi.db
      .query(FILE)
      .findMany({ where: { hash: { $in: hashes } }, select: ['id'] });
    // One by one: a row's links (its uploader, its folder) go with it only through `delete`.
    for (const row of rows) await strapi.db.query(FILE).delete({ where: { id: row.id } });
  } catch (error) {
    strapi.log.warn(`upload: could not delete the rows of a failed upload (${hashes.join(', ')}): ${String(error)}`);
  }
}
