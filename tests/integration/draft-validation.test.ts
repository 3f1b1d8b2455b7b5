import { adminSession, expectStatus, type AdminSession } from '../helpers/admin-users';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Contract, "Catalog": field rules hold on drafts as on published entries, and lessons, quizzes and
 * assignments need their course or lesson. Each rule is tried as a draft (?status=draft) and as a published
 * write, through REST, the admin panel's content manager, GraphQL and the document service itself.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
let admin: TestUser;
let course: TestCourse;

const CM = '/content-manager/collection-types';
const STATUSES = ['draft', 'published'] as const;

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  [teacher, admin] = await Promise.all([make.createUser('teacher'), make.createUser('admin')]);
  course = await make.createCourse({ teacher, lessons: 1 });
});
afterAll(stopLyceum);

/** A 400 whose details.errors name the field, and no 500 or stack on the way. */
function expectFieldRefused(response: { status: number; body: any }, field: string) {
  expectStatus(response, 400);
  expect(response.body.error.name).toBe('ValidationError');
  expect(response.body.error.details.errors.map((error: { path: unknown[] }) => error.path.join('.'))).toContain(field);
}

const countOf = (uid: string, where: Record<string, unknown>) => app.strapi.db.query(uid as any).count({ where });

describe('courses', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['a negative price', { price: -1 }, 'price'],
    ['a capacity of 0', { capacity: 0 }, 'capacity'],
    ['a negative capacity', { capacity: -5 }, 'capacity'],
    ['a negative accessDaysAfterCompletion', { accessDaysAfterCompletion: -1 }, 'accessDaysAfterCompletion'],
    ['a two-letter currency', { currency: 'EU' }, 'currency'],
    ['an unknown level', { level: 'expert' }, 'level'],
  ];
  for (const status of STATUSES) {
    test.each(cases)(
      `${status}: a course with %s is 400 naming the field, and nothing is stored`,
      async (label, fields, field) => {
        const title = `Refused ${status} ${label}`;
        const response = await app.request
          .post('/api/courses')
          .query({ status })
          .set(teacher.auth)
          .send({ data: { title, ...fields } });
        expectFieldRefused(response, field);
        expect(await countOf('api::course.course', { title })).toBe(0);
      }
    );
  }

  const badTitles: Array<[string, unknown]> = [
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['whitespace only', '   \t '],
    ['201 characters', 'x'.repeat(201)],
    ['50,000 characters', 'x'.repeat(50_000)],
    ['a number', 12345],
    ['an object', { en: 'Title' }],
    ['a list', ['Title']],
  ];
  for (const status of STATUSES) {
    test.each(badTitles)(
      `${status}: a title that is %s is 400 naming title (never a 500 while the slug is made)`,
      async (_label, title) => {
        const response = await app.request
          .post('/api/courses')
          .query({ status })
          .set(teacher.auth)
          .send({ data: { title, summary: 'No slug for this' } });
        expectFieldRefused(response, 'title');
        expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(js|ts):\d+|SQLITE|LIKE/);
      }
    );
  }

  test('an admin gets the same 400 for a 50,000-character or numeric title', async () => {
    expectFieldRefused(
      await app.request
        .post('/api/courses')
        .set(admin.auth)
        .send({ data: { title: 'y'.repeat(50_000) } }),
      'title'
    );
    expectFieldRefused(
      await app.request
        .post('/api/courses')
        .query({ status: 'draft' })
        .set(admin.auth)
        .send({ data: { title: 7 } }),
      'title'
    );
  });

  test('titles of 1 and 200 characters are taken, as drafts and published', async () => {
    for (const [status, title] of [
      ['draft', 'A'],
      ['published', 'B'.repeat(200)],
    ]) {
      const response = await app.request
        .post('/api/courses')
        .query({ status })
        .set(teacher.auth)
        .send({ data: { title, price: 0, capacity: 1, accessDaysAfterCompletion: 0 } });
      expectStatus(response, 201);
      expect(response.body.data.slug).toBeTruthy();
    }
  });

  test('an update of the draft is held to the same rules, and the stored values stay', async () => {
    const own = await app.request
      .post('/api/courses')
      .query({ status: 'draft' })
      .set(teacher.auth)
      .send({ data: { title: 'Draft to break', price: 10 } });
    expectStatus(own, 201);
    const documentId = own.body.data.documentId;
    for (const [fields, field] of [
      [{ price: -10 }, 'price'],
      [{ capacity: 0 }, 'capacity'],
      [{ title: null }, 'title'],
      [{ title: ' ' }, 'title'],
    ] as Array<[Record<string, unknown>, string]>) {
      for (const status of STATUSES) {
        expectFieldRefused(
          await app.request
            .put(`/api/courses/${documentId}`)
            .query({ status })
            .set(teacher.auth)
            .send({ data: fields }),
          field
        );
      }
    }
    const stored = await app.strapi.documents('api::course.course').findOne({ documentId, status: 'draft' });
    expect(stored).toMatchObject({ title: 'Draft to break', price: 10 });
    expectStatus(
      await app.request
        .put(`/api/courses/${documentId}`)
        .query({ status: 'draft' })
        .set(teacher.auth)
        .send({ data: { price: 0, capacity: 2 } }),
      200
    );
  });
});

