import type { Core } from '@strapi/strapi';
import { readSearchRequest, readSuggestRequest } from '../rules/search-request';
import { searchTypeNames } from '../search-types';
import type searchService from '../services/search';

const search = (strapi: Core.Strapi) => strapi.plugin('search').service('search') as ReturnType<typeof searchService>;

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /search?q&type&locale&category&level&price&ratingMin&sort&pagination[page]&pagination[pageSize] (public) */
  async search(ctx: any) {
    const request = readSearchRequest(ctx.query, searchTypeNames());
    const { hits, total, facets, capped } = await search(strapi).search(request);
    // Past the cap of ranked hits (SEARCH_MAX_HITS) the total and the facets count only those: said, never hidden.
    // Below it the answer has exactly the contract's fields.
    const lowerBound = capped ? { totalIsLowerBound: true } : {};
    ctx.body = {
      data: hits.map(({ type, documentId, locale, title, snippet, score, url }) => ({
        type,
        documentId,
        locale,
        title,
        snippet,
        score,
        url,
      })),
      meta: {
        pagination: {
          page: request.page,
          pageSize: request.pageSize,
          pageCount: Math.ceil(total / request.pageSize),
          total,
          ...lowerBound,
        },
        facets,
        ...(capped ? { facetsAreLowerBounds: true } : {}),
      },
    };
  },

  /** GET /search/suggest?q&type&locale (public) */
  async suggest(ctx: any) {
    const request = readSuggestRequest(ctx.query, searchTypeNames());
    ctx.body = { data: await search(strapi).suggest(request), meta: {} };
  },
});
