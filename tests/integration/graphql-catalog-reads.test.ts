import { factories, type TestUser } from '../helpers/factories';
import { showStatements, statementsOf } from '../helpers/statements';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * GraphQL's catalog reads (src/graphql/catalog-reads.ts: `courses` from the REST catalog's fast read, to-one relations
 * and teacher profiles read once per request) answer exactly what the plugin's stock resolvers answer: every query
 * below is sent with LYCEUM_FAST_CATALOG_READS on and off, and the two answers (status and body) must be deeply
 * equal, for each kind of caller, on SQLite and PostgreSQL.
 */

const COURSE = 'api::course.course';
let app: TestApp;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
let coTeacher: TestUser;
let student: TestUser;
let admin: TestUser;
let categoryDocumentId: string;
let alphaSlug: string;

/** The fast `courses` read's page statement (catalog-read.ts). */
const FAST_ROOT = /^SELECT c\.\* FROM/;

beforeAll(async () => {
  app = await startLyceum({ REST_CACHE_ENABLED: 'false' });
  make = factories(app.strapi);
  [teacher, coTeacher, student, admin] = await Promise.all([
    make.createUser('teacher'),
    make.createUser('teacher'),
    make.createUser('student'),
    make.createUser('admin'),
  ]);
  const avatar = await make.createPictureRow('avatar');
  await app.strapi.db.query('plugin::users-permissions.user').update({
    where: { id: teacher.id },
    data: { avatar: avatar.id, bio: 'Teaches well' },
  });
  const categories = app.strapi.documents('api::category.category');
  const parent = await categories.create({
    locale: 'en',
    data: { name: 'Engineering', slug: 'engineering' } as any,
  });
  const category = await categories.create({
    locale: 'en',
    data: { name: 'Programming', slug: 'programming', description: 'Code', parent: parent.documentId } as any,
  });
  categoryDocumentId = category.documentId;
  await categories.update({
    documentId: category.documentId,
    locale: 'ru',
    data: { name: 'Программирование', slug: 'programmirovanie' } as any,
  });
  const cover = await make.createPictureRow('cover');

  const alpha = await make.createCourse({
    teacher,
    lessons: 2,
    data: {
      title: 'Alpha',
      level: 'beginner',
      price: 10,
      category: category.documentId,
      cover: cover.id,
      teachers: [teacher.documentId, coTeacher.documentId],
      capacity: 30,
      enrollmentOpensAt: '2026-01-01T00:00:00.000Z',
      description: '**Rich** text',
    },
  });
  alphaSlug = String(
    (await app.strapi.documents(COURSE).findOne({ documentId: alpha.documentId, locale: 'en' }))!.slug
  );
  await make.createCourse({ teacher: coTeacher, lessons: 1, data: { title: 'Beta', level: 'intermediate', price: 0 } });
  const gamma = await make.createCourse({
    teacher,
    lessons: 0,
    data: { title: 'Gamma', level: 'beginner', price: 25.5, category: category.documentId, ratingAverage: 4.5 },
  });
  await app.strapi.documents(COURSE).update({
    documentId: gamma.documentId,
    locale: 'ru',
    data: { title: 'Гамма', slug: 'gamma-ru', summary: 'Курс', category: category.documentId } as any,
  });
  await app.strapi.documents(COURSE).publish({ documentId: gamma.documentId, locale: 'ru' });
  await make.createCourse({ teacher, lessons: 0, data: { title: 'Same title', level: 'advanced', price: 5 } });
  await make.createCourse({
    teacher: coTeacher,
    lessons: 0,
    data: { title: 'Same title', level: 'advanced', price: 7 },
  });
  await make.createCourse({
    teacher,
    lessons: 0,
    data: { title: 'Epsilon', level: 'advanced' },
  });
  await make.createCourse({ teacher, lessons: 0, published: false, data: { title: 'Draft only', level: 'beginner' } });
  const hidden = await make.createCourse({ teacher, lessons: 1, data: { title: 'Hidden', level: 'beginner' } });
  await app.strapi.documents(COURSE).unpublish({ documentId: hidden.documentId });
  const edited = await make.createCourse({
    teacher,
    lessons: 0,
    data: { title: 'Delta', level: 'advanced', price: 99 },
  });
  await app.strapi
    .documents(COURSE)
    .update({ documentId: edited.documentId, locale: 'en', data: { title: 'Delta (draft)', price: 1 } as any });
  // Enough courses for the bench's page of 20, each with the category, as the bench's catalog has.
  for (let index = 0; index < 16; index += 1)
    await make.createCourse({
      teacher: index % 2 ? teacher : coTeacher,
      lessons: 0,
      data: { title: `Course ${String(index).padStart(2, '0')}`, level: 'intermediate', category: category.documentId },
    });
  await make.createAnnouncement(alpha, teacher);
}, 300_000);
afterAll(stopLyceum);

