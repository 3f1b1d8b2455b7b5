import path from 'path';
import {
  SCHEDULED_PUBLISHING_JOB,
  publishDueArticles,
  publishScheduledArticles,
} from '../../src/blog/scheduled-publishing';
import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

const ARTICLE = 'api::article.article';
const DAY = 86_400_000;

let app: TestApp;
let admin: TestUser;
let seq = 0;

const words = (count: number, word = 'word') => Array.from({ length: count }, () => word).join(' ');
const unique = (prefix: string) => `${prefix}-${process.pid}-${(seq += 1)}`;

/** An article document through the document service, in en and optionally ru. */
async function createArticle(
  options: {
    en?: Record<string, unknown>;
    ru?: Record<string, unknown>;
    tags?: string[];
    publish?: boolean;
  } = {}
) {
  const { en = {}, ru, tags = [], publish = true } = options;
  const slug = unique('article');
  const created = await app.strapi.documents(ARTICLE).create({
    locale: 'en',
    data: { title: `Article ${slug}`, slug, body: 'Short body', tags, ...en } as any,
  });
  if (ru) {
    await app.strapi.documents(ARTICLE).update({
      documentId: created.documentId,
      locale: 'ru',
      data: { title: `Статья ${slug}`, slug: `${slug}-ru`, body: 'Коротко', tags, ...ru } as any,
    });
  }
  if (publish) await app.strapi.documents(ARTICLE).publish({ documentId: created.documentId, locale: '*' });
  return { documentId: created.documentId, slug, ruSlug: `${slug}-ru` };
}

async function createTag(name = unique('tag')) {
  return (await app.strapi.documents('api::tag.tag').create({ data: { name } as any })).documentId;
}

async function rows(documentId: string) {
  return app.strapi.db
    .query(ARTICLE)
    .findMany({ where: { documentId }, select: ['locale', 'publishedAt', 'publishAt', 'readingMinutes'] });
}
const isPublished = async (documentId: string, locale: string) =>
  (await rows(documentId)).some((row: any) => row.locale === locale && row.publishedAt !== null);

beforeAll(async () => {
  app = await startLyceum();
  admin = await factories(app.strapi).createUser('admin');
});
afterAll(stopLyceum);

describe('reading time', () => {
  test('is words / 200, rounded, at least one minute, computed when the body is saved through the API', async () => {
    const created = await app.request
      .post('/api/articles')
      .set(admin.auth)
      .send({ data: { title: 'Long read', body: words(450), readingMinutes: 99 } });
    expect(created.status).toBe(201);
    expect(created.body.data.readingMinutes).toBe(2);

    const updated = await app.request
      .put(`/api/articles/${created.body.data.documentId}`)
      .set(admin.auth)
      .send({ data: { body: words(1000, 'слово') } });
    expect(updated.status).toBe(200);
    expect(updated.body.data.readingMinutes).toBe(5);

    const renamed = await app.request
      .put(`/api/articles/${created.body.data.documentId}`)
      .set(admin.auth)
      .send({ data: { title: 'Still long', readingMinutes: 1 } });
    expect(renamed.body.data.readingMinutes).toBe(5);
  });

  test('a short or empty body reads in one minute, in every locale', async () => {
    const article = await createArticle({ en: { body: 'Five words in this body' }, ru: { body: '' } });
    const stored = await rows(article.documentId);
    expect(stored.map((row: any) => row.readingMinutes)).toEqual(stored.map(() => 1));
  });

  test('a locale added without a body reads in one minute; each locale counts its own body', async () => {
    const created = await app.strapi
      .documents(ARTICLE)
      .create({ locale: 'en', data: { title: 'Only English body', body: words(600) } as any });
    await app.strapi
      .documents(ARTICLE)
      .update({ documentId: created.documentId, locale: 'ru', data: { title: 'Без текста' } as any });
    const byLocale = Object.fromEntries(
      (await rows(created.documentId)).map((row: any) => [row.locale, row.readingMinutes])
    );
    expect(byLocale).toEqual({ en: 3, ru: 1 });
  });
});

