import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;
let admin: TestUser;

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  [owner, admin] = await Promise.all([make.createUser('teacher'), make.createUser('admin')]);
});
afterAll(stopLyceum);

const reviewsOf = (course: TestCourse) => `/api/courses/${course.documentId}/reviews`;

/** The stored figures of every row of the course (each locale, draft and published). */
async function storedRating(course: TestCourse) {
  const rows = await app.strapi.db
    .query('api::course.course')
    .findMany({ where: { documentId: course.documentId }, select: ['ratingAverage', 'ratingCount'] });
  expect(rows.length).toBeGreaterThan(0);
  const figures = new Set(rows.map((row: any) => `${Number(row.ratingAverage)}/${row.ratingCount}`));
  expect(figures.size).toBe(1);
  const [average, count] = [...figures][0].split('/').map(Number);
  return { ratingAverage: average, ratingCount: count };
}

/** What the reviews themselves say, computed here. */
async function actualRating(course: TestCourse) {
  const rows = await app.strapi.db
    .query('api::review.review')
    .findMany({ where: { courseDocumentId: course.documentId }, select: ['rating'] });
  const sum = rows.reduce((total: number, row: any) => total + row.rating, 0);
  return { ratingAverage: rows.length ? Math.round((sum / rows.length) * 100) / 100 : 0, ratingCount: rows.length };
}

async function studentsOf(course: TestCourse, count: number, status: 'active' | 'completed' | 'expired' = 'active') {
  const students = await Promise.all(Array.from({ length: count }, () => make.createUser('student')));
  for (const student of students) await make.enroll(student, course, status);
  return students;
}

describe('posting a review', () => {
  test('an enrolled student reviews once; the course rating follows', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 1 });
    const [student] = await studentsOf(course, 1);
    const response = await app.request
      .post(reviewsOf(course))
      .set(student.auth)
      .send({ rating: 4, body: '  Good course  ' });
    expect(response.status).toBe(201);
    expect(response.body.data).toMatchObject({
      rating: 4,
      body: 'Good course',
      author: { name: `student ${student.username}` },
      isMine: true,
      course: { documentId: course.documentId },
    });
    expect(JSON.stringify(response.body)).not.toContain(student.email);
    expect(await storedRating(course)).toEqual({ ratingAverage: 4, ratingCount: 1 });

    const again = await app.request.post(reviewsOf(course)).set(student.auth).send({ rating: 5, body: 'Once more' });
    expect(again.status).toBe(409);
    expect(again.body.error.details.reason).toBe('already_reviewed');
    expect(await storedRating(course)).toEqual({ ratingAverage: 4, ratingCount: 1 });
  });

  test('students who completed the course or whose access expired may review too', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 1 });
    const [finished] = await studentsOf(course, 1, 'completed');
    const [expired] = await studentsOf(course, 1, 'expired');
    expect(
      (await app.request.post(reviewsOf(course)).set(finished.auth).send({ rating: 5, body: 'Done it' })).status
    ).toBe(201);
    expect(
      (await app.request.post(reviewsOf(course)).set(expired.auth).send({ rating: 2, body: 'Long ago' })).status
    ).toBe(201);
    expect(await storedRating(course)).toEqual({ ratingAverage: 3.5, ratingCount: 2 });
  });

  test('refuses students who are not enrolled, who left, teachers of the course and the public', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 1 });
    const outsider = await make.createUser('student');
    const cancelled = await make.createUser('student');
    await make.enroll(cancelled, course, 'cancelled');
    for (const user of [outsider, cancelled, owner]) {
      const response = await app.request.post(reviewsOf(course)).set(user.auth).send({ rating: 5, body: 'Great' });
      expect([user.username, response.status, response.body.error?.details?.reason]).toEqual([
        user.username,
        403,
        'not_enrolled',
      ]);
    }
    expect((await app.request.post(reviewsOf(course)).send({ rating: 5, body: 'Great' })).status).toBe(401);
    expect(await storedRating(course)).toEqual({ ratingAverage: 0, ratingCount: 0 });
  });

  test('an unknown or unpublished course is 404, a malformed id 400', async () => {
    const draft = await make.createCourse({ teacher: owner, published: false, lessons: 0 });
    const student = await make.createUser('student');
    await make.enroll(student, draft);
    expect((await app.request.post(reviewsOf(draft)).set(student.auth).send({ rating: 5, body: 'x' })).status).toBe(
      404
    );
    expect(
      (await app.request.post('/api/courses/nosuchcourse000/reviews').set(student.auth).send({ rating: 5, body: 'x' }))
        .status
    ).toBe(404);
    expect(
      (await app.request.post('/api/courses/bad%20id/reviews').set(student.auth).send({ rating: 5, body: 'x' })).status
    ).toBe(400);
  });

  test.each([
    [{ rating: 0, body: 'Too low' }, 'rating'],
    [{ rating: 6, body: 'Too high' }, 'rating'],
    [{ rating: 4.5, body: 'Half' }, 'rating'],
    [{ rating: '5', body: 'Text' }, 'rating'],
    [{ body: 'No rating' }, 'rating'],
    [{ rating: 5 }, 'body'],
    [{ rating: 5, body: '   ' }, 'body'],
    [{ rating: 5, body: 'x'.repeat(5001) }, 'body'],
    [{ rating: 5, body: 42 }, 'body'],
    [{ rating: 5, body: 'Fine', author: 1 }, 'author'],
  ])('refuses %j with 400 naming %s, storing nothing', async (body, field) => {
    const course = await make.createCourse({ teacher: owner, lessons: 0 });
    const [student] = await studentsOf(course, 1);
    const response = await app.request.post(reviewsOf(course)).set(student.auth).send(body);
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors.map((error: { path: string[] }) => error.path[0])).toContain(field);
    expect(
      await app.strapi.db.query('api::review.review').count({ where: { courseDocumentId: course.documentId } })
    ).toBe(0);
  });

  test('a body that is not JSON object is 400', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 0 });
    const [student] = await studentsOf(course, 1);
    const response = await app.request
      .post(reviewsOf(course))
      .set(student.auth)
      .set('Content-Type', 'application/json')
      .send('[1,2]');
    expect(response.status).toBe(400);
    const broken = await app.request
      .post(reviewsOf(course))
      .set(student.auth)
      .set('Content-Type', 'application/json')
      .send('{"rating":');
    expect(broken.status).toBe(400);
  });
});

