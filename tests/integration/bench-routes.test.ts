import { factories } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

// The bench's --compare route (src/api/course/routes/bench-stock.ts) serves the catalog through Strapi's stock
// controller with auth off: it must not exist in a deployment unless the bench asks for it.
// Route files are read once when Strapi loads them, so each boot below starts from a fresh module registry.

describe('without LYCEUM_BENCH_STOCK_CATALOG', () => {
  let app: TestApp;
  beforeAll(async () => {
    jest.resetModules();
    app = await startLyceum({ LYCEUM_BENCH_STOCK_CATALOG: '' });
  });
  afterAll(stopLyceum);

  it('answers 404 on /api/bench-stock/courses', async () => {
    const response = await app.request.get('/api/bench-stock/courses');
    expect(response.status).toBe(404);
  });

  it('leaves the real catalog untouched', async () => {
    const catalog = await app.request.get('/api/courses');
    expect(catalog.status).toBe(200);
  });
});

describe('with LYCEUM_BENCH_STOCK_CATALOG=true (what bench/run.js sets for --compare)', () => {
  let app: TestApp;
  beforeAll(async () => {
    jest.resetModules();
    app = await startLyceum({ LYCEUM_BENCH_STOCK_CATALOG: 'true' });
  });
  afterAll(stopLyceum);

  it('serves the published catalog through the stock controller', async () => {
    const make = factories(app.strapi);
    const teacher = await make.createUser('teacher');
    const course = await make.createCourse({ teacher, lessons: 1 });
    const response = await app.request.get('/api/bench-stock/courses');
    expect(response.status).toBe(200);
    const ids = (response.body.data as Array<{ documentId: string }>).map((row) => row.documentId);
    expect(ids).toContain(course.documentId);
  });
});
