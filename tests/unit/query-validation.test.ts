import { parse } from 'qs';
import { queryStringProblem } from '../../src/query-validation/bounds';
import { queryRefusal } from '../../src/query-validation/issues';
import { DEFAULT_QUERY_LIMITS, queryLimitsFrom } from '../../src/query-validation/limits';
import { operandProblem } from '../../src/query-validation/operands';
import type { Model, Schemas } from '../../src/query-validation/schema';
import { coreRouteNames, modelOfRoute } from '../../src/query-validation/target';
import { contentQueryIssues, plainQueryIssues } from '../../src/query-validation/validate-query';

/** Parsed exactly as `strapi::query` parses (node_modules/@strapi/core/dist/middlewares/query.js). */
const parseQuery = (querystring: string) =>
  parse(querystring, { strictNullHandling: true, arrayLimit: 100, depth: 20 }) as Record<string, unknown>;

const models: Record<string, Model> = {
  'api::course.course': {
    uid: 'api::course.course',
    modelType: 'contentType',
    options: { draftAndPublish: true },
    attributes: {
      title: { type: 'string' },
      summary: { type: 'text' },
      price: { type: 'decimal' },
      capacity: { type: 'integer' },
      views: { type: 'biginteger' },
      level: { type: 'enumeration', enum: ['beginner', 'advanced'] },
      sequential: { type: 'boolean' },
      opensAt: { type: 'datetime' },
      startsOn: { type: 'date' },
      startsAt: { type: 'time' },
      extra: { type: 'json' },
      secretNote: { type: 'string', private: true },
      category: { type: 'relation', relation: 'manyToOne', target: 'api::category.category' },
      lessons: { type: 'relation', relation: 'oneToMany', target: 'api::lesson.lesson' },
      teachers: { type: 'relation', relation: 'manyToMany', target: 'plugin::users-permissions.user' },
      cover: { type: 'media' },
      seo: { type: 'component', component: 'shared.seo' },
      blocks: { type: 'dynamiczone', components: ['shared.seo'] },
      related: { type: 'relation', relation: 'morphToMany' },
    },
  },
  'api::category.category': {
    uid: 'api::category.category',
    modelType: 'contentType',
    attributes: {
      name: { type: 'string' },
      courses: { type: 'relation', relation: 'oneToMany', target: 'api::course.course' },
    },
  },
  'api::lesson.lesson': {
    uid: 'api::lesson.lesson',
    modelType: 'contentType',
    attributes: {
      title: { type: 'string' },
      position: { type: 'integer' },
      content: { type: 'richtext', private: true },
      course: { type: 'relation', relation: 'manyToOne', target: 'api::course.course' },
    },
  },
  'plugin::users-permissions.user': {
    uid: 'plugin::users-permissions.user',
    modelType: 'contentType',
    options: { privateAttributes: ['resetPasswordToken'] },
    attributes: {
      username: { type: 'string' },
      password: { type: 'password' },
      resetPasswordToken: { type: 'string' },
    },
  },
  'plugin::upload.file': {
    uid: 'plugin::upload.file',
    modelType: 'contentType',
    attributes: { name: { type: 'string' }, url: { type: 'string' } },
  },
  'shared.seo': { uid: 'shared.seo', modelType: 'component', attributes: { metaTitle: { type: 'string' } } },
};

const schemas: Schemas = {
  model: (uid) => models[uid],
  isPrivate: (model, key) =>
    model.attributes[key]?.private === true || (model.options?.privateAttributes ?? []).includes(key),
};

const course = models['api::course.course'];
const issuesOf = (querystring: string) =>
  contentQueryIssues(parseQuery(querystring), course, schemas, DEFAULT_QUERY_LIMITS);
const firstPath = (querystring: string) => issuesOf(querystring)[0]?.path;

const list = (name: string, count: number, value: (index: number) => string) =>
  Array.from({ length: count }, (_, index) => `${name}[${index}]=${value(index)}`).join('&');
