import type { Core } from '@strapi/strapi';
import type searchService from './services/search';

/** The most hits `findDocumentIds` answers: a filtered list over search takes its best hits, not all of them. */
export const FIND_DOCUMENTS_MAX = 500;

/**
 * The documentIds of one kind that match `q`, best first (the same matching and ranking as `GET /search`): for a
 * plugin whose own list takes a `q` (the tutor list) and filters and pages the hits itself.
 */
export async function findDocumentIds(
  strapi: Core.Strapi,
  request: { q: string; type: string; limit?: number }
): Promise<string[]> {
  const search = strapi.plugin('search').service('search') as ReturnType<typeof searchService>;
  const answer = await search.search({
    q: request.q,
    types: [request.type],
    locale: null,
    category: null,
    level: null,
    price: null,
    ratingMin: null,
    sort: 'relevance',
    page: 1,
    pageSize: Math.min(request.limit ?? FIND_DOCUMENTS_MAX, FIND_DOCUMENTS_MAX),
  });
  return [...new Set(answer.hits.map((hit) => hit.documentId))];
}