describe('concurrency', () => {
  test('twelve students reviewing at once leave the exact count and average', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 0 });
    const students = await studentsOf(course, 12);
    const ratings = students.map((_, index) => (index % 5) + 1);
    const responses = await Promise.all(
      students.map((student, index) =>
        app.request
          .post(reviewsOf(course))
          .set(student.auth)
          .send({ rating: ratings[index], body: `Review ${index}` })
      )
    );
    expect(responses.map((response) => response.status)).toEqual(students.map(() => 201));
    const expected = {
      ratingAverage: Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 100) / 100,
      ratingCount: 12,
    };
    expect(await storedRating(course)).toEqual(expected);
    expect(await actualRating(course)).toEqual(expected);
  });

  test('one student posting ten times at once gets one review and nine 409s', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 0 });
    const [student] = await studentsOf(course, 1);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        app.request
          .post(reviewsOf(course))
          .set(student.auth)
          .send({ rating: 3, body: `Try ${index}` })
      )
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    expect(
      responses
        .filter((response) => response.status === 409)
        .every((response) => response.body.error.details.reason === 'already_reviewed')
    ).toBe(true);
    expect(responses.filter((response) => response.status === 409)).toHaveLength(9);
    expect(await storedRating(course)).toEqual({ ratingAverage: 3, ratingCount: 1 });
  });

  test('edits, deletions and new reviews at once keep the figures equal to the reviews', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 0 });
    const students = await studentsOf(course, 9);
    const posted: Array<{ documentId: string }> = [];
    for (const student of students.slice(0, 6))
      posted.push(
        (await app.request.post(reviewsOf(course)).set(student.auth).send({ rating: 1, body: 'First' })).body.data
      );
    await Promise.all([
      ...students
        .slice(0, 3)
        .map((student, index) =>
          app.request.put(`/api/reviews/${posted[index].documentId}`).set(student.auth).send({ rating: 5 })
        ),
      ...students
        .slice(3, 6)
        .map((student, index) => app.request.delete(`/api/reviews/${posted[index + 3].documentId}`).set(student.auth)),
      ...students
        .slice(6)
        .map((student) => app.request.post(reviewsOf(course)).set(student.auth).send({ rating: 4, body: 'Late' })),
    ]);
    expect(await actualRating(course)).toEqual({ ratingAverage: 4.5, ratingCount: 6 });
    expect(await storedRating(course)).toEqual({ ratingAverage: 4.5, ratingCount: 6 });
  });
});

