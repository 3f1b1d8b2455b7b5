import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * GraphQL's bounds (src/graphql/limits.ts): items in or/and/in/notIn, argument nesting, request size,
 * depth, cost and pages are refused before anything runs, fast, as BAD_USER_INPUT (never
 * INTERNAL_SERVER_ERROR); and no answer carries SQL, a stack trace or a server path.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let student: TestUser;
let course: TestCourse;

const graphql = (query: string, variables: Record<string, unknown> = {}, user: TestUser | null = null) =>
  app.request
    .post('/graphql')
    .set(user ? user.auth : {})
    .send({ query, variables });
const errorOf = (body: any) => body.errors?.[0];

const SERVER_DETAIL = [
  /select\s/i,
  /\bfrom\s+[`"]/i,
  /sqlite/i,
  /knex/i,
  /node_modules/,
  /\/work\//,
  /\/home\//,
  /\.js:\d+/,
  /\bat\s.+:\d+:\d+/,
];
/** No SQL, no driver words, no paths, no stack frames, no stacktrace or exception keys. */
function expectNothingInternal(body: unknown) {
  const text = JSON.stringify(body);
  for (const pattern of SERVER_DETAIL)
    expect([pattern.source, text.slice(0, 300)]).toEqual([pattern.source, expect.not.stringMatching(pattern)]);
  expect(text).not.toContain('"stacktrace"');
  expect(text).not.toContain('"exception"');
}

function expectRefused(response: any, pathStart?: string) {
  expect(response.status).toBe(400);
  const error = errorOf(response.body);
  expect(error.extensions.code).toBe('BAD_USER_INPUT');
  if (pathStart) expect(error.extensions.error.details.errors[0].path[0]).toBe(pathStart);
  expect(response.body.data ?? null).toBeNull();
  expectNothingInternal(response.body);
}

const filtersCoursesByTitle = (sql: string) => /\bcourses\b/.test(sql) && /\btitle[`"]? = /.test(sql);

const titles = (count: number) =>
  Array.from({ length: count }, (_, index) => `{ title: { eq: "t${index}" } }`).join(', ');

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  student = await make.createUser('student');
  course = await make.createCourse({ teacher: await make.createUser('teacher'), lessons: 2 });
});
afterAll(stopLyceum);

