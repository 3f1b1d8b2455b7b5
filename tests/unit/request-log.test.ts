import requestLog from '../../src/middlewares/request-log';

const loggerAt = (levels: string[]) => ({ isLevelEnabled: (level: string) => levels.includes(level), http: jest.fn() });
const ctx = { method: 'POST', url: '/api/lessons/abc/complete', status: 200 };

test('a request is logged when the http level is on, as Strapi logs it', async () => {
  const log = loggerAt(['error', 'warn', 'info', 'http']);
  const next = jest.fn(async () => undefined);
  await requestLog(undefined, { strapi: { log } as any })(ctx, next);
  expect(next).toHaveBeenCalledTimes(1);
  expect(log.http).toHaveBeenCalledWith(
    expect.stringMatching(/^POST \/api\/lessons\/abc\/complete \(\d+ ms\) 200$/),
    // The parts as fields, for JSON log lines.
    { method: 'POST', url: '/api/lessons/abc/complete', status: 200, durationMs: expect.any(Number) }
  );
});

test('below the http level the line is never built, and the request still runs', async () => {
  const log = loggerAt(['error', 'warn']);
  const next = jest.fn(async () => undefined);
  await requestLog(undefined, { strapi: { log } as any })(ctx, next);
  expect(next).toHaveBeenCalledTimes(1);
  expect(log.http).not.toHaveBeenCalled();
});
