import net from 'net';
import { factories } from '../helpers/factories';
import { restCacheTestEnv } from '../helpers/rest-cache';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/** A port nothing listens on: bound, read, released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let app: TestApp;

beforeAll(async () => {
  // The REST cache is what this file tests; the job queue's own reconnecting client would outlive the test.
  app = await startLyceum({
    ...restCacheTestEnv(),
    REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
    JOBS_DRIVER: 'database',
    REDIS_TIMEOUT_MS: '10000',
  });
});
afterAll(stopLyceum);

// A bound on a hang, not a speed figure: the Redis timeout is set to 10 s below, so a request that waited for Redis
// would take that long; a loaded CI machine still answers a database read well within the bound.
const NO_HANG_MS = 4000;

describe('REST cache with Redis unreachable', () => {
  test('boots, and reads and writes answer from the database, quickly, without 500', async () => {
    const make = factories(app.strapi);
    const owner = await make.createUser('teacher');
    const course = await make.createCourse({ teacher: owner, lessons: 1 });

    for (const path of [
      '/api/courses',
      `/api/courses/${course.documentId}`,
      `/api/courses/${course.documentId}/outline`,
      '/api/categories',
      '/api/tags',
    ]) {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const started = Date.now();
        const response = await app.request.get(path);
        expect(response.status).toBe(200);
        expect(response.headers['x-cache']).not.toBe('HIT');
        expect(Date.now() - started).toBeLessThan(NO_HANG_MS);
      }
    }

    const started = Date.now();
    const updated = await app.request
      .put(`/api/courses/${course.documentId}?status=published`)
      .set(owner.auth)
      .send({ data: { summary: 'Written while Redis is away' } });
    expect(updated.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(NO_HANG_MS);
    expect((await app.request.get(`/api/courses/${course.documentId}`)).body.data.summary).toBe(
      'Written while Redis is away'
    );
  });
});