describe('scheduled publishing', () => {
  test('publishes each locale whose publishAt has passed, once, and leaves the others as drafts', async () => {
    const now = Date.now();
    const enAt = new Date(now + 10 * DAY);
    const ruAt = new Date(now + 12 * DAY);
    const article = await createArticle({
      publish: false,
      en: { publishAt: enAt.toISOString() },
      ru: { publishAt: ruAt.toISOString() },
    });

    expect(await publishDueArticles(app.strapi, new Date(enAt.getTime() - 1000))).toEqual([]);
    expect(await isPublished(article.documentId, 'en')).toBe(false);

    const first = await publishDueArticles(app.strapi, new Date(enAt.getTime() + 1000));
    expect(first).toEqual([{ documentId: article.documentId, locale: 'en' }]);
    expect(await isPublished(article.documentId, 'en')).toBe(true);
    expect(await isPublished(article.documentId, 'ru')).toBe(false);
    const en = await app.request.get(`/api/articles/by-slug/${article.slug}`).query({ locale: 'en' });
    expect(en.status).toBe(200);
    const ruHidden = await app.request.get(`/api/articles/by-slug/${article.ruSlug}`).query({ locale: 'ru' });
    expect(ruHidden.status).toBe(404);

    // Idempotent: the same moment again publishes nothing.
    expect(await publishDueArticles(app.strapi, new Date(enAt.getTime() + 2000))).toEqual([]);

    const second = await publishDueArticles(app.strapi, new Date(ruAt.getTime() + 1000));
    expect(second).toEqual([{ documentId: article.documentId, locale: 'ru' }]);
    const ru = await app.request.get(`/api/articles/by-slug/${article.ruSlug}`).query({ locale: 'ru' });
    expect(ru.status).toBe(200);
    expect(ru.body.data.title).toBe(`Статья ${article.slug}`);
  });

  test('an article unpublished after its schedule ran is not published again', async () => {
    const at = new Date(Date.now() + 20 * DAY);
    const article = await createArticle({ publish: false, en: { publishAt: at.toISOString() } });
    expect(await publishDueArticles(app.strapi, new Date(at.getTime() + 1000))).toHaveLength(1);
    await app.strapi.documents(ARTICLE).unpublish({ documentId: article.documentId, locale: 'en' });
    expect(await publishDueArticles(app.strapi, new Date(at.getTime() + 60_000))).toEqual([]);
    expect(await isPublished(article.documentId, 'en')).toBe(false);
  });

  test('two runs at once publish a due locale exactly once', async () => {
    const at = new Date(Date.now() + 40 * DAY);
    const article = await createArticle({
      publish: false,
      en: { publishAt: at.toISOString() },
      ru: { publishAt: at.toISOString() },
    });
    const later = new Date(at.getTime() + 1000);
    const runs = await Promise.all([
      publishDueArticles(app.strapi, later),
      publishDueArticles(app.strapi, later),
      publishDueArticles(app.strapi, later),
    ]);
    const mine = runs.flat().filter((entry) => entry.documentId === article.documentId);
    expect(mine.map((entry) => entry.locale).sort()).toEqual(['en', 'ru']);
    const published = (await rows(article.documentId)).filter((row: any) => row.publishedAt !== null);
    expect(published.map((row: any) => row.locale).sort()).toEqual(['en', 'ru']);
  });

  test('a scheduled draft stays invisible to the public until then, even when asked for drafts', async () => {
    const article = await createArticle({
      publish: false,
      en: { publishAt: new Date(Date.now() + 30 * DAY).toISOString() },
    });
    const list = await app.request.get('/api/articles').query({ status: 'draft', 'pagination[pageSize]': 100 });
    expect(list.status).toBe(200);
    expect(list.body.data.map((entry: any) => entry.documentId)).not.toContain(article.documentId);
    expect((await app.request.get(`/api/articles/${article.documentId}`).query({ status: 'draft' })).status).toBe(404);
  });

  test('the schedule is defined and its job publishes what is due when it runs', async () => {
    // The running app's own modules (dist/), where its schedules are defined.
    const schedules = require(
      path.join(process.cwd(), 'dist', 'src', 'jobs', 'schedules.js')
    ) as typeof import('../../src/jobs/schedules');
    expect(schedules.scheduleNames()).toContain(SCHEDULED_PUBLISHING_JOB);
    const article = await createArticle({
      publish: false,
      en: { publishAt: new Date(Date.now() - 60_000).toISOString() },
    });
    await publishScheduledArticles.run(app.strapi, {
      schedule: SCHEDULED_PUBLISHING_JOB,
      slot: new Date().toISOString(),
    });
    expect(await isPublished(article.documentId, 'en')).toBe(true);
    expect((await rows(article.documentId)).every((row: any) => row.publishAt === null)).toBe(true);
  });
});