const nestedAnd = (levels: number) => `filters${'[$and][0]'.repeat(levels)}[title][$eq]=x`;
const nestedPopulate = (levels: number) =>
  `populate${'[lessons][populate][course][populate]'.repeat(levels / 2)}=*`.replace(/\[populate\]=\*$/, '=true');

describe('queries Strapi accepts pass', () => {
  test.each([
    'filters[title][$eq]=TypeScript',
    'filters[title]=x',
    'filters[title][$eq]',
    'filters[title][$eq][0]=a&filters[title][$eq][1]=b',
    'filters[title][$containsi]=type&filters[summary][$notContains]=old',
    'filters[title][$startsWith]=A&filters[title][$endsWithi]=z&filters[title][$nei]=q&filters[title][$eqi]=Q',
    'filters[title][$not][$contains]=draft',
    'filters[title][$null]=true&filters[summary][$notNull]=false',
    'filters[price][$gt]=10&filters[price][$lte]=99.5&filters[capacity][$ne]=3',
    'filters[price][$between][0]=1&filters[price][$between][1]=20',
    'filters[views][$gt]=9007199254740993',
    'filters[id][$in][0]=1&filters[id][$in][1]=2',
    'filters[id][$in]=1',
    'filters[id][$notIn][0]=3',
    'filters[documentId][$eq]=abcdefghijklmnopqrstuvwx',
    'filters[level][$eq]=beginner&filters[level][$in][0]=advanced',
    'filters[level][$containsi]=beg',
    'filters[sequential][$eq]=true',
    'filters[opensAt][$gt]=2026-01-01&filters[opensAt][$lt]=2026-12-31T23:59:59.999Z',
    'filters[opensAt][$gte]=1767225600000',
    'filters[startsOn][$eq]=2026-02-28&filters[startsAt][$lt]=10:30:00',
    'filters[extra][$null]=true',
    'filters[$or][0][title][$containsi]=a&filters[$or][1][summary][$containsi]=a',
    'filters[$and][0][$or][0][title][$eq]=a&filters[$and][1][$not][price][$gt]=1',
    'filters[0][title][$eq]=a&filters[1][price][$gt]=1',
    'filters[category][name][$eq]=Design',
    'filters[category][$null]=true',
    'filters[category]=1',
    'filters[category][$in][0]=1&filters[category][$in][1]=2',
    'filters[category][$or][0][name][$eq]=a&filters[category][$or][1][name][$eq]=b',
    'filters[teachers][username][$eq]=anna',
    'filters[cover][name][$eq]=a.png',
    'filters[seo][metaTitle][$eq]=x',
    'sort=title',
    'sort=title:desc,price:asc',
    'sort=title:DESC,',
    'sort=category.name:asc',
    'sort=cover.name:asc',
    'sort=status',
    'sort[0]=title:asc&sort[1]=price:desc',
    'sort[title]=asc&sort[category][name]=desc',
    'sort[0][title]=asc&sort[1][price]=desc',
    'sort=',
    'sort[0]=',
    'sort[]',
    'fields=title,price',
    'fields[0]=title&fields[1]=documentId&fields[2]=id',
    'fields=*',
    'populate=*',
    'populate=category,lessons',
    'populate=lessons.course.category',
    'populate[0]=category&populate[1]=lessons',
    'populate[category]=true&populate[lessons]=false&populate[cover]=*',
    'populate[lessons][fields][0]=title&populate[lessons][sort]=position:asc&populate[lessons][filters][position][$lt]=3',
    'populate[lessons][populate]=*',
    'populate[lessons][populate][course][populate][category]=true',
    'populate[cover][fields][0]=url',
    'populate[teachers][count]=true',
    'populate[seo]=true',
    'populate[blocks][on][shared.seo][fields][0]=metaTitle',
    'populate[blocks][populate]=*',
    'pagination[page]=2&pagination[pageSize]=10&pagination[withCount]=false',
    'pagination[start]=0&pagination[limit]=100',
    'pagination[limit]=-1',
    'status=draft&locale=ru',
    'locale=*',
    'locale=en-US',
    '_q=react',
  ])('%s', (querystring) => {
    expect(issuesOf(querystring)).toEqual([]);
  });
});

