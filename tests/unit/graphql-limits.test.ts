import { env } from '@strapi/utils';
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import pluginsConfig from '../../config/plugins';
import { apolloServerOptions } from '../../src/graphql/apollo';
import { argumentProblem, graphqlLimits, operationProblem } from '../../src/graphql/limits';
import { leaksServerDetail, safeGraphqlError } from '../../src/errors/graphql';

const limits = graphqlLimits({ int: (_name, fallback) => fallback });

const schema = buildSchema(`
  input Filters { title: String, or: [Filters], and: [Filters], not: Filters, in: [String] }
  input Page { page: Int, pageSize: Int, start: Int, limit: Int }
  type Lesson { title: String, position: Int }
  type Course { title: String, lessons(pagination: Page): [Lesson] }
  type Query { courses(filters: Filters, pagination: Page): [Course], course: Course }
`);

function problemOf(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find(
    (definition) => definition.kind === 'OperationDefinition'
  ) as OperationDefinitionNode;
  return operationProblem({ schema, document, operation, variables, source: query }, limits);
}

describe('argument bounds', () => {
  test.each([
    [{ or: Array(100).fill({ title: 'x' }) }, null],
    [{ or: Array(101).fill({ title: 'x' }) }, 'filters.or may hold at most 100 items'],
    [{ and: Array(101).fill({}) }, 'filters.and may hold at most 100 items'],
    [{ title: { in: Array(101).fill('x') } }, 'filters.title.in may hold at most 100 items'],
    [{ title: { notIn: Array(101).fill('x') } }, 'filters.title.notIn may hold at most 100 items'],
    [{ price: { between: [1] } }, 'filters.price.between takes exactly two values'],
    [{ price: { between: [1, 2] } }, null],
  ])('filters %#', (filters, message) => {
    expect(argumentProblem(filters, ['filters'], limits)?.message ?? null).toBe(message);
  });

  test('nesting past the bound is refused, at the bound is not', () => {
    const nested = (levels: number) => {
      let value: Record<string, unknown> = { title: 'x' };
      for (let level = 1; level < levels; level += 1) value = { not: value };
      return value;
    };
    expect(argumentProblem(nested(limits.argumentDepth), ['filters'], limits)).toBeNull();
    expect(argumentProblem(nested(limits.argumentDepth + 1), ['filters'], limits)?.message).toMatch(
      /nested deeper than 10/
    );
  });

  test.each([
    [{ page: 10_000, pageSize: 100 }, null],
    [{ page: 10_001 }, ['pagination', 'page']],
    [{ page: 0 }, ['pagination', 'page']],
    [{ page: 1e20 }, ['pagination', 'page']],
    [{ pageSize: 101 }, ['pagination', 'pageSize']],
    [{ limit: 0 }, ['pagination', 'limit']],
    [{ start: -1 }, ['pagination', 'start']],
    [{ page: '2' }, ['pagination', 'page']],
  ])('pagination %#', (pagination, path) => {
    expect(argumentProblem(pagination, ['pagination'], limits)?.path ?? null).toEqual(path);
  });
});

describe('operation problems: variables, fragments, cost, size', () => {
  test('a list in a variable counts as if it were written in the query', () => {
    expect(
      problemOf('query($f: Filters) { courses(filters: $f) { title } }', { f: { or: Array(101).fill({ title: 'x' }) } })
    ).toMatchObject({
      path: ['courses', 'filters', 'or'],
    });
    expect(
      problemOf('query($f: Filters) { courses(filters: $f) { title } }', { f: { or: Array(100).fill({ title: 'x' }) } })
    ).toBeNull();
  });

  test('arguments of nested fields and fragments are checked too', () => {
    expect(problemOf('{ courses { lessons(pagination: { pageSize: 500 }) { title } } }')).toMatchObject({
      path: ['lessons', 'pagination', 'pageSize'],
    });
    expect(
      problemOf('{ courses { ...F } } fragment F on Course { lessons(pagination: { page: 0 }) { title } }')
    ).toMatchObject({ path: ['lessons', 'pagination', 'page'] });
  });

  test('cost: fields times the rows their parents stand for', () => {
    // 1 (courses) + 100 × (1 lessons + 100 × 2 fields) = 20,101
    expect(
      problemOf(
        '{ courses(pagination: { pageSize: 100 }) { lessons(pagination: { pageSize: 100 }) { title position } } }'
      )?.message
    ).toMatch(/about 20101 fields/);
    // 1 + 25 × (1 + 1 + 25 × 2) = 1,301
    expect(problemOf('{ courses { title lessons { title position } } }')).toBeNull();
    expect(problemOf('{ course { title } __schema { types { name fields { name } } } }')).toBeNull();
  });

  test('size: the query text and its variables together', () => {
    expect(
      problemOf('query($t: String) { courses(filters: { title: $t }) { title } }', {
        t: 'x'.repeat(limits.maxRequestBytes),
      })
    ).toMatchObject({ path: ['query'] });
  });
});

