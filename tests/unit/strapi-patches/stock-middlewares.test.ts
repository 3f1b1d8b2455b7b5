import path from 'path';
import Koa from 'koa';
import request from 'supertest';
import bodyParser from '../../../src/strapi-patches/body-middleware';
import securityHeaders from '../../../src/strapi-patches/security-middleware';

// The stock factories these replace, from the pinned @strapi/core (not exported: read from its build): the
// answers must not differ.
const stockMiddleware = (file: string) =>
  require(path.join(path.dirname(require.resolve('@strapi/core')), 'middlewares', file));
const { security: stockSecurity } = stockMiddleware('security.js');
const { body: stockBody } = stockMiddleware('body.js');

const strapiWith = (playground: boolean) =>
  ({
    plugin: (name: string) =>
      name === 'graphql'
        ? { service: () => ({ playground: { isEnabled: () => playground } }), config: () => '/graphql' }
        : undefined,
    config: { get: (key: string) => (key === 'admin.path' ? '/admin' : undefined) },
  }) as any;

const SECURITY_CONFIG = {
  contentSecurityPolicy: {
    useDefaults: true,
    directives: {
      'connect-src': ["'self'", 'https:'],
      'img-src': ["'self'", 'data:', 'https://media.example'],
      upgradeInsecureRequests: null,
    },
  },
  referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
};

async function headersOf(factory: any, config: object, playground: boolean, method: string, path: string) {
  const app = new Koa();
  app.use(factory(config, { strapi: strapiWith(playground) }));
  app.use((ctx) => {
    ctx.body = 'ok';
  });
  const response = await (request(app.callback()) as any)[method.toLowerCase()](path);
  const { date, ...headers } = response.headers;
  return headers;
}

describe('security headers: built once per kind of path, the same as the stock middleware', () => {
  const cases: Array<[string, string, boolean]> = [
    ['GET', '/api/courses', false],
    ['POST', '/api/lessons/abc/complete', false],
    ['GET', '/documentation/v1.0.0', false],
    ['GET', '/admin/content-manager', false],
    ['GET', '/graphql', true],
    ['GET', '/api/courses', true],
  ];
  test.each(cases)('%s %s (GraphQL playground %s)', async (method, path, playground) => {
    const ours = await headersOf(securityHeaders, SECURITY_CONFIG, playground, method, path);
    expect(ours['content-security-policy']).toBeTruthy();
    expect(ours).toEqual(await headersOf(stockSecurity, SECURITY_CONFIG, playground, method, path));
  });

  test('the same helmet answers every request of a kind, and another kind gets its own headers', async () => {
    const app = new Koa();
    app.use(securityHeaders(SECURITY_CONFIG, { strapi: strapiWith(false) }));
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    const api = await request(app.callback()).get('/api/courses');
    const again = await request(app.callback()).get('/api/articles');
    const documentation = await request(app.callback()).get('/documentation');
    expect(again.headers['content-security-policy']).toBe(api.headers['content-security-policy']);
    expect(documentation.headers['content-security-policy']).not.toBe(api.headers['content-security-policy']);
    expect(documentation.headers['content-security-policy']).toContain('cdn.jsdelivr.net');
  });
});

describe('body parsing: koa-body built once, the same answers as the stock middleware', () => {
  const BODY_CONFIG = { jsonLimit: '1kb', formLimit: '1kb', textLimit: '1kb' };
  const appWith = (factory: any) => {
    const app = new Koa();
    // Strapi's error middleware answers errors with their status; here the status alone is compared.
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (error: any) {
        ctx.status = error.status ?? 500;
        ctx.body = { error: error.message };
      }
    });
    app.use(factory(BODY_CONFIG, { strapi: strapiWith(false) }));
    app.use((ctx: any) => {
      ctx.body = { parsed: ctx.request.body ?? null, files: Object.keys(ctx.request.files ?? {}) };
    });
    return app.callback();
  };
  const ours = appWith(bodyParser);
  const stock = appWith(stockBody);

  test.each([
    [
      'JSON',
      (app: any) =>
        request(app)
          .post('/api/x')
          .send({ answers: [1, 2], note: 'привет' }),
    ],
    ['a form', (app: any) => request(app).post('/api/x').type('form').send('a=1&b=two')],
    ['no body', (app: any) => request(app).get('/api/x')],
    ['malformed JSON', (app: any) => request(app).post('/api/x').set('content-type', 'application/json').send('{"a":')],
    [
      'JSON over the limit',
      (app: any) =>
        request(app)
          .post('/api/x')
          .send({ text: 'x'.repeat(2048) }),
    ],
    ['a file', (app: any) => request(app).post('/api/upload').attach('files', Buffer.from('hello'), 'hello.txt')],
  ])('%s', async (_label, send) => {
    const [mine, theirs] = [await send(ours), await send(stock)];
    expect(mine.status).toBe(theirs.status);
    expect(mine.body).toEqual(theirs.body);
  });

  test('the GraphQL endpoint is left to GraphQL', async () => {
    const app = new Koa();
    const strapi = {
      plugin: () => ({ config: () => '/graphql' }),
      config: { get: (_key: string, fallback: unknown) => fallback },
    };
    app.use(bodyParser(BODY_CONFIG, { strapi: strapi as any }));
    app.use((ctx: any) => {
      ctx.body = { parsed: ctx.request.body ?? null };
    });
    const response = await request(app.callback()).post('/graphql').send({ query: '{ a }' });
    expect(response.body.parsed).toBeNull();
  });
});
