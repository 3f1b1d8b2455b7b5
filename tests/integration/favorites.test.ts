import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let course: TestCourse;
let student: TestUser;
let other: TestUser;

const favoritePath = (lesson: { documentId: string }) => `/api/lessons/${lesson.documentId}/favorite`;
const countFor = (user: TestUser) =>
  app.strapi.db.query('api::favorite.favorite').count({ where: { user: { id: user.id } } });

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  const teacher = await make.createUser('teacher');
  [student, other] = await Promise.all([make.createUser('student'), make.createUser('student')]);
  course = await make.createCourse({ teacher, lessons: 3 });
});
afterAll(stopLyceum);

test('PUT marks a lesson favorite, and again changes nothing', async () => {
  const first = await app.request.put(favoritePath(course.lessons[0])).set(student.auth);
  expect(first.status).toBe(200);
  expect(first.body.data).toMatchObject({
    lesson: { documentId: course.lessons[0].documentId, title: 'Lesson 1' },
    favorite: true,
  });
  const second = await app.request.put(favoritePath(course.lessons[0])).set(student.auth);
  expect(second.status).toBe(200);
  expect(second.body.data.createdAt).toBe(first.body.data.createdAt);
  expect(await countFor(student)).toBe(1);
});

test('ten PUTs at once leave one favorite', async () => {
  const responses = await Promise.all(
    Array.from({ length: 10 }, () => app.request.put(favoritePath(course.lessons[1])).set(student.auth))
  );
  expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
  expect(
    await app.strapi.db
      .query('api::favorite.favorite')
      .count({ where: { key: `${student.id}:${course.lessons[1].documentId}` } })
  ).toBe(1);
});

test("GET /me/favorites lists only the caller's own, newest first, with the course", async () => {
  await app.request.put(favoritePath(course.lessons[2])).set(other.auth);
  const mine = await app.request.get('/api/me/favorites').set(student.auth);
  expect(mine.status).toBe(200);
  expect(mine.body.data.map((favorite: any) => favorite.lesson.documentId)).toEqual([
    course.lessons[1].documentId,
    course.lessons[0].documentId,
  ]);
  expect(mine.body.data[0].lesson.course).toEqual({ documentId: course.documentId, title: course.title });
  expect(mine.body.meta.total).toBe(2);
  const theirs = await app.request.get('/api/me/favorites').set(other.auth);
  expect(theirs.body.data.map((favorite: any) => favorite.lesson.documentId)).toEqual([course.lessons[2].documentId]);
});

test('DELETE removes it, and again is still fine', async () => {
  const removed = await app.request.delete(favoritePath(course.lessons[0])).set(student.auth);
  expect(removed.status).toBe(200);
  expect(removed.body.data).toEqual({ lesson: { documentId: course.lessons[0].documentId }, favorite: false });
  expect((await app.request.delete(favoritePath(course.lessons[0])).set(student.auth)).status).toBe(200);
  expect(await countFor(student)).toBe(1);
  // Another user's favorite is untouched by mine.
  expect((await app.request.delete(favoritePath(course.lessons[2])).set(student.auth)).status).toBe(200);
  expect(await countFor(other)).toBe(1);
});

test('the public is 401; unknown or unpublished lessons 404; malformed ids and bodies 400', async () => {
  expect((await app.request.put(favoritePath(course.lessons[0]))).status).toBe(401);
  expect((await app.request.delete(favoritePath(course.lessons[0]))).status).toBe(401);
  expect((await app.request.get('/api/me/favorites')).status).toBe(401);
  expect((await app.request.put('/api/lessons/nosuchlesson00/favorite').set(student.auth)).status).toBe(404);
  expect((await app.request.delete('/api/lessons/nosuchlesson00/favorite').set(student.auth)).status).toBe(404);
  const draft = await make.createCourse({ lessons: 1, published: false });
  expect((await app.request.put(favoritePath(draft.lessons[0])).set(student.auth)).status).toBe(404);
  expect((await app.request.put('/api/lessons/bad%20id/favorite').set(student.auth)).status).toBe(400);
  const withBody = await app.request.put(favoritePath(course.lessons[0])).set(student.auth).send({ user: other.id });
  expect(withBody.status).toBe(400);
  expect(withBody.body.error.details.errors[0].path).toEqual(['user']);
  expect(await countFor(other)).toBe(1);
});

test('there is no core REST route for favorites', async () => {
  expect((await app.request.get('/api/favorites').set(student.auth)).status).toBe(404);
  expect([404, 405]).toContain((await app.request.post('/api/favorites').set(student.auth).send({ data: {} })).status);
});