describe('quizzes', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['passingPercent -1', { passingPercent: -1 }, 'passingPercent'],
    ['passingPercent 101', { passingPercent: 101 }, 'passingPercent'],
    ['maxAttempts 0', { maxAttempts: 0 }, 'maxAttempts'],
    ['maxAttempts -3', { maxAttempts: -3 }, 'maxAttempts'],
    ['a null title', { title: null }, 'title'],
    [
      'a question worth -1 point',
      { questions: [{ type: 'single', prompt: 'Pick', points: -1, options: [{ text: 'A', correct: true }] }] },
      'questions.0.points',
    ],
  ];
  for (const status of STATUSES) {
    test.each(cases)(`${status}: a quiz with %s is 400 naming the field`, async (_label, fields, field) => {
      const response = await app.request
        .post('/api/quizzes')
        .query({ status })
        .set(teacher.auth)
        .send({ data: { title: 'Checked quiz', lesson: course.lessons[0].documentId, ...fields } });
      expectFieldRefused(response, field);
    });

    test(`${status}: a quiz with neither lesson nor course is 400`, async () => {
      const response = await app.request
        .post('/api/quizzes')
        .query({ status })
        .set(admin.auth)
        .send({ data: { title: 'Orphan quiz', lesson: null, course: null } });
      expectStatus(response, 400);
      const quizzes = await countOf('api::quiz.quiz', { title: 'Orphan quiz' });
      expect(quizzes).toBe(0);
    });
  }

  test('a quiz on a lesson, and a final test on the course, are taken as drafts', async () => {
    const onLesson = await app.request
      .post('/api/quizzes')
      .query({ status: 'draft' })
      .set(teacher.auth)
      .send({
        data: { title: 'Lesson quiz', lesson: course.lessons[0].documentId, passingPercent: 0, maxAttempts: 1 },
      });
    expectStatus(onLesson, 201);
    const final = await app.request
      .post('/api/quizzes')
      .query({ status: 'draft' })
      .set(teacher.auth)
      .send({ data: { title: 'Final', course: course.documentId, isFinal: true, passingPercent: 100 } });
    expectStatus(final, 201);
    // The final test may not lose its course; it may trade it for a lesson.
    expectStatus(
      await app.request
        .put(`/api/quizzes/${final.body.data.documentId}`)
        .query({ status: 'draft' })
        .set(admin.auth)
        .send({ data: { course: null } }),
      400
    );
    expectStatus(
      await app.request
        .put(`/api/quizzes/${onLesson.body.data.documentId}`)
        .query({ status: 'draft' })
        .set(teacher.auth)
        .send({ data: { maxAttempts: 0 } }),
      400
    );
  });
});