describe('filter bounds: at most 100 items in or, and, in, notIn', () => {
  test('100 items in or still run', async () => {
    const response = await graphql(
      `{ courses(filters: { or: [${titles(99)}, { title: { eq: "${course.title}" } }] }) { documentId } }`
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.courses).toEqual([{ documentId: course.documentId }]);
  });

  test.each([101, 1_000])('%d items in or are refused with 400, no SQL', async (count) => {
    const response = await graphql(`{ courses(filters: { or: [${titles(count)}] }) { title } }`);
    expectRefused(response, 'courses');
    expect(errorOf(response.body).message).toMatch(/at most 100 items/);
  });

  test('10,000 items written in the query are refused at parse time', async () => {
    const response = await graphql(`{ courses(filters: { or: [${titles(10_000)}] }) { title } }`);
    expect(response.status).toBe(400);
    expect(errorOf(response.body).message).toMatch(/tokens/);
    expectNothingInternal(response.body);
  });

  test('10,000 items as a variable, from an anonymous caller, are refused without a database query', async () => {
    const statements: string[] = [];
    const record = (query: { sql: string }) => statements.push(query.sql);
    app.strapi.db.connection.on('query', record);
    const response = await Promise.resolve(
      graphql(
        `
          query ($filters: CourseFiltersInput) {
            courses(filters: $filters) {
              title
            }
          }
        `,
        {
          filters: { or: Array.from({ length: 10_000 }, (_, index) => ({ title: { eq: `t${index}` } })) },
        }
      )
    ).finally(() => app.strapi.db.connection.off('query', record));
    // Background jobs (search indexing of the seeded courses) may read courses meanwhile; only a statement that
    // filters courses by title can come from this request.
    expect(statements.filter(filtersCoursesByTitle)).toEqual([]);
    expectRefused(response);
    // The listener does see the statements of a query that runs.
    app.strapi.db.connection.on('query', record);
    await Promise.resolve(graphql(`{ courses(filters: { or: [${titles(2)}] }) { title } }`)).finally(() =>
      app.strapi.db.connection.off('query', record)
    );
    expect(statements.filter(filtersCoursesByTitle).length).toBeGreaterThan(0);
    const smaller = await graphql(
      `
        query ($filters: CourseFiltersInput) {
          courses(filters: $filters) {
            title
          }
        }
      `,
      {
        filters: { or: Array.from({ length: 1_000 }, (_, index) => ({ title: { eq: `t${index}` } })) },
      }
    );
    expectRefused(smaller, 'courses');
  });

  test.each([
    ['and', () => `{ courses(filters: { and: [${titles(101)}] }) { title } }`],
    [
      'in',
      () =>
        `{ courses(filters: { title: { in: [${Array.from({ length: 101 }, (_, index) => `"t${index}"`).join(',')}] } }) { title } }`,
    ],
    [
      'notIn',
      () =>
        `{ lessons(filters: { documentId: { notIn: [${Array.from({ length: 101 }, (_, index) => `"d${index}"`).join(',')}] } }) { title } }`,
    ],
    ['nested or in a relation', () => `{ courses { lessons(filters: { or: [${titles(101)}] }) { title } } }`],
  ])('%s past 100 items is refused', async (_name, query) => {
    expectRefused(await graphql(query()));
  });

  test('between takes exactly two values', async () => {
    expectRefused(
      await graphql(`
        {
          courses(filters: { price: { between: [1] } }) {
            title
          }
        }
      `),
      'courses'
    );
    expectRefused(
      await graphql(`
        {
          courses(filters: { title: { between: ["a", "b", "c"] } }) {
            title
          }
        }
      `),
      'courses'
    );
    const range = await graphql(`
      {
        courses(filters: { price: { between: [0, 1000000] } }) {
          documentId
        }
      }
    `);
    expect(range.body.errors).toBeUndefined();
  });

  test('filters nested deeper than the bound are refused', async () => {
    let filter = `{ title: { eq: "x" } }`;
    for (let level = 0; level < 12; level += 1) filter = `{ and: [${filter}] }`;
    expectRefused(await graphql(`{ courses(filters: ${filter}) { title } }`), 'courses');
    let not = `{ title: { eq: "x" } }`;
    for (let level = 0; level < 12; level += 1) not = `{ not: ${not} }`;
    expectRefused(await graphql(`{ courses(filters: ${not}) { title } }`), 'courses');
  });
});