describe('editing and deleting', () => {
  let course: TestCourse;
  let author: TestUser;
  let classmate: TestUser;
  let review: { documentId: string };

  beforeAll(async () => {
    course = await make.createCourse({ teacher: owner, lessons: 0 });
    [author, classmate] = await studentsOf(course, 2);
    review = (await app.request.post(reviewsOf(course)).set(author.auth).send({ rating: 2, body: 'Meh' })).body.data;
    await app.request.post(reviewsOf(course)).set(classmate.auth).send({ rating: 4, body: 'Nice' });
  });

  test('the author edits the rating and body; the course rating follows', async () => {
    const response = await app.request
      .put(`/api/reviews/${review.documentId}`)
      .set(author.auth)
      .send({ rating: 5, body: 'Grew on me' });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ documentId: review.documentId, rating: 5, body: 'Grew on me' });
    expect(await storedRating(course)).toEqual({ ratingAverage: 4.5, ratingCount: 2 });
  });

  test('someone else, the course teacher and an admin may not edit it', async () => {
    for (const user of [classmate, owner, admin]) {
      const response = await app.request.put(`/api/reviews/${review.documentId}`).set(user.auth).send({ rating: 1 });
      expect([user.username, response.status, response.body.error?.details?.reason]).toEqual([
        user.username,
        403,
        'not_author',
      ]);
    }
    expect((await app.request.put(`/api/reviews/${review.documentId}`).send({ rating: 1 })).status).toBe(401);
    expect(await storedRating(course)).toEqual({ ratingAverage: 4.5, ratingCount: 2 });
  });

  test('bad edits are 400 and change nothing; an unknown review is 404', async () => {
    for (const body of [{}, { rating: 9 }, { body: '' }, { rating: 3, course: 'x' }]) {
      const response = await app.request.put(`/api/reviews/${review.documentId}`).set(author.auth).send(body);
      expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
      expect(response.body.error.details.errors.length).toBeGreaterThan(0);
    }
    expect((await app.request.put('/api/reviews/nosuchreview00').set(author.auth).send({ rating: 3 })).status).toBe(
      404
    );
    expect(await storedRating(course)).toEqual({ ratingAverage: 4.5, ratingCount: 2 });
  });

  test('another student may not delete it; the author may; an admin may delete anyone', async () => {
    const refused = await app.request.delete(`/api/reviews/${review.documentId}`).set(classmate.auth);
    expect([refused.status, refused.body.error.details.reason]).toEqual([403, 'not_author']);
    expect((await app.request.delete(`/api/reviews/${review.documentId}`).set(owner.auth)).status).toBe(403);

    expect((await app.request.delete(`/api/reviews/${review.documentId}`).set(author.auth)).status).toBe(200);
    expect(await storedRating(course)).toEqual({ ratingAverage: 4, ratingCount: 1 });
    expect((await app.request.delete(`/api/reviews/${review.documentId}`).set(author.auth)).status).toBe(404);

    const list = await app.request.get(reviewsOf(course));
    const remaining = list.body.data[0];
    expect((await app.request.delete(`/api/reviews/${remaining.documentId}`).set(admin.auth)).status).toBe(200);
    expect(await storedRating(course)).toEqual({ ratingAverage: 0, ratingCount: 0 });
  });

  test('after deleting, the author may review again', async () => {
    const response = await app.request
      .post(reviewsOf(course))
      .set(author.auth)
      .send({ rating: 3, body: 'Second look' });
    expect(response.status).toBe(201);
    expect(await storedRating(course)).toEqual({ ratingAverage: 3, ratingCount: 1 });
  });
});