describe('public reads', () => {
  let shareImageId: number;
  beforeAll(async () => {
    const file = await app.strapi.db.query('plugin::upload.file').create({
      data: {
        name: 'share.png',
        hash: unique('share'),
        ext: '.png',
        mime: 'image/png',
        size: 1.2,
        url: '/uploads/share.png',
        provider: 'local',
        width: 1200,
        height: 630,
      },
    });
    shareImageId = file.id;
  });

  test('by slug returns the published article with its SEO block and share image, in both locales', async () => {
    const seo = (title: string) => ({
      metaTitle: title,
      metaDescription: `About ${title}`,
      canonicalURL: `https://lyceum.example/blog/${title}`,
      shareImage: shareImageId,
    });
    const article = await createArticle({ en: { seo: seo('english') }, ru: { seo: seo('russian') } });

    const en = await app.request.get(`/api/articles/by-slug/${article.slug}`);
    expect(en.status).toBe(200);
    expect(en.body.data).toMatchObject({
      documentId: article.documentId,
      locale: 'en',
      readingMinutes: 1,
      seo: {
        metaTitle: 'english',
        metaDescription: 'About english',
        canonicalURL: 'https://lyceum.example/blog/english',
        shareImage: { url: '/uploads/share.png', mime: 'image/png' },
      },
    });
    const ru = await app.request.get(`/api/articles/by-slug/${article.ruSlug}`).query({ locale: 'ru' });
    expect(ru.status).toBe(200);
    expect(ru.body.data).toMatchObject({
      locale: 'ru',
      seo: { metaTitle: 'russian', shareImage: { url: '/uploads/share.png' } },
    });
    // A slug belongs to its locale.
    expect((await app.request.get(`/api/articles/by-slug/${article.ruSlug}`).query({ locale: 'en' })).status).toBe(404);
  });

  test('by slug: 404 for an unknown or draft-only slug, 400 for a bad locale or slug', async () => {
    const draft = await createArticle({ publish: false });
    const unknown = await app.request.get('/api/articles/by-slug/no-such-article');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ data: null, error: { status: 404 } });
    expect((await app.request.get(`/api/articles/by-slug/${draft.slug}`)).status).toBe(404);
    const badLocale = await app.request.get(`/api/articles/by-slug/${draft.slug}`).query({ locale: 'xx' });
    expect(badLocale.status).toBe(400);
    expect(badLocale.body.error.details.errors[0].path).toEqual(['locale']);
    const badSlug = await app.request.get(`/api/articles/by-slug/${encodeURIComponent('bad slug!')}`);
    expect(badSlug.status).toBe(400);
    expect(badSlug.body.error.details.errors[0].path).toEqual(['slug']);
  });

  test('the core list shows published articles only, with their SEO fields', async () => {
    const published = await createArticle({ en: { seo: { metaTitle: 'listed', metaDescription: 'listed too' } } });
    const draft = await createArticle({ publish: false });
    const list = await app.request.get('/api/articles').query({ 'pagination[pageSize]': 100 });
    expect(list.status).toBe(200);
    const ids = list.body.data.map((entry: any) => entry.documentId);
    expect(ids).toContain(published.documentId);
    expect(ids).not.toContain(draft.documentId);
    expect(list.body.data.find((entry: any) => entry.documentId === published.documentId).seo).toMatchObject({
      metaTitle: 'listed',
      metaDescription: 'listed too',
    });
    const ru = await app.request.get('/api/articles').query({ locale: 'ru', 'pagination[pageSize]': 100 });
    expect(ru.body.data.every((entry: any) => entry.locale === 'ru')).toBe(true);
  });
});

