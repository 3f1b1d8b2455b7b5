import { writeFileSync } from 'fs';
import { Session } from 'inspector';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { showStatements, statementsOf } from '../helpers/statements';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * What the two hot reads of issue 24 cost, in statements per request: the article list a blog front page asks for
 * and the content of a lesson read by an enrolled student (the rows `articles` and `lesson` of bench/scenarios.js).
 * With READ_TIMING set, each read is also timed over many sequential requests (a before/after measure, not a bench).
 */
let app: TestApp;
let student: TestUser;
let course: TestCourse;

const ARTICLE_LIST = '/api/articles?sort[0]=publishedAt:desc&pagination[pageSize]=10';
const LESSON_CONTENT = 'A paragraph of lesson text with enough words to look real. '.repeat(40);

async function timeRequests(label: string, send: (index: number) => Promise<unknown>) {
  if (!process.env.READ_TIMING) return;
  const rounds = Number(process.env.READ_TIMING) || 300;
  for (let index = 0; index < 50; index += 1) await send(index);
  const profiler = process.env.READ_PROFILE ? new Session() : undefined;
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      profiler!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result)))
    );
  if (profiler) {
    profiler.connect();
    await post('Profiler.enable');
    await post('Profiler.start');
  }
  const durations: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let index = 0; index < rounds; index += 1) {
    const started = process.hrtime.bigint();
    await send(index);
    durations.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const cpu = process.cpuUsage(cpuBefore);
  if (profiler) {
    const { profile } = await post('Profiler.stop');
    writeFileSync(`${process.env.READ_PROFILE}-${label.replace(/ /g, '-')}.cpuprofile`, JSON.stringify(profile));
    profiler.disconnect();
  }
  durations.sort((a, b) => a - b);
  const at = (share: number) => durations[Math.min(durations.length - 1, Math.floor(durations.length * share))];
  const mean = durations.reduce((sum, value) => sum + value, 0) / durations.length;
  process.stdout.write(
    `${label} (${app.strapi.db.dialect.client}): mean ${mean.toFixed(2)} ms, p50 ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, CPU ${((cpu.user + cpu.system) / 1000 / rounds).toFixed(2)} ms a request (server and client) over ${rounds}\n`
  );
}

beforeAll(async () => {
  // The targets are for uncached reads (issue 24): the REST cache would answer the article list from Redis.
  app = await startLyceum({ REST_CACHE_ENABLED: 'false' });
  const make = factories(app.strapi);
  const teacher = await make.createUser('teacher');
  course = await make.createCourse({ teacher, lessons: 10 });
  for (const lesson of course.lessons)
    await app.strapi.db
      .query('api::lesson.lesson')
      .updateMany({ where: { documentId: lesson.documentId }, data: { content: LESSON_CONTENT } });
  student = await make.createUser('student');
  expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth)).status).toBe(201);
  const tags = [];
  for (let index = 0; index < 4; index += 1)
    tags.push(
      await app.strapi.documents('api::tag.tag').create({
        data: { name: `Cost tag ${index}`, slug: `cost-tag-${index}` } as never,
        status: 'published',
      })
    );
  for (let index = 0; index < 15; index += 1)
    await app.strapi.documents('api::article.article').create({
      locale: 'en',
      status: 'published',
      data: {
        title: `Cost article ${index}`,
        slug: `cost-article-${index}`,
        excerpt: `Why article ${index} matters.`,
        body: 'A paragraph of an article about learning. '.repeat(120),
        tags: [tags[index % 4].documentId, tags[(index + 1) % 4].documentId],
      } as never,
    });
}, 600_000);
afterAll(stopLyceum);

test('the article list', async () => {
  const statements = await statementsOf(app.strapi, async () => {
    const response = await app.request.get(ARTICLE_LIST);
    expect(response.status).toBe(200);
    expect(response.body.data).toHaveLength(10);
  });
  showStatements(app.strapi, 'article list', statements);
  await timeRequests('article list', () => app.request.get(ARTICLE_LIST).expect(200));
  // The same list through Strapi's own find (a query of any other shape takes it): the cost before the direct read.
  await timeRequests('article list, stock find', () =>
    app.request.get(`${ARTICLE_LIST}&pagination[withCount]=true`).expect(200)
  );
}, 600_000);

test('the lesson content for an enrolled student', async () => {
  const lesson = course.lessons[1].documentId;
  const statements = await statementsOf(app.strapi, async () => {
    const response = await app.request.get(`/api/lessons/${lesson}`).set(student.auth);
    expect(response.status).toBe(200);
    expect(response.body.data.content).toBe(LESSON_CONTENT.trim());
  });
  showStatements(app.strapi, 'lesson content', statements);
  await timeRequests('lesson content', (index) =>
    app.request
      .get(`/api/lessons/${course.lessons[index % course.lessons.length].documentId}`)
      .set(student.auth)
      .expect(200)
  );
  // The same reads through Strapi's own findOne (any query but `locale` takes it): the cost before the direct read.
  await timeRequests('lesson content, stock findOne', (index) =>
    app.request
      .get(`/api/lessons/${course.lessons[index % course.lessons.length].documentId}?status=published`)
      .set(student.auth)
      .expect(200)
  );
}, 600_000);
