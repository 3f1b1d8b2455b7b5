import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * GET /search with more hits than one search ranks (SEARCH_MAX_HITS, README "Search"): the total is the cap and says
 * it is a lower bound, the facets say the same, title matches are ranked before text-only ones; at or below the cap
 * the answer is exactly the uncapped one, with no new field. On SQLite (FTS5) and PostgreSQL alike.
 */

const COURSE = 'api::course.course';
const ARTICLE = 'api::article.article';
const CAP = 5;

let app: TestApp;
const word = `capword${process.pid}`;
const textWord = `textword${process.pid}`;
const courses: string[] = [];
const articles: string[] = [];

const search = (query: Record<string, string>) => app.request.get('/api/search').query(query);

/** Runs `check` with SEARCH_MAX_HITS set to `value` (read per search), then puts the file's own back. */
async function withMaxHits<T>(value: string | undefined, check: () => Promise<T>): Promise<T> {
  const saved = process.env.SEARCH_MAX_HITS;
  if (value === undefined) delete process.env.SEARCH_MAX_HITS;
  else process.env.SEARCH_MAX_HITS = value;
  try {
    return await check();
  } finally {
    process.env.SEARCH_MAX_HITS = saved;
  }
}

beforeAll(async () => {
  app = await startLyceum({ SEARCH_MAX_HITS: String(CAP) });
  // Five courses with the word in their title (and the other word in their text), three articles with both words in
  // their text only: eight hits for `word`, five of them title matches.
  for (let index = 0; index < CAP; index += 1) {
    const course = await app.strapi.documents(COURSE).create({
      locale: 'en',
      data: {
        title: `${word} course ${index}`,
        slug: `${word}-course-${index}`,
        summary: `About ${textWord}`,
        level: index % 2 ? 'advanced' : 'beginner',
      } as any,
    });
    await app.strapi.documents(COURSE).publish({ documentId: course.documentId });
    courses.push(course.documentId);
  }
  for (let index = 0; index < 3; index += 1) {
    const article = await app.strapi.documents(ARTICLE).create({
      locale: 'en',
      data: { title: `Notes ${index}`, body: `On ${word} and ${textWord}`, slug: `${word}-notes-${index}` } as any,
    });
    await app.strapi.documents(ARTICLE).publish({ documentId: article.documentId });
    articles.push(article.documentId);
  }
  const deadline = Date.now() + 30_000;
  while ((await withMaxHits('100', () => search({ q: word }))).body.meta?.pagination?.total !== 8) {
    if (Date.now() > deadline) throw new Error('the eight documents were not indexed within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // A boot and eight publishes: minutes on a loaded machine.
}, 300_000);
afterAll(async () => {
  await stopLyceum();
});

describe('more hits than SEARCH_MAX_HITS', () => {
  test('total is the cap and says it is a lower bound; the facets count the ranked hits and say so', async () => {
    const response = await search({ q: word });
    expect(response.status).toBe(200);
    expect(response.body.meta.pagination).toEqual({
      page: 1,
      pageSize: 10,
      pageCount: 1,
      total: CAP,
      totalIsLowerBound: true,
    });
    expect(response.body.meta.facetsAreLowerBounds).toBe(true);
    expect(response.body.meta.facets).toEqual({
      type: { course: CAP },
      category: {},
      level: { beginner: 3, advanced: 2 },
      price: { free: CAP },
    });
  });

  test('the title matches are the ones ranked, whatever the sort; pages end at the cap', async () => {
    for (const sort of ['relevance', 'newest', 'rating', 'popular']) {
      const response = await search({ q: word, sort });
      expect(new Set(response.body.data.map((hit: any) => hit.documentId))).toEqual(new Set(courses));
    }
    const second = await search({ q: word, 'pagination[page]': '2', 'pagination[pageSize]': '3' });
    expect(second.body.data).toHaveLength(2);
    expect(second.body.meta.pagination).toEqual({
      page: 2,
      pageSize: 3,
      pageCount: 2,
      total: CAP,
      totalIsLowerBound: true,
    });
    expect((await search({ q: word, 'pagination[page]': '3', 'pagination[pageSize]': '3' })).body.data).toEqual([]);
  });

  test('text matches fill the cap when no title has the words', async () => {
    const response = await search({ q: textWord });
    expect(response.body.data).toHaveLength(CAP);
    expect(response.body.meta.pagination.totalIsLowerBound).toBe(true);
    const found = response.body.data.map((hit: any) => hit.documentId);
    expect(found.every((id: string) => [...courses, ...articles].includes(id))).toBe(true);
  });

  test('a title match whose text has an excluded -word is not found', async () => {
    // Every document with the word in its title or text also has textWord in its text: nothing is left.
    const response = await search({ q: `${word} -${textWord}` });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([]);
    expect(response.body.meta.pagination).toEqual({ page: 1, pageSize: 10, pageCount: 0, total: 0 });
  });
});

describe('at or below the cap', () => {
  test('exactly the cap of hits: the exact answer, with no lower-bound field', async () => {
    const response = await search({ q: word, type: 'course' });
    expect(response.body.meta.pagination).toEqual({ page: 1, pageSize: 10, pageCount: 1, total: CAP });
    expect(Object.keys(response.body.meta).sort()).toEqual(['facets', 'pagination']);
  });

  test.each([
    [{ q: word, type: 'article' }],
    [{ q: word, type: 'course', sort: 'newest' }],
    [{ q: `${word} ${textWord}`, level: 'advanced' }],
    [{ q: textWord, type: 'article', 'pagination[pageSize]': '2', 'pagination[page]': '2' }],
  ])('%j answers what it answers with no cap at all', async (query) => {
    const capped = await search(query);
    const uncapped = await withMaxHits('1000', () => search(query));
    expect(capped.status).toBe(200);
    expect(capped.body).toEqual(uncapped.body);
    expect(capped.body.meta.pagination.totalIsLowerBound).toBeUndefined();
  });

  test('an unreadable SEARCH_MAX_HITS falls back to the default (1,000): the eight hits are all counted', async () => {
    for (const value of ['abc', '0', '-3', '2.5']) {
      const response = await withMaxHits(value, () => search({ q: word }));
      expect(response.body.meta.pagination).toEqual({ page: 1, pageSize: 10, pageCount: 1, total: 8 });
      expect(response.body.meta.facets.type).toEqual({ course: CAP, article: 3 });
    }
  });
});