describe('lessons', () => {
  for (const status of STATUSES) {
    test(`${status}: a lesson with a null course, or no course, is 400 naming course`, async () => {
      for (const data of [
        { title: 'Orphan', position: 1, course: null },
        { title: 'Orphan', position: 1, course: [] },
      ]) {
        expectFieldRefused(
          await app.request.post('/api/lessons').query({ status }).set(admin.auth).send({ data }),
          'course'
        );
      }
      expect(await countOf('api::lesson.lesson', { title: 'Orphan' })).toBe(0);
    });

    test(`${status}: a lesson with a negative position or a null title is 400`, async () => {
      expectFieldRefused(
        await app.request
          .post('/api/lessons')
          .query({ status })
          .set(teacher.auth)
          .send({ data: { title: 'Lesson', position: -1, course: course.documentId } }),
        'position'
      );
      expectFieldRefused(
        await app.request
          .post('/api/lessons')
          .query({ status })
          .set(teacher.auth)
          .send({ data: { title: null, position: 1, course: course.documentId } }),
        'title'
      );
    });
  }

  test('a lesson cannot lose its course, in any relation shape; its teacher can still delete it', async () => {
    const created = await app.request
      .post('/api/lessons')
      .query({ status: 'draft' })
      .set(teacher.auth)
      .send({ data: { title: 'Keeps its course', position: 4, course: course.documentId } });
    expectStatus(created, 201);
    const documentId = created.body.data.documentId;
    const current = await app.strapi.db
      .query('api::course.course')
      .findOne({ where: { documentId: course.documentId, publishedAt: null, locale: 'en' } });
    for (const value of [
      null,
      [],
      { set: [] },
      { disconnect: [course.documentId] },
      { connect: [], disconnect: [{ id: current.id }] },
    ]) {
      const response = await app.request
        .put(`/api/lessons/${documentId}`)
        .query({ status: 'draft' })
        .set(admin.auth)
        .send({ data: { course: value } });
      expect([JSON.stringify(value), response.status]).toEqual([JSON.stringify(value), 400]);
      expect(response.body.error.details.errors[0].path).toEqual(['course']);
    }
    // A write that does not touch the course keeps it.
    expectStatus(
      await app.request
        .put(`/api/lessons/${documentId}`)
        .query({ status: 'draft' })
        .set(teacher.auth)
        .send({ data: { title: 'Renamed' } }),
      200
    );
    const stored = await app.strapi.db
      .query('api::lesson.lesson')
      .findOne({ where: { documentId, publishedAt: null }, populate: { course: true } });
    expect(stored.course?.documentId).toBe(course.documentId);
    expectStatus(await app.request.delete(`/api/lessons/${documentId}`).set(teacher.auth), 204);
  });
});

describe('assignments and announcements', () => {
  for (const status of STATUSES) {
    test(`${status}: an assignment with negative points, a penalty above 100% or no course is 400`, async () => {
      const write = (data: Record<string, unknown>) =>
        app.request
          .post('/api/assignments')
          .query({ status })
          .set(admin.auth)
          .send({ data: { title: 'Essay', course: course.documentId, ...data } });
      expectFieldRefused(await write({ maxPoints: -1 }), 'maxPoints');
      expectFieldRefused(await write({ latePenaltyPercent: 101 }), 'latePenaltyPercent');
      expectFieldRefused(await write({ maxFileSizeMb: 0 }), 'maxFileSizeMb');
      expectFieldRefused(await write({ course: null }), 'course');
    });
  }

  test('an announcement needs its course and a title', async () => {
    expectFieldRefused(
      await app.request
        .post('/api/announcements')
        .set(admin.auth)
        .send({ data: { title: 'News', body: 'Text', course: null } }),
      'course'
    );
    expectFieldRefused(
      await app.request
        .post('/api/announcements')
        .set(admin.auth)
        .send({ data: { title: '  ', body: 'Text', course: course.documentId } }),
      'title'
    );
  });

  test('an article draft needs its title', async () => {
    expectFieldRefused(
      await app.request
        .post('/api/articles')
        .query({ status: 'draft' })
        .set(admin.auth)
        .send({ data: { title: null, body: 'Text' } }),
      'title'
    );
    expectFieldRefused(
      await app.request
        .post('/api/articles')
        .query({ status: 'draft' })
        .set(admin.auth)
        .send({ data: { title: 'x'.repeat(201) } }),
      'title'
    );
  });
});

