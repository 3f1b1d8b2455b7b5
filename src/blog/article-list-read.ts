import type { Core } from '@strapi/strapi';
import { runSql } from '../access/raw-sql';
import { firstFilesOf, linkedRowsOf, mediaKey } from '../database/linked-reads';
import { rowShapeOf, shapeRow, type Row, type RowShape } from '../database/row-shapes';
import { columnOf, linkOf, mediaLinkOf, tableOf, type LinkTable, type MediaLinkTable } from '../database/tables';

/**
 * A reader's article list (GET /articles with the default populate of ARTICLE_POPULATE, src/blog/article-reads.ts)
 * in fixed statements: the page and its count, then for the whole page its category, its tags and its two components
 * (author, seo), then every image of the page (covers, avatars, share images) in one more (src/database/linked-reads.ts). It answers what Strapi's
 * query engine and output sanitiser answer for that populate (same fields, values, nulls and order;
 * tests/integration/article-reads.test.ts compares both): the populate pipeline and the sanitiser's walk over every
 * row were most of the request (issue 24), though the rows' shape is fixed by the schema. Rich text is sanitised when
 * stored (src/content/text-policy.ts), so reading it needs no work per request.
 */

const ARTICLE = 'api::article.article';
const CATEGORY = 'api::article-category.article-category';
const TAG = 'api::tag.tag';
const FILE = 'plugin::upload.file';
const AUTHOR = 'blog.author';
const SEO = 'shared.seo';

interface ComponentTable {
  /** The entry's field holding the component, which is its link rows' `field`. */
  field: string;
  uid: string;
  table: string;
  link: LinkTable;
  shape: RowShape;
}

interface Statements {
  article: RowShape;
  category: RowShape;
  tag: RowShape;
  file: RowShape;
  articles: string;
  categories: string;
  tags: string;
  files: string;
  categoryLink: LinkTable;
  tagLink: LinkTable;
  author: ComponentTable;
  seo: ComponentTable;
  media: MediaLinkTable;
  column: (attribute: string) => string;
}

let prepared: { strapi: Core.Strapi; statements: Statements | null } | undefined;

function componentTable(strapi: Core.Strapi, field: string, uid: string): ComponentTable | null {
  const shape = rowShapeOf(strapi, uid);
  return shape ? { field, uid, table: tableOf(strapi, uid), link: linkOf(strapi, ARTICLE, field), shape } : null;
}

/** Shapes and table names, worked out once per Strapi instance (the schema does not change while it runs). */
function statementsFor(strapi: Core.Strapi): Statements | null {
  if (prepared?.strapi === strapi) return prepared.statements;
  const article = rowShapeOf(strapi, ARTICLE);
  const category = rowShapeOf(strapi, CATEGORY);
  const tag = rowShapeOf(strapi, TAG);
  const file = rowShapeOf(strapi, FILE);
  const author = componentTable(strapi, 'author', AUTHOR);
  const seo = componentTable(strapi, 'seo', SEO);
  const statements =
    article && category && tag && file && author && seo
      ? {
          article,
          category,
          tag,
          file,
          articles: tableOf(strapi, ARTICLE),
          categories: tableOf(strapi, CATEGORY),
          tags: tableOf(strapi, TAG),
          files: tableOf(strapi, FILE),
          categoryLink: linkOf(strapi, ARTICLE, 'category'),
          tagLink: linkOf(strapi, ARTICLE, 'tags'),
          author,
          seo,
          media: mediaLinkOf(strapi),
          column: (attribute: string) => columnOf(strapi, ARTICLE, attribute),
        }
      : null;
  prepared = { strapi, statements };
  return statements;
}

export interface ArticleListPage {
  data: Row[];
  /** Published articles of the locale in all (the page's pagination meta is worked out from it as Strapi does). */
  total: number;
}

