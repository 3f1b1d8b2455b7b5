import { randomBytes } from 'crypto';
import { factories, type TestUser } from '../helpers/factories';
import { showStatements, statementsOf } from '../helpers/statements';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * A reader's plain article list (sort, page, locale: src/blog/article-reads.ts, plainArticlePage) is read through the
 * query engine instead of Strapi's query pipeline. `pagination[withCount]=true` changes nothing in the answer
 * (counting is Strapi's default) and takes Strapi's own find, so each case compares the two answers.
 */
let app: TestApp;
let student: TestUser;

const ARTICLE = 'api::article.article';
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

async function expectSameList(query: Record<string, string>, user: TestUser | null = null) {
  const send = (extra: Record<string, string>) =>
    app.request
      .get('/api/articles')
      .query({ ...query, ...extra })
      .set(user ? user.auth : {});
  const fast = await send({});
  const stock = await send({ 'pagination[withCount]': 'true' });
  expect(fast.status).toBe(stock.status);
  expect(fast.body).toEqual(stock.body);
  return fast;
}

beforeAll(async () => {
  // Uncached, so both answers are computed (the REST cache would key them apart anyway).
  app = await startLyceum({ REST_CACHE_ENABLED: 'false' });
  student = await factories(app.strapi).createUser('student');
  const cover = await app.strapi.db.query('plugin::upload.file').create({
    data: {
      name: 'cover.png',
      hash: unique('cover'),
      ext: '.png',
      mime: 'image/png',
      size: 3.5,
      url: '/uploads/c.png',
      provider: 'local',
      width: 800,
      height: 400,
    },
  });
  const category = await app.strapi.documents('api::article-category.article-category').create({
    data: { name: unique('Category'), slug: unique('category') } as never,
    status: 'published',
  });
  const tags = [];
  for (let index = 0; index < 3; index += 1)
    tags.push(
      await app.strapi.documents('api::tag.tag').create({
        data: { name: unique('Tag'), slug: unique('tag') } as never,
        status: 'published',
      })
    );
  for (let index = 0; index < 14; index += 1) {
    const article = await app.strapi.documents(ARTICLE).create({
      locale: 'en',
      data: {
        title: `Listed article ${index}`,
        slug: unique('listed'),
        excerpt: `Excerpt ${index}`,
        body: `Body of article ${index} with **Markdown**.`,
        readingMinutes: (index % 4) + 1,
        ...(index % 2 === 0 ? { cover: cover.id, category: category.documentId } : {}),
        tags: [tags[index % 3].documentId, tags[(index + 1) % 3].documentId],
        author: { name: `Author ${index % 3}` },
        seo: { metaTitle: `SEO ${index}`, metaDescription: `About ${index}` },
      } as never,
      status: index === 13 ? 'draft' : 'published',
    });
    if (index % 5 === 0)
      await app.strapi.documents(ARTICLE).update({
        documentId: article.documentId,
        locale: 'ru',
        data: { title: `Статья ${index}`, slug: unique('ru'), body: 'Текст' } as never,
        status: 'published',
      });
  }
}, 600_000);
afterAll(stopLyceum);

describe("a reader's plain article list answers what Strapi's find answers", () => {
  test('the front page: newest first, ten a page', async () => {
    const response = await expectSameList({ 'sort[0]': 'publishedAt:desc', 'pagination[pageSize]': '10' });
    expect(response.status).toBe(200);
    expect(response.body.data).toHaveLength(10);
    expect(response.body.data[0]).toHaveProperty('seo');
    expect(response.body.meta.pagination).toMatchObject({ page: 1, pageSize: 10 });
  });

  test('other pages, orders and locales, and a signed-in reader', async () => {
    await expectSameList({ 'sort[0]': 'publishedAt:desc', 'pagination[pageSize]': '10', 'pagination[page]': '2' });
    await expectSameList({ 'sort[0]': 'readingMinutes:asc', 'sort[1]': 'title:desc', 'pagination[pageSize]': '4' });
    await expectSameList({ sort: 'title', 'pagination[page]': '3', 'pagination[pageSize]': '5' });
    await expectSameList({});
    const ru = await expectSameList({ locale: 'ru', 'sort[0]': 'publishedAt:desc' });
    expect(ru.body.data.length).toBeGreaterThan(0);
    expect(ru.body.data.every((article: { locale: string }) => article.locale === 'ru')).toBe(true);
    await expectSameList({ 'sort[0]': 'publishedAt:desc', 'pagination[pageSize]': '10' }, student);
    await expectSameList({ 'pagination[page]': '99', 'pagination[pageSize]': '10' });
  });

  test('drafts stay out, and a query of any other shape is still refused or answered by Strapi', async () => {
    const all = await expectSameList({ 'pagination[pageSize]': '100', status: 'published' });
    expect(all.body.data.map((article: { title: string }) => article.title)).not.toContain('Listed article 13');
    expect((await app.request.get('/api/articles').query({ 'pagination[pageSize]': '1000' })).status).toBe(400);
    expect((await app.request.get('/api/articles').query({ sort: 'nosuchfield:desc' })).status).toBe(400);
  });

  test('the front page costs two statements for its rows and count, and one per populated field', async () => {
    const query = { 'sort[0]': 'publishedAt:desc', 'pagination[pageSize]': '10' };
    await app.request.get('/api/articles').query(query).expect(200);
    const statements = await statementsOf(app.strapi, () => app.request.get('/api/articles').query(query).expect(200));
    showStatements(app.strapi, 'article list', statements);
    const own = statements.filter((sql) => !/lyceum_jobs|lyceum_search|pg_advisory|^(BEGIN|COMMIT)/.test(sql));
    expect(own.filter((sql) => /strapi_core_store_settings/.test(sql))).toEqual([]);
    expect(own.length).toBeLessThanOrEqual(10);
  });
});