describe('malformed queries are refused, naming the parameter', () => {
  test.each([
    // The probe's requests.
    ['filters[$and]=x', ['filters', '$and']],
    ['filters[$or]=x', ['filters', '$or']],
    ['filters[$or][0]=x', ['filters', '$or', '0']],
    ['filters[$not]=x', ['filters', '$not']],
    ['filters[price][$gt]=abc', ['filters', 'price', '$gt']],
    ['filters[id][$between]=1', ['filters', 'id', '$between']],
    ['filters[id][$between][0]=1', ['filters', 'id', '$between']],
    ['filters[price][$between][0]=1&filters[price][$between][1]=x', ['filters', 'price', '$between', '1']],
    ['sort[title][x]=asc', ['sort', 'title']],
    ['populate[lessons][filters][$and]=x', ['populate', 'lessons', 'filters', '$and']],
    ['populate[lessons][sort][title][x]=asc', ['populate', 'lessons', 'sort', 'title']],
    [
      'populate[lessons][populate][course][filters][id][$gt]=abc',
      ['populate', 'lessons', 'populate', 'course', 'filters', 'id', '$gt'],
    ],
    ['pagination[page]=1e20', ['pagination', 'page']],
    ['pagination[start]=1e20', ['pagination', 'start']],
    ['pagination[limit]=1e20', ['pagination', 'limit']],
    // Operands.
    ['filters[capacity][$eq]=1.5', ['filters', 'capacity', '$eq']],
    ['filters[capacity][$gt]=99999999999', ['filters', 'capacity', '$gt']],
    ['filters[id][$gt]=1e400', ['filters', 'id', '$gt']],
    ['filters[id][$eq]=-1', ['filters', 'id', '$eq']],
    ['filters[price][$lt]=', ['filters', 'price', '$lt']],
    ['filters[price][$gt]=Infinity', ['filters', 'price', '$gt']],
    ['filters[views][$gt]=99999999999999999999', ['filters', 'views', '$gt']],
    ['filters[sequential][$eq]=maybe', ['filters', 'sequential', '$eq']],
    ['filters[level][$eq]=expert', ['filters', 'level', '$eq']],
    ['filters[level][$in][0]=beginner&filters[level][$in][1]=expert', ['filters', 'level', '$in', '1']],
    ['filters[opensAt][$gt]=yesterday', ['filters', 'opensAt', '$gt']],
    ['filters[opensAt][$gt]=2026-02-30', ['filters', 'opensAt', '$gt']],
    ['filters[startsOn][$eq]=2026-13-01', ['filters', 'startsOn', '$eq']],
    ['filters[startsAt][$eq]=25:00:00', ['filters', 'startsAt', '$eq']],
    ['filters[title][$null]=maybe', ['filters', 'title', '$null']],
    ['filters[title][$notNull]', ['filters', 'title', '$notNull']],
    ['filters[title][$contains][a]=b', ['filters', 'title', '$contains']],
    ['filters[title][$contains]', ['filters', 'title', '$contains']],
    ['filters[price][$contains]=1', ['filters', 'price', '$contains']],
    ['filters[title][$gt]', ['filters', 'title', '$gt']],
    ['filters[extra][$contains]=x', ['filters', 'extra', '$contains']],
    ['filters[id][$in][a]=1', ['filters', 'id', '$in']],
    // Operators and keys in the wrong place.
    ['filters[$eq]=x', ['filters', '$eq']],
    ['filters[title][$foo]=x', ['filters', 'title', '$foo']],
    ['filters[title][name]=x', ['filters', 'title', 'name']],
    ['filters[title][$jsonSupersetOf]=x', ['filters', 'title', '$jsonSupersetOf']],
    ['filters[title][$or][0]=x', ['filters', 'title', '$or']],
    ['filters[category][$eq]=abc', ['filters', 'category', '$eq']],
    ['filters[category][$eq]=1&filters[category][name]=x', ['filters', 'category']],
    ['filters[category][$eq]=1&filters[category][$ne]=2', ['filters', 'category']],
    ['filters[category][$not][name]=x', ['filters', 'category', '$not']],
    ['filters=x', ['filters']],
    ['filters[0]=x', ['filters', '0']],
    // Unknown, private and unfilterable fields.
    ['filters[nosuchfield][$eq]=1', ['filters', 'nosuchfield']],
    ['filters[secretNote][$eq]=1', ['filters', 'secretNote']],
    ['filters[lessons][content][$contains]=Secret', ['filters', 'lessons', 'content']],
    ['filters[teachers][password][$notNull]=true', ['filters', 'teachers', 'password']],
    ['filters[teachers][resetPasswordToken][$eq]=x', ['filters', 'teachers', 'resetPasswordToken']],
    ['filters[blocks][$null]=true', ['filters', 'blocks']],
    ['filters[related][id][$eq]=1', ['filters', 'related']],
    // Sort.
    ['sort=title:up', ['sort']],
    ['sort=title:asc:desc', ['sort']],
    ['sort=nosuchfield', ['sort']],
    ['sort=category', ['sort']],
    ['sort=secretNote', ['sort']],
    ['sort=related.id', ['sort']],
    ['sort[0][title]=x', ['sort', '0', 'title']],
    ['sort[title]', ['sort', 'title']],
    ['sort[category]=asc', ['sort', 'category']],
    ['sort[0]=title&sort[1][price]=asc', ['sort']],
    ['sort[lessons][content]=asc', ['sort', 'lessons', 'content']],
    // Fields.
    ['fields=nope', ['fields']],
    ['fields=category', ['fields']],
    ['fields=secretNote', ['fields']],
    ['fields[0][x]=1', ['fields']],
    ['fields=', ['fields']],
    ['fields=title,', ['fields']],
    ['fields[0]=', ['fields', '0']],
    ['populate[lessons][fields]=', ['populate', 'lessons', 'fields']],
    // Populate.
    ['populate[x]=true', ['populate', 'x']],
    ['populate=nosuchrelation', ['populate']],
    ['populate=title', ['populate']],
    ['populate=cover.name', ['populate']],
    ['populate=*&populate[x]=1', ['populate']],
    ['populate[lessons]', ['populate', 'lessons']],
    ['populate[lessons]=yes', ['populate', 'lessons']],
    ['populate[lessons][page]=1', ['populate', 'lessons', 'page']],
    ['populate[lessons][on][x]=1', ['populate', 'lessons', 'on']],
    ['populate[lessons][fields][0][a]=1', ['populate', 'lessons', 'fields']],
    ['populate[lessons][count]=maybe', ['populate', 'lessons', 'count']],
    ['populate[blocks][populate][seo]=true', ['populate', 'blocks', 'populate']],
    ['populate[blocks][on][api::lesson.lesson]=true', ['populate', 'blocks', 'on', 'api::lesson.lesson']],
    ['populate[lessons][populate][content]=true', ['populate', 'lessons', 'populate', 'content']],
    // Pagination and the other parameters.
    ['pagination[page]=0', ['pagination', 'page']],
    ['pagination[page]=-1', ['pagination', 'page']],
    ['pagination[page]=10001', ['pagination', 'page']],
    ['pagination[page]=1.5', ['pagination', 'page']],
    ['pagination[pageSize]=abc', ['pagination', 'pageSize']],
    ['pagination[pageSize]=101', ['pagination', 'pageSize']],
    ['pagination[pageSize][0]=1', ['pagination', 'pageSize']],
    ['pagination[start]=1000001', ['pagination', 'start']],
    ['pagination[limit]=0', ['pagination', 'limit']],
    ['pagination[withCount]=maybe', ['pagination', 'withCount']],
    ['pagination[start]=1&pagination[page]=1', ['pagination']],
    ['pagination[foo]=1', ['pagination', 'foo']],
    ['pagination=5', ['pagination']],
    ['page=1e20', ['page']],
    ['status=foo', ['status']],
    ['locale[0]=x', ['locale']],
    ['locale=en;drop', ['locale']],
    ['_q[a]=b', ['_q']],
  ])('%s → %j', (querystring, path) => {
    expect(firstPath(querystring)).toEqual(path);
  });
});

