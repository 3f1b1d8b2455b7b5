import type { Core } from '@strapi/strapi';
import { tableOf } from '../../../../../database/tables';
import { plainText } from '../rules/text';
import type { SearchDocument, SearchType } from '../search-types';
import { distinctDocumentIds, epochOf } from './published-entries';

const POST = 'api::post.post';

/**
 * A post has no locale (a user writes in whatever language they write): its one document is stored under this
 * locale, which every `locale` filter also takes (services/search.ts), and its hit says `locale: null`.
 */
export const ANY_LOCALE = '';

interface PostRow {
  documentId: string;
  title: string;
  body: string | null;
  postedAt: Date | string | null;
}

/**
 * Only what anyone may see (CONTRACT "Social learning"): a published (not draft), not hidden, public post. A
 * followers-only post, a draft or a hidden one gives no document, so no search, suggestion or facet can reveal it.
 * The same condition in SQL for the rebuild's walk.
 */
const visibleWhere = { isDraft: false, hiddenAt: { $null: true }, visibility: 'public' } as const;

const visibleRows = (strapi: Core.Strapi) =>
  strapi.db
    .connection(tableOf(strapi, POST))
    .where('is_draft', false)
    .whereNull('hidden_at')
    .where('visibility', 'public');

/** Public posts: title and body (as plain text); no facet but `type`. */
export const postSearch: SearchType = {
  type: 'post',
  uid: POST,
  async load(strapi, documentIds) {
    if (documentIds.length === 0) return [];
    const posts = (await strapi.db.query(POST).findMany({
      where: { documentId: { $in: documentIds }, ...visibleWhere },
      select: ['documentId', 'title', 'body', 'postedAt'],
    })) as PostRow[];
    return posts.map((post): SearchDocument => ({
      type: 'post',
      documentId: post.documentId,
      locale: ANY_LOCALE,
      title: post.title,
      body: plainText(post.body),
      url: `/posts/${encodeURIComponent(post.documentId)}`,
      category: null,
      level: null,
      price: null,
      courseDocumentId: null,
      publishedAt: epochOf(post.postedAt),
    }));
  },
  async candidates(strapi, after, limit) {
    const query = visibleRows(strapi).select('document_id').orderBy('document_id').limit(limit);
    if (after !== null) query.where('document_id', '>', after);
    return distinctDocumentIds(await query);
  },
  async countCandidates(strapi) {
    const [row] = await visibleRows(strapi).countDistinct({ count: 'document_id' });
    return Number((row as { count: number | string }).count);
  },
};