describe('the admin panel (content manager)', () => {
  let superAdmin: AdminSession;
  let teacherAdmin: AdminSession;
  beforeAll(async () => {
    superAdmin = await adminSession(app, 'Super Admin');
    teacherAdmin = await adminSession(app, 'Teacher', teacher.email);
  });

  test('a course draft saved with a negative price or capacity 0 is 400 naming the field', async () => {
    const response = await app.request
      .post(`${CM}/api::course.course`)
      .query({ locale: 'en' })
      .set(superAdmin.auth)
      .send({ title: 'Panel course', price: -1, capacity: 0 });
    expectFieldRefused(response, 'price');
    expectFieldRefused(response, 'capacity');
    expect(await countOf('api::course.course', { title: 'Panel course' })).toBe(0);
  });

  test('a quiz draft with passingPercent 150 is 400; one within bounds is saved', async () => {
    const lesson = { connect: [{ documentId: course.lessons[0].documentId, locale: 'en' }] };
    expectFieldRefused(
      await app.request
        .post(`${CM}/api::quiz.quiz`)
        .query({ locale: 'en' })
        .set(teacherAdmin.auth)
        .send({ title: 'Panel quiz', lesson, passingPercent: 150 }),
      'passingPercent'
    );
    expectStatus(
      await app.request
        .post(`${CM}/api::quiz.quiz`)
        .query({ locale: 'en' })
        .set(teacherAdmin.auth)
        .send({ title: 'Panel quiz', lesson, passingPercent: 50 }),
      201
    );
  });

  test('a lesson made in the panel with its course is saved; without one, or losing it, is 400', async () => {
    const untouched = { connect: [], disconnect: [] };
    expectFieldRefused(
      await app.request
        .post(`${CM}/api::lesson.lesson`)
        .query({ locale: 'en' })
        .set(superAdmin.auth)
        .send({ title: 'No course', position: 1, course: untouched }),
      'course'
    );

    const row = await app.strapi.db
      .query('api::course.course')
      .findOne({ where: { documentId: course.documentId, publishedAt: null, locale: 'en' } });
    const created = await app.request
      .post(`${CM}/api::lesson.lesson`)
      .query({ locale: 'en' })
      .set(teacherAdmin.auth)
      .send({
        title: 'Panel lesson',
        position: 5,
        course: {
          connect: [{ id: row.id, documentId: course.documentId, locale: 'en', position: { end: true } }],
          disconnect: [],
        },
      });
    expectStatus(created, 201);
    const documentId = created.body.data.documentId;
    // The panel sends every relation on save; an untouched one keeps its value.
    expectStatus(
      await app.request
        .put(`${CM}/api::lesson.lesson/${documentId}`)
        .query({ locale: 'en' })
        .set(teacherAdmin.auth)
        .send({ title: 'Panel lesson, edited', position: 5, course: untouched }),
      200
    );
    expectFieldRefused(
      await app.request
        .put(`${CM}/api::lesson.lesson/${documentId}`)
        .query({ locale: 'en' })
        .set(superAdmin.auth)
        .send({ title: 'Panel lesson', course: { connect: [], disconnect: [{ id: row.id }] } }),
      'course'
    );
    expectStatus(
      await app.request
        .post(`${CM}/api::lesson.lesson/${documentId}/actions/publish`)
        .query({ locale: 'en' })
        .set(teacherAdmin.auth)
        .send({}),
      200
    );
  });
});

describe('GraphQL and the document service', () => {
  test('GraphQL has no content write to go around the rules; its review mutation checks the rating', async () => {
    const student = await make.createUser('student');
    await make.enroll(student, course);
    const graphql = (query: string) => app.request.post('/graphql').set(student.auth).send({ query });
    const mutation = await graphql(`
      mutation {
        createLesson(data: { title: null }) {
          documentId
        }
      }
    `);
    expect(mutation.status).toBe(400);
    expect(mutation.body.errors[0].message).toMatch(/Cannot query field "createLesson"/);
    for (const rating of [0, 6]) {
      const review = await graphql(
        `mutation { createReview(course: "${course.documentId}", rating: ${rating}, body: "Fine") }`
      );
      expect(review.body.data).toBeNull();
      expect(review.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  test('a plugin or script writing a draft through the document service gets the same ValidationError', async () => {
    const documents = app.strapi.documents;
    await expect(
      documents('api::course.course').create({
        locale: 'en',
        status: 'draft',
        data: { title: 'Script', capacity: -1 } as any,
      })
    ).rejects.toMatchObject({
      name: 'ValidationError',
      details: { errors: [expect.objectContaining({ path: ['capacity'] })] },
    });
    await expect(
      documents('api::lesson.lesson').create({ locale: 'en', data: { title: 'Script lesson', position: 1 } as any })
    ).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(
      documents('api::quiz.quiz').update({ documentId: 'nosuchquiz000', locale: 'en', data: { maxAttempts: 0 } as any })
    ).rejects.toMatchObject({ name: 'ValidationError' });
    // A new locale is a new row: a course's needs its title. A lesson's keeps the course its document has
    // (ownership reads every locale), but may not be given none.
    await expect(
      documents('api::course.course').update({
        documentId: course.documentId,
        locale: 'ru',
        data: { summary: 'Без названия' } as any,
      })
    ).rejects.toMatchObject({
      details: { errors: [expect.objectContaining({ path: ['title'] })] },
    });
    await expect(
      documents('api::lesson.lesson').update({
        documentId: course.lessons[0].documentId,
        locale: 'ru',
        data: { title: 'Урок', course: null } as any,
      })
    ).rejects.toMatchObject({
      details: { errors: [expect.objectContaining({ path: ['course'] })] },
    });
    await expect(
      documents('api::lesson.lesson').update({
        documentId: course.lessons[0].documentId,
        locale: 'ru',
        data: { title: null } as any,
      })
    ).rejects.toMatchObject({
      details: { errors: [expect.objectContaining({ path: ['title'] })] },
    });
    const ru = await documents('api::lesson.lesson').update({
      documentId: course.lessons[0].documentId,
      locale: 'ru',
      data: { title: 'Урок' } as any,
    });
    expect(ru?.title).toBe('Урок');
  });
});
