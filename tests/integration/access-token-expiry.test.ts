import { factories } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

// Access tokens that live two seconds: the remembered signature check must not outlive a token.
let app: TestApp;

beforeAll(async () => {
  app = await startLyceum({ AUTH_ACCESS_TOKEN_LIFESPAN_SECONDS: '2' });
});
afterAll(stopLyceum);

test('a token checked and remembered is still refused once it expires', async () => {
  const student = await factories(app.strapi).createUser('student');
  const login = await app.request
    .post('/api/auth/local')
    .send({ identifier: student.email, password: 'Secret-pass-1' });
  expect(login.status).toBe(200);
  const auth = { Authorization: `Bearer ${login.body.jwt}` };
  for (let request = 0; request < 3; request += 1)
    expect((await app.request.get('/api/users/me').set(auth)).status).toBe(200);

  await new Promise((resolve) => setTimeout(resolve, 3_100));
  const expired = await app.request.get('/api/users/me').set(auth);
  expect(expired.status).toBe(401);
  expect(expired.body.data).toBeNull();
});

test('a token with a forged signature is refused, also after the genuine one was remembered', async () => {
  const student = await factories(app.strapi).createUser('student');
  const login = await app.request
    .post('/api/auth/local')
    .send({ identifier: student.email, password: 'Secret-pass-1' });
  const token: string = login.body.jwt;
  expect((await app.request.get('/api/users/me').set({ Authorization: `Bearer ${token}` })).status).toBe(200);
  const [header, payload] = token.split('.');
  const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
  expect((await app.request.get('/api/users/me').set({ Authorization: `Bearer ${forged}` })).status).toBe(401);
});