describe('bounds', () => {
  test.each([
    [
      '101 items in $or',
      `filters[$or]=x&${list('filters[$or]', 101, (index) => `x${index}`)}`.replace('filters[$or]=x&', ''),
      ['filters', '$or'],
    ],
    ['101 items in $and', list('filters[$and]', 101, () => 'x').replace(/=x/g, '[title][$eq]=x'), ['filters', '$and']],
    ['101 items in $in', list('filters[id][$in]', 101, (index) => String(index + 1)), ['filters', 'id', '$in']],
    [
      '101 items in $notIn',
      list('filters[id][$notIn]', 101, (index) => String(index + 1)),
      ['filters', 'id', '$notIn'],
    ],
    [
      '101 repeated values',
      Array.from({ length: 101 }, (_, index) => `filters[title][$in]=${index}`).join('&'),
      ['filters', 'title', '$in'],
    ],
    [
      'filters nested 7 levels deep',
      nestedAnd(6),
      ['filters', '$and', '0', '$and', '0', '$and', '0', '$and', '0', '$and', '0', '$and', '0'],
    ],
    ['populate nested 7 levels deep', nestedPopulate(8), undefined],
  ])('%s is refused', (_label, querystring, path) => {
    const issues = issuesOf(querystring);
    expect(issues.length).toBeGreaterThan(0);
    if (path) expect(issues[0].path).toEqual(path);
    expect(issues[0].message).toMatch(/at most 100 items|deeper than 6 levels/);
  });

  test.each([
    ['100 items in $or', list('filters[$or]', 100, () => 'x').replace(/=x/g, '[title][$eq]=x')],
    ['100 items in $in', list('filters[id][$in]', 100, (index) => String(index + 1))],
    ['filters nested 6 levels deep', nestedAnd(5)],
    ['populate nested 6 levels deep', nestedPopulate(6)],
  ])('%s is accepted', (_label, querystring) => {
    expect(issuesOf(querystring)).toEqual([]);
  });

  test('the query string is bounded in bytes', () => {
    expect(queryStringProblem('a'.repeat(8192), 8192)).toBeUndefined();
    expect(queryStringProblem('a'.repeat(8193), 8192)).toMatch(/longer than 8192 bytes/);
  });

  test('limits come from the environment when they are positive whole numbers', () => {
    expect(queryLimitsFrom({})).toEqual(DEFAULT_QUERY_LIMITS);
    expect(
      queryLimitsFrom({ QUERY_MAX_ITEMS: '50', QUERY_MAX_PAGE: '20', QUERY_MAX_DEPTH: 'x', QUERY_MAX_BYTES: '0' })
    ).toMatchObject({
      maxItems: 50,
      maxPage: 20,
      maxDepth: DEFAULT_QUERY_LIMITS.maxDepth,
      maxQueryBytes: DEFAULT_QUERY_LIMITS.maxQueryBytes,
    });
    const limits = queryLimitsFrom({ QUERY_MAX_ITEMS: '2' });
    expect(
      contentQueryIssues(
        parseQuery('filters[id][$in][0]=1&filters[id][$in][1]=2&filters[id][$in][2]=3'),
        course,
        schemas,
        limits
      )[0].path
    ).toEqual(['filters', 'id', '$in']);
  });

  test('at most ten issues are reported, however many there are', () => {
    expect(issuesOf(Array.from({ length: 50 }, (_, index) => `filters[field${index}]=1`).join('&'))).toHaveLength(10);
  });
});

