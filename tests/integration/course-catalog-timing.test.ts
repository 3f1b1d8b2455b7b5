import { performance } from 'perf_hooks';
import { columnOf, linkOf, tableOf } from '../../src/database/tables';
import { factories } from '../helpers/factories';
import { statementsOf } from '../helpers/statements';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * A measurement, not a check (MEASURE_CATALOG=1 runs it): the bench's catalog and course-by-slug requests, in
 * process, one at a time, through the fast read and through the stock path (LYCEUM_FAST_CATALOG_READS=false), on
 * a catalog of MEASURE_COURSES published courses seeded in bulk. Prints the mean and p95 per request and the
 * statements each sends. The bench itself (npm run bench) needs a quiet machine; this compares both paths under the
 * same conditions.
 */
const measuring = process.env.MEASURE_CATALOG === '1';
const describeWhenMeasuring = measuring ? describe : describe.skip;
const COURSES = Number(process.env.MEASURE_COURSES ?? 2000);
const CALLS = Number(process.env.MEASURE_CALLS ?? 200);
const COURSE = 'api::course.course';

let app: TestApp;
let slugs: string[] = [];

async function seed() {
  const make = factories(app.strapi);
  const teachers = await Promise.all([make.createUser('teacher'), make.createUser('teacher')]);
  const category = await app.strapi
    .documents('api::category.category')
    .create({ locale: 'en', data: { name: 'Programming', slug: 'programming' } as any });
  const categoryRow = await app.strapi.db
    .query('api::category.category')
    .findOne({ where: { documentId: category.documentId } });
  const cover = await app.strapi.db.query('plugin::upload.file').create({
    data: { name: 'c', hash: 'c', ext: '.png', mime: 'image/png', size: 1, url: '/uploads/c.png', provider: 'local' },
  });
  const knex = app.strapi.db.connection;
  const now = new Date();
  const levels = ['beginner', 'intermediate', 'advanced'];
  const rows = Array.from({ length: COURSES }, (_, index) => ({
    [columnOf(app.strapi, COURSE, 'documentId')]: `bench${String(index).padStart(19, '0')}`,
    [columnOf(app.strapi, COURSE, 'title')]: `Course ${(index * 7919) % COURSES}`,
    [columnOf(app.strapi, COURSE, 'slug')]: `course-${index}`,
    [columnOf(app.strapi, COURSE, 'summary')]: 'A course',
    [columnOf(app.strapi, COURSE, 'description')]: 'A long description. '.repeat(20),
    [columnOf(app.strapi, COURSE, 'level')]: levels[index % 3],
    [columnOf(app.strapi, COURSE, 'price')]: index % 50,
    [columnOf(app.strapi, COURSE, 'currency')]: 'USD',
    [columnOf(app.strapi, COURSE, 'locale')]: 'en',
    [columnOf(app.strapi, COURSE, 'createdAt')]: now,
    [columnOf(app.strapi, COURSE, 'updatedAt')]: now,
    [columnOf(app.strapi, COURSE, 'publishedAt')]: now,
  }));
  const ids: number[] = [];
  for (let start = 0; start < rows.length; start += 200) {
    const inserted = await knex(tableOf(app.strapi, COURSE))
      .insert(rows.slice(start, start + 200))
      .returning('id');
    ids.push(...inserted.map((row: { id: number } | number) => (typeof row === 'number' ? row : row.id)));
  }
  const categoryLink = linkOf(app.strapi, COURSE, 'category');
  const teacherLink = linkOf(app.strapi, COURSE, 'teachers');
  for (let start = 0; start < ids.length; start += 200) {
    const part = ids.slice(start, start + 200);
    await knex(categoryLink.table).insert(
      part.map((id) => ({ [categoryLink.ownColumn]: id, [categoryLink.targetColumn]: categoryRow.id }))
    );
    await knex(teacherLink.table).insert(
      part.flatMap((id) =>
        teachers.map((teacher, order) => ({
          [teacherLink.ownColumn]: id,
          [teacherLink.targetColumn]: teacher.id,
          [teacherLink.orderColumn!]: order + 1,
        }))
      )
    );
    await knex('files_related_mph').insert(
      part.map((id) => ({ file_id: cover.id, related_id: id, related_type: COURSE, field: 'cover', order: 1 }))
    );
  }
  slugs = Array.from({ length: 50 }, (_, index) => `course-${(index * 37) % COURSES}`);
  if (app.strapi.db.dialect.client === 'postgres') await knex.raw('ANALYZE');
}

async function time(paths: () => string, fast: boolean) {
  process.env.LYCEUM_FAST_CATALOG_READS = fast ? 'true' : 'false';
  const took: number[] = [];
  let statements = 0;
  try {
    for (let call = 0; call < 20; call += 1) await app.request.get(paths()); // warm-up
    for (let call = 0; call < CALLS; call += 1) {
      const path = paths();
      const started = performance.now();
      const sent = await statementsOf(app.strapi, async () => {
        const response = await app.request.get(path);
        if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
      });
      took.push(performance.now() - started);
      statements += sent.length;
    }
  } finally {
    delete process.env.LYCEUM_FAST_CATALOG_READS;
  }
  took.sort((a, b) => a - b);
  const mean = took.reduce((sum, value) => sum + value, 0) / took.length;
  return {
    mean: mean.toFixed(1),
    p95: took[Math.floor(took.length * 0.95)].toFixed(1),
    statements: (statements / CALLS).toFixed(1),
  };
}

describeWhenMeasuring('catalog read timing', () => {
  beforeAll(async () => {
    app = await startLyceum({ REST_CACHE_ENABLED: 'false' });
    await seed();
  }, 600_000);
  afterAll(stopLyceum);

  test('stock path against fast read', async () => {
    const catalog = () =>
      '/api/courses?filters[level][$eq]=beginner&sort[0]=title:asc&populate[0]=category&populate[1]=teachers&populate[2]=cover&pagination[pageSize]=20';
    let next = 0;
    const bySlug = () =>
      `/api/courses?filters[slug][$eq]=${slugs[(next += 1) % slugs.length]}&populate[0]=category&populate[1]=teachers`;
    const lines: string[] = [];
    for (const [name, paths] of [
      ['catalog', catalog],
      ['course-by-slug', bySlug],
    ] as const) {
      const stock = await time(paths, false);
      const fast = await time(paths, true);
      lines.push(
        `${name} (${app.strapi.db.dialect.client}, ${COURSES} courses, ${CALLS} calls): ` +
          `stock mean ${stock.mean} ms p95 ${stock.p95} ms ${stock.statements} statements; ` +
          `fast mean ${fast.mean} ms p95 ${fast.p95} ms ${fast.statements} statements`
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }, 600_000);
});
