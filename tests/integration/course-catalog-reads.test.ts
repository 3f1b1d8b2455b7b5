import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { statementsOf } from '../helpers/statements';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * The catalog's fast read (src/api/course/reads) answers exactly what the stock path answers: every query shape below
 * is asked twice, through the fast read and with LYCEUM_FAST_CATALOG_READS=false (the document service and Strapi's
 * sanitising, as before), and the two bodies must be deeply equal, on SQLite and PostgreSQL, for each kind of caller.
 */

const COURSE = 'api::course.course';
let app: TestApp;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
let coTeacher: TestUser;
let student: TestUser;
let admin: TestUser;
let categoryDocumentId: string;
let alpha: TestCourse;
let alphaSlug: string;

const FAST_STATEMENT = /^SELECT c\.\* FROM/;

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
  const category = await app.strapi
    .documents('api::category.category')
    .create({ locale: 'en', data: { name: 'Programming', slug: 'programming', description: 'Code' } as any });
  categoryDocumentId = category.documentId;
  await app.strapi.documents('api::category.category').update({
    documentId: category.documentId,
    locale: 'ru',
    data: { name: 'Программирование', slug: 'programmirovanie' } as any,
  });
  const cover = await make.createPictureRow('cover');

  alpha = await make.createCourse({
    teacher,
    lessons: 0,
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
  await make.createCourse({ teacher: coTeacher, lessons: 0, data: { title: 'Beta', level: 'intermediate', price: 0 } });
  const gamma = await make.createCourse({
    teacher,
    lessons: 0,
    data: { title: 'Gamma', level: 'beginner', price: 25.5, category: category.documentId, ratingAverage: 4.5 },
  });
  // A Russian version of Gamma, published: the ru catalog shows it, the en one does not.
  await app.strapi.documents(COURSE).update({
    documentId: gamma.documentId,
    locale: 'ru',
    data: { title: 'Гамма', slug: 'gamma-ru', summary: 'Курс' } as any,
  });
  await app.strapi.documents(COURSE).publish({ documentId: gamma.documentId, locale: 'ru' });
  await make.createCourse({ teacher, lessons: 0, data: { title: 'Same title', level: 'advanced', price: 5 } });
  await make.createCourse({
    teacher: coTeacher,
    lessons: 0,
    data: { title: 'Same title', level: 'advanced', price: 7 },
  });
  // Never published.
  await make.createCourse({ teacher, lessons: 0, published: false, data: { title: 'Draft only', level: 'beginner' } });
  // Published, then taken down.
  const hidden = await make.createCourse({ teacher, lessons: 0, data: { title: 'Hidden', level: 'beginner' } });
  await app.strapi.documents(COURSE).unpublish({ documentId: hidden.documentId });
  // Published, with a pending draft change: the catalog shows the published title.
  const edited = await make.createCourse({
    teacher,
    lessons: 0,
    data: { title: 'Delta', level: 'advanced', price: 99 },
  });
  await app.strapi
    .documents(COURSE)
    .update({ documentId: edited.documentId, locale: 'en', data: { title: 'Delta (draft)', price: 1 } as any });
}, 180_000);
afterAll(stopLyceum);

const CATALOG_QUERY =
  '/api/courses?filters[level][$eq]=beginner&sort[0]=title:asc&populate[0]=category&populate[1]=teachers&populate[2]=cover&pagination[pageSize]=20';

/** The shapes the fast read takes: each filter, each sort, each populate, page edges, locales. */
const FAST_SHAPES = () => [
  '/api/courses',
  CATALOG_QUERY,
  `/api/courses?filters[slug][$eq]=${alphaSlug}&populate[0]=category&populate[1]=teachers`,
  '/api/courses?filters[slug][$eq]=no-such-course&populate[0]=category&populate[1]=teachers',
  '/api/courses?filters[level]=beginner',
  '/api/courses?filters[level][$eq]=advanced&sort=title',
  '/api/courses?filters[currency][$eq]=USD',
  '/api/courses?filters[price][$eq]=0',
  '/api/courses?filters[price][$gte]=10&sort=price:desc',
  '/api/courses?filters[price][$gt]=5&filters[price][$lte]=25.5',
  '/api/courses?filters[price][$lt]=10',
  '/api/courses?filters[category][slug][$eq]=programming&populate=category',
  `/api/courses?filters[category][documentId][$eq]=${categoryDocumentId}`,
  '/api/courses?filters[level][$eq]=beginner&filters[price][$gte]=1&sort=price',
  ...[
    'title',
    'slug',
    'level',
    'price',
    'createdAt',
    'updatedAt',
    'publishedAt',
    'ratingAverage',
    'ratingCount',
    'studentsCount',
  ].flatMap((field) => [`/api/courses?sort=${field}:asc`, `/api/courses?sort=${field}:desc`]),
  '/api/courses?sort=title:desc,price:asc',
  '/api/courses?sort[0]=level:asc&sort[1]=title:desc',
  '/api/courses?populate=category',
  '/api/courses?populate=cover',
  '/api/courses?populate=teachers',
  '/api/courses?populate=category,cover,teachers',
  '/api/courses?populate[category]=true&populate[cover]=true',
  '/api/courses?populate[0]=cover&populate[1]=category',
  '/api/courses?pagination[page]=1&pagination[pageSize]=2&sort=title',
  '/api/courses?pagination[page]=2&pagination[pageSize]=2&sort=title',
  '/api/courses?pagination[page]=3&pagination[pageSize]=2&sort=title',
  '/api/courses?pagination[page]=99&pagination[pageSize]=2',
  '/api/courses?pagination[pageSize]=1',
  '/api/courses?pagination[pageSize]=100',
  '/api/courses?locale=ru&populate=category,cover,teachers',
  '/api/courses?locale=en&populate=category,cover,teachers',
  '/api/courses?locale=ru&filters[slug][$eq]=gamma-ru',
  // Asking for drafts: everyone but admins gets the published versions, on either path.
  '/api/courses?status=draft&sort=title',
];

