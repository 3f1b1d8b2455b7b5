import type { Core } from '@strapi/strapi';
import { defineJob, enqueue } from '../../../../jobs';
import { analyzeContent, clearIndex, replaceDocuments, settleIndex } from './index-store';
import { searchTypes, watchedUids, type SearchType } from './search-types';

/**
 * The index follows writes through a durable job (CONTRACT "Operations": search indexing is a side effect): a write
 * to an indexed content type records `search.index` in the write's own transaction, and the job makes the index
 * documents of what that write touched again from their current state. Idempotent, so a retry or a second delivery
 * changes nothing; a crash between the write and the job loses nothing.
 */

export interface ContentWritten {
  uid: string;
  documentId: string;
}

/** Makes the documents of these entries of one kind again. */
export async function indexEntries(strapi: Core.Strapi, kind: SearchType, documentIds: string[]): Promise<void> {
  const unique = [...new Set(documentIds)];
  if (unique.length === 0) return;
  await replaceDocuments(strapi, kind.type, unique, (documentIds) => kind.load(strapi, documentIds));
}

export const indexWrittenContent = defineJob<ContentWritten>('search.index', async (strapi, { uid, documentId }) => {
  for (const kind of searchTypes()) {
    if (kind.uid === uid) await indexEntries(strapi, kind, [documentId]);
    for (const follow of kind.follows ?? []) {
      if (follow.uid === uid) await indexEntries(strapi, kind, await follow.documentIds(strapi, documentId));
    }
  }
});

/**
 * For a write made past the document service (a fixed statement that changes what is visible, such as hiding a post
 * in moderation): records the same `search.index` job, in the caller's transaction when there is one, so the entry's
 * documents are made again from its state after the commit.
 */
export async function indexAfterWrite(strapi: Core.Strapi, uid: string, documentId: string): Promise<void> {
  if (!watchedUids().has(uid)) return;
  await enqueue(strapi, indexWrittenContent, { uid, documentId });
}

/** Document-service actions that can change what is visible or what it says. */
const WRITES = new Set(['create', 'update', 'delete', 'publish', 'unpublish', 'discardDraft', 'clone']);

/**
 * Records the job in the write's transaction (joining the caller's, when there is one). Writes made by fixed
 * statements (counters, ratings) bypass it: search reads those figures live from the course.
 */
export function followWrites(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (!WRITES.has(context.action) || !watchedUids().has(context.uid)) return next();
    return strapi.db.transaction(async () => {
      const result = await next();
      const written = result as { documentId?: string; entries?: Array<{ documentId?: string }> } | null;
      const params = context.params as { documentId?: string } | undefined;
      const documentId = params?.documentId ?? written?.documentId ?? written?.entries?.[0]?.documentId;
      if (documentId) await enqueue(strapi, indexWrittenContent, { uid: context.uid, documentId });
      return result;
    });
  });
}

export interface RebuildProgress {
  type: string;
  done: number;
  total: number;
}

/** Empties the index and makes every visible document again (`npm run search:reindex`, the bench's seed). */
export async function rebuildIndex(
  strapi: Core.Strapi,
  onProgress: (progress: RebuildProgress) => void = () => {},
  pageSize = 500
): Promise<Record<string, number>> {
  await analyzeContent(strapi);
  await clearIndex(strapi);
  const indexed: Record<string, number> = {};
  for (const kind of searchTypes()) {
    const total = await kind.countCandidates(strapi);
    let done = 0;
    let after: string | null = null;
    indexed[kind.type] = 0;
    onProgress({ type: kind.type, done, total });
    for (;;) {
      const documentIds = await kind.candidates(strapi, after, pageSize);
      if (documentIds.length === 0) break;
      indexed[kind.type] += await replaceDocuments(strapi, kind.type, documentIds, (ids) => kind.load(strapi, ids));
      done += documentIds.length;
      after = documentIds[documentIds.length - 1];
      onProgress({ type: kind.type, done: Math.min(done, total), total });
    }
  }
  await settleIndex(strapi);
  return indexed;
}
