import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;

const ALLOWED = 'https://app.lyceum.test';
const OTHER = 'https://evil.example';

beforeAll(async () => {
  app = await startLyceum({
    CORS_ORIGINS: `${ALLOWED}, https://admin.lyceum.test`,
    BODY_LIMIT_MB: '1',
    CSP_MEDIA_HOSTS: 'https://media.lyceum.test',
  });
});
afterAll(stopLyceum);

describe('CORS from CORS_ORIGINS', () => {
  test('an allowed origin gets Access-Control-Allow-Origin with credentials', async () => {
    const response = await app.request.get('/api/courses').set('Origin', ALLOWED);
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
  });

  test('a preflight from an allowed origin lists the methods and the Authorization header', async () => {
    const response = await app.request
      .options('/api/courses')
      .set('Origin', ALLOWED)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(response.headers['access-control-allow-methods']).toContain('POST');
    expect(response.headers['access-control-allow-headers']?.toLowerCase()).toContain('authorization');
  });

  test('another origin gets no Access-Control-Allow-Origin, on requests and preflights', async () => {
    const response = await app.request.get('/api/courses').set('Origin', OTHER);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.request
      .options('/api/courses')
      .set('Origin', OTHER)
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    // Never a wildcard, which would let any site read answers.
    expect(JSON.stringify(response.headers)).not.toContain('"access-control-allow-origin":"*"');
  });
});

describe('security headers', () => {
  test('API answers carry the hardening headers and a CSP that allows the configured media hosts', async () => {
    const response = await app.request.get('/api/courses');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    expect(response.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    const csp = response.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toMatch(/img-src [^;]*https:\/\/media\.lyceum\.test/);
    expect(csp).toMatch(/media-src [^;]*https:\/\/media\.lyceum\.test/);
    expect(csp).not.toContain('upgrade-insecure-requests');
  });
});

describe('body size limit', () => {
  test("a JSON body over BODY_LIMIT_MB is 413 in Strapi's error shape, never 500", async () => {
    const big = JSON.stringify({ data: { title: 'x'.repeat(1024 * 1024 + 10) } });
    const response = await app.request.post('/api/auth/local').set('Content-Type', 'application/json').send(big);
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({
      data: null,
      error: { status: 413, name: expect.any(String), message: expect.any(String) },
    });
  });

  test('a body under the limit is read as usual', async () => {
    const response = await app.request
      .post('/api/auth/local')
      .send({ identifier: 'nobody@example.test', password: 'y'.repeat(2000) });
    expect(response.status).toBe(400);
    expect(response.body.error.status).toBe(400);
  });

  test('malformed JSON is a 400, not a 500', async () => {
    const response = await app.request
      .post('/api/auth/local')
      .set('Content-Type', 'application/json')
      .send('{"identifier": ');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ data: null, error: { status: 400 } });
  });
});
