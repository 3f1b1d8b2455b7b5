import { buildSchema, execute, parse, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { runSql } from '../../src/access/raw-sql';
import { tableOf } from '../../src/database/tables';
import { registeredContentApiStrategy } from '../../src/strapi-patches/content-api-strategy';
import { wrapResolversModule, type WrapResolvers } from '../../src/strapi-patches/graphql-field-resolvers';
import { isGroupAllowedMethods } from '../../src/strapi-patches/route-match';
import { stockOf } from '../../src/strapi-patches/switches';
import { factories, type TestUser } from '../helpers/factories';
import { statementsOf } from '../helpers/statements';
import { restCacheTestEnv } from '../helpers/rest-cache';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Each patch of Strapi's internals (src/strapi-patches, UPGRADE.md) gives the answer Strapi's stock function
 * gives for the same call, or differs only as its file documents. The stock function is the one the patch
 * replaced, kept on the patched one (`stockOf`). The two middleware patches are compared with the stock
 * factories in tests/unit/strapi-patches/stock-middlewares.test.ts; the content-manager fix in admin-roles.test.ts.
 * graphql-field-resolvers wraps a schema built here both ways and runs the same query on each.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let student: TestUser;

const USER = 'plugin::users-permissions.user';
const ADVANCED = { type: 'plugin', name: 'users-permissions', key: 'advanced' };

beforeAll(async () => {
  app = await startLyceum(restCacheTestEnv());
  make = factories(app.strapi);
  student = await make.createUser('student');
});
afterAll(stopLyceum);

const stock = <Stock>(patched: unknown): Stock => {
  const found = stockOf<Stock>(patched);
  if (!found) throw new Error('this function is not patched (is the patch switched off?)');
  return found;
};

describe('content-api-permissions: remembered permission reads and abilities', () => {
  const permissionService = () => app.strapi.plugin('users-permissions').service('permission');

  test("a role's permissions read through the patch are the stock read's", async () => {
    const service = permissionService();
    const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'student' } });
    const patched = await service.findRolePermissions(role.id);
    expect(patched.length).toBeGreaterThan(0);
    expect(patched).toEqual(await stock<(id: number) => Promise<unknown[]>>(service.findRolePermissions)(role.id));
    expect(await service.findPublicPermissions()).toEqual(
      await stock<() => Promise<unknown[]>>(service.findPublicPermissions)()
    );
  });

  test('the remembered ability allows and refuses exactly what a stock-built ability does', async () => {
    const service = permissionService();
    const engine = app.strapi.contentAPI.permissions.engine as unknown as {
      generateAbility: (permissions: unknown[]) => Promise<{ can(action: string): boolean }>;
    };
    for (const rows of [await service.findPublicPermissions(), []]) {
      const permissions = rows.map((row: { action: string }) => service.toContentAPIPermission(row));
      const patched = await engine.generateAbility(permissions);
      const stockAbility = await stock<typeof engine.generateAbility>(engine.generateAbility)(permissions);
      const actions = [
        ...permissions.map((permission: { action: string }) => permission.action),
        'api::course.course.create',
        'plugin::enrollment.enrollments.mine',
        'plugin::users-permissions.user.destroy',
      ];
      for (const action of actions) expect([action, patched.can(action)]).toEqual([action, stockAbility.can(action)]);
      // Asked twice, the same ability: built once.
      expect(await engine.generateAbility(permissions)).toBe(patched);
    }
  });
});

describe('authenticated-user: the remembered caller', () => {
  test('the row and role are the stock read, and a change to the user shows at once', async () => {
    const users = app.strapi.plugin('users-permissions').service('user');
    const read = stock<(id: number) => Promise<any>>(users.fetchAuthenticatedUser);
    expect(await users.fetchAuthenticatedUser(student.id)).toEqual(await read(student.id));
    await app.strapi.db.query(USER).update({ where: { id: student.id }, data: { fullName: 'Renamed Student' } });
    const after = await users.fetchAuthenticatedUser(student.id);
    expect(after.fullName).toBe('Renamed Student');
    expect(after).toEqual(await read(student.id));
    // Each caller gets its own copy: decorating it reaches no other request.
    after.role.decorated = true;
    expect((await users.fetchAuthenticatedUser(student.id)).role.decorated).toBeUndefined();
  });
});