describe('related articles', () => {
  let tagA: string;
  let tagB: string;
  let tagC: string;
  let other: string;
  let source: Awaited<ReturnType<typeof createArticle>>;
  let twoShared: Awaited<ReturnType<typeof createArticle>>;
  let oneShared: Awaited<ReturnType<typeof createArticle>>;
  let threeSharedDraft: Awaited<ReturnType<typeof createArticle>>;
  let unrelated: Awaited<ReturnType<typeof createArticle>>;

  beforeAll(async () => {
    [tagA, tagB, tagC, other] = await Promise.all([createTag(), createTag(), createTag(), createTag()]);
    source = await createArticle({ tags: [tagA, tagB, tagC], ru: {} });
    oneShared = await createArticle({ tags: [tagC, other], ru: {} });
    twoShared = await createArticle({ tags: [tagA, tagB], ru: {} });
    threeSharedDraft = await createArticle({ tags: [tagA, tagB, tagC], publish: false });
    unrelated = await createArticle({ tags: [other], ru: {} });
  });

  test('lists published articles sharing tags, most shared first, without itself', async () => {
    const response = await app.request.get(`/api/articles/${source.documentId}/related`);
    expect(response.status).toBe(200);
    const ids = response.body.data.map((entry: any) => entry.documentId);
    expect(ids).toEqual([twoShared.documentId, oneShared.documentId]);
    expect(ids).not.toContain(source.documentId);
    expect(ids).not.toContain(threeSharedDraft.documentId);
    expect(ids).not.toContain(unrelated.documentId);
    expect(response.body.data[0]).toMatchObject({ sharedTags: 2, locale: 'en' });
  });

  test('honours limit and locale', async () => {
    const limited = await app.request.get(`/api/articles/${source.documentId}/related`).query({ limit: 1 });
    expect(limited.body.data.map((entry: any) => entry.documentId)).toEqual([twoShared.documentId]);
    const ru = await app.request.get(`/api/articles/${source.documentId}/related`).query({ locale: 'ru' });
    expect(ru.status).toBe(200);
    expect(ru.body.data.map((entry: any) => [entry.documentId, entry.locale])).toEqual([
      [twoShared.documentId, 'ru'],
      [oneShared.documentId, 'ru'],
    ]);
  });

  test('404 for an unknown or unpublished article, 400 for a bad limit or locale', async () => {
    expect((await app.request.get('/api/articles/doesnotexist000000000000/related')).status).toBe(404);
    expect((await app.request.get(`/api/articles/${threeSharedDraft.documentId}/related`)).status).toBe(404);
    for (const limit of ['0', '21', 'many', '-1']) {
      const response = await app.request.get(`/api/articles/${source.documentId}/related`).query({ limit });
      expect(response.status).toBe(400);
      expect(response.body.error.details.errors[0].path).toEqual(['limit']);
    }
    const badLocale = await app.request.get(`/api/articles/${source.documentId}/related`).query({ locale: 'de' });
    expect(badLocale.status).toBe(400);
  });
});
