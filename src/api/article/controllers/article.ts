import { factories } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { documentIdParam } from '../../../access/params';
import { mayFind } from '../../../access/populate';
import { readPublishedOnly } from '../../../access/publication';
import { callerFrom } from '../../../access/roles';
import { DEFAULT_LOCALE, SUPPORTED_LOCALES, isSupportedLocale, supportedLocaleParam } from '../../../content/locales';
import { readArticleList } from '../../../blog/article-list-read';
import {
  ARTICLE_POPULATE,
  articlePageMeta,
  articlePageWindow,
  findPublishedBySlug,
  findRelated,
  plainArticlePage,
} from '../../../blog/article-reads';

const ARTICLE = 'api::article.article';
const ARTICLE_CATEGORY = 'api::article-category.article-category';
const TAG = 'api::tag.tag';
const SLUG = /^[A-Za-z0-9._~-]{1,255}$/;
const DEFAULT_RELATED = 3;
const MAX_RELATED = 20;

const invalid = (name: string, message: string) =>
  new errors.ValidationError(message, { errors: [{ path: [name], message, name: 'ValidationError' }] });

function localeParam(value: unknown): string {
  return supportedLocaleParam(value, `locale must be one of ${SUPPORTED_LOCALES.join(', ')}`) ?? DEFAULT_LOCALE;
}

function limitParam(value: unknown): number {
  if (value === undefined) return DEFAULT_RELATED;
  const limit = typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= MAX_RELATED))
    throw invalid('limit', `limit must be an integer from 1 to ${MAX_RELATED}`);
  return limit;
}

/**
 * LYCEUM_FAST_ARTICLE_READS=false sends every article list through Strapi's find again: the stock answer the fast one
 * is compared with (tests, bench). Read at each request, so a test compares both in one process.
 */
const isFastArticleListOn = () => process.env.LYCEUM_FAST_ARTICLE_READS !== 'false';

// Marketers draft articles in the admin panel; through the API only admins see drafts.
export default factories.createCoreController(ARTICLE, ({ strapi }) => ({
  async find(ctx) {
    // A reader's plain list (issue 24's hot read): the same answer as Strapi's find, read in fixed statements
    // (src/blog/article-list-read.ts; tests/integration/article-reads.test.ts compares both answers). A schema that
    // reader does not shape (null) keeps Strapi's find.
    const plain =
      callerFrom(ctx.state).role === 'admin' || !isFastArticleListOn()
        ? undefined
        : plainArticlePage(strapi, ctx.query, isSupportedLocale);
    if (plain) {
      const locale = plain.locale ?? (await strapi.plugin('i18n').service('locales').getDefaultLocale());
      const window = articlePageWindow(strapi, plain);
      const [withCategory, withTags] = await Promise.all([
        mayFind(strapi, ctx.state.auth, ARTICLE_CATEGORY),
        mayFind(strapi, ctx.state.auth, TAG),
      ]);
      const list = await readArticleList(strapi, { ...window, locale, orderBy: plain.orderBy, withCategory, withTags });
      if (list) return { data: list.data, meta: { pagination: articlePageMeta(window, list.total) } };
    }
    if (callerFrom(ctx.state).role !== 'admin') readPublishedOnly(ctx);
    // A reader's page needs the SEO block: it comes without asking, unless the client picks its own populate.
    ctx.query = { populate: ARTICLE_POPULATE, ...ctx.query };
    return super.find(ctx);
  },
  async findOne(ctx) {
    if (callerFrom(ctx.state).role !== 'admin') readPublishedOnly(ctx);
    ctx.query = { populate: ARTICLE_POPULATE, ...ctx.query };
    return super.findOne(ctx);
  },

  /** GET /articles/by-slug/:slug?locale= */
  async findBySlug(ctx) {
    const slug = ctx.params.slug;
    if (typeof slug !== 'string' || !SLUG.test(slug)) throw invalid('slug', 'slug is not a valid slug');
    const article = await findPublishedBySlug(strapi, slug, localeParam(ctx.query.locale));
    return this.transformResponse!(await this.sanitizeOutput!(article, ctx));
  },

  /** GET /articles/:documentId/related?limit=&locale= */
  async related(ctx) {
    const documentId = documentIdParam(ctx.params.documentId);
    const locale = localeParam(ctx.query.locale);
    const limit = limitParam(ctx.query.limit);
    const articles = await findRelated(strapi, documentId, locale, limit);
    const sanitized = (await this.sanitizeOutput!(articles, ctx)) as Array<Record<string, unknown>>;
    // sharedTags is computed, not a schema field, so the sanitizer drops it: put it back from the ranking.
    const data = sanitized.map((article, index) => ({ ...article, sharedTags: articles[index].sharedTags }));
    return this.transformResponse!(data, { locale, limit });
  },
}));
