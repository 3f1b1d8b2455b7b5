import { logFormatOf } from '../../src/operations/log-format';
import { isMetricsCaller } from '../../src/operations/metrics';
import { checkReadiness, type ReadinessProbes } from '../../src/operations/readiness';
import { requestIdOf } from '../../src/operations/request-id';
import { UNMATCHED_ROUTE, markRouteTemplate, routeTemplateOf } from '../../src/operations/route-template';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request id', () => {
  test.each([['a'], ['abc-123'], ['trace.id:span_1-2'], ['A'.repeat(128)], ['0f8fad5b-d9cb-469f-a165-70867728950e']])(
    'keeps the caller’s own id %p (1–128 characters of [A-Za-z0-9._:-])',
    (sent) => {
      expect(requestIdOf(sent)).toBe(sent);
    }
  );

  test.each([
    ['absent', undefined],
    ['empty', ''],
    ['129 characters', 'A'.repeat(129)],
    ['a space', 'abc def'],
    ['a slash', 'abc/def'],
    ['a line break', 'abc\ndef'],
    ['a quote', 'abc"def'],
    ['non-ASCII', 'запрос-1'],
    ['sent twice (a list)', ['abc', 'def']],
  ])('replaces an id that is %s with a new UUID', (_case, sent) => {
    const replaced = requestIdOf(sent as string | string[] | undefined);
    expect(replaced).toMatch(UUID);
    expect(replaced).not.toBe(sent);
  });

  test('two requests without an id get different ones', () => {
    expect(requestIdOf(undefined)).not.toBe(requestIdOf(undefined));
  });
});

describe('readiness', () => {
  const healthy = (): ReadinessProbes => ({
    database: async () => 1,
    redis: async () => 'PONG',
    jobs: () => 'ok',
    isShuttingDown: () => false,
  });

  test('every part ok: 200', async () => {
    expect(await checkReadiness(healthy())).toEqual({
      status: 200,
      body: { database: 'ok', redis: 'ok', jobs: 'ok' },
    });
  });

  test('no Redis configured is ready, and says so', async () => {
    expect(await checkReadiness({ ...healthy(), redis: null })).toEqual({
      status: 200,
      body: { database: 'ok', redis: 'not_configured', jobs: 'ok' },
    });
  });

  test('a failing database: 503 naming it', async () => {
    const readiness = await checkReadiness({ ...healthy(), database: () => Promise.reject(new Error('refused')) });
    expect(readiness).toEqual({ status: 503, body: { database: 'down', redis: 'ok', jobs: 'ok' } });
  });

  test('a database that hangs is down once the timeout passes', async () => {
    const readiness = await checkReadiness({ ...healthy(), database: () => new Promise(() => undefined) }, 50);
    expect(readiness).toEqual({ status: 503, body: { database: 'down', redis: 'ok', jobs: 'ok' } });
  });

  test('a probe that throws at once counts as down, never as an error', async () => {
    const readiness = await checkReadiness({
      ...healthy(),
      redis: () => {
        throw new Error('Stream isn’t writeable');
      },
    });
    expect(readiness).toEqual({ status: 503, body: { database: 'ok', redis: 'down', jobs: 'ok' } });
  });

  test('stopped jobs: 503 naming them', async () => {
    expect(await checkReadiness({ ...healthy(), jobs: () => 'stopped' })).toEqual({
      status: 503,
      body: { database: 'ok', redis: 'ok', jobs: 'stopped' },
    });
  });

  test('shutting down: 503 at once, without touching the database', async () => {
    const database = jest.fn(async () => 1);
    expect(await checkReadiness({ ...healthy(), database, isShuttingDown: () => true })).toEqual({
      status: 503,
      body: { process: 'shutting_down' },
    });
    expect(database).not.toHaveBeenCalled();
  });
});

describe('metrics token', () => {
  test.each([
    ['Bearer s3cret', true],
    ['bearer s3cret', true],
    ['Bearer  s3cret ', true],
    ['Bearer s3cre', false],
    ['Bearer s3cret2', false],
    ['s3cret', false],
    ['Basic s3cret', false],
    ['Bearer ', false],
    ['', false],
    [undefined, false],
  ])('Authorization %p is the metrics caller: %p', (header, expected) => {
    expect(isMetricsCaller(header, 's3cret')).toBe(expected);
  });
});

describe('route template', () => {
  test('the router’s matched template, or "unmatched"', () => {
    expect(routeTemplateOf({ _matchedRoute: '/api/courses/:id' })).toBe('/api/courses/:id');
    expect(routeTemplateOf({})).toBe(UNMATCHED_ROUTE);
    expect(routeTemplateOf({ _matchedRoute: /^\/x/ })).toBe(UNMATCHED_ROUTE);
    // The router matched a route, but the request went on to a middleware layer after it: no route answered.
    const passedOn = [
      { path: '/((?!uploads/).+)', methods: ['HEAD', 'GET'] },
      { path: '([^/]*)', methods: [] },
    ];
    expect(routeTemplateOf({ _matchedRoute: '([^/]*)', matched: passedOn })).toBe(UNMATCHED_ROUTE);
    expect(routeTemplateOf({ _matchedRoute: '/((?!uploads/).+)', matched: passedOn })).toBe('/((?!uploads/).+)');
    const ctx = {};
    markRouteTemplate(ctx, '/api/tags');
    expect(routeTemplateOf(ctx)).toBe('/api/tags');
  });
});

describe('log format', () => {
  test('json in production, pretty elsewhere, LOG_FORMAT decides when set', () => {
    expect(logFormatOf({ NODE_ENV: 'production' })).toBe('json');
    expect(logFormatOf({ NODE_ENV: 'development' })).toBe('pretty');
    expect(logFormatOf({})).toBe('pretty');
    expect(logFormatOf({ NODE_ENV: 'development', LOG_FORMAT: 'json' })).toBe('json');
    expect(logFormatOf({ NODE_ENV: 'production', LOG_FORMAT: 'Pretty' })).toBe('pretty');
  });

  test('an unknown LOG_FORMAT stops the start with a message', () => {
    expect(() => logFormatOf({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT: expected json or pretty/);
  });
});