describe('listing reviews', () => {
  let course: TestCourse;
  let students: TestUser[];

  beforeAll(async () => {
    course = await make.createCourse({ teacher: owner, lessons: 0 });
    students = await studentsOf(course, 5);
    for (const [index, student] of students.entries()) {
      await app.request
        .post(reviewsOf(course))
        .set(student.auth)
        .send({ rating: [3, 5, 1, 4, 2][index], body: `Review ${index}` });
    }
  });

  test('is public, newest first, paginated, with the course figures in meta and no emails', async () => {
    const response = await app.request.get(reviewsOf(course)).query({ page: 1, pageSize: 2 });
    expect(response.status).toBe(200);
    expect(response.body.data.map((review: any) => review.body)).toEqual(['Review 4', 'Review 3']);
    expect(response.body.meta).toEqual({
      pagination: { page: 1, pageSize: 2, pageCount: 3, total: 5 },
      ratingAverage: 3,
      ratingCount: 5,
    });
    const page3 = await app.request.get(reviewsOf(course)).query({ page: 3, pageSize: 2 });
    expect(page3.body.data.map((review: any) => review.body)).toEqual(['Review 0']);
    const text = JSON.stringify(response.body) + JSON.stringify(page3.body);
    for (const student of students) expect(text).not.toContain(student.email);
    expect(Object.keys(response.body.data[0].author)).toEqual(['name']);
    expect(response.body.data[0]).not.toHaveProperty('key');
    expect(response.body.data.every((review: any) => review.isMine === false)).toBe(true);
  });

  test("sorts by rating, highest first, and marks the caller's own review", async () => {
    const response = await app.request.get(reviewsOf(course)).query({ sort: 'rating' }).set(students[2].auth);
    expect(response.body.data.map((review: any) => review.rating)).toEqual([5, 4, 3, 2, 1]);
    expect(response.body.data.filter((review: any) => review.isMine).map((review: any) => review.rating)).toEqual([1]);
  });

  test('bad paging or sort is 400; an unknown course 404', async () => {
    for (const query of [{ page: 0 }, { pageSize: 101 }, { page: 'x' }, { sort: 'oldest' }]) {
      const response = await app.request.get(reviewsOf(course)).query(query);
      expect([JSON.stringify(query), response.status]).toEqual([JSON.stringify(query), 400]);
      expect(response.body.error.details.errors).toHaveLength(1);
    }
    expect((await app.request.get('/api/courses/nosuchcourse000/reviews')).status).toBe(404);
  });
});

describe('no way around the rules', () => {
  test('there is no core REST route for reviews', async () => {
    const student = await make.createUser('student');
    for (const [method, path] of [
      ['get', '/api/reviews'],
      ['post', '/api/reviews'],
      ['get', '/api/reviews/abc'],
      ['put', '/api/reviews/abc/x'],
    ] as const) {
      const response = await (app.request as any)
        [method](path)
        .set(student.auth)
        .send({ data: { rating: 5 } });
      // 404 where no route has the path, 405 where only other methods do.
      expect([method, path, [404, 405].includes(response.status)]).toEqual([method, path, true]);
    }
    expect((await app.request.get('/api/reviews')).status).toBe(404);
  });

  test('a teacher cannot set the rating of their course through the course route', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 0 });
    const response = await app.request
      .put(`/api/courses/${course.documentId}`)
      .set(owner.auth)
      .send({ data: { ratingAverage: 5, ratingCount: 100 } });
    expect(response.status).toBe(200);
    expect(await storedRating(course)).toEqual({ ratingAverage: 0, ratingCount: 0 });
    const created = await app.request
      .post('/api/courses')
      .set(owner.auth)
      .send({ data: { title: 'Rated by me', ratingAverage: 5, ratingCount: 9 } });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ ratingAverage: 0, ratingCount: 0 });
  });

  test('reviews stored before they named their course (older databases) are backfilled at start-up and counted', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 0 });
    const [student] = await studentsOf(course, 1);
    await app.strapi.db.query('api::review.review').create({
      data: { key: `${student.id}:${course.documentId}`, rating: 2, body: 'From before', author: student.id },
    });
    expect(await app.strapi.plugin('community').service('reviews').backfillCourseDocumentIds()).toBe(1);
    expect(await storedRating(course)).toEqual({ ratingAverage: 2, ratingCount: 1 });
    expect((await app.request.get(reviewsOf(course))).body.data.map((review: any) => review.body)).toEqual([
      'From before',
    ]);
    expect(await app.strapi.plugin('community').service('reviews').backfillCourseDocumentIds()).toBe(0);
  });
});
