import type { Core } from '@strapi/strapi';
import { contentTypes, errors, pagination } from '@strapi/utils';
import { restPageLimits } from '../access/listing';

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

/** What a plain article list asks for: the page and its order (REST `sort`, `pagination[page|pageSize]`, `locale`). */
export interface ArticlePageQuery {
  locale?: string;
  orderBy: Array<Record<string, 'asc' | 'desc'>>;
  pagination: { page?: string; pageSize?: string };
}

const SORTABLE_TYPES = new Set(['string', 'uid', 'integer', 'biginteger', 'float', 'decimal', 'date', 'datetime']);
const LIST_PARAMETERS = new Set(['sort', 'pagination', 'locale', 'status']);
const POSITIVE_NUMBER = /^[1-9]\d{0,5}$/;

/**
 * The list query when it has the plain shape a blog front page sends (no filters, fields or populate of its own; a
 * sort by plain fields; paged pagination within the REST limit; a supported locale), else undefined: every other
 * query keeps Strapi's own find.
 */
export function plainArticlePage(
  strapi: Core.Strapi,
  query: Record<string, unknown>,
  isSupportedLocale: (value: unknown) => boolean
): ArticlePageQuery | undefined {
  if (!Object.keys(query).every((name) => LIST_PARAMETERS.has(name))) return undefined;
  if (query.status !== undefined && query.status !== 'published') return undefined;
  if (query.locale !== undefined && !isSupportedLocale(query.locale)) return undefined;

  const paging = query.pagination ?? {};
  if (typeof paging !== 'object' || paging === null || Array.isArray(paging)) return undefined;
  const maxLimit = restPageLimits(strapi).maxPageSize ?? Infinity;
  for (const [name, value] of Object.entries(paging)) {
    if (!['page', 'pageSize'].includes(name) || typeof value !== 'string' || !POSITIVE_NUMBER.test(value))
      return undefined;
    if (name === 'pageSize' && Number(value) > maxLimit) return undefined;
  }

  const sorts = query.sort === undefined ? [] : Array.isArray(query.sort) ? query.sort : [query.sort];
  const model = strapi.getModel(ARTICLE);
  const orderBy: ArticlePageQuery['orderBy'] = [];
  for (const sort of sorts) {
    if (typeof sort !== 'string') return undefined;
    const match = /^([A-Za-z][A-Za-z0-9_]*)(?::(asc|desc))?$/.exec(sort);
    if (!match) return undefined;
    const [, field, order = 'asc'] = match;
    const attribute = (model.attributes as Record<string, { type: string }>)[field];
    if (
      field !== 'id' &&
      (!attribute || !SORTABLE_TYPES.has(attribute.type) || contentTypes.isPrivateAttribute(model, field))
    )
      return undefined;
    orderBy.push({ [field]: order as 'asc' | 'desc' });
  }
  return {
    ...(query.locale === undefined ? {} : { locale: query.locale as string }),
    orderBy,
    pagination: paging as ArticlePageQuery['pagination'],
  };
}

/** The rows a page covers, as Strapi's REST find works them out from `pagination` and the REST limits. */
export function articlePageWindow(strapi: Core.Strapi, query: ArticlePageQuery): { start: number; limit: number } {
  const limits = restPageLimits(strapi);
  const { defaultLimit, maxLimit } = { defaultLimit: limits.defaultPageSize, maxLimit: limits.maxPageSize ?? -1 };
  return pagination.withDefaultPagination(query.pagination as never, {
    defaults: { offset: { limit: defaultLimit }, page: { pageSize: defaultLimit } },
    maxLimit,
  }) as { start: number; limit: number };
}

/** Pagination meta of a page, as Strapi's REST find answers it. */
export const articlePageMeta = (window: { start: number; limit: number }, total: number) =>
  pagination.transformPagedPaginationInfo(window, total);
