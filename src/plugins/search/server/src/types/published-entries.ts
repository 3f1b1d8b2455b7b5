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
    .distinct('document_id')
    .whereNotNull('published_at')
    .orderBy('document_id')
    .limit(limit);
  if (after !== null) query.where('document_id', '>', after);
  return (await query).map((row: { document_id: string }) => row.document_id);
}

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