describe('jwt-verify: remembered access-token checks', () => {
  async function signIn(user: TestUser) {
    const response = await app.request
      .post('/api/auth/local')
      .send({ identifier: user.email, password: 'Secret-pass-1' });
    expect(response.status).toBe(200);
    return response.body.jwt as string;
  }

  test('a valid token gives the stock answer (user id and session), twice', async () => {
    const jwtService = app.strapi.plugin('users-permissions').service('jwt');
    const verifyStock = stock<(token: string) => Promise<unknown>>(jwtService.verify);
    const token = await signIn(student);
    const expected = await verifyStock(token);
    expect(expected).toEqual({ id: student.id, sessionId: expect.any(String) });
    expect(await jwtService.verify(token)).toEqual(expected);
    expect(await jwtService.verify(token)).toEqual(expected);
  });

  test('a forged, malformed or refresh token is refused by both', async () => {
    const jwtService = app.strapi.plugin('users-permissions').service('jwt');
    const verifyStock = stock<(token: string) => Promise<unknown>>(jwtService.verify);
    const token = await signIn(student);
    const login = await app.request
      .post('/api/auth/local')
      .send({ identifier: student.email, password: 'Secret-pass-1' });
    for (const bad of ['not-a-token', `${token.slice(0, -2)}xx`, login.body.refreshToken as string]) {
      await expect(jwtService.verify(bad)).rejects.toThrow('Invalid token.');
      await expect(verifyStock(bad)).rejects.toThrow('Invalid token.');
    }
  });

  test('the one documented difference: after logout the token is refused, where stock still accepts it', async () => {
    const jwtService = app.strapi.plugin('users-permissions').service('jwt');
    const verifyStock = stock<(token: string) => Promise<unknown>>(jwtService.verify);
    const token = await signIn(student);
    expect((await app.request.post('/api/auth/logout').set({ Authorization: `Bearer ${token}` })).status).toBe(200);
    await expect(jwtService.verify(token)).rejects.toThrow('Invalid token.');
    // Stock checks the signature and the user only: the session's end goes unnoticed (contract, "Security").
    await expect(verifyStock(token)).resolves.toMatchObject({ id: student.id });
  });
});

