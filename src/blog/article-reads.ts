import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

const ARTICLE = 'api::article.article';

/** What a reader of one article needs on the page: its SEO block and share image, author, cover, category, tags. */
export const ARTICLE_POPULATE = {
  cover: true,
  category: true,
  tags: true,
  author: { populate: { avatar: true } },
  seo: { populate: { shareImage: true } },
} as const;

type Article = Record<string, unknown> & {
  documentId: string;
  tags?: Array<{ documentId: string }>;
  publishedAt?: string;
};

/** The published article with this slug in this locale, or 404. */
export async function findPublishedBySlug(strapi: Core.Strapi, slug: string, locale: string): Promise<Article> {
  const article = await strapi.documents(ARTICLE).findFirst({
    locale,
    status: 'published',
    filters: { slug } as never,
    populate: ARTICLE_POPULATE as never,
  });
  if (!article) throw new errors.NotFoundError('No published article with this slug in this locale');
  return article as unknown as Article;
}

/** Orders candidates by tags shared with the source, most first; ties go to the newer publication. */
export function rankBySharedTags<T extends { tags?: Array<{ documentId: string }>; publishedAt?: unknown }>(
  sourceTagIds: readonly string[],
  candidates: T[]
): Array<T & { sharedTags: number }> {
  const wanted = new Set(sourceTagIds);
  return candidates
    .map((candidate) => ({
      ...candidate,
      sharedTags: (candidate.tags ?? []).filter((tag) => wanted.has(tag.documentId)).length,
    }))
    .filter((candidate) => candidate.sharedTags > 0)
    .sort(
      (a, b) => b.sharedTags - a.sharedTags || String(b.publishedAt ?? '').localeCompare(String(a.publishedAt ?? ''))
    );
}

/** Published articles of the same locale sharing tags with a published article, itself excluded; 404 if it is not published. */
export async function findRelated(strapi: Core.Strapi, documentId: string, locale: string, limit: number) {
  const source = await strapi.documents(ARTICLE).findOne({
    documentId,
    locale,
    status: 'published',
    fields: ['documentId'] as never,
    populate: { tags: { fields: ['documentId'] } } as never,
  });
  if (!source) throw new errors.NotFoundError('No published article with this id in this locale');
  const tagIds = ((source as unknown as Article).tags ?? []).map((tag) => tag.documentId);
  if (tagIds.length === 0) return [];
  const candidates = await strapi.documents(ARTICLE).findMany({
    locale,
    status: 'published',
    filters: { documentId: { $ne: documentId }, tags: { documentId: { $in: tagIds } } } as never,
    populate: ARTICLE_POPULATE as never,
  });
  return rankBySharedTags(tagIds, candidates as unknown as Article[]).slice(0, limit);
}