describe('errors a caller may see', () => {
  const sqlError = {
    message: 'Internal Server Error',
    extensions: {
      code: 'INTERNAL_SERVER_ERROR',
      error: { name: 'SqliteError', message: "select `t0`.* from `courses` as `t0` where (`t0`.`title` = 'x')" },
      stacktrace: ['Error: boom', '    at Object.<anonymous> (/work/app/node_modules/knex/lib/runner.js:10:5)'],
    },
    path: ['courses'],
  };

  test('an internal error keeps only its code and a generic message', () => {
    expect(safeGraphqlError(sqlError)).toEqual({
      message: 'Internal Server Error',
      path: ['courses'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  test('a typed error keeps its code, message and details; stacktrace and exception are dropped', () => {
    const forbidden = {
      message: 'Only the uploader or an admin may change this file',
      extensions: {
        code: 'FORBIDDEN',
        error: { name: 'ForbiddenError', details: { reason: 'not_file_owner' } },
        stacktrace: ['at x (/srv/a.js:1:1)'],
        exception: { stacktrace: [] },
      },
    };
    expect(safeGraphqlError(forbidden)).toEqual({
      message: forbidden.message,
      extensions: { code: 'FORBIDDEN', error: { name: 'ForbiddenError', details: { reason: 'not_file_owner' } } },
    });
  });

  test('a non-internal error whose text shows SQL or a path keeps its code, loses the detail', () => {
    const leaky = {
      message: 'insert into "enrollments" ("key") values ($1) - duplicate key',
      extensions: { code: 'STRAPI_APPLICATION_ERROR', error: { message: 'x' } },
    };
    expect(safeGraphqlError(leaky)).toEqual({
      message: 'The request could not be completed',
      extensions: { code: 'STRAPI_APPLICATION_ERROR' },
    });
    expect(safeGraphqlError({ message: 'x', extensions: {} }).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  test.each([
    ['select `t0`.* from `courses` as `t0`', true],
    ['SQLITE_ERROR: no such column', true],
    ['relation "courses" does not exist', true],
    ['ENOENT: no such file, open /home/app/public/uploads/a.png', true],
    ['    at run (/work/app/dist/src/index.js:10:3)', true],
    ['Course not found', false],
    ['filters.or may hold at most 100 items', false],
    ['Only the uploader or an admin may change this file', false],
    ['Cannot query field "related" on type "UploadFile".', false],
  ])('%s leaks: %s', (text, leaks) => {
    expect(leaksServerDetail(text)).toBe(leaks);
  });
});

describe('production settings', () => {
  const withEnv = <T>(values: Record<string, string | undefined>, run: () => T): T => {
    const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
    Object.assign(process.env, values);
    for (const [name, value] of Object.entries(values)) if (value === undefined) delete process.env[name];
    try {
      return run();
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  };
  const graphqlConfig = () => (pluginsConfig({ env } as any) as any).graphql.config;

  test('in production, introspection and the landing page are off and stack traces are never sent', () => {
    const config = withEnv({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: undefined }, graphqlConfig);
    expect(config.apolloServer).toMatchObject({ introspection: false, includeStacktraceInErrorResponses: false });
    expect(config.landingPage).toBe(false);
    expect(config.depthLimit).toBe(7);
    expect(config.maxLimit).toBe(100);
  });

  test('outside production introspection is on, stack traces still off', () => {
    const config = withEnv({ NODE_ENV: 'development', GRAPHQL_INTROSPECTION: undefined }, graphqlConfig);
    expect(config.apolloServer).toMatchObject({ introspection: true, includeStacktraceInErrorResponses: false });
  });

  test('the response hook scrubs every error of an answer', async () => {
    const options = apolloServerOptions(env as any);
    const scrubber = await (options.plugins[1] as any).requestDidStart();
    const response = {
      body: {
        kind: 'single',
        singleResult: {
          errors: [
            { message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR', error: { message: 'select * from users' } } },
          ],
        },
      },
    };
    await scrubber.willSendResponse({ response });
    expect(response.body.singleResult.errors).toEqual([
      { message: 'Internal Server Error', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
  });
});
