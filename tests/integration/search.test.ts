import path from 'path';
import { runSql } from '../../src/access/raw-sql';
import { ownTableOf } from '../../src/database/tables';
import { JOBS_TABLE } from '../../src/jobs/outbox';
import { factories, type TestUser } from '../helpers/factories';
import { startInstance, stopFleet, stopInstance } from '../helpers/fleet';
import { fewestStatementsOf, statementsOf } from '../helpers/statements';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * GET /search and GET /search/suggest (CONTRACT "Search"), on SQLite (FTS5, stems made by Lyceum) and PostgreSQL
 * (tsvector with `russian`, pg_trgm): stemming in both languages, snippets, facets and filters, typo-tolerant
 * suggestions, what is never found, the index following writes within the contract's 2 s, bad input, the rebuild,
 * and the index surviving Strapi's schema sync and a restart.
 */

const COURSE = 'api::course.course';
const LESSON = 'api::lesson.lesson';
const ARTICLE = 'api::article.article';
const CATEGORY = 'api::category.category';

let app: TestApp;
let admin: TestUser;
let seq = 0;
const unique = (prefix: string) => `${prefix}${process.pid}x${(seq += 1)}`;

/** Polls `check` until it holds; fails once `ms` have passed. */
async function within(ms: number, check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`not within ${ms / 1000} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
/** The contract: a change shows in results within 2 seconds (the tests of "the index follows writes"). */
const within2s = (check: () => Promise<boolean>, what: string) => within(2_000, check, what);
/**
 * Set-up of the other tests: waits for what they need to be indexed, with room for a loaded machine (the 2 s bound
 * is the business of the tests above, not of every set-up).
 */
const whenIndexed = (check: () => Promise<boolean>, what: string) => within(30_000, check, what);
/**
 * Before a count of the whole index: every indexing job recorded so far (earlier tests' writes included) has run, so
 * the count is of the content as written, not of whichever jobs happened to land.
 */
async function whenIndexJobsRan() {
  await whenIndexed(async () => {
    const { rows } = await runSql<{ n: unknown }>(
      app.strapi,
      `SELECT COUNT(*) AS n FROM ?? WHERE type = 'search.index' AND status IN ('pending', 'running')`,
      [ownTableOf(app.strapi, JOBS_TABLE)]
    );
    return Number(rows[0].n) === 0;
  }, 'every indexing job run');
}

const search = (query: Record<string, string>) => app.request.get('/api/search').query(query);
const ids = (response: { body: { data: Array<{ documentId: string }> } }) =>
  response.body.data.map((hit) => hit.documentId);
const finds = async (query: Record<string, string>, documentId: string) =>
  ids(await search(query)).includes(documentId);

async function createCategory(name: string) {
  const slug = unique('cat-');
  const category = await app.strapi.documents(CATEGORY).create({ locale: 'en', data: { name, slug } as any });
  return { documentId: category.documentId, slug };
}

/** A course through the document service (as the admin panel writes), optionally with a Russian version and lessons. */
async function createCourse(
  data: Record<string, unknown>,
  options: { ru?: Record<string, unknown>; lessons?: string[]; publish?: boolean; lessonContent?: string } = {}
) {
  const { publish = true } = options;
  const course = await app.strapi
    .documents(COURSE)
    .create({ locale: 'en', data: { slug: unique('course-'), ...data } as any });
  if (options.ru)
    await app.strapi.documents(COURSE).update({
      documentId: course.documentId,
      locale: 'ru',
      data: { slug: unique('kurs-'), ...options.ru } as any,
    });
  const lessons: string[] = [];
  for (const [index, title] of (options.lessons ?? []).entries()) {
    const lesson = await app.strapi.documents(LESSON).create({
      locale: 'en',
      data: {
        title,
        position: index + 1,
        kind: 'text',
        content: options.lessonContent ?? 'Lesson body',
        course: course.documentId,
      } as any,
    });
    if (publish) await app.strapi.documents(LESSON).publish({ documentId: lesson.documentId });
    lessons.push(lesson.documentId);
  }
  if (publish) await app.strapi.documents(COURSE).publish({ documentId: course.documentId, locale: '*' });
  return { documentId: course.documentId, lessons };
}

beforeAll(async () => {
  app = await startLyceum();
  admin = await factories(app.strapi).createUser('admin');
});
afterAll(async () => {
  await stopFleet();
  await stopLyceum();
});

describe('stemming in Russian and English', () => {
  let russian: string;
  let english: string;
  beforeAll(async () => {
    russian = (
      await createCourse(
        { title: `Photography ${unique('w')}`, summary: 'Light and composition' },
        { ru: { title: 'Курс фотографии для начинающих', summary: 'Свет и композиция' } }
      )
    ).documentId;
    english = (await createCourse({ title: 'Learn to run a marathon', summary: 'From the couch to 42 km' })).documentId;
  });

  test('"курсы" finds a course titled "Курс …", in the ru locale and with no locale', async () => {
    await whenIndexed(() => finds({ q: 'курсы' }, russian), 'the Russian course indexed');
    const ru = await search({ q: 'курсы', locale: 'ru' });
    expect(ru.status).toBe(200);
    expect(ids(ru)).toContain(russian);
    expect(ru.body.data.find((hit: any) => hit.documentId === russian)).toMatchObject({
      type: 'course',
      locale: 'ru',
      title: 'Курс фотографии для начинающих',
    });
    expect(ids(await search({ q: 'курсы', locale: 'en' }))).not.toContain(russian);
  });

  test('"running" finds "run", and the snippet marks the match and is otherwise plain, escaped text', async () => {
    await whenIndexed(() => finds({ q: 'running' }, english), 'the English course indexed');
    const hit = (await search({ q: 'running marathons' })).body.data.find((found: any) => found.documentId === english);
    expect(hit).toMatchObject({ type: 'course', title: 'Learn to run a marathon' });
    expect(hit.url).toMatch(/^\/courses\//);
    expect(typeof hit.score).toBe('number');
    expect(hit.snippet).toMatch(/<mark>run<\/mark>|<mark>marathon<\/mark>/);
    expect(hit.snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
  });

  test('markup in the text reaches the snippet escaped, never as markup', async () => {
    const course = await createCourse({
      title: `Comparisons ${unique('w')}`,
      description: 'When a < b and b > c then a < c: transitive comparisons & more',
    });
    await whenIndexed(() => finds({ q: 'transitive' }, course.documentId), 'the course indexed');
    const hit = (await search({ q: 'transitive' })).body.data.find(
      (found: any) => found.documentId === course.documentId
    );
    expect(hit.snippet).toContain('&lt;');
    expect(hit.snippet).toContain('<mark>transitive</mark>');
    expect(hit.snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
  });

  (process.env.DATABASE_CLIENT === 'postgres' ? test : test.skip)(
    'PostgreSQL: a text searched again is not parsed again (its tsquery is remembered) and finds the same',
    async () => {
      await whenIndexed(() => finds({ q: 'running' }, english), 'the English course indexed');
      const searched = async (q: string) => {
        let response: any;
        const statements = await statementsOf(app.strapi, async () => (response = await search({ q })));
        return { response, parses: statements.filter((sql) => sql.includes('websearch_to_tsquery')).length };
      };
      const q = `marathons -${unique('nothing')}`; // a text no other test searched
      const first = await searched(q);
      const again = await searched(q);
      expect([first.parses, again.parses]).toEqual([1, 0]);
      expect(first.response.status).toBe(200);
      expect(ids(first.response)).toEqual([english]);
      expect(again.response.body).toEqual(first.response.body);
    }
  );
});

describe('long texts that repeat their words', () => {
  test('are found, ranked and snippeted where the words are (PostgreSQL ranks them by a shorter vector)', async () => {
    const [word, other, last] = [unique('repeatword'), unique('otherword'), unique('lastword')];
    const repetitive = await createCourse({
      title: `Drills ${unique('w')}`,
      description: `${`Practice ${word} and ${other} every day. `.repeat(60)}The ${last}.`,
    });
    const titled = await createCourse({ title: `${word} ${other} primer`, description: 'A short introduction.' });
    await whenIndexed(
      async () => (await finds({ q: word }, repetitive.documentId)) && (await finds({ q: word }, titled.documentId)),
      'both indexed'
    );
    const response = await search({ q: `${word} ${other}`, type: 'course' });
    expect(response.status).toBe(200);
    expect(ids(response).sort()).toEqual([titled.documentId, repetitive.documentId].sort());
    const hit = (documentId: string) => response.body.data.find((found: any) => found.documentId === documentId);
    expect(hit(repetitive.documentId).score).toBeGreaterThan(0);
    expect(hit(titled.documentId).score).toBeGreaterThan(0);
    expect(hit(repetitive.documentId).snippet).toContain(`<mark>${word}</mark>`);
    expect(hit(repetitive.documentId).snippet).toContain(`<mark>${other}</mark>`);
    // From the title: the text has neither word.
    expect(hit(titled.documentId).snippet).toContain(`<mark>${word}</mark>`);
    // A word only past the repeats that ranking keeps is still found: matching reads the whole text.
    const deep = await search({ q: last, type: 'course' });
    expect(ids(deep)).toEqual([repetitive.documentId]);
    expect(deep.body.data[0].snippet).toContain(`<mark>${last}</mark>`); // past the text's first thousand characters
    if (process.env.DATABASE_CLIENT === 'postgres') {
      const { rows } = await app.strapi.db.connection.raw(
        `SELECT "document_id", "rank_vector" IS NOT NULL AS "ranked_short", length("rank_vector") AS "lexemes",
                length("search_vector") AS "all_lexemes"
         FROM "lyceum_search_documents" WHERE "document_id" IN (?, ?)`,
        [repetitive.documentId, titled.documentId]
      );
      const row = (documentId: string) => rows.find((found: any) => found.document_id === documentId);
      expect(row(repetitive.documentId)).toMatchObject({ ranked_short: true });
      expect(row(repetitive.documentId).lexemes).toBe(row(repetitive.documentId).all_lexemes);
      expect(row(titled.documentId)).toMatchObject({ ranked_short: false });
    }
  });
});

describe('facets and filters', () => {
  const word = unique('zebrafacet');
  let design: { documentId: string; slug: string };
  let free: string;
  let paid: string;
  let article: string;
  beforeAll(async () => {
    design = await createCategory('Design');
    free = (await createCourse({ title: `${word} basics`, level: 'beginner', price: 0 })).documentId;
    paid = (
      await createCourse(
        { title: `${word} advanced`, level: 'advanced', price: 49, category: design.documentId },
        { lessons: [`${word} lesson one`] }
      )
    ).documentId;
    const created = await app.strapi
      .documents(ARTICLE)
      .create({ locale: 'en', data: { title: `Why ${word} matters`, body: 'An article', slug: unique('a-') } as any });
    await app.strapi.documents(ARTICLE).publish({ documentId: created.documentId });
    article = created.documentId;
    await whenIndexed(async () => (await search({ q: word })).body.meta?.pagination?.total === 4, 'all four indexed');
  });

  test('facets count hits per type, category, level and price', async () => {
    const response = await search({ q: word });
    expect(response.status).toBe(200);
    expect(response.body.meta.facets).toEqual({
      type: { course: 2, lesson: 1, article: 1 },
      category: { [design.slug]: 2 },
      level: { beginner: 1, advanced: 2 },
      price: { free: 1, paid: 2 },
    });
    expect(response.body.meta.pagination).toEqual({ page: 1, pageSize: 10, pageCount: 1, total: 4 });
  });

  test('type, level, price and category filter the hits; pages split them', async () => {
    expect(ids(await search({ q: word, type: 'article' }))).toEqual([article]);
    expect(new Set(ids(await search({ q: word, type: 'course,article' })))).toEqual(new Set([free, paid, article]));
    expect(ids(await search({ q: word, level: 'beginner' }))).toEqual([free]);
    expect(ids(await search({ q: word, price: 'paid', type: 'course' }))).toEqual([paid]);
    expect((await search({ q: word, category: design.slug })).body.meta.facets.type).toEqual({ course: 1, lesson: 1 });
    const second = await search({ q: word, 'pagination[page]': '2', 'pagination[pageSize]': '3' });
    expect(second.body.data).toHaveLength(1);
    expect(second.body.meta.pagination).toEqual({ page: 2, pageSize: 3, pageCount: 2, total: 4 });
  });

  test('sorts by relevance, rating, popularity and date', async () => {
    await app.strapi.db.query(COURSE).updateMany({ where: { documentId: free }, data: { ratingAverage: 4.8 } });
    const rated = await search({ q: word, type: 'course', sort: 'rating' });
    expect(ids(rated)).toEqual([free, paid]);
    expect(ids(await search({ q: word, type: 'course', ratingMin: '4.5' }))).toEqual([free]);
    for (const sort of ['relevance', 'popular', 'newest']) {
      const response = await search({ q: word, sort });
      expect(response.status).toBe(200);
      expect(response.body.data).toHaveLength(4);
    }
  });
});

describe('what is never found', () => {
  test('drafts, unpublished lessons, lessons of unpublished courses and lesson content (paid or not)', async () => {
    const word = unique('hiddenword');
    const draft = await createCourse(
      { title: `${word} draft course` },
      { publish: false, lessons: [`${word} lesson`] }
    );
    const paid = await createCourse(
      { title: `Paid ${unique('w')}`, price: 99 },
      { lessons: ['Introduction'], lessonContent: `The ${word} secret answer` }
    );
    const visible = await createCourse({ title: `${word} visible course` });
    await whenIndexed(() => finds({ q: word }, visible.documentId), 'the visible course indexed');
    // The others' jobs have run too, so what is missing was left out, not merely not indexed yet.
    await whenIndexJobsRan();
    const found = ids(await search({ q: word }));
    expect(found).toEqual([visible.documentId]);
    expect(found).not.toContain(draft.documentId);
    expect(found).not.toContain(paid.lessons[0]);
    const suggestions = (await app.request.get('/api/search/suggest').query({ q: word })).body.data;
    expect(suggestions.map((item: any) => item.documentId)).toEqual([visible.documentId]);
  });
});

describe('the index follows writes within 2 s', () => {
  test('publish, edit, unpublish, publish again, delete (course and its lessons)', async () => {
    const before = unique('alphaword');
    const after = unique('omegaword');
    const course = await createCourse(
      { title: `${before} course` },
      { publish: false, lessons: [`${before} first lesson`] }
    );
    expect(await finds({ q: before }, course.documentId)).toBe(false);

    await app.strapi.documents(LESSON).publish({ documentId: course.lessons[0] });
    await app.strapi.documents(COURSE).publish({ documentId: course.documentId });
    await within2s(
      async () => (await finds({ q: before }, course.documentId)) && finds({ q: before }, course.lessons[0]),
      'the published course and its lesson found'
    );

    const edited = await app.request
      .put(`/api/courses/${course.documentId}`)
      .set(admin.auth)
      .send({ data: { title: `${after} course` } });
    expect(edited.status).toBe(200);
    await within2s(
      async () => (await finds({ q: after }, course.documentId)) && !(await finds({ q: before }, course.documentId)),
      'the new title found, the old one not'
    );

    await app.strapi.documents(COURSE).unpublish({ documentId: course.documentId });
    await within2s(
      async () => !(await finds({ q: after }, course.documentId)) && !(await finds({ q: before }, course.lessons[0])),
      'the unpublished course and its lesson gone'
    );

    await app.strapi.documents(COURSE).publish({ documentId: course.documentId });
    await within2s(() => finds({ q: before }, course.lessons[0]), 'the lesson back with its course');

    const deleted = await app.request.delete(`/api/courses/${course.documentId}`).set(admin.auth);
    expect(deleted.status).toBeLessThan(300);
    await within2s(
      async () => !(await finds({ q: after }, course.documentId)) && !(await finds({ q: before }, course.lessons[0])),
      'the deleted course and its lesson gone'
    );
  });

  test('an article: published through the API, then unpublished', async () => {
    const word = unique('articleword');
    const created = await app.request
      .post('/api/articles')
      .set(admin.auth)
      .send({ data: { title: `${word} news`, body: 'Body' } });
    expect(created.status).toBe(201);
    const { documentId } = created.body.data;
    await within2s(() => finds({ q: word, type: 'article' }, documentId), 'the article found');
    await app.strapi.documents(ARTICLE).unpublish({ documentId });
    await within2s(async () => !(await finds({ q: word }, documentId)), 'the unpublished article gone');
  });
});

describe('suggestions', () => {
  let typescript: string;
  let python: string;
  beforeAll(async () => {
    typescript = (await createCourse({ title: 'TypeScript Generics Workshop' })).documentId;
    python = (await createCourse({ title: 'Python for Data Science' }, { ru: { title: 'Питон для анализа данных' } }))
      .documentId;
    // Each course is indexed by its own job, so the second may land after the first: wait for both, in both locales.
    await whenIndexed(() => finds({ q: 'generics' }, typescript), 'the TypeScript course indexed');
    await whenIndexed(
      async () => (await finds({ q: 'science' }, python)) && (await finds({ q: 'питон', locale: 'ru' }, python)),
      'the Python course indexed in en and ru'
    );
  });
  const suggest = (q: string, extra: Record<string, string> = {}) =>
    app.request.get('/api/search/suggest').query({ q, ...extra });
  const suggested = async (q: string, extra: Record<string, string> = {}) =>
    (await suggest(q, extra)).body.data.map((item: any) => item.documentId);

  test('complete what is typed, as { text, type, documentId }', async () => {
    const response = await suggest('typescr');
    expect(response.status).toBe(200);
    expect(response.body.data).toContainEqual({
      text: 'TypeScript Generics Workshop',
      type: 'course',
      documentId: typescript,
    });
    expect(await suggested('python for da')).toContain(python);
    expect(await suggested('питон', { locale: 'ru' })).toContain(python);
  });

  test('tolerate one typo in a word of five letters or more, not in a shorter one, and not two', async () => {
    expect(await suggested('typscript')).toContain(typescript); // a letter missing
    expect(await suggested('generucs')).toContain(typescript); // one wrong letter
    expect(await suggested('pythom for')).toContain(python);
    expect(await suggested('питн')).not.toContain(python); // four letters: exact only
    expect(await suggested('gemerucs')).not.toContain(typescript); // two typos
  });

  (process.env.DATABASE_CLIENT === 'postgres' ? test : test.skip)(
    'PostgreSQL: the typo pass counts again only the words that gained close words, not the prefix',
    async () => {
      let answer: string[] = [];
      const statements = await statementsOf(app.strapi, async () => (answer = await suggested('pythom for da')));
      expect(answer).toContain(python);
      const counts = statements.filter((sql) => sql.includes('SELECT COUNT(*) FROM (SELECT 1 FROM'));
      // As typed: every word counted, "pythom" has no title. With its close words: only that word again.
      expect(counts).toHaveLength(2);
      expect(counts.filter((sql) => sql.includes('~>=~'))).toHaveLength(1);
      expect(counts[1].match(/SELECT COUNT\(\*\)/g)).toHaveLength(1);
    }
  );

  test('give at most 10', async () => {
    const word = unique('manyword');
    for (let index = 0; index < 12; index += 1) await createCourse({ title: `${word} part ${index}` }, {});
    await whenIndexed(async () => (await search({ q: word })).body.meta.pagination.total === 12, 'all indexed');
    expect((await suggest(word)).body.data).toHaveLength(10);
  });

  test('list the shortest titles first', async () => {
    const word = unique('shortword');
    const titles = [`${word} and a long tail of words`, `${word} mid length`, `${word}`, `the ${word} again`];
    for (const title of titles) await createCourse({ title });
    await whenIndexed(async () => (await search({ q: word })).body.meta.pagination.total === 4, 'all indexed');
    const texts = (await suggest(word.slice(0, -2))).body.data.map((item: any) => item.text);
    expect(texts).toEqual([...titles].sort((a, b) => a.length - b.length));
  });

  test('look further when the shortest titles do not complete it (each typed word needs a word of its own)', async () => {
    // "N Npre" is found in the index by every title with N (N begins with Npre too), but a title has to have two
    // words for it: the 35 shortest titles have one, only the 10 longer ones complete it. Numbers, so that no typo
    // pass looks again.
    const number = unique('7').replace('x', '0');
    for (let index = 0; index < 35; index += 1) await createCourse({ title: `${number} ${index}` });
    const completing: string[] = [];
    for (let index = 0; index < 10; index += 1)
      completing.push((await createCourse({ title: `${number} ${number}5, part ${index}` })).documentId);
    await whenIndexed(async () => (await search({ q: number })).body.meta.pagination.total === 45, 'all indexed');
    expect((await suggested(`${number} ${number.slice(0, -2)}`)).sort()).toEqual([...completing].sort());
  });

  test('fewer typos first, however many shorter titles have more', async () => {
    // Typed "A' B", A' one typo from A: the 35 shortest titles ("A B'", B' one typo from B) need two typos, the 10
    // longer ones ("A B …") one.
    const first = unique('gecko');
    const last = unique('marmot');
    const typo = (word: string) => `${word[0]}${word[1] === 'a' ? 'e' : 'a'}${word.slice(2)}`;
    for (let index = 0; index < 35; index += 1) await createCourse({ title: `${first} ${typo(last)} ${index}` });
    const oneTypo: string[] = [];
    for (let index = 0; index < 10; index += 1)
      oneTypo.push((await createCourse({ title: `${first} ${last}, and a longer title ${index}` })).documentId);
    await whenIndexed(async () => (await search({ q: first })).body.meta.pagination.total === 45, 'all indexed');
    expect((await suggested(`${typo(first)} ${last}`)).sort()).toEqual([...oneTypo].sort());
  });

  (process.env.DATABASE_CLIENT === 'postgres' ? test : test.skip)(
    'PostgreSQL: one typed word that finds ten is one statement, a walk of a few titles with no count',
    async () => {
      const word = unique('onestatement');
      for (let index = 0; index < 12; index += 1) await createCourse({ title: `${word} part ${index}` });
      await whenIndexed(async () => (await search({ q: word })).body.meta.pagination.total === 12, 'all indexed');
      let answer: string[] = [];
      // The fewest of a few runs: an index job still running for these courses writes the same tables.
      const searchStatements = await fewestStatementsOf(
        app.strapi,
        async () => (answer = await suggested(word.slice(0, -2))),
        (sql) => sql.includes('lyceum_search_')
      );
      expect(answer).toHaveLength(10);
      expect(searchStatements).toHaveLength(1);
      expect(searchStatements[0]).not.toContain('COUNT(*)');
      expect(searchStatements[0]).toContain('LIMIT 30');
    }
  );

  (process.env.DATABASE_CLIENT === 'postgres' ? test : test.skip)(
    'PostgreSQL: every suggestion statement runs on the connections that plan a statement once',
    async () => {
      const word = unique('planonce');
      for (let index = 0; index < 12; index += 1) await createCourse({ title: `${word} lesso ${index}` });
      await whenIndexed(async () => (await search({ q: word })).body.meta.pagination.total === 12, 'all indexed');
      // As typed, with typos, several words, a prefix: every kind of suggestion statement. The planOnce ones are
      // sent on pg's own pool (src/strapi-patches/postgres-prepared-statements.ts), which tells knex's query event so.
      const seen: Array<{ sql: string; __knexUid?: string }> = [];
      const listener = (query: { sql: string; __knexUid?: string }) => seen.push(query);
      const knex = app.strapi.db.connection as unknown as {
        on(event: string, listener: (query: { sql: string }) => void): void;
        off(event: string, listener: (query: { sql: string }) => void): void;
      };
      knex.on('query', listener);
      try {
        for (const q of [word.slice(0, -1), `${word.slice(0, -2)}x`, `${word} less`, `${word} lesso 1`, 'lessonx'])
          expect((await suggest(q)).status).toBe(200);
      } finally {
        knex.off('query', listener);
      }
      const searchStatements = seen.filter((query) => query.sql.includes('lyceum_search_'));
      // A walk, a count, a typo lookup at least.
      expect(new Set(searchStatements.map((query) => query.sql.slice(0, 40))).size).toBeGreaterThanOrEqual(3);
      expect(searchStatements.filter((query) => query.__knexUid !== 'plan-once')).toEqual([]);
    }
  );
});

describe('bad input', () => {
  test.each([
    [{}, 'q'],
    [{ q: '   ' }, 'q'],
    [{ q: 'x'.repeat(201) }, 'q'],
    [{ q: 'course', type: 'video' }, 'type'],
    [{ q: 'course', sort: 'best' }, 'sort'],
    [{ q: 'course', level: 'expert' }, 'level'],
    [{ q: 'course', price: 'cheap' }, 'price'],
    [{ q: 'course', category: 'no-such-category' }, 'category'],
    [{ q: 'course', locale: 'fr' }, 'locale'],
    [{ q: 'course', ratingMin: '9' }, 'ratingMin'],
    [{ q: 'course', 'pagination[pageSize]': '101' }, 'pageSize'],
    [{ q: 'course', pageSize: '0' }, 'pageSize'],
  ])('GET /search %j → 400 naming %s', async (query, field) => {
    const response = await search(query as Record<string, string>);
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors.map((error: any) => error.path.join('.'))).toContain(field);
  });

  test.each([
    '!!! & | :* ( ) <-> "',
    "'; DROP TABLE courses; --",
    '-',
    '"unclosed phrase',
    'a:* & !b',
    'NEAR(a b)',
    '*',
  ])('an operator-laden query %j answers 200 (never 500, never a tsquery error)', async (q) => {
    const response = await search({ q });
    expect(response.status).toBe(200);
    expect(Array.isArray(response.body.data)).toBe(true);
    const suggestion = await app.request.get('/api/search/suggest').query({ q });
    expect(suggestion.status).toBe(200);
  });

  test('suggest refuses an empty or overlong q and an unknown type', async () => {
    for (const query of [{}, { q: 'y'.repeat(201) }, { q: 'abc', type: 'tutorial' }]) {
      const response = await app.request.get('/api/search/suggest').query(query);
      expect(response.status).toBe(400);
    }
  });
});

describe('the index as stored', () => {
  const facade = () => require(path.join(process.cwd(), 'dist/src/plugins/search/server/src/facade.js'));

  test('the rebuild (npm run search:reindex) makes every visible document again, with progress', async () => {
    const word = unique('rebuildword');
    const course = await createCourse({ title: `${word} course` }, { lessons: [`${word} lesson`] });
    await whenIndexed(
      async () => (await finds({ q: word }, course.documentId)) && finds({ q: word }, course.lessons[0]),
      'the course and its lesson indexed'
    );
    await whenIndexJobsRan();
    const before = await facade().countIndexed(app.strapi);
    await app.strapi.db.connection.raw(app.strapi.db.dialect.client === 'postgres' ? 'TRUNCATE ??' : 'DELETE FROM ??', [
      'lyceum_search_documents',
    ]);
    const reports: Array<{ type: string; done: number; total: number }> = [];
    const indexed: Record<string, number> = await facade().rebuildIndex(app.strapi, (progress: any) =>
      reports.push(progress)
    );
    // The rebuild reports every kind, one with nothing to index (no posts here) as 0; the index's count leaves it out.
    expect(Object.fromEntries(Object.entries(indexed).filter(([, count]) => count > 0))).toEqual(before);
    expect(await facade().countIndexed(app.strapi)).toEqual(before);
    expect(reports.filter((report) => report.done === report.total).map((report) => report.type)).toEqual(
      expect.arrayContaining(['course', 'lesson', 'article', 'post'])
    );
    expect(ids(await search({ q: word }))).toEqual(expect.arrayContaining([course.documentId, course.lessons[0]]));
    if (app.strapi.db.dialect.client === 'postgres') {
      // The content it read had statistics first (a rebuild mostly follows a bulk load, which leaves none).
      const { rows } = await app.strapi.db.connection.raw(
        `SELECT "last_analyze" IS NOT NULL AS "analyzed" FROM pg_stat_user_tables
         WHERE "relname" = 'lessons' AND "schemaname" = current_schema()`
      );
      expect(rows).toEqual([{ analyzed: true }]);
    }
  });

  test('a rebuild in pages of one or two rows makes every document once, a document published in two locales included', async () => {
    const word = unique('pagedword');
    const course = await createCourse(
      { title: `${word} course` },
      { ru: { title: `${word} курс` }, lessons: [`${word} lesson`] }
    );
    // Each version and the lesson are indexed by their own jobs: count only once all of them have landed.
    await whenIndexed(
      async () =>
        (await finds({ q: word, locale: 'ru' }, course.documentId)) &&
        (await finds({ q: word, locale: 'en' }, course.documentId)) &&
        finds({ q: word }, course.lessons[0]),
      'both versions and the lesson indexed'
    );
    await whenIndexJobsRan();
    const before = await facade().countIndexed(app.strapi);
    for (const pageSize of [1, 2]) {
      // The rows are paged by documentId, so a page may end between a document's two locales: none may be lost.
      await facade().rebuildIndex(app.strapi, () => {}, pageSize);
      expect(await facade().countIndexed(app.strapi)).toEqual(before);
      for (const locale of ['en', 'ru']) expect(ids(await search({ q: word, locale }))).toContain(course.documentId);
      expect(ids(await search({ q: word }))).toContain(course.lessons[0]);
    }
  });

  (process.env.DATABASE_CLIENT === 'postgres' ? test : test.skip)(
    'PostgreSQL: rows indexed before the suggestion columns existed get them at start-up, typo lookups included',
    async () => {
      const word = unique('backfillword');
      const course = await createCourse({ title: `${word} Haberdashery` });
      await whenIndexed(() => finds({ q: word }, course.documentId), 'indexed');
      // As a database indexed by the previous release: no title words, no words table rows.
      await app.strapi.db.connection.raw('UPDATE ?? SET "title_words" = NULL', ['lyceum_search_documents']);
      await app.strapi.db.connection.raw('DELETE FROM ??', ['lyceum_search_words']);
      const suggested = async (q: string) =>
        (await app.request.get('/api/search/suggest').query({ q })).body.data.map((item: any) => item.documentId);
      expect(await suggested(word)).toEqual([]);
      await facade().ensureSearchTables(app.strapi);
      expect(await suggested(word)).toEqual([course.documentId]);
      expect(await suggested(`${word} haberdasgery`)).toEqual([course.documentId]); // one letter wrong
      const { rows } = await app.strapi.db.connection.raw(
        'SELECT COUNT(*)::int AS "left" FROM ?? WHERE "title_words" IS NULL',
        ['lyceum_search_documents']
      );
      expect(rows[0].left).toBe(0);
    }
  );

  (process.env.DATABASE_CLIENT === 'postgres' ? test : test.skip)(
    'PostgreSQL: an index made before the title terms table gets it at start-up; words seldom together are found',
    async () => {
      const db = app.strapi.db.connection;
      const [first, second] = [unique('walkfirst'), unique('walksecond')];
      // More titles with each word than a suggestion walks per word, shorter than the one title with both, as rows
      // of the index itself (thousands of courses through the API would take minutes).
      const seeded = await db.raw(
        `INSERT INTO "lyceum_search_documents" ("type", "document_id", "locale", "title", "body", "url", "published_at",
           "search_vector", "title_words")
         SELECT 'article', 'walk-' || md5(v."title"), 'en', v."title", '', '/walk', 0, to_tsvector('russian', v."title"),
                to_tsvector('simple', v."title")
         FROM (SELECT ? || ' ' || n AS "title" FROM generate_series(1, 2100) n
               UNION ALL SELECT ? || ' ' || n FROM generate_series(1, 2100) n
               UNION ALL SELECT ? || ' ' || ? || ' at the very end of a long title') v
         RETURNING "id"`,
        [first, second, first, second]
      );
      const rowIds = seeded.rows.map((row: { id: number }) => row.id);
      try {
        await db.raw('INSERT INTO "lyceum_search_words" ("word") VALUES (?), (?) ON CONFLICT DO NOTHING', [
          first,
          second,
        ]);
        // As a database indexed by the previous release: no title terms table.
        await db.raw('DROP TABLE "lyceum_search_title_terms"');
        await facade().ensureSearchTables(app.strapi);
        const suggestions = async (q: string) =>
          (await app.request.get('/api/search/suggest').query({ q })).body.data.map((item: any) => item.text);
        expect(await suggestions(first.slice(0, -1))).toEqual([
          ...Array.from({ length: 9 }, (_, index) => `${first} ${index + 1}`),
          `${first} 10`,
        ]);
        expect(await suggestions(`${first} ${second.slice(0, -1)}`)).toEqual([
          `${first} ${second} at the very end of a long title`,
        ]);
        expect(await suggestions(`${second} ${first}`)).toEqual([`${first} ${second} at the very end of a long title`]);
      } finally {
        await db.raw('DELETE FROM "lyceum_search_title_terms" WHERE "document_row" = ANY(?)', [rowIds]);
        await db.raw('DELETE FROM "lyceum_search_documents" WHERE "id" = ANY(?)', [rowIds]);
      }
    }
  );

  (process.env.DATABASE_CLIENT === 'postgres' ? test : test.skip)(
    'PostgreSQL: a query joining a common word and a rare one finds the same documents when the index is asked for the rare one',
    async () => {
      const db = app.strapi.db.connection;
      const [common, inTitle, inText, elsewhere] = [
        unique('commonword'),
        unique('titleword'),
        unique('textword'),
        unique('elsewhere'),
      ];
      // Enough rows with the common word for the statistics to list it among the column's most common elements.
      const seeded = await db.raw(
        `INSERT INTO "lyceum_search_documents" ("type", "document_id", "locale", "title", "body", "url", "published_at",
           "search_vector", "title_words")
         SELECT 'article', 'common-' || md5(v."title" || v."body"), 'en', v."title", v."body", '/common', 0,
                setweight(to_tsvector('russian', v."title"), 'A') || setweight(to_tsvector('russian', v."body"), 'B'),
                to_tsvector('simple', v."title")
         FROM (SELECT ? || ' ' || n AS "title", '' AS "body" FROM generate_series(1, 3000) n
               UNION ALL SELECT ? || ' ' || ?, 'plain text'
               UNION ALL SELECT ? || ' plain', ? || ' in the text only'
               UNION ALL SELECT ? || ' alone', 'nothing common') v
         RETURNING "id", "document_id", "title"`,
        [common, common, inTitle, common, inText, elsewhere]
      );
      const idOf = (title: string) => seeded.rows.find((row: any) => row.title === title).document_id;
      try {
        await facade().settleIndex(app.strapi);
        const { rows } = await db.raw(
          `SELECT ? = ANY(CAST(CAST("most_common_elems" AS text) AS text[])) AS "listed" FROM pg_stats
           WHERE "tablename" = 'lyceum_search_documents' AND "attname" = 'search_vector'`,
          [common]
        );
        expect(rows[0].listed).toBe(true);
        expect(ids(await search({ q: `${common} ${inTitle}` }))).toEqual([idOf(`${common} ${inTitle}`)]);
        expect(ids(await search({ q: `${inTitle} ${common}` }))).toEqual([idOf(`${common} ${inTitle}`)]);
        expect(ids(await search({ q: `${common} ${inText}` }))).toEqual([idOf(`${common} plain`)]);
        expect(ids(await search({ q: `${common} ${elsewhere}` }))).toEqual([]);
        expect(ids(await search({ q: `${common} ${inTitle} -plain` }))).toEqual([]);
        expect((await search({ q: common })).body.meta.pagination.total).toBe(1000);
      } finally {
        await db.raw('DELETE FROM "lyceum_search_documents" WHERE "id" = ANY(?)', [
          seeded.rows.map((row: { id: number }) => row.id),
        ]);
      }
    }
  );

  test("survives Strapi's schema sync (from nothing stored) and a restart", async () => {
    const word = unique('survivorword');
    const course = await createCourse({ title: `${word} course` });
    await whenIndexed(() => finds({ q: word }, course.documentId), 'indexed');
    // Strapi forgets the schema it stored, so the next sync diffs everything, as after an upgrade.
    await app.strapi.db.connection('strapi_database_schema').delete();
    await app.strapi.db.schema.sync();
    expect(await finds({ q: word }, course.documentId)).toBe(true);
    expect((await app.request.get('/api/search/suggest').query({ q: word })).body.data).toHaveLength(1);

    // Another boot on the same database (start-up: migrations, schema sync, bootstrap), serving the same answers.
    await app.strapi.db.connection('strapi_database_schema').delete();
    const second = await startInstance('restarted', { JOBS_WORKER: 'false', CRON_ENABLED: 'false' });
    try {
      const response = await fetch(`${second.url}/api/search?q=${word}`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as any).data.map((hit: any) => hit.documentId)).toEqual([course.documentId]);
    } finally {
      await stopInstance(second);
    }
    expect(await finds({ q: word }, course.documentId)).toBe(true);
  });
});
