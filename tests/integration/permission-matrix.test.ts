import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Every cell of the contract's permission matrix, through HTTP: each role × each content type × read and
 * write. "owner" is a teacher listed in the course; "teacher" is another teacher; "student" is enrolled in
 * the course, "outsider" is a student who is not.
 */
type Actor = 'public' | 'student' | 'outsider' | 'owner' | 'teacher' | 'admin';
const ACTORS: Actor[] = ['public', 'student', 'outsider', 'owner', 'teacher', 'admin'];

let app: TestApp;
let users: Record<Exclude<Actor, 'public'>, TestUser>;
let course: TestCourse;
let make: ReturnType<typeof factories>;
let quiz: { documentId: string };
let assignment: { documentId: string };
let announcement: { documentId: string };

const headersOf = (actor: Actor) => (actor === 'public' ? {} : users[actor].auth);

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  const [student, outsider, owner, teacher, admin] = await Promise.all([
    make.createUser('student'),
    make.createUser('student'),
    make.createUser('teacher'),
    make.createUser('teacher'),
    make.createUser('admin'),
  ]);
  users = { student, outsider, owner, teacher, admin };
  course = await make.createCourse({ teacher: owner, lessons: 2, freePreviewLessons: 1 });
  await make.enroll(student, course);
  quiz = await make.createQuiz(course);
  assignment = await make.createAssignment(course);
  announcement = await make.createAnnouncement(course, owner);
});
afterAll(stopLyceum);

const expectStatus = (response: { status: number; body: any }, expected: number) => {
  if (response.status !== expected)
    throw new Error(`expected ${expected}, got ${response.status}: ${JSON.stringify(response.body)}`);
  if (expected === 401 || expected === 403)
    expect(response.body).toMatchObject({ data: null, error: { status: expected } });
};

type Cells = Record<Actor, number>;
const everyone = (status: number): Cells => ({
  public: status,
  student: status,
  outsider: status,
  owner: status,
  teacher: status,
  admin: status,
});
const SIGNED_IN_READ: Cells = { public: 401, student: 200, outsider: 200, owner: 200, teacher: 200, admin: 200 };
const COURSE_MEMBER_READ: Cells = { public: 401, student: 200, outsider: 403, owner: 200, teacher: 403, admin: 200 };
const COURSE_AUTHOR_WRITE = (success: number): Cells => ({
  public: 401,
  student: 403,
  outsider: 403,
  owner: success,
  teacher: 403,
  admin: success,
});
const ADMIN_WRITE = (success: number): Cells => ({
  public: 401,
  student: 403,
  outsider: 403,
  owner: 403,
  teacher: 403,
  admin: success,
});

describe('catalog reads are public', () => {
  const paths = () => [
    '/api/courses',
    `/api/courses/${course.documentId}`,
    '/api/lessons',
    `/api/lessons/${course.lessons[0].documentId}`,
    '/api/categories',
    '/api/tags',
    '/api/articles',
    '/api/article-categories',
    '/api/announcements',
    `/api/announcements/${announcement.documentId}`,
  ];
  test.each(ACTORS)('%s reads every catalog list and published entry', async (actor) => {
    for (const path of paths()) {
      const response = await app.request.get(path).set(headersOf(actor));
      expect([path, response.status]).toEqual([path, 200]);
    }
  });
});

describe('lesson content: free preview to all, the rest to members and owners', () => {
  const cells: Cells = { public: 403, student: 200, outsider: 403, owner: 200, teacher: 403, admin: 200 };
  test.each(ACTORS)('%s reading a paid lesson', async (actor) => {
    const response = await app.request.get(`/api/lessons/${course.lessons[1].documentId}`).set(headersOf(actor));
    expectStatus(response, cells[actor]);
    if (cells[actor] === 200) expect(response.body.data.content).toBe('Secret content 2');
    else expect(response.body.error.details.reason).toBe('not_enrolled');
  });
});