describe('content-api-strategy: an unreachable database is not "signed out"', () => {
  type Ability = { can(action: string): boolean };
  type Result = { authenticated?: boolean; credentials?: { id: number } | null; ability?: Ability; error?: string };
  type Authenticate = (ctx: object) => Promise<Result>;
  const strategy = () => {
    const registered = registeredContentApiStrategy(app.strapi);
    if (!registered) throw new Error('the users-permissions strategy was not registered through the patch');
    return { patched: registered.authenticate as Authenticate, stock: stock<Authenticate>(registered.authenticate) };
  };
  const ctxWith = (token?: string) => ({
    request: { header: token ? { authorization: `Bearer ${token}` } : {}, query: {} },
    state: {} as Record<string, unknown>,
  });
  const ACTIONS = ['api::course.course.find', 'api::course.course.create', 'plugin::enrollment.enrollments.mine'];
  /** What the auth middleware reads from a result: the same for both, abilities compared by what they allow. */
  const outcome = (result: Result, ctx: { state: Record<string, unknown> }) => ({
    authenticated: result.authenticated,
    error: result.error,
    caller: result.credentials === undefined ? undefined : (result.credentials?.id ?? null),
    allows: result.ability ? ACTIONS.filter((action) => result.ability!.can(action)) : null,
    user: (ctx.state.user as { id?: number } | undefined)?.id,
    session: ctx.state.session,
  });
  async function both(token?: string) {
    const { patched, stock: stockAuthenticate } = strategy();
    const [ours, theirs] = [ctxWith(token), ctxWith(token)];
    return [outcome(await patched(ours), ours), outcome(await stockAuthenticate(theirs), theirs)];
  }
  const signIn = async (user: TestUser) =>
    (await app.request.post('/api/auth/local').send({ identifier: user.email, password: 'Secret-pass-1' })).body
      .jwt as string;

  test('a visitor, a signed-in student, a forged token and a blocked user get the stock answers', async () => {
    const [visitorOurs, visitorStock] = await both();
    expect(visitorOurs).toEqual(visitorStock);
    expect(visitorOurs).toMatchObject({ authenticated: true, caller: null });

    const token = await signIn(student);
    const [studentOurs, studentStock] = await both(token);
    expect(studentOurs).toEqual(studentStock);
    expect(studentOurs).toMatchObject({ authenticated: true, caller: student.id, user: student.id });
    expect(studentOurs.session).toEqual({ id: expect.any(String) });

    const [forgedOurs, forgedStock] = await both(`${token.slice(0, -2)}xx`);
    expect(forgedOurs).toEqual(forgedStock);
    expect(forgedOurs).toMatchObject({ authenticated: false, error: undefined });

    const blocked = await make.createUser('student');
    const blockedToken = await signIn(blocked);
    await app.strapi.db.query(USER).update({ where: { id: blocked.id }, data: { blocked: true } });
    const [blockedOurs, blockedStock] = await both(blockedToken);
    expect(blockedOurs).toEqual(blockedStock);
    expect(blockedOurs.error).toBe('Invalid credentials');
  });

  describe('when a read inside the check fails', () => {
    const permissions = () => app.strapi.plugin('users-permissions').service('permission');
    let findPublicPermissions: unknown;
    beforeEach(() => {
      findPublicPermissions = permissions().findPublicPermissions;
    });
    afterEach(() => {
      permissions().findPublicPermissions = findPublicPermissions;
    });
    const failWith = (error: Error) => {
      permissions().findPublicPermissions = () => Promise.reject(error);
    };
    const unreachable = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

    test('stock answers "not signed in" for an unreachable database; the patch lets the error through', async () => {
      const { patched, stock: stockAuthenticate } = strategy();
      failWith(unreachable());
      await expect(stockAuthenticate(ctxWith())).resolves.toEqual({ authenticated: false });
      await expect(patched(ctxWith())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    });

    test('any other failure is still "not signed in", as in stock', async () => {
      const { patched, stock: stockAuthenticate } = strategy();
      failWith(new TypeError('something else went wrong'));
      await expect(stockAuthenticate(ctxWith())).resolves.toEqual({ authenticated: false });
      await expect(patched(ctxWith())).resolves.toEqual({ authenticated: false });
    });

    test('over HTTP the request is answered 503 database_unavailable, not 401', async () => {
      failWith(unreachable());
      const response = await app.request.get('/api/courses');
      expect(response.status).toBe(503);
      expect(response.body.error).toMatchObject({ status: 503, details: { reason: 'database_unavailable' } });
    });
  });
});

describe('advanced-settings-store: the remembered users-permissions settings', () => {
  test('the value is the stock read, and a write through the store shows at once', async () => {
    const store = app.strapi.store as unknown as {
      get: (params: object) => Promise<any>;
      set: (params: object) => Promise<unknown>;
    };
    const stockGet = stock<(params: object) => Promise<any>>(store.get);
    const before = await store.get(ADVANCED);
    expect(before).toEqual(await stockGet(ADVANCED));
    // Other keys go straight to the stock function.
    const other = { type: 'plugin', name: 'users-permissions', key: 'grant' };
    expect(await store.get(other)).toEqual(await stockGet(other));
    try {
      await store.set({ ...ADVANCED, value: { ...before, unique_email: !before.unique_email } });
      const after = await store.get(ADVANCED);
      expect(after.unique_email).toBe(!before.unique_email);
      expect(after).toEqual(await stockGet(ADVANCED));
    } finally {
      await store.set({ ...ADVANCED, value: before });
    }
    // A copy each time: a caller changing it changes nothing kept.
    const copy = await store.get(ADVANCED);
    copy.unique_email = 'changed';
    expect((await store.get(ADVANCED)).unique_email).toBe(before.unique_email);
  });

  test('the i18n default locale is the stock read, and a new default shows at once', async () => {
    const store = app.strapi.store as unknown as { get: (params: object) => Promise<any> };
    const stockGet = stock<(params: object) => Promise<any>>(store.get);
    const DEFAULT_LOCALE_KEY = { type: 'plugin', name: 'i18n', key: 'default_locale' };
    const locales = app.strapi.plugin('i18n').service('locales');
    const before = await locales.getDefaultLocale();
    expect(before).toBe(await stockGet(DEFAULT_LOCALE_KEY));
    const statements = await statementsOf(app.strapi, () => locales.getDefaultLocale());
    expect(statements.filter((sql) => sql.includes('strapi_core_store_settings'))).toEqual([]);
    try {
      await locales.setDefaultLocale({ code: 'ru' });
      expect(await locales.getDefaultLocale()).toBe('ru');
    } finally {
      await locales.setDefaultLocale({ code: before });
    }
    expect(await locales.getDefaultLocale()).toBe(before);
  });
});

describe('api-token-lookup: remembered hashes and misses', () => {
  test('hashes and lookups are the stock ones, and a token created after a miss is found', async () => {
    const tokens = app.strapi.service('admin::api-token-content-api') as any;
    const hash = stock<(key: string) => string>(tokens.hash);
    const lookUp = stock<(hash: string) => Promise<any>>(tokens.getByAccessKey);
    expect(tokens.hash('some-bearer')).toBe(hash('some-bearer'));
    const unknown = tokens.hash('no-such-token');
    expect(await tokens.getByAccessKey(unknown)).toBeNull();
    expect(await tokens.getByAccessKey(unknown)).toEqual(await lookUp(unknown));

    const created = await tokens.create({
      name: `patch-compare-${Date.now()}`,
      type: 'read-only',
      lifespan: null,
      kind: 'content-api',
    });
    const found = await tokens.getByAccessKey(tokens.hash(created.accessKey));
    expect(found?.id).toBe(created.id);
    expect(found).toEqual(await lookUp(hash(created.accessKey)));
    await tokens.revoke(created.id);
    expect(await tokens.getByAccessKey(tokens.hash(created.accessKey))).toEqual(await lookUp(hash(created.accessKey)));
  });
});

describe('postgres-prepared-statements: fixed statements', () => {
  test('a statement run by runSql answers what knex.raw answers (rows and count)', async () => {
    const table = tableOf(app.strapi, USER);
    const sql = 'SELECT ?? AS id, ?? AS email FROM ?? WHERE ?? = ? OR ?? = ? ORDER BY ?? ASC';
    const bindings = ['id', 'email', table, 'id', student.id, 'email', 'nobody@example.test', 'id'];
    const viaPatch = await runSql<{ id: number; email: string }>(app.strapi, sql, bindings);
    const raw = await app.strapi.db.connection.raw(sql, bindings);
    const rows = Array.isArray(raw) ? raw : raw.rows;
    expect(viaPatch.rows).toEqual(rows);
    expect(viaPatch.rows).toEqual([{ id: student.id, email: student.email }]);
    // Run again (on PostgreSQL, the named statement already prepared on a connection): the same answer.
    expect((await runSql(app.strapi, sql, bindings)).rows).toEqual(rows);
    // Planned once (its own connections on PostgreSQL): the same answer, every time, seen by knex's query event.
    for (let run = 0; run < 7; run += 1) {
      const statements = await statementsOf(app.strapi, async () =>
        expect((await runSql(app.strapi, sql, bindings, { planOnce: true })).rows).toEqual(rows)
      );
      expect(statements).toHaveLength(1);
    }
  });

  (process.env.DATABASE_CLIENT === 'postgres' ? test : test.skip)(
    'planOnce statements run with generic plans on connections of their own; knex and the others keep auto',
    async () => {
      const setting = `SELECT current_setting('plan_cache_mode') || ' jit=' || current_setting('jit') AS "mode", ? AS "value"`;
      const modeOf = async (options?: { planOnce?: boolean; planEachCall?: boolean }) =>
        (await runSql<{ mode: string }>(app.strapi, setting, ['x'], options)).rows[0].mode;
      expect(await modeOf({ planOnce: true })).toBe('force_generic_plan jit=off');
      expect(await modeOf()).toMatch(/^auto /);
      expect(await modeOf({ planEachCall: true })).toMatch(/^auto /);
      // However the calls interleave, a knex connection never takes the setting.
      const modes = await Promise.all(
        Array.from({ length: 12 }, (_, index) =>
          index % 2 === 0
            ? modeOf({ planOnce: true })
            : app.strapi.db.connection
                .raw(`SELECT current_setting('plan_cache_mode') || ' jit=' || current_setting('jit') AS "mode"`)
                .then((result: { rows: Array<{ mode: string }> }) => result.rows[0].mode)
        )
      );
      expect(modes).toEqual(
        Array.from({ length: 12 }, (_, index) =>
          index % 2 === 0 ? 'force_generic_plan jit=off' : expect.stringMatching(/^auto /)
        )
      );
      // A statement the server refuses leaves its connection usable: the next ones still answer.
      await expect(runSql(app.strapi, 'SELECT 1 / CAST(? AS integer) AS "x"', [0], { planOnce: true })).rejects.toThrow(
        /division by zero/
      );
      for (let run = 0; run < 12; run += 1) expect(await modeOf({ planOnce: true })).toBe('force_generic_plan jit=off');
    }
  );
});

describe('rest-cache-lookup: the cache lookup on src/api routes', () => {
  test("no src/api route keeps the plugin's recv", () => {
    const names = Object.values(app.strapi.apis as Record<string, any>).flatMap((api) =>
      Object.values(api.routes ?? {}).flatMap((router: any) =>
        (router.routes ?? []).flatMap((route: any) => (route.config?.middlewares ?? []).map((m: any) => m?.name))
      )
    );
    expect(names).not.toContain('plugin::rest-cache.recv');
  });

  test('a cached answer is the answer computed without the cache', async () => {
    const path = '/api/categories?sort=name&pagination[pageSize]=5';
    const first = await app.request.get(path);
    expect(first.status).toBe(200);
    let hit = first;
    for (let attempt = 0; attempt < 50 && hit.headers['x-cache'] !== 'HIT'; attempt += 1)
      hit = await app.request.get(path);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body).toEqual(first.body);
    // A signed-in caller passes the cache, as with the plugin's recv: the same public answer, computed.
    const signedIn = await app.request.get(path).set(student.auth);
    expect(signedIn.headers['x-cache']).toBe('HITPASS');
    expect(signedIn.body).toEqual(first.body);
  });
});

