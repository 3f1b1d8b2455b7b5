import { plainText } from '../rules/text';
import type { SearchDocument, SearchType } from '../search-types';
import { countPublished, epochOf, publishedDocumentIds } from './published-entries';

const ARTICLE = 'api::article.article';
const ARTICLE_CATEGORY = 'api::article-category.article-category';

interface ArticleRow {
  documentId: string;
  locale: string;
  title: string;
  slug: string | null;
  excerpt: string | null;
  body: string | null;
  publishedAt: Date | string;
  category?: { slug: string | null } | null;
}

/** Published blog articles: title, excerpt and body (as plain text); category facet from the article category. */
export const articleSearch: SearchType = {
  type: 'article',
  uid: ARTICLE,
  async load(strapi, documentIds) {
    if (documentIds.length === 0) return [];
    const articles = (await strapi.db.query(ARTICLE).findMany({
      where: { documentId: { $in: documentIds }, publishedAt: { $notNull: true } },
      select: ['documentId', 'locale', 'title', 'slug', 'excerpt', 'body', 'publishedAt'],
      populate: { category: { select: ['slug'] } },
    })) as ArticleRow[];
    return articles.map((article): SearchDocument => ({
      type: 'article',
      documentId: article.documentId,
      locale: article.locale,
      title: article.title,
      body: [plainText(article.excerpt), plainText(article.body)].filter(Boolean).join(' '),
      url: `/articles/${encodeURIComponent(article.slug ?? article.documentId)}`,
      category: article.category?.slug ?? null,
      level: null,
      price: null,
      courseDocumentId: null,
      publishedAt: epochOf(article.publishedAt),
    }));
  },
  candidates: (strapi, after, limit) => publishedDocumentIds(strapi, ARTICLE, after, limit),
  countCandidates: (strapi) => countPublished(strapi, ARTICLE),
  follows: [
    {
      uid: ARTICLE_CATEGORY,
      async documentIds(strapi, categoryDocumentId) {
        const rows = await strapi.db.query(ARTICLE).findMany({
          where: { category: { documentId: categoryDocumentId } },
          select: ['documentId'],
        });
        return [...new Set(rows.map((row: { documentId: string }) => row.documentId))];
      },
    },
  ],
};