describe.each([
  ['quizzes', () => quiz.documentId],
  ['assignments', () => assignment.documentId],
])('%s are for course members', (collection, documentId) => {
  test.each(ACTORS)(`%s lists ${collection}`, async (actor) => {
    const response = await app.request.get(`/api/${collection}`).set(headersOf(actor));
    expectStatus(response, SIGNED_IN_READ[actor]);
    if (response.status === 200) {
      const visible = response.body.data.map((entry: { documentId: string }) => entry.documentId);
      expect(visible.includes(documentId())).toBe(COURSE_MEMBER_READ[actor] === 200);
    }
  });
  test.each(ACTORS)(`%s reads one of the ${collection}`, async (actor) => {
    const response = await app.request.get(`/api/${collection}/${documentId()}`).set(headersOf(actor));
    expectStatus(response, COURSE_MEMBER_READ[actor]);
    if (response.status === 403) expect(response.body.error.details.reason).toBe('not_enrolled');
  });
});

describe('course writes: teachers create, owners and admins change', () => {
  test.each(ACTORS)('%s creates a course', async (actor) => {
    const response = await app.request
      .post('/api/courses')
      .set(headersOf(actor))
      .send({ data: { title: `By ${actor}` } });
    expectStatus(response, COURSE_AUTHOR_WRITE(201)[actor === 'teacher' ? 'owner' : actor]);
  });
  test.each(ACTORS)('%s updates the course', async (actor) => {
    const response = await app.request
      .put(`/api/courses/${course.documentId}`)
      .set(headersOf(actor))
      .send({ data: { summary: `Edited by ${actor}` } });
    expectStatus(response, COURSE_AUTHOR_WRITE(200)[actor]);
    if (actor === 'teacher') expect(response.body.error.details.reason).toBe('not_course_owner');
  });
  test.each(ACTORS)('%s deletes a course', async (actor) => {
    const doomed = await make.createCourse({ teacher: users.owner, lessons: 0 });
    const response = await app.request.delete(`/api/courses/${doomed.documentId}`).set(headersOf(actor));
    expectStatus(response, COURSE_AUTHOR_WRITE(204)[actor]);
    const stillThere = await app.strapi.db
      .query('api::course.course')
      .count({ where: { documentId: doomed.documentId } });
    expect(stillThere > 0).toBe(COURSE_AUTHOR_WRITE(204)[actor] !== 204);
  });
});

describe.each([
  [
    'lessons',
    'api::lesson.lesson',
    () => ({ title: 'New lesson', position: 9, course: course.documentId }),
    () => course.lessons[0].documentId,
  ],
  [
    'quizzes',
    'api::quiz.quiz',
    () => ({ title: 'New quiz', lesson: course.lessons[0].documentId }),
    () => quiz.documentId,
  ],
  [
    'assignments',
    'api::assignment.assignment',
    () => ({ title: 'New assignment', maxPoints: 5, course: course.documentId }),
    () => assignment.documentId,
  ],
  [
    'announcements',
    'api::announcement.announcement',
    () => ({ title: 'News', body: 'Hello', course: course.documentId }),
    () => announcement.documentId,
  ],
] as const)('%s are written by the course owner and admins', (collection, uid, body, existing) => {
  test.each(ACTORS)(`%s creates one of the ${collection}`, async (actor) => {
    const response = await app.request.post(`/api/${collection}`).set(headersOf(actor)).send({ data: body() });
    expectStatus(response, COURSE_AUTHOR_WRITE(201)[actor]);
  });
  test.each(ACTORS)(`%s updates one of the ${collection}`, async (actor) => {
    const response = await app.request
      .put(`/api/${collection}/${existing()}`)
      .set(headersOf(actor))
      .send({ data: { title: `Edited by ${actor}` } });
    expectStatus(response, COURSE_AUTHOR_WRITE(200)[actor]);
  });
  test.each(ACTORS)(`%s deletes one of the ${collection}`, async (actor) => {
    const created = (await app.strapi.documents(uid).create({ locale: 'en', data: body() as any })) as {
      documentId: string;
    };
    const response = await app.request.delete(`/api/${collection}/${created.documentId}`).set(headersOf(actor));
    expectStatus(response, COURSE_AUTHOR_WRITE(204)[actor]);
  });
});

