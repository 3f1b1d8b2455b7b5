import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let curie: TestUser;
let newcomer: TestUser;
let student: TestUser;
let admin: TestUser;
let published: { documentId: string; title: string };
let second: { documentId: string; title: string };
let draft: { documentId: string; title: string };

async function review(course: { documentId: string }, rating: number) {
  const reviewer = await make.createUser('student');
  await make.enroll(reviewer, course as any);
  const response = await app.request
    .post(`/api/courses/${course.documentId}/reviews`)
    .set(reviewer.auth)
    .send({ rating, body: `Rated ${rating}` });
  expect(response.status).toBe(201);
}

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  [curie, newcomer, student, admin] = await Promise.all([
    make.createUser('teacher', { fullName: 'Мария Кюри', bio: 'Physics and chemistry' }),
    make.createUser('teacher', { fullName: null }),
    make.createUser('student'),
    make.createUser('admin'),
  ]);
  published = await make.createCourse({ teacher: curie, lessons: 0 });
  second = await make.createCourse({ teacher: curie, lessons: 0 });
  draft = await make.createCourse({ teacher: curie, lessons: 0, published: false });
  await review(published, 5);
  await review(published, 4);
  await review(second, 2);
});
afterAll(stopLyceum);

describe('GET /teachers/:id', () => {
  test('is public: name, bio, published courses and a rating over all their reviews, no email', async () => {
    const response = await app.request.get(`/api/teachers/${curie.id}`);
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      id: curie.id,
      documentId: curie.documentId,
      username: curie.username,
      fullName: 'Мария Кюри',
      bio: 'Physics and chemistry',
      avatar: null,
      ratingAverage: 3.67,
      ratingCount: 3,
    });
    const courses = response.body.data.courses;
    expect(courses.map((course: any) => course.documentId).sort()).toEqual(
      [published.documentId, second.documentId].sort()
    );
    expect(courses.find((course: any) => course.documentId === published.documentId)).toMatchObject({
      title: published.title,
      ratingAverage: 4.5,
      ratingCount: 2,
    });
    expect(courses.map((course: any) => course.documentId)).not.toContain(draft.documentId);
    const text = JSON.stringify(response.body);
    expect(text).not.toContain(curie.email);
    for (const secret of [
      'email',
      'password',
      'provider',
      'resetPasswordToken',
      'confirmationToken',
      'blocked',
      'role',
    ])
      expect(response.body.data).not.toHaveProperty(secret);
  });

  test('follows reviews as they change', async () => {
    await review(second, 5);
    const response = await app.request.get(`/api/teachers/${curie.id}`);
    expect(response.body.data).toMatchObject({ ratingAverage: 4, ratingCount: 4 });
  });

  test('a teacher with no course has an empty list and no rating', async () => {
    const response = await app.request.get(`/api/teachers/${newcomer.id}`).set(student.auth);
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      username: newcomer.username,
      fullName: null,
      courses: [],
      ratingAverage: 0,
      ratingCount: 0,
    });
  });

  test('a student, an admin or an unknown id is 404; a malformed id is 400', async () => {
    for (const id of [student.id, admin.id, 999999]) {
      const response = await app.request.get(`/api/teachers/${id}`);
      expect([id, response.status]).toEqual([id, 404]);
    }
    const malformed = await app.request.get('/api/teachers/abc');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.errors[0].path).toEqual(['id']);
  });
});

describe('GET /teachers', () => {
  test('lists teachers only, paginated, without emails', async () => {
    const response = await app.request.get('/api/teachers').query({ pageSize: 100 });
    expect(response.status).toBe(200);
    const ids = response.body.data.map((teacher: any) => teacher.id);
    expect(ids).toEqual(expect.arrayContaining([curie.id, newcomer.id]));
    expect(ids).not.toContain(student.id);
    expect(ids).not.toContain(admin.id);
    expect(response.body.meta.pagination).toMatchObject({ page: 1, pageSize: 100, total: ids.length });
    expect(JSON.stringify(response.body)).not.toMatch(/@example\.test/);
    expect(response.body.data.find((teacher: any) => teacher.id === curie.id)).toMatchObject({
      ratingCount: 4,
      courses: expect.any(Array),
    });

    const firstPage = await app.request.get('/api/teachers').query({ page: 1, pageSize: 1 });
    expect(firstPage.body.data).toHaveLength(1);
    expect(firstPage.body.meta.pagination).toMatchObject({
      page: 1,
      pageSize: 1,
      pageCount: ids.length,
      total: ids.length,
    });
  });

  test('a blocked teacher is not shown', async () => {
    const blocked = await make.createUser('teacher', { blocked: true });
    const list = await app.request.get('/api/teachers').query({ pageSize: 100 });
    expect(list.body.data.map((teacher: any) => teacher.id)).not.toContain(blocked.id);
    expect((await app.request.get(`/api/teachers/${blocked.id}`)).status).toBe(404);
  });

  test('bad paging is 400', async () => {
    for (const query of [{ page: -1 }, { pageSize: 0 }, { pageSize: 1000 }, { locale: 'not a locale' }]) {
      const response = await app.request.get('/api/teachers').query(query);
      expect([JSON.stringify(query), response.status]).toEqual([JSON.stringify(query), 400]);
    }
  });
});
