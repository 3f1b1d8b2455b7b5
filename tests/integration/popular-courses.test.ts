import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * GET /courses/popular (CONTRACT "Search"): the most enrolled published courses of the last 30 days, from counts a
 * schedule refreshes (here every second) into Redis when REDIS_URL is set (the PostgreSQL + Redis run), into the
 * database otherwise.
 */

let app: TestApp;
let students: TestUser[];
const courses: TestCourse[] = [];

async function enrollAt(student: TestUser, course: TestCourse, enrolledAt: Date, status = 'active') {
  const enrollment = await factories(app.strapi).enroll(student, course, status as 'active');
  await app.strapi.db
    .query('plugin::enrollment.enrollment')
    .update({ where: { documentId: enrollment.documentId }, data: { enrolledAt } });
}

/** Polls the route until its answer satisfies `check` (the schedule runs every second), for at most 10 s. */
async function popularUntil(check: (data: any[]) => boolean, query: Record<string, string> = {}) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await app.request.get('/api/courses/popular').query(query);
    expect(response.status).toBe(200);
    if (check(response.body.data)) return response.body;
    if (Date.now() > deadline) throw new Error(`popular courses never matched: ${JSON.stringify(response.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  app = await startLyceum({ POPULAR_COURSES_CRON: '1000' });
  const make = factories(app.strapi);
  students = await Promise.all(Array.from({ length: 4 }, () => make.createUser('student')));
  for (let index = 0; index < 4; index += 1) courses.push(await make.createCourse({ lessons: 1 }));
  const now = Date.now();
  const daysAgo = (days: number) => new Date(now - days * 86_400_000);
  // courses[0]: 3 recent; courses[1]: 2 recent (+1 cancelled); courses[2]: 4, but 40 days ago; courses[3]: 1 recent.
  for (const student of students.slice(0, 3)) await enrollAt(student, courses[0], daysAgo(1));
  for (const student of students.slice(0, 2)) await enrollAt(student, courses[1], daysAgo(10));
  await enrollAt(students[3], courses[1], daysAgo(2), 'cancelled');
  for (const student of students) await enrollAt(student, courses[2], daysAgo(40));
  await enrollAt(students[0], courses[3], daysAgo(29));
});
afterAll(stopLyceum);

test('ranks published courses by enrollments of the last 30 days (cancelled and older ones not counted)', async () => {
  const ours = (data: any[]) => data.filter((course) => courses.some((made) => made.documentId === course.documentId));
  const body = await popularUntil((data) => ours(data).length === 3);
  expect(ours(body.data).map((course: any) => [course.documentId, course.enrollmentsLast30Days])).toEqual([
    [courses[0].documentId, 3],
    [courses[1].documentId, 2],
    [courses[3].documentId, 1],
  ]);
  expect(body.data[0]).toMatchObject({ title: courses[0].title, level: 'beginner', price: 0 });
  expect(body.meta).toEqual({ windowDays: 30 });
});

test('leaves out a course unpublished since, and honours limit', async () => {
  await app.strapi.documents('api::course.course').unpublish({ documentId: courses[0].documentId });
  const body = await popularUntil((data) => !data.some((course) => course.documentId === courses[0].documentId));
  expect(body.data[0].documentId).toBe(courses[1].documentId);
  const limited = await app.request.get('/api/courses/popular').query({ limit: '1' });
  expect(limited.body.data).toHaveLength(1);
});

test('is not taken for /courses/:documentId, and refuses a bad limit or locale with 400', async () => {
  for (const query of [{ limit: '0' }, { limit: '51' }, { limit: 'ten' }, { locale: 'fr' }]) {
    const response = await app.request.get('/api/courses/popular').query(query);
    expect(response.status).toBe(400);
  }
  const course = await app.request.get(`/api/courses/${courses[1].documentId}`);
  expect(course.status).toBe(200);
});