export interface ArticleListRequest {
  locale: string;
  orderBy: Array<Record<string, 'asc' | 'desc'>>;
  start: number;
  limit: number;
  /** The relations the caller may see: Strapi's sanitiser leaves out a relation whose type the caller may not `find`. */
  withCategory: boolean;
  withTags: boolean;
}

/** One page of published articles, as GET /articles answers it. Null when this schema is not one this reader shapes. */
export async function readArticleList(
  strapi: Core.Strapi,
  request: ArticleListRequest
): Promise<ArticleListPage | null> {
  const s = statementsFor(strapi);
  if (!s) return null;
  const sorts = request.orderBy.flatMap((entry) => Object.entries(entry));
  // As the query engine keeps pages stable: id last, unless the sort already ends with it.
  if (sorts.at(-1)?.[0] !== 'id') sorts.push(['id', 'asc']);
  const order = sorts.map(([, direction]) => `a.?? ${direction === 'desc' ? 'DESC' : 'ASC'}`).join(', ');
  const where = 'a.published_at IS NOT NULL AND a.locale = ?';
  const [page, count] = await Promise.all([
    runSql<Row>(strapi, `SELECT a.* FROM ?? a WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`, [
      s.articles,
      request.locale,
      ...sorts.map(([attribute]) => s.column(attribute)),
      request.limit,
      request.start,
    ]),
    runSql<{ count: number | string }>(strapi, `SELECT COUNT(*) AS "count" FROM ?? a WHERE ${where}`, [
      s.articles,
      request.locale,
    ]),
  ]);
  const total = Number(count.rows[0]?.count ?? 0);
  const articleIds = page.rows.map((row) => Number(row.id));
  const none = new Map<number, Row[]>();
  const hasRows = articleIds.length > 0;
  const [categories, tags, authors, seos] = await Promise.all([
    hasRows && request.withCategory ? linkedRowsOf(strapi, s.categoryLink, s.categories, articleIds) : none,
    hasRows && request.withTags ? linkedRowsOf(strapi, s.tagLink, s.tags, articleIds) : none,
    hasRows ? linkedRowsOf(strapi, s.author.link, s.author.table, articleIds, s.author.field) : none,
    hasRows ? linkedRowsOf(strapi, s.seo.link, s.seo.table, articleIds, s.seo.field) : none,
  ]);
  // A single component is the first of its link rows, as Strapi's oneToOne populate takes it.
  const first = (rows: Map<number, Row[]>, id: number) => rows.get(id)?.[0];
  const componentIds = (rows: Map<number, Row[]>) =>
    articleIds.map((id) => first(rows, id)).flatMap((row) => (row ? [Number(row.id)] : []));
  const media = await firstFilesOf(strapi, s.media, s.files, [
    { entryType: ARTICLE, field: 'cover', entryIds: articleIds },
    { entryType: s.author.uid, field: 'avatar', entryIds: componentIds(authors) },
    { entryType: s.seo.uid, field: 'shareImage', entryIds: componentIds(seos) },
  ]);
  const file = (entryType: string, field: string, id: unknown) => {
    const row = media.get(mediaKey(entryType, field, Number(id)));
    return row ? shapeRow(s.file, row) : null;
  };
  const component = (table: ComponentTable, mediaField: string, row: Row | undefined) =>
    row ? { ...shapeRow(table.shape, row), [mediaField]: file(table.uid, mediaField, row.id) } : null;

  const data = page.rows.map((row) => {
    const id = Number(row.id);
    const article = shapeRow(s.article, row);
    article.cover = file(ARTICLE, 'cover', id);
    article.author = component(s.author, 'avatar', first(authors, id));
    if (request.withCategory) {
      const category = first(categories, id);
      article.category = category ? shapeRow(s.category, category) : null;
    }
    if (request.withTags) article.tags = (tags.get(id) ?? []).map((tag) => shapeRow(s.tag, tag));
    article.seo = component(s.seo, 'shareImage', first(seos, id));
    return article;
  });
  return { data, total };
}