const BENCH_QUERY =
  '{ courses(pagination: { pageSize: 20 }, sort: "title:asc") { documentId title slug level category { name } } }';

const COURSE_FIELDS = `documentId title slug summary description level price currency capacity waitlist waitlistMode
  waitlistOfferHours enrollmentOpensAt enrollmentClosesAt sequential accessDaysAfterCompletion ratingAverage ratingCount
  studentsCount createdAt updatedAt publishedAt locale`;

/** Queries the fast read answers (`courses` with the REST catalog's shapes), each with nested relations. */
const FAST_QUERIES = () => [
  BENCH_QUERY,
  `{ courses { ${COURSE_FIELDS} } }`,
  `{ courses(sort: "title") { title category { name slug description parent { name } } cover { url alternativeText formats } } }`,
  `{ courses(sort: "title") { title teacherProfiles { id documentId username fullName bio avatarUrl } } }`,
  `{ courses(sort: "title") { title lessons { title course { title category { name } } } } }`,
  `{ courses(sort: "title") { title localizations { title locale category { name } } } }`,
  `{ courses(sort: "title", locale: "ru") { title category { name slug } teacherProfiles { username } } }`,
  `{ courses(sort: "title", locale: "en") { title category { name slug } } }`,
  `{ courses(filters: { level: { eq: "beginner" } }, sort: ["title:asc"], pagination: { pageSize: 20 }) { title category { name } } }`,
  `{ courses(filters: { slug: { eq: "${alphaSlug}" } }) { title category { name } teacherProfiles { username } } }`,
  `{ courses(filters: { slug: { eq: "no-such-course" } }) { title } }`,
  `{ courses(filters: { currency: { eq: "USD" } }, sort: "price:desc") { title price } }`,
  `{ courses(filters: { price: { gte: 10 } }, sort: "price:desc") { title price } }`,
  `{ courses(filters: { price: { gt: 5, lte: 25.5 } }, sort: "title") { title price } }`,
  `{ courses(filters: { price: { lt: 10 } }, sort: "title") { title price } }`,
  `{ courses(filters: { price: { eq: 0 } }) { title price } }`,
  `{ courses(filters: { category: { slug: { eq: "programming" } } }, sort: "title") { title category { name } } }`,
  `{ courses(filters: { category: { documentId: { eq: "${categoryDocumentId}" } } }, sort: "title") { title } }`,
  ...[
    'title',
    'slug',
    'level',
    'price',
    'createdAt',
    'updatedAt',
    'publishedAt',
    'ratingAverage',
    'studentsCount',
  ].flatMap((field) => [`{ courses(sort: "${field}:asc") { title } }`, `{ courses(sort: "${field}:desc") { title } }`]),
  `{ courses(sort: ["level:asc", "title:desc"]) { title level } }`,
  `{ courses(sort: "title", pagination: { page: 2, pageSize: 5 }) { title category { name } } }`,
  `{ courses(sort: "title", pagination: { page: 99, pageSize: 5 }) { title } }`,
  `{ courses(sort: "title", pagination: { start: 5, limit: 5 }) { title category { name } } }`,
  `{ courses(sort: "title", pagination: { pageSize: 1 }) { title } }`,
  `{ courses(sort: "title", pagination: { pageSize: 100 }) { title } }`,
  // Drafts asked for: published versions still, on either path.
  `{ courses(status: DRAFT, sort: "title") { title price category { name } } }`,
  // Two root fields, each with its own arguments and its own batch.
  `{ first: courses(sort: "title", pagination: { pageSize: 3 }) { title category { name } }
     second: courses(sort: "title:desc", locale: "ru") { title category { name } } }`,
];

