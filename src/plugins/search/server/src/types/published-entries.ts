import type { Core } from '@strapi/strapi';
import { tableOf } from '../../../../../database/tables';

/** Published entries of a draft-and-publish type, by documentId (what a full rebuild walks through). */
export async function publishedDocumentIds(
  strapi: Core.Strapi,
  uid: string,
  after: string | null,
  limit: number
): Promise<string[]> {
  const query = strapi.db
    .connection(tableOf(strapi, uid))
    .select('document_id')
    .whereNotNull('published_at')
    .orderBy('document_id')
    .limit(limit);
  if (after !== null) query.where('document_id', '>', after);
  return distinctDocumentIds(await query);
}

/**
 * The documentIds of rows read in documentId order, each once. The rows are read without DISTINCT, so the statement is
 * a walk of the documents index up to the LIMIT whatever the planner knows: on a table not yet analyzed (a restored
 * dump, a bulk load) PostgreSQL planned DISTINCT as a scan and sort of the whole table, 0.7-0.9 s a page at 2,000,000
 * lesson rows, against 2-4 ms for the walk. A page may then hold fewer documents than its limit (several locales of
 * one document), which the rebuild's paging by the last documentId allows.
 */
export const distinctDocumentIds = (rows: Array<{ document_id: string }>): string[] => [
  ...new Set(rows.map((row) => row.document_id)),
];

export async function countPublished(strapi: Core.Strapi, uid: string): Promise<number> {
  const [row] = await strapi.db
    .connection(tableOf(strapi, uid))
    .whereNotNull('published_at')
    .countDistinct({ count: 'document_id' });
  return Number((row as { count: number | string }).count);
}

export const epochOf = (value: unknown): number => {
  const time = value instanceof Date ? value.getTime() : new Date(String(value)).getTime();
  return Number.isFinite(time) ? time : 0;
};

export const priceClassOf = (price: unknown): 'free' | 'paid' => (Number(price ?? 0) > 0 ? 'paid' : 'free');