describe('custom routes: shape only', () => {
  test.each([
    ['page=2&pageSize=10', []],
    ['pagination[page]=2&pagination[pageSize]=1000', []], // the route answers its own 400 for the size
    ['sort=rating&status=active&period=week', []],
    ['pagination[page]=10001', [['pagination', 'page']]],
    ['page=1e20', [['page']]],
    [list('ids', 101, String), [['ids']]],
    ['a[b][c][d][e][f][g]=1', []],
    ['a[b][c][d][e][f][g][h]=1', [['a', 'b', 'c', 'd', 'e', 'f', 'g']]],
  ])('%s', (querystring, paths) => {
    expect(plainQueryIssues(parseQuery(querystring), DEFAULT_QUERY_LIMITS).map((issue) => issue.path)).toEqual(paths);
  });
});

describe('which model a route reads its query against', () => {
  const names = coreRouteNames({
    'api::course.course': { kind: 'collectionType', info: { pluralName: 'courses', singularName: 'course' } },
    'api::homepage.homepage': { kind: 'singleType', info: { pluralName: 'homepages', singularName: 'homepage' } },
    'plugin::enrollment.enrollment': {
      kind: 'collectionType',
      info: { pluralName: 'enrollments', singularName: 'enrollment' },
    },
  });
  test.each([
    ['/api/courses', 'api::course.course'],
    ['/api/courses/:id', 'api::course.course'],
    ['/api/homepage', 'api::homepage.homepage'],
    ['/api/upload/files', 'plugin::upload.file'],
    ['/api/upload/files/:id', 'plugin::upload.file'],
    ['/api/users', 'plugin::users-permissions.user'],
    ['/api/users/:id', 'plugin::users-permissions.user'],
    ['/api/users/me', 'plugin::users-permissions.user'],
    ['/api/users/count', 'plugin::users-permissions.user'],
    ['/api/courses/:documentId/outline', undefined],
    ['/api/enrollments', undefined],
    ['/api/teachers', undefined],
    ['/api/upload', undefined],
    ['/courses', undefined],
  ])('%s → %s', (template, uid) => {
    expect(modelOfRoute(template, '/api', names)).toBe(uid);
  });
});