/** Queries the fast root read leaves to the stock resolver; their relations are still read in batches. */
const STOCK_QUERIES = () => [
  `{ courses(filters: { title: { containsi: "alp" } }) { title category { name } } }`,
  `{ courses(filters: { or: [{ level: { eq: "beginner" } }, { level: { eq: "advanced" } }] }, sort: "title") { title } }`,
  `{ courses(sort: "title", pagination: { start: 3, limit: 5 }) { title } }`,
  `{ courses_connection(sort: "title", pagination: { pageSize: 4 }) { nodes { title category { name } } pageInfo { page pageSize pageCount total } } }`,
  `{ course(documentId: "${categoryDocumentId}") { title } }`,
  `{ lessons(sort: "title") { title course { title slug category { name parent { name } } } } }`,
  `{ categories(sort: "name") { name parent { name } courses { title } } }`,
  `{ announcements { title course { title } author { username } } }`,
  // Refused: unknown sort field, a page and an offset together.
  `{ courses(sort: "nope:asc") { title } }`,
  `{ courses(pagination: { page: 1, start: 0 }) { title } }`,
];

type Caller = 'public' | 'student' | 'teacher' | 'admin';
const headersOf = (caller: Caller) => (caller === 'public' ? {} : { student, teacher, admin }[caller].auth);

async function answer(query: string, caller: Caller, fast: boolean) {
  process.env.LYCEUM_FAST_CATALOG_READS = fast ? 'true' : 'false';
  try {
    let response: { status: number; body: any } | undefined;
    const statements = await statementsOf(app.strapi, async () => {
      response = await app.request.post('/graphql').set(headersOf(caller)).send({ query });
    });
    return {
      status: response!.status,
      body: response!.body,
      tookFastRoot: statements.some((sql) => FAST_ROOT.test(sql)),
    };
  } finally {
    delete process.env.LYCEUM_FAST_CATALOG_READS;
  }
}