/** Shapes the fast read does not know: they keep the stock path. */
const STOCK_SHAPES = [
  '/api/courses?fields[0]=title&fields[1]=slug',
  '/api/courses?filters[title][$containsi]=alp',
  '/api/courses?filters[level][$in][0]=beginner&filters[level][$in][1]=advanced',
  '/api/courses?populate=*',
  '/api/courses?populate[category][fields][0]=name',
  '/api/courses?sort=id:desc',
  '/api/courses?pagination[start]=0&pagination[limit]=2',
  '/api/courses?locale=*',
];

type Caller = 'public' | 'student' | 'teacher';
const headersOf = (caller: Caller) => (caller === 'public' ? {} : caller === 'student' ? student.auth : teacher.auth);

async function answer(path: string, caller: Caller, fast: boolean) {
  process.env.LYCEUM_FAST_CATALOG_READS = fast ? 'true' : 'false';
  try {
    let response: { status: number; body: unknown } | undefined;
    const statements = await statementsOf(app.strapi, async () => {
      response = await app.request.get(path).set(headersOf(caller));
    });
    return {
      status: response!.status,
      body: response!.body,
      tookFastPath: statements.some((sql) => FAST_STATEMENT.test(sql)),
    };
  } finally {
    delete process.env.LYCEUM_FAST_CATALOG_READS;
  }
}

describe('the fast catalog read answers what the stock read answers', () => {
  test.each(['public', 'student', 'teacher'] as const)('for a %s caller, on every catalog shape', async (caller) => {
    for (const path of FAST_SHAPES()) {
      const stock = await answer(path, caller, false);
      const fast = await answer(path, caller, true);
      expect({ path, status: fast.status }).toEqual({ path, status: 200 });
      expect({ path, body: fast.body }).toEqual({ path, body: stock.body });
      // Key order too: a client diffing or hashing the JSON text sees no change.
      expect({ path, text: JSON.stringify(fast.body) }).toEqual({ path, text: JSON.stringify(stock.body) });
      expect({ path, fast: fast.tookFastPath, stock: stock.tookFastPath }).toEqual({ path, fast: true, stock: false });
    }
  });

  test('the fixture covers what the comparison must see: a cover, a category, an avatar, two locales, ties', async () => {
    const { body } = await answer('/api/courses?populate=category,cover,teachers&sort=title', 'public', true);
    const courses = (body as { data: Array<Record<string, any>> }).data;
    expect(courses.map((course) => course.title)).toEqual([
      'Alpha',
      'Beta',
      'Delta',
      'Gamma',
      'Same title',
      'Same title',
    ]);
    const first = courses[0];
    expect(first.cover).toMatchObject({ url: '/uploads/cover.png', formats: { thumbnail: { width: 245 } } });
    expect(first.category).toMatchObject({ name: 'Programming', slug: 'programming' });
    expect(first.teachers.map((profile: { id: number }) => profile.id)).toEqual([teacher.id, coTeacher.id]);
    expect(first.teachers[0].avatar).toEqual({
      url: '/uploads/avatar.png',
      formats: { thumbnail: { url: '/uploads/thumbnail_avatar.png', width: 245, height: 138 } },
      alternativeText: 'avatar picture',
    });
    expect(first.teachers[0]).not.toHaveProperty('email');
    const ru = await answer('/api/courses?locale=ru', 'public', true);
    expect((ru.body as { data: Array<{ title: string }> }).data.map((course) => course.title)).toEqual(['Гамма']);
  });
});

describe('shapes the fast read does not know keep the stock path', () => {
  test.each(STOCK_SHAPES)('%s', async (path) => {
    const fast = await answer(path, 'public', true);
    const stock = await answer(path, 'public', false);
    expect(fast.tookFastPath).toBe(false);
    expect(fast.status).toBe(stock.status);
    expect(fast.body).toEqual(stock.body);
  });

  test('an admin reads through the stock path (drafts on request, raw teachers)', async () => {
    process.env.LYCEUM_FAST_CATALOG_READS = 'true';
    try {
      const statements = await statementsOf(app.strapi, async () => {
        const response = await app.request.get('/api/courses?status=draft&sort=title').set(admin.auth);
        expect(response.status).toBe(200);
        expect(response.body.data.map((course: { title: string }) => course.title)).toContain('Draft only');
      });
      expect(statements.some((sql) => FAST_STATEMENT.test(sql))).toBe(false);
    } finally {
      delete process.env.LYCEUM_FAST_CATALOG_READS;
    }
  });
});

describe('bad input is still refused before any read', () => {
  test.each([
    ['/api/courses?pagination[pageSize]=500', 'pagination'],
    ['/api/courses?filters[nope][$eq]=1', 'filters'],
    ['/api/courses?sort=nope:asc', 'sort'],
    ['/api/courses?populate=nope', 'populate'],
    ['/api/courses?filters[price][$gte]=cheap', 'filters'],
    ['/api/courses?pagination[page]=0', 'pagination'],
  ])('%s answers 400 naming %s', async (path, parameter) => {
    const response = await answer(path, 'public', true);
    expect(response.status).toBe(400);
    expect((response.body as { error: unknown }).error).toMatchObject({ status: 400, name: 'ValidationError' });
    expect(JSON.stringify(response.body)).toContain(parameter);
    expect(response.tookFastPath).toBe(false);
  });
});