describe('graphql-field-resolvers: fields with nothing to check keep their own resolver', () => {
  // Every kind of field stock's wrapper treats differently: root fields, `auth` (a scope, false), a policy that
  // refuses, a middleware, a resolver of its own, one that throws, and plain properties.
  const typeDefs = `
    type Category { name: String }
    type Course {
      title: String
      slug: String
      category: Category
      scoped: String
      open: String
      refused: String
      shouted: String
      broken: String
    }
    type Query { courses: [Course], signedInOnly: String }
  `;
  const courses = [
    { title: 'Alpha', slug: 'alpha', categoryName: 'Programming', scoped: 's', open: 'o', refused: 'r', shouted: 'a' },
    { title: 'Beta', slug: null, categoryName: null, scoped: 's', open: 'o', refused: 'r', shouted: 'b' },
  ];
  const query = '{ courses { title slug category { name } scoped open refused shouted broken } signedInOnly }';
  const resolversConfig = {
    'Query.courses': { auth: false },
    'Course.scoped': { auth: { scope: ['api::course.course.find'] } },
    'Course.open': { auth: false },
    'Course.refused': { policies: ['global::lyceum-test-refuse'] },
    'Course.shouted': {
      middlewares: [async (resolve: any, ...rest: unknown[]) => `${String(await resolve(...rest))}!`],
    },
  };

  function schemaWrappedBy(wrap: WrapResolvers) {
    const schema = buildSchema(typeDefs);
    const fields = (type: string) => (schema.getType(type) as GraphQLObjectType).getFields();
    fields('Query').courses.resolve = () => courses;
    fields('Query').signedInOnly.resolve = () => 'yes';
    fields('Course').category.resolve = async (course: any) =>
      course.categoryName ? { name: course.categoryName } : null;
    fields('Course').broken.resolve = () => {
      throw new Error('broken on purpose');
    };
    return wrap({ schema, strapi: app.strapi, extension: { resolversConfig } });
  }

  // A caller whose strategy grants only the scopes listed, as users-permissions' verify refuses the others.
  const signedIn = (scopes: string[]) => ({
    strategy: {
      verify: async (_auth: unknown, config: { scope?: string[] }) => {
        if (config.scope && !config.scope.every((scope) => scopes.includes(scope))) throw new Error('no scope');
      },
    },
  });

  // Errors in path order: GraphQL lists them as fields finish, so a field that no longer awaits the wrapper reports
  // sooner (stock's order already followed timing: a read's error against a policy's); the set is what is compared.
  const answerOf = async (schema: GraphQLSchema, auth: unknown) => {
    const answer = JSON.parse(
      JSON.stringify(
        await execute({ schema, document: parse(query), contextValue: { state: { auth }, koaContext: {} } })
      )
    );
    answer.errors?.sort((a: { path: unknown[] }, b: { path: unknown[] }) =>
      JSON.stringify(a.path).localeCompare(JSON.stringify(b.path))
    );
    return answer;
  };

  beforeAll(() => {
    app.strapi.get('policies').set('global::lyceum-test-refuse', { handler: () => false });
  });

  test('the patch is in place: the app built its schema through it', () => {
    expect(stockOf(wrapResolversModule().wrapResolvers)).toBeDefined();
  });

  test('every caller gets the stock answer: data, refusals and errors', async () => {
    const patchedSchema = schemaWrappedBy(wrapResolversModule().wrapResolvers);
    const stockSchema = schemaWrappedBy(stock<WrapResolvers>(wrapResolversModule().wrapResolvers));
    for (const auth of [undefined, signedIn([]), signedIn(['api::course.course.find'])]) {
      const answer = await answerOf(patchedSchema, auth);
      expect(answer).toEqual(await answerOf(stockSchema, auth));
      expect(answer.data.courses[0]).toMatchObject({ title: 'Alpha', category: { name: 'Programming' }, open: 'o' });
      expect(answer.data.courses[0].shouted).toBe('a!');
      expect(answer.data.courses[0].refused).toBeNull();
      expect(answer.errors.map((error: { message: string }) => error.message)).toEqual(
        expect.arrayContaining(['Policy Failed', 'broken on purpose'])
      );
    }
    // The public is refused the root field that needs a sign-in, and the scoped field; the scope opens it.
    expect((await answerOf(patchedSchema, undefined)).data.signedInOnly).toBeNull();
    expect((await answerOf(patchedSchema, signedIn([]))).data.courses[0].scoped).toBeNull();
    expect((await answerOf(patchedSchema, signedIn(['api::course.course.find']))).data.courses[0].scoped).toBe('s');
  });

  test('only the fields with nothing to check are left unwrapped', () => {
    const patched = schemaWrappedBy(wrapResolversModule().wrapResolvers);
    const course = (patched.getType('Course') as GraphQLObjectType).getFields();
    const resolve = (field: string, source: unknown) => course[field].resolve!(source, {}, {}, {} as any);
    // Unchecked: the value itself, no promise.
    expect(resolve('title', courses[0])).toBe('Alpha');
    expect(resolve('open', courses[0])).toBe('o');
    // Checked (auth, a policy, a middleware) and root fields: stock's async wrapper.
    for (const field of ['scoped', 'refused', 'shouted']) {
      const result = resolve(field, courses[0]) as Promise<unknown>;
      expect(result).toBeInstanceOf(Promise);
      result.catch(() => undefined);
    }
    const root = (patched.getType('Query') as GraphQLObjectType).getFields();
    const rootResult = root.courses.resolve!(undefined, {}, { state: {} }, {} as any);
    expect(rootResult).toBeInstanceOf(Promise);
  });
});