describe('pages, size, depth and cost', () => {
  test.each([
    ['page past 10,000', `{ courses(pagination: { page: 10001 }) { title } }`],
    ['page 0', `{ courses(pagination: { page: 0 }) { title } }`],
    ['pageSize past 100', `{ courses(pagination: { pageSize: 101 }) { title } }`],
    ['negative start', `{ courses(pagination: { start: -1 }) { title } }`],
    ['limit past 100', `{ courses(pagination: { limit: 1000 }) { title } }`],
  ])('%s is refused, naming pagination', async (_name, query) => {
    const response = await graphql(query);
    expectRefused(response, 'courses');
    expect(errorOf(response.body).extensions.error.details.errors[0].path).toContain('pagination');
  });

  test('page 10,000 and pageSize 100 are accepted', async () => {
    const response = await graphql(`
      {
        courses(pagination: { page: 10000, pageSize: 100 }) {
          title
        }
      }
    `);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.courses).toEqual([]);
  });

  test('a page number of 1e20 is refused before it reaches the database', async () => {
    const response = await graphql(
      `
        query ($p: PaginationArg) {
          courses(pagination: $p) {
            title
          }
        }
      `,
      { p: { page: 1e20 } }
    );
    expect(response.status).toBe(400);
    expectNothingInternal(response.body);
  });

  test('a query that would resolve too many fields is refused before it runs', async () => {
    const costly = await graphql(`
      {
        courses(pagination: { pageSize: 100 }) {
          lessons(pagination: { pageSize: 100 }) {
            title
            position
            kind
          }
        }
      }
    `);
    expectRefused(costly, 'query');
    expect(errorOf(costly.body).message).toMatch(/at most 10000/);
    // Aliases multiply the work: each counts.
    const aliases = Array.from(
      { length: 30 },
      (_, index) => `c${index}: courses(pagination: { pageSize: 100 }) { title summary lessons { title } }`
    ).join(' ');
    expectRefused(await graphql(`{ ${aliases} }`), 'query');
    // Fragments count as if written out.
    const fragment = await graphql(`
      query {
        courses(pagination: { pageSize: 100 }) {
          ...C
        }
      }
      fragment C on Course {
        lessons(pagination: { pageSize: 100 }) {
          title
          position
        }
      }
    `);
    expectRefused(fragment, 'query');
  });

  test('an ordinary catalog query stays within the cost bound', async () => {
    const response = await graphql(`
      {
        courses {
          title
          category {
            name
          }
          tags {
            name
          }
          lessons {
            title
            position
          }
          teacherProfiles {
            username
          }
        }
      }
    `);
    expect(response.body.errors).toBeUndefined();
  });

  test('a query deeper than the depth limit is refused', async () => {
    const response = await graphql(`
      {
        courses {
          category {
            courses {
              category {
                courses {
                  category {
                    courses {
                      category {
                        name
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    `);
    expect(response.status).toBe(400);
    expect(errorOf(response.body).message).toMatch(/depth/i);
    expectNothingInternal(response.body);
  });

  test('a huge query text is refused at parse time; huge variables are refused by size', async () => {
    const many = Array.from({ length: 6_000 }, (_, index) => `a${index}: __typename`).join(' ');
    const tokens = await graphql(`{ ${many} }`);
    expect(tokens.status).toBe(400);
    expect(errorOf(tokens.body).message).toMatch(/tokens/);
    expectNothingInternal(tokens.body);
    const big = await graphql(
      `
        query ($text: String!) {
          courses(filters: { title: { eq: $text } }) {
            title
          }
        }
      `,
      { text: 'x'.repeat(200 * 1024) }
    );
    expectRefused(big, 'query');
  });
});

describe('no SQL, stack trace or server path in any GraphQL answer', () => {
  test.each([
    `{ courses(sort: "nonexistent:asc") { title } }`,
    `{ courses(sort: "title:sideways") { title } }`,
    `{ courses(filters: { createdAt: { eq: "yesterday" } }) { title } }`,
    `{ courses(filters: { lessons: { position: { gt: 9999999999999 } } }) { title } }`,
    `{ courses(locale: "xx-evil") { title } }`,
    `{ course(documentId: "../../etc/passwd") { title } }`,
    `{ lessonContent(documentId: "x' or 1=1 --") }`,
    `{ courses { `,
    `mutation { deleteUploadFile(id: "1") { name } }`,
  ])('%s', async (query) => {
    for (const user of [null, student]) {
      const response = await graphql(query, {}, user);
      expect(response.status).toBeLessThan(500);
      expectNothingInternal(response.body);
      for (const error of response.body.errors ?? []) {
        if (error.extensions?.code !== 'INTERNAL_SERVER_ERROR') continue;
        expect(error.message).toBe('Internal Server Error');
        expect(error.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      }
    }
  });

  test('a body that is not JSON, or a query that is not text, is a 400 without server detail', async () => {
    const broken = await app.request
      .post('/graphql')
      .set('Content-Type', 'application/json')
      .send('{"query": "{ courses { title } }"');
    expect(broken.status).toBe(400);
    expectNothingInternal(broken.body);
    const notText = await app.request.post('/graphql').send({ query: { nested: true } });
    expect(notText.status).toBe(400);
    expectNothingInternal(notText.body);
  });

  test('malformed REST query parameters never answer SQL or a stack trace either', async () => {
    for (const query of [
      'filters[$and]=x',
      'filters[price][$gt]=abc',
      'filters[id][$between]=1',
      'sort[title][x]=asc',
      'populate[lessons][filters][$and]=x',
    ]) {
      const response = await app.request.get(`/api/courses?${query}`);
      expectNothingInternal(response.body);
      if (response.status >= 500)
        expect(response.body.error).toEqual({
          status: 500,
          name: 'InternalServerError',
          message: 'Internal Server Error',
        });
    }
  });
});
