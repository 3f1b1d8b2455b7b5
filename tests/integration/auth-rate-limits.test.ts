import { factories } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;

beforeAll(async () => {
  app = await startLyceum({ RATE_LIMIT_AUTH_PER_IDENTIFIER: '3', RATE_LIMIT_AUTH_PER_IP: '12' });
});
afterAll(stopLyceum);

const login = (identifier: string, password: string) => app.request.post('/api/auth/local').send({ identifier, password });

test('one account: the 4th login attempt within a minute is 429, whatever the password, and other accounts still work', async () => {
  const target = await factories(app.strapi).createUser('student');
  const other = await factories(app.strapi).createUser('student');
  for (let attempt = 0; attempt < 3; attempt += 1) expect((await login(target.email, `guess-${attempt}`)).status).toBe(400);
  const blocked = await login(target.email.toUpperCase(), 'Secret-pass-1');
  expect(blocked.status).toBe(429);
  expect(blocked.body.error).toMatchObject({ status: 429, name: 'RateLimitError' });
  expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  expect((await login(other.email, 'Secret-pass-1')).status).toBe(200);
});

test('one machine: beyond the per-IP limit every sign-in route is 429, across identifiers', async () => {
  // 5 requests were spent above; 7 more reach the limit of 12.
  const statuses: number[] = [];
  for (let index = 0; index < 7; index += 1) statuses.push((await app.request.post('/api/auth/forgot-password').send({ email: `someone${index}@example.test` })).status);
  expect(statuses.every((status) => status === 200)).toBe(true);
  for (const request of [
    () => login('fresh@example.test', 'whatever-pass'),
    () => app.request.post('/api/auth/local/register').send({ username: 'fresh', email: 'fresh@example.test', password: 'Fresh-pass-123' }),
    () => app.request.post('/api/auth/forgot-password').send({ email: 'another@example.test' }),
  ]) {
    expect((await request()).status).toBe(429);
  }
  expect(await app.strapi.db.query('plugin::users-permissions.user').count({ where: { email: 'fresh@example.test' } })).toBe(0);
});
