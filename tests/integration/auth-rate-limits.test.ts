import { factories } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;

beforeAll(async () => {
  // SERVER_PROXY: each test below signs in from addresses of its own (X-Forwarded-For), so the per-IP budget of one
  // test is not spent by another; the first two tests send no such header and share the socket's address.
  app = await startLyceum({ RATE_LIMIT_AUTH_PER_IDENTIFIER: '3', RATE_LIMIT_AUTH_PER_IP: '12', SERVER_PROXY: 'true' });
});
afterAll(stopLyceum);

const login = (identifier: string, password: string) =>
  app.request.post('/api/auth/local').send({ identifier, password });

test('one account: the 4th login attempt within a minute is 429, whatever the password, and other accounts still work', async () => {
  const target = await factories(app.strapi).createUser('student');
  const other = await factories(app.strapi).createUser('student');
  for (let attempt = 0; attempt < 3; attempt += 1)
    expect((await login(target.email, `guess-${attempt}`)).status).toBe(400);
  const blocked = await login(target.email.toUpperCase(), 'Secret-pass-1');
  expect(blocked.status).toBe(429);
  expect(blocked.body.error).toMatchObject({ status: 429, name: 'RateLimitError' });
  expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  expect((await login(other.email, 'Secret-pass-1')).status).toBe(200);
});

test('one machine: beyond the per-IP limit every sign-in route is 429, across identifiers', async () => {
  // 5 requests were spent above; 7 more reach the limit of 12.
  const statuses: number[] = [];
  for (let index = 0; index < 7; index += 1)
    statuses.push(
      (await app.request.post('/api/auth/forgot-password').send({ email: `someone${index}@example.test` })).status
    );
  expect(statuses.every((status) => status === 200)).toBe(true);
  for (const request of [
    () => login('fresh@example.test', 'whatever-pass'),
    () =>
      app.request
        .post('/api/auth/local/register')
        .send({ username: 'fresh', email: 'fresh@example.test', password: 'Fresh-pass-123' }),
    () => app.request.post('/api/auth/forgot-password').send({ email: 'another@example.test' }),
  ]) {
    expect((await request()).status).toBe(429);
  }
  expect(
    await app.strapi.db.query('plugin::users-permissions.user').count({ where: { email: 'fresh@example.test' } })
  ).toBe(0);
});

describe('one limit per account, whichever identifier names it', () => {
  let nextAddress = 1;
  /** A client address of its own for each call: the per-IP limit stays out of these tests. */
  const loginFromAnywhere = (identifier: unknown, password: string) =>
    app.request
      .post('/api/auth/local')
      .set('X-Forwarded-For', `198.51.100.${nextAddress++}`)
      .send({ identifier, password });

  test('failed attempts through the email, the username and their case variants share one budget', async () => {
    const username = `Mixed_${Date.now()}`;
    const target = await factories(app.strapi).createUser('student', { username });
    expect((await loginFromAnywhere(target.email, 'guess-1')).status).toBe(400);
    expect((await loginFromAnywhere(username, 'guess-2')).status).toBe(400);
    expect((await loginFromAnywhere(target.email.toUpperCase(), 'guess-3')).status).toBe(400);
    for (const identifier of [username.toLowerCase(), username, target.email, ` ${target.email.toUpperCase()} `]) {
      const refused = await loginFromAnywhere(identifier, 'guess-4');
      expect(refused.status).toBe(429);
      expect(refused.body.error.details.reason).toBe('rate_limited');
    }
    // The right password too, until the minute is over: the account's attempts are spent.
    expect((await loginFromAnywhere(username, 'Secret-pass-1')).status).toBe(429);
  });

  test('the IP address does not matter: each attempt above came from a different one', async () => {
    const target = await factories(app.strapi).createUser('student');
    const statuses = [];
    for (let attempt = 0; attempt < 5; attempt += 1)
      statuses.push((await loginFromAnywhere(target.username, `guess-${attempt}`)).status);
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
  });

  test('successful sign-ins are not counted', async () => {
    const target = await factories(app.strapi).createUser('student');
    for (let attempt = 0; attempt < 5; attempt += 1)
      expect((await loginFromAnywhere(target.email, 'Secret-pass-1')).status).toBe(200);
    for (let attempt = 0; attempt < 2; attempt += 1)
      expect((await loginFromAnywhere(target.username, 'wrong-pass')).status).toBe(400);
    expect((await loginFromAnywhere(target.email, 'Secret-pass-1')).status).toBe(200);
    expect((await loginFromAnywhere(target.email, 'wrong-pass')).status).toBe(400);
    expect((await loginFromAnywhere(target.email, 'wrong-pass')).status).toBe(429);
  });

  test('parallel guesses cannot slip past the limit', async () => {
    const target = await factories(app.strapi).createUser('student');
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        loginFromAnywhere(index % 2 ? target.email : target.username, `guess-${index}`)
      )
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([400, 400, 400, 429, 429, 429, 429, 429]);
  });

  test('an identifier that names no account is limited by its string, in any case', async () => {
    const nobody = `nobody-${Date.now()}@example.test`;
    for (let attempt = 0; attempt < 3; attempt += 1)
      expect((await loginFromAnywhere(nobody, 'guess')).status).toBe(400);
    expect((await loginFromAnywhere(nobody.toUpperCase(), 'guess')).status).toBe(429);
    // Other unknown identifiers and other accounts are untouched.
    expect((await loginFromAnywhere(`somebody-${Date.now()}@example.test`, 'guess')).status).toBe(400);
    const other = await factories(app.strapi).createUser('student');
    expect((await loginFromAnywhere(other.email, 'Secret-pass-1')).status).toBe(200);
  });

  test('malformed identifiers are 400, not 500, and do not spend an account', async () => {
    const target = await factories(app.strapi).createUser('student');
    for (const identifier of [
      { $ne: null },
      [target.email],
      5,
      null,
      '',
      'x'.repeat(10_000),
      "' OR 1=1 --",
      '%',
      '_',
    ]) {
      const response = await loginFromAnywhere(identifier, 'guess');
      expect(response.status).toBe(400);
    }
    expect((await loginFromAnywhere(target.email, 'Secret-pass-1')).status).toBe(200);
  });
});