test('the rules only read the query: a frozen query is checked as is, so controllers and the REST cache see what was sent', () => {
  const deepFreeze = (value: unknown): unknown => {
    if (value && typeof value === 'object') Object.values(Object.freeze(value)).forEach(deepFreeze);
    return value;
  };
  const querystring =
    'filters[$or][0][title][$eq]=a&filters[price][$gt]=abc&sort=title:desc&fields=title&populate[lessons][fields][0]=title&pagination[page]=2';
  const query = deepFreeze(parseQuery(querystring)) as Record<string, unknown>;
  expect(contentQueryIssues(query, course, schemas, DEFAULT_QUERY_LIMITS).map((issue) => issue.path)).toEqual([
    ['filters', 'price', '$gt'],
  ]);
  expect(plainQueryIssues(query, DEFAULT_QUERY_LIMITS)).toEqual([]);
  expect(query).toEqual(parseQuery(querystring));
});

test('operands by attribute type', () => {
  expect(operandProblem({ type: 'integer' }, '2147483647')).toBeUndefined();
  expect(operandProblem({ type: 'integer' }, '2147483648')).toBeDefined();
  expect(operandProblem({ type: 'decimal' }, '-1.5e3')).toBeUndefined();
  expect(operandProblem({ type: 'decimal' }, '1e400')).toBeDefined();
  expect(operandProblem({ type: 'datetime' }, '2026-01-01T10:00:00+03:00')).toBeUndefined();
  expect(operandProblem({ type: 'date' }, '2024-02-29')).toBeUndefined();
  expect(operandProblem({ type: 'date' }, '2025-02-29')).toBeDefined();
  expect(operandProblem({ type: 'string' }, 'anything at all')).toBeUndefined();
});

test("a refusal is Strapi's ValidationError with details.errors naming each parameter", () => {
  const error = queryRefusal([{ path: ['filters', 'price', '$gt'], message: 'filters[price][$gt] must be a number' }]);
  expect(error.name).toBe('ValidationError');
  expect(error.message).toBe('filters[price][$gt] must be a number');
  expect(error.details).toEqual({
    source: 'query',
    param: 'filters',
    errors: [
      { path: ['filters', 'price', '$gt'], message: 'filters[price][$gt] must be a number', name: 'ValidationError' },
    ],
  });
});