describe('GraphQL catalog reads answer what the stock resolvers answer', () => {
  test.each(['public', 'student', 'teacher', 'admin'] as const)(
    'for a %s caller, on each query the fast read takes',
    async (caller) => {
      for (const query of FAST_QUERIES()) {
        const stock = await answer(query, caller, false);
        const fast = await answer(query, caller, true);
        expect({ query, status: fast.status, errors: fast.body.errors }).toEqual({
          query,
          status: 200,
          errors: undefined,
        });
        expect({ query, body: fast.body }).toEqual({ query, body: stock.body });
        expect({ query, text: JSON.stringify(fast.body) }).toEqual({ query, text: JSON.stringify(stock.body) });
        expect({ query, fast: fast.tookFastRoot, stock: stock.tookFastRoot }).toEqual({
          query,
          fast: true,
          stock: false,
        });
      }
    }
  );

  test.each(['public', 'student', 'admin'] as const)(
    'for a %s caller, on queries the stock root resolver keeps (refusals included)',
    async (caller) => {
      for (const query of STOCK_QUERIES()) {
        const stock = await answer(query, caller, false);
        const fast = await answer(query, caller, true);
        expect({ query, status: fast.status, body: fast.body }).toEqual({
          query,
          status: stock.status,
          body: stock.body,
        });
        expect({ query, fast: fast.tookFastRoot }).toEqual({ query, fast: false });
      }
    }
  );

  test('the fixture holds what the comparison must see: relations, drafts, locales, refusals', async () => {
    const { body } = await answer(
      `{ courses(sort: "title", pagination: { pageSize: 100 }) { title category { name parent { name } } cover { url }
         teacherProfiles { username avatarUrl } lessons { title } } }`,
      'public',
      true
    );
    const byTitle = new Map<string, any>(body.data.courses.map((course: any) => [course.title, course]));
    expect(body.data.courses).toHaveLength(23);
    expect(byTitle.has('Draft only') || byTitle.has('Hidden') || byTitle.has('Delta (draft)')).toBe(false);
    const alpha = byTitle.get('Alpha');
    expect(alpha.category).toEqual({ name: 'Programming', parent: { name: 'Engineering' } });
    expect(alpha.cover).toEqual({ url: '/uploads/cover.png' });
    expect(alpha.teacherProfiles).toEqual([
      { username: teacher.username, avatarUrl: '/uploads/avatar.png' },
      { username: coTeacher.username, avatarUrl: null },
    ]);
    expect(alpha.lessons).toHaveLength(2);
    // No category: null, not a neighbour's.
    expect(byTitle.get('Epsilon').category).toBeNull();
    expect(JSON.stringify(body)).not.toContain(teacher.email);
    const ru = await answer(`{ courses(locale: "ru") { title category { name } } }`, 'public', true);
    expect(ru.body.data.courses).toEqual([{ title: 'Гамма', category: { name: 'Программирование' } }]);
    const author = await answer(`{ announcements { author { username } } }`, 'public', true);
    expect(author.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

/** Statements on the tables the catalog query reads: background jobs (the outbox, schedules) touch none of them. */
const CATALOG_TABLES = /\b(courses|categories|courses_category_lnk)\b/;

async function catalogStatementsOf(query: string, fast: boolean): Promise<string[]> {
  // The least of three: nothing but the request itself can lower a count, so a stray reader cannot inflate it.
  let least: string[] | undefined;
  for (let round = 0; round < 3; round += 1) {
    process.env.LYCEUM_FAST_CATALOG_READS = fast ? 'true' : 'false';
    try {
      const statements = await statementsOf(app.strapi, async () => {
        const response = await app.request.post('/graphql').send({ query });
        expect(response.body.errors).toBeUndefined();
      });
      const reads = statements.filter((sql) => CATALOG_TABLES.test(sql.replace(/["`]/g, '')));
      if (!least || reads.length < least.length) least = reads;
    } finally {
      delete process.env.LYCEUM_FAST_CATALOG_READS;
    }
  }
  return least!;
}

describe("the bench's GraphQL catalog query", () => {
  test('reads a page of 20 courses and their categories in 3 statements (the stock resolvers: one per course)', async () => {
    const stock = await catalogStatementsOf(BENCH_QUERY, false);
    const fast = await catalogStatementsOf(BENCH_QUERY, true);
    showStatements(app.strapi, 'graphql catalog, stock', stock);
    showStatements(app.strapi, 'graphql catalog, fast', fast);
    // The page; the courses' ids; their categories (Strapi's populate of all the parents at once).
    expect(fast).toHaveLength(3);
    expect(stock.length).toBeGreaterThanOrEqual(20);
  });

  test('the count does not grow with the page: 5 courses or 20, teachers too', async () => {
    const withTeachers = (size: number) =>
      `{ courses(pagination: { pageSize: ${size} }, sort: "title:asc") { title category { name } teacherProfiles { username } } }`;
    const small = await answer(withTeachers(5), 'public', true);
    const large = await answer(withTeachers(20), 'public', true);
    expect(large.body.data.courses).toHaveLength(20);
    const count = async (size: number) =>
      (
        await statementsOf(app.strapi, async () => {
          process.env.LYCEUM_FAST_CATALOG_READS = 'true';
          try {
            await app.request.post('/graphql').send({ query: withTeachers(size) });
          } finally {
            delete process.env.LYCEUM_FAST_CATALOG_READS;
          }
        })
      ).filter((sql) =>
        /\b(courses|categories|courses_category_lnk|courses_teachers_lnk)\b/.test(sql.replace(/["`]/g, ''))
      ).length;
    expect(small.status).toBe(200);
    const counts = [];
    for (let round = 0; round < 3; round += 1) counts.push([await count(5), await count(20)]);
    const [leastSmall, leastLarge] = [Math.min(...counts.map((c) => c[0])), Math.min(...counts.map((c) => c[1]))];
    expect(leastLarge).toBe(leastSmall);
  });
});