describe.each([
  ['categories', 'api::category.category', { name: 'Science' }],
  ['tags', 'api::tag.tag', { name: 'science' }],
  ['articles', 'api::article.article', { title: 'News from us' }],
  ['article-categories', 'api::article-category.article-category', { name: 'Updates' }],
] as const)('%s are written by admins only', (collection, uid, body) => {
  test.each(ACTORS)(`%s creates one of the ${collection}`, async (actor) => {
    const response = await app.request
      .post(`/api/${collection}`)
      .set(headersOf(actor))
      .send({ data: { ...body, ...('name' in body ? { name: `${body.name} ${actor}` } : {}) } });
    expectStatus(response, ADMIN_WRITE(201)[actor]);
  });
  test.each(ACTORS)(`%s updates and deletes one of the ${collection}`, async (actor) => {
    const created = (await app.strapi
      .documents(uid)
      .create({ data: { ...body, ...('name' in body ? { name: `${body.name} x ${actor}` } : {}) } as any })) as {
      documentId: string;
    };
    const update = await app.request
      .put(`/api/${collection}/${created.documentId}`)
      .set(headersOf(actor))
      .send({ data: body });
    expectStatus(update, ADMIN_WRITE(200)[actor]);
    const removal = await app.request.delete(`/api/${collection}/${created.documentId}`).set(headersOf(actor));
    expectStatus(removal, ADMIN_WRITE(204)[actor]);
  });
});

describe('users are managed by admins only', () => {
  test.each(ACTORS)('%s lists and reads users', async (actor) => {
    expectStatus(await app.request.get('/api/users').set(headersOf(actor)), ADMIN_WRITE(200)[actor]);
    expectStatus(
      await app.request.get(`/api/users/${users.student.id}`).set(headersOf(actor)),
      ADMIN_WRITE(200)[actor]
    );
  });
  test.each(ACTORS)('%s creates, updates and deletes a user', async (actor) => {
    const name = `made_by_${actor}_${Date.now()}`;
    const creation = await app.request
      .post('/api/users')
      .set(headersOf(actor))
      .send({ username: name, email: `${name}@example.test`, password: 'Secret-pass-1', role: 'teacher' });
    expectStatus(creation, ADMIN_WRITE(201)[actor]);
    const victim = await make.createUser('student');
    expectStatus(
      await app.request.put(`/api/users/${victim.id}`).set(headersOf(actor)).send({ fullName: 'Changed' }),
      ADMIN_WRITE(200)[actor]
    );
    expectStatus(await app.request.delete(`/api/users/${victim.id}`).set(headersOf(actor)), ADMIN_WRITE(200)[actor]);
  });
});

describe('private records have no public routes', () => {
  const closed = [
    'enrollments',
    'lesson-progresses',
    'quiz-attempts',
    'certificates',
    'submissions',
    'reviews',
    'comments',
    'favorites',
    'notifications',
    'messages',
    'feedbacks',
  ];
  test.each(ACTORS)('%s finds no core route for private records', async (actor) => {
    for (const collection of closed) {
      const response = await app.request.get(`/api/${collection}`).set(headersOf(actor));
      expect([collection, response.status]).toEqual([collection, 404]);
    }
  });
});

test('the stored matrix equals the contract, role by role', async () => {
  const { PERMISSION_MATRIX } = await import('../../src/access/permission-matrix');
  for (const [type, actions] of Object.entries(PERMISSION_MATRIX)) {
    const rows = await app.strapi.db
      .query('plugin::users-permissions.permission')
      .findMany({ where: { role: { type } }, select: ['action'] });
    expect(rows.map((row: { action: string }) => row.action).sort()).toEqual([...actions].sort());
  }
  expect(everyone(200)).toBeDefined();
});