describe('route-match: remembered route matches', () => {
  type Match = { path: unknown[]; pathAndMethod: unknown[]; route: boolean };
  type Router = {
    stack: Array<{ path: string }>;
    match: (this: Router, path: string, method: string) => Match;
    get(path: string, handler: (ctx: any) => void): unknown;
  };
  const router = () => (app.strapi.server as unknown as { router: Router }).router;
  const positions = (match: Match) => ({
    path: match.path.map((layer) => router().stack.indexOf(layer as { path: string })),
    pathAndMethod: match.pathAndMethod.map((layer) => router().stack.indexOf(layer as { path: string })),
    route: match.route,
  });

  test("for every route, and for paths no route has, the answer is the stock match, less the groups' allowedMethods layers when a route answers", () => {
    const stockMatch = stock<Router['match']>(router().match);
    // Each route's own path, its parameters filled in, and a few that match nothing or only the admin panel.
    const paths = [
      ...new Set(router().stack.map((layer) => layer.path.replace(/:[A-Za-z_]+(\([^)]*\))?\??/g, 'x1'))),
      '/',
      '/api/nothing-here',
      '/api/search/suggest/extra',
      '/admin/some/page',
      '/uploads/a.png',
    ];
    expect(paths.length).toBeGreaterThan(300);
    let leftOut = 0;
    for (const method of ['GET', 'POST', 'DELETE', 'OPTIONS'])
      for (const path of paths) {
        const stockAnswer = stockMatch.call(router(), path, method);
        const kept = stockAnswer.route
          ? stockAnswer.pathAndMethod.filter((layer) => !isGroupAllowedMethods(layer as any))
          : stockAnswer.pathAndMethod;
        leftOut += stockAnswer.pathAndMethod.length - kept.length;
        const expected = positions({ ...stockAnswer, pathAndMethod: kept });
        expect([path, method, positions(router().match(path, method))]).toEqual([path, method, expected]);
        expect([path, method, positions(router().match(path, method))]).toEqual([path, method, expected]);
      }
    // GET /api/search alone ran through some sixty of them.
    const searchMatch = stockMatch.call(router(), '/api/search', 'GET');
    expect(searchMatch.pathAndMethod.filter((layer) => isGroupAllowedMethods(layer as any)).length).toBeGreaterThan(50);
    expect(
      router()
        .match('/api/search', 'GET')
        .pathAndMethod.some((layer) => isGroupAllowedMethods(layer as any))
    ).toBe(false);
    expect(leftOut).toBeGreaterThan(1000);
  });

  test('what a caller adds to one answer is not in the next, and a route added later is found', () => {
    const first = router().match('/api/search', 'GET');
    expect(first.route).toBe(true);
    first.path.push('added by a caller');
    first.pathAndMethod.length = 0;
    const second = router().match('/api/search', 'GET');
    expect(second.path).not.toContain('added by a caller');
    expect(second.pathAndMethod.length).toBeGreaterThan(0);

    // Any GET path is the admin panel's catch-all route's too: the new route is told by its layer.
    const path = '/route-match-test/added-later';
    const before = router().match(path, 'GET').pathAndMethod;
    router().get(path, (ctx) => (ctx.body = 'later'));
    const added = router().stack[router().stack.length - 1];
    expect(before).not.toContain(added);
    expect(router().match(path, 'GET').pathAndMethod).toEqual([...before, added]);
    expect(router().match(path, 'POST').pathAndMethod).not.toContain(added);
  });

  test('answers through the router are the stock ones: a route, a missing document, an unknown path, 405, OPTIONS, 501', async () => {
    const calls: Array<() => any> = [
      () => app.request.get('/api/search/suggest?q=cour'),
      () => app.request.head('/api/search?q=course'),
      () => app.request.get('/api/courses/no-such-course'),
      () => app.request.get('/api/route-match-nothing'),
      () => app.request.put('/api/search/suggest?q=cour'),
      () => app.request.delete('/api/courses'),
      () => app.request.options('/api/search'),
      () => app.request.options('/api/nothing-here'),
      () => (app.request as any).propfind('/api/search'),
      () => app.request.get('/_health'),
    ];
    const answers = async () => {
      const seen = [];
      for (const call of calls) {
        const response = await call();
        seen.push({ status: response.status, allow: response.headers.allow, body: response.body });
      }
      return seen;
    };
    const patched = [await answers(), await answers()];
    process.env.STRAPI_PATCHES_OFF = 'route-match';
    let stockAnswers;
    try {
      stockAnswers = await answers();
    } finally {
      delete process.env.STRAPI_PATCHES_OFF;
    }
    expect(patched[0]).toEqual(stockAnswers);
    expect(patched[1]).toEqual(stockAnswers);
    expect(stockAnswers.map(({ status }) => status)).toEqual([200, 200, 404, 404, 405, 405, 200, 200, 501, 204]);
  });
});
