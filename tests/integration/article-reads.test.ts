import { randomBytes } from 'crypto';
import { factories, type TestUser } from '../helpers/factories';
import { showStatements, statementsOf } from '../helpers/statements';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * A reader's plain article list (sort, page, locale: src/blog/article-reads.ts, plainArticlePage) is read in fixed
 * statements (src/blog/article-list-read.ts) instead of Strapi's find. Each case asks the same query twice, through
 * the fast read and with LYCEUM_FAST_ARTICLE_READS=false (Strapi's find, populate and output sanitiser), and expects
 * the same status and the same body.
 */
let app: TestApp;
let student: TestUser;

const ARTICLE = 'api::article.article';
const PERMISSION = 'plugin::users-permissions.permission';
const ROLE = 'plugin::users-permissions.role';
const FRONT_PAGE = { 'sort[0]': 'publishedAt:desc', 'pagination[pageSize]': '10' };
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

async function listArticles(query: Record<string, string>, user: TestUser | null, fast: boolean) {
  process.env.LYCEUM_FAST_ARTICLE_READS = fast ? 'true' : 'false';
  try {
    return await app.request
      .get('/api/articles')
      .query(query)
      .set(user ? user.auth : {});
  } finally {
    delete process.env.LYCEUM_FAST_ARTICLE_READS;
  }
}

async function expectSameList(query: Record<string, string>, user: TestUser | null = null) {
  const fast = await listArticles(query, user, true);
  const stock = await listArticles(query, user, false);
  expect(fast.status).toBe(stock.status);
  expect(fast.body).toEqual(stock.body);
  return fast;
}

async function createImage(name: string, formats: Record<string, unknown> | null = null) {
  return app.strapi.db.query('plugin::upload.file').create({
    data: {
      name,
      alternativeText: `${name} alt`,
      hash: unique(name),
      ext: '.png',
      mime: 'image/png',
      size: 3.5,
      url: `/uploads/${name}.png`,
      provider: 'local',
      width: 800,
      height: 400,
      formats,
    },
  });
}

/** Takes a permission from a role for one piece of work, then gives it back (the role's cache drops on change). */
async function withoutPermission(roleType: string, action: string, work: () => Promise<void>) {
  const role = await app.strapi.db.query(ROLE).findOne({ where: { type: roleType } });
  const permission = await app.strapi.db.query(PERMISSION).findOne({ where: { action, role: role.id } });
  expect(permission).toBeTruthy();
  await app.strapi.db.query(PERMISSION).delete({ where: { id: permission.id } });
  try {
    await work();
  } finally {
    await app.strapi.db.query(PERMISSION).create({ data: { action, role: role.id } });
  }
}

beforeAll(async () => {
  // Uncached, so both answers are computed (the REST cache would key them apart anyway).
  app = await startLyceum({ REST_CACHE_ENABLED: 'false' });
  student = await factories(app.strapi).createUser('student');
  const cover = await createImage('cover');
  const avatar = await createImage('avatar', {
    thumbnail: { url: '/uploads/thumbnail_avatar.png', width: 156, height: 78, size: 1.2, mime: 'image/png' },
  });
  const shareImage = await createImage('share');
  const categories = [];
  for (const locale of ['en', 'ru'])
    categories.push(
      await app.strapi.documents('api::article-category.article-category').create({
        locale,
        data: { name: unique('Category'), slug: unique('category') } as never,
      })
    );
  const tags = [];
  for (let index = 0; index < 4; index += 1)
    tags.push(
      await app.strapi.documents('api::tag.tag').create({ data: { name: unique('Tag'), slug: unique('tag') } as never })
    );
  for (let index = 0; index < 16; index += 1) {
    // Every other article lacks something a reader's page shows: a cover, a category, tags, an author, an SEO block.
    const article = await app.strapi.documents(ARTICLE).create({
      locale: 'en',
      data: {
        title: `Listed article ${index}`,
        slug: unique('listed'),
        excerpt: index % 7 === 0 ? null : `Excerpt ${index}`,
        body: `Body of article ${index} with **Markdown**.`,
        readingMinutes: (index % 4) + 1,
        ...(index % 2 === 0 ? { cover: cover.id } : {}),
        ...(index % 3 !== 0 ? { category: categories[0].documentId } : {}),
        // Several tags in an order of their own (the answer keeps the order they were linked in), or none.
        tags:
          index % 4 === 3
            ? []
            : [tags[(index + 2) % 4], tags[index % 4], tags[(index + 1) % 4]].map((tag) => tag.documentId),
        ...(index % 5 === 4
          ? {}
          : { author: { name: `Author ${index % 3}`, ...(index % 2 ? { avatar: avatar.id } : {}) } }),
        ...(index % 6 === 5
          ? {}
          : {
              seo: {
                metaTitle: `SEO ${index}`,
                metaDescription: `About ${index}`,
                ...(index % 3 === 1 ? { shareImage: shareImage.id, canonicalURL: `https://lyceum.test/${index}` } : {}),
              },
            }),
        // A scheduled article is a draft until its time comes (src/blog/scheduled-publishing.ts).
        ...(index === 15 ? { publishAt: new Date(Date.now() + 86_400_000).toISOString() } : {}),
      } as never,
      status: index >= 14 ? 'draft' : 'published',
    });
    if (index % 5 === 0 && index < 14)
      await app.strapi.documents(ARTICLE).update({
        documentId: article.documentId,
        locale: 'ru',
        data: {
          title: `Статья ${index}`,
          slug: unique('ru'),
          body: 'Текст',
          category: categories[1].documentId,
          seo: { metaTitle: `СЕО ${index}` },
        } as never,
        status: 'published',
      });
  }
  // A published article with a draft newer than it: the list shows the published version only.
  const edited = await app.strapi.documents(ARTICLE).findFirst({ locale: 'en', status: 'published' });
  await app.strapi.documents(ARTICLE).update({
    documentId: edited!.documentId,
    locale: 'en',
    data: { title: 'Unpublished edit' } as never,
  });
}, 600_000);
afterAll(stopLyceum);

describe("a reader's plain article list answers what Strapi's find answers", () => {
  test('the front page: newest first, ten a page, with cover, category, tags, author and SEO', async () => {
    const response = await expectSameList(FRONT_PAGE);
    expect(response.status).toBe(200);
    expect(response.body.data).toHaveLength(10);
    expect(response.body.meta.pagination).toEqual({ page: 1, pageSize: 10, pageCount: 2, total: 14 });
    const articles = response.body.data as Array<Record<string, any>>;
    // The fixture's gaps are in the answer, so the equality above covered them.
    expect(articles.some((article) => article.cover === null)).toBe(true);
    expect(articles.some((article) => article.cover?.url === '/uploads/cover.png')).toBe(true);
    expect(articles.some((article) => article.author === null)).toBe(true);
    expect(articles.some((article) => article.author?.avatar?.formats?.thumbnail)).toBe(true);
    expect(articles.some((article) => article.author && article.author.avatar === null)).toBe(true);
    expect(articles.some((article) => article.seo === null)).toBe(true);
    expect(articles.some((article) => article.seo?.shareImage?.url === '/uploads/share.png')).toBe(true);
    expect(articles.some((article) => article.category === null)).toBe(true);
    expect(articles.some((article) => article.tags.length === 0)).toBe(true);
    expect(articles.some((article) => article.tags.length === 3)).toBe(true);
    expect(articles.map((article) => article.title)).not.toContain('Unpublished edit');
  });

  test('other pages, orders and locales, and a signed-in reader', async () => {
    await expectSameList({ ...FRONT_PAGE, 'pagination[page]': '2' });
    await expectSameList({ 'sort[0]': 'readingMinutes:asc', 'sort[1]': 'title:desc', 'pagination[pageSize]': '4' });
    await expectSameList({ 'sort[0]': 'readingMinutes:desc', 'sort[1]': 'id:desc', 'pagination[pageSize]': '5' });
    await expectSameList({ 'sort[0]': 'excerpt:asc' });
    await expectSameList({ sort: 'title', 'pagination[page]': '3', 'pagination[pageSize]': '5' });
    await expectSameList({});
    await expectSameList({ locale: 'en', 'pagination[page]': '2' });
    const ru = await expectSameList({ locale: 'ru', 'sort[0]': 'publishedAt:desc' });
    expect(ru.body.data.length).toBe(3);
    expect(ru.body.data.every((article: { locale: string }) => article.locale === 'ru')).toBe(true);
    await expectSameList(FRONT_PAGE, student);
    const beyond = await expectSameList({ 'pagination[page]': '99', 'pagination[pageSize]': '10' });
    expect(beyond.body.data).toEqual([]);
  });

  test('drafts and scheduled articles stay out', async () => {
    const all = await expectSameList({ 'pagination[pageSize]': '100', status: 'published' });
    const titles = all.body.data.map((article: { title: string }) => article.title);
    expect(titles).not.toContain('Listed article 14');
    expect(titles).not.toContain('Listed article 15');
    await expectSameList({ status: 'draft' });
  });

  test('bad query input is refused the same way', async () => {
    const refused: Array<Record<string, string>> = [{ 'pagination[pageSize]': '1000' }, { sort: 'nosuchfield:desc' }];
    for (const query of refused)
      expect({ query, status: (await expectSameList(query)).status }).toEqual({ query, status: 400 });
    // Input Strapi reads its own way (a page 0, an unknown locale or direction, a rich-text sort): whatever it answers, the same.
    const readItsOwnWay: Array<Record<string, string>> = [
      { 'pagination[page]': '0' },
      { 'pagination[page]': 'abc' },
      { locale: 'xx' },
      { 'sort[0]': 'publishedAt:sideways' },
      { 'sort[0]': 'body:desc', 'pagination[pageSize]': '10' },
    ];
    for (const query of readItsOwnWay) await expectSameList(query);
  });

  test('fields, populate and filters of its own are answered as Strapi answers them', async () => {
    await expectSameList({ 'fields[0]': 'title', ...FRONT_PAGE });
    await expectSameList({ populate: 'cover', ...FRONT_PAGE });
    await expectSameList({ populate: '*' });
    await expectSameList({ 'filters[readingMinutes][$gte]': '3', ...FRONT_PAGE });
    await expectSameList({ 'pagination[start]': '2', 'pagination[limit]': '3' });
  });

  test('a relation the caller may not read is left out, as the sanitiser leaves it out', async () => {
    await withoutPermission('public', 'api::tag.tag.find', async () => {
      const response = await expectSameList(FRONT_PAGE);
      expect(response.body.data[0]).not.toHaveProperty('tags');
      expect(response.body.data[0]).toHaveProperty('category');
    });
    await withoutPermission('public', 'api::article-category.article-category.find', async () => {
      const response = await expectSameList(FRONT_PAGE);
      expect(response.body.data[0]).not.toHaveProperty('category');
    });
  });

  test('the front page costs seven statements on the tables it reads, where the stock find takes more', async () => {
    // Background jobs (scheduled publishing, the search index) may read articles while a request runs, so only the
    // statements on the tables this read uses are counted, and of three requests the least is kept.
    const readsArticles = (sql: string) =>
      /\b(articles|articles_cmps|articles_tags_lnk|articles_category_lnk|article_categories|tags|files|files_related_mph|components_blog_authors|components_shared_seos)\b/.test(
        sql.replace(/["`]/g, '')
      );
    const cost = async (fast: boolean) => {
      const counts = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const statements = await statementsOf(app.strapi, () => listArticles(FRONT_PAGE, null, fast));
        showStatements(app.strapi, fast ? 'article list' : 'article list, stock', statements);
        counts.push(statements.filter(readsArticles).length);
      }
      return Math.min(...counts);
    };
    await listArticles(FRONT_PAGE, null, true);
    const fast = await cost(true);
    const stock = await cost(false);
    // The page, its count, category, tags, author, SEO, and every image of the page at once.
    expect(fast).toBe(7);
    expect(stock).toBeGreaterThan(fast);
  });
});
