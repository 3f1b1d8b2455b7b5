import fs from 'fs';
import path from 'path';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { PNG } from '../helpers/sample-files';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * GraphQL applies the rules REST applies (CONTRACT.md "Security"): file ownership, users and roles, the
 * catalog's published-only reads, privacy and quiz-answer visibility. The schema walk at the end fails for any
 * Query or Mutation field that no test here or in graphql.test.ts proves a rule for.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
let student: TestUser;
let otherStudent: TestUser;
let admin: TestUser;
let course: TestCourse;

const FILE = 'plugin::upload.file';
const USER = 'plugin::users-permissions.user';
const ANSWER_WORDS = [
  '"correct"',
  'acceptedAnswers',
  'numericAnswer',
  'tolerance',
  'explanation',
  'Because it is right',
  'correctChoices',
];
const PRIVATE_USER_WORDS = ['password', 'resetPasswordToken', 'confirmationToken', 'provider', '$2a$', '$2b$'];

const graphql = (query: string, variables: Record<string, unknown> = {}, user: TestUser | null = null) =>
  app.request
    .post('/graphql')
    .set(user ? user.auth : {})
    .send({ query, variables });
const errorOf = (body: any) => body.errors?.[0];

async function uploadAs(
  user: TestUser,
  name = `notes-${Date.now()}-${Math.random()}.png`
): Promise<{ id: number; name: string; url: string }> {
  const response = await app.request
    .post('/api/upload')
    .set(user.auth)
    .attach('files', PNG, { filename: name, contentType: 'image/png' });
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body[0];
}
const storedFile = (id: number) => app.strapi.db.query(FILE).findOne({ where: { id } });

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  [teacher, student, otherStudent, admin] = await Promise.all([
    make.createUser('teacher'),
    make.createUser('student'),
    make.createUser('student'),
    make.createUser('admin'),
  ]);
  course = await make.createCourse({ teacher, lessons: 2, freePreviewLessons: 1 });
});
afterAll(async () => {
  // Files this run stored under public/uploads.
  const files = await app.strapi.db.query(FILE).findMany({ select: ['url'] });
  for (const file of files) fs.rmSync(path.join(process.cwd(), 'public', file.url), { force: true });
  await stopLyceum();
});

const RENAME = `mutation($id: ID!, $info: FileInfoInput) { updateUploadFile(id: $id, info: $info) { documentId name url } }`;
const DELETE = `mutation($id: ID!) { deleteUploadFile(id: $id) { documentId name url } }`;

describe('uploaded files through GraphQL: only the uploader or an admin changes them', () => {
  test("a student cannot rename, delete or read another's file: FORBIDDEN not_file_owner, file unchanged", async () => {
    const file = await uploadAs(student);
    for (const [query, variables] of [
      [RENAME, { id: file.id, info: { name: 'taken.png' } }],
      [RENAME, { id: file.id, info: {} }],
      [RENAME, { id: file.id }],
      [DELETE, { id: file.id }],
    ] as const) {
      const response = await graphql(query, variables, otherStudent);
      expect(errorOf(response.body).extensions).toMatchObject({
        code: 'FORBIDDEN',
        error: { details: { reason: 'not_file_owner' } },
      });
      // Neither the file's name nor its URL comes back to a stranger.
      expect(JSON.stringify(response.body)).not.toContain(file.url);
      expect(JSON.stringify(response.body)).not.toContain(file.name);
    }
    const stored = await storedFile(file.id);
    expect(stored).toMatchObject({ id: file.id, name: file.name, url: file.url });
    expect(fs.existsSync(path.join(process.cwd(), 'public', file.url))).toBe(true);
  });

  test('a teacher is refused on a student file too; anonymous callers are refused before any lookup', async () => {
    const file = await uploadAs(student);
    const asTeacher = await graphql(DELETE, { id: file.id }, teacher);
    expect(errorOf(asTeacher.body).extensions).toMatchObject({
      code: 'FORBIDDEN',
      error: { details: { reason: 'not_file_owner' } },
    });
    const anonymous = await graphql(RENAME, { id: file.id, info: { name: 'x.png' } });
    expect(errorOf(anonymous.body).extensions.code).toBe('FORBIDDEN');
    expect(JSON.stringify(anonymous.body)).not.toContain(file.url);
    expect(await storedFile(file.id)).toMatchObject({ name: file.name });
  });

  test('the uploader renames and deletes their own file', async () => {
    const file = await uploadAs(student);
    const renamed = await graphql(
      RENAME,
      { id: file.id, info: { name: 'essay.png', alternativeText: 'My essay' } },
      student
    );
    expect(renamed.body.errors).toBeUndefined();
    expect(renamed.body.data.updateUploadFile).toMatchObject({ name: 'essay.png', url: file.url });
    expect(await storedFile(file.id)).toMatchObject({ name: 'essay.png', alternativeText: 'My essay' });

    const deleted = await graphql(DELETE, { id: file.id }, student);
    expect(deleted.body.errors).toBeUndefined();
    expect(deleted.body.data.deleteUploadFile).toMatchObject({ name: 'essay.png' });
    expect(await storedFile(file.id)).toBeNull();
  });

  test("an admin renames and deletes anyone's file", async () => {
    const file = await uploadAs(student);
    const renamed = await graphql(RENAME, { id: file.id, info: { caption: 'Checked' } }, admin);
    expect(renamed.body.errors).toBeUndefined();
    expect(await storedFile(file.id)).toMatchObject({ caption: 'Checked' });
    const deleted = await graphql(DELETE, { id: file.id }, admin);
    expect(deleted.body.errors).toBeUndefined();
    expect(await storedFile(file.id)).toBeNull();
  });

  test('a malformed id is a 400 naming id; an unknown id is not found', async () => {
    for (const id of ['abc', '-1', '0', '1 or 1=1']) {
      const response = await graphql(DELETE, { id }, student);
      expect(errorOf(response.body).extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        error: { details: { errors: [expect.objectContaining({ path: ['id'] })] } },
      });
    }
    const unknown = await graphql(DELETE, { id: '987654321' }, student);
    expect(errorOf(unknown.body).extensions.code).toBe('STRAPI_NOT_FOUND_ERROR');
  });

  test('file records are listed and read by admins only, as on REST', async () => {
    const file = await uploadAs(student);
    for (const user of [null, student, teacher]) {
      for (const query of [
        `{ uploadFiles { name url } }`,
        `{ uploadFiles_connection { nodes { name } } }`,
        `{ uploadFile(documentId: "x") { name } }`,
      ]) {
        const response = await graphql(query, {}, user);
        expect(errorOf(response.body).extensions.code).toBe('FORBIDDEN');
        expect(JSON.stringify(response.body)).not.toContain(file.url);
      }
      expect((await app.request.get('/api/upload/files').set(user ? user.auth : {})).status).toBeGreaterThanOrEqual(
        401
      );
    }
    const listed = await graphql(
      `
        {
          uploadFiles(pagination: { pageSize: 100 }) {
            name
            url
          }
        }
      `,
      {},
      admin
    );
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data.uploadFiles.map((found: { url: string }) => found.url)).toContain(file.url);
  });

  test("a file's related entries cannot be reached from a public cover", async () => {
    const response = await graphql(`
      {
        courses {
          cover {
            related {
              __typename
            }
          }
        }
      }
    `);
    expect(response.status).toBe(400);
    expect(errorOf(response.body).message).toMatch(/Cannot query field "related"/);
  });
});

describe('users and roles through GraphQL, as on REST', () => {
  const CREATE_USER = `mutation($data: UsersPermissionsUserInput!) { createUsersPermissionsUser(data: $data) { data { documentId username email } } }`;
  const UPDATE_USER = `mutation($id: ID!, $data: UsersPermissionsUserInput!) { updateUsersPermissionsUser(id: $id, data: $data) { data { username } } }`;
  const DELETE_USER = `mutation($id: ID!) { deleteUsersPermissionsUser(id: $id) { data { username } } }`;

  test('students and teachers cannot list, create, change or delete users', async () => {
    for (const user of [null, student, teacher]) {
      for (const [query, variables] of [
        [`{ usersPermissionsUsers { username email } }`, {}],
        [`{ usersPermissionsUsers_connection { nodes { email } } }`, {}],
        [`query($id: ID!) { usersPermissionsUser(documentId: $id) { email } }`, { id: otherStudent.documentId }],
        [
          CREATE_USER,
          {
            data: {
              username: `intruder${Date.now()}`,
              email: `intruder${Date.now()}@example.com`,
              password: 'Strong-pass-123',
              role: '3',
            },
          },
        ],
        [UPDATE_USER, { id: String(otherStudent.id), data: { username: 'renamed-by-stranger', blocked: true } }],
        [DELETE_USER, { id: String(otherStudent.id) }],
      ] as const) {
        const response = await graphql(query, variables, user);
        expect(errorOf(response.body).extensions.code).toBe('FORBIDDEN');
        expect(JSON.stringify(response.body)).not.toContain(otherStudent.email);
      }
    }
    const stored = await app.strapi.db.query(USER).findOne({ where: { id: otherStudent.id } });
    expect(stored).toMatchObject({ username: otherStudent.username, blocked: false });
  });

  test('an API admin manages users; role by type name as on REST; no password hash or token comes back', async () => {
    const username = `made${Date.now()}`;
    const created = await graphql(
      CREATE_USER,
      { data: { username, email: `${username}@example.com`, password: 'Strong-pass-123', role: 'teacher' } },
      admin
    );
    expect(created.body.errors).toBeUndefined();
    const stored = await app.strapi.db.query(USER).findOne({ where: { username }, populate: { role: true } });
    expect(stored.role.type).toBe('teacher');
    const weak = await graphql(
      CREATE_USER,
      { data: { username: `${username}x`, email: `${username}x@example.com`, password: 'short', role: 'student' } },
      admin
    );
    expect(errorOf(weak.body).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      error: { details: { errors: [expect.objectContaining({ path: ['password'] })] } },
    });

    const listed = await graphql(
      `{ usersPermissionsUsers(filters: { username: { eq: "${username}" } }) { username email confirmed blocked } }`,
      {},
      admin
    );
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data.usersPermissionsUsers).toEqual([
      expect.objectContaining({ username, email: `${username}@example.com`, blocked: false }),
    ]);
    for (const word of PRIVATE_USER_WORDS) expect(JSON.stringify(listed.body)).not.toContain(word);

    const updated = await graphql(UPDATE_USER, { id: String(stored.id), data: { fullName: 'Made By Admin' } }, admin);
    expect(updated.body.errors).toBeUndefined();
    // As DELETE /users/:id: an erasure, the account kept as "Deleted user", blocked (CONTRACT "Trust and privacy").
    const deleted = await graphql(DELETE_USER, { id: String(stored.id) }, admin);
    expect(deleted.body.errors).toBeUndefined();
    expect(deleted.body.data.deleteUsersPermissionsUser.data.username).toBe(`deleted-user-${stored.id}`);
    expect(await app.strapi.db.query(USER).findOne({ where: { id: stored.id } })).toMatchObject({
      username: `deleted-user-${stored.id}`,
      blocked: true,
    });
  });

  test('roles are neither read nor changed through GraphQL by anyone, as REST refuses them', async () => {
    const before = await app.strapi.db.query('plugin::users-permissions.role').count({});
    for (const user of [null, student, teacher, admin]) {
      const rest = await app.request.get('/api/users-permissions/roles').set(user ? user.auth : {});
      expect(rest.status).toBeGreaterThanOrEqual(401);
      for (const query of [
        `{ usersPermissionsRoles { name type } }`,
        `{ usersPermissionsRoles_connection { nodes { name } } }`,
        `{ usersPermissionsRole(documentId: "x") { name } }`,
        `mutation { createUsersPermissionsRole(data: { name: "Boss", type: "boss" }) { ok } }`,
        `mutation { updateUsersPermissionsRole(id: "1", data: { name: "Boss" }) { ok } }`,
        `mutation { deleteUsersPermissionsRole(id: "3") { ok } }`,
        `{ i18NLocales { code } }`,
        `{ i18NLocales_connection { nodes { code } } }`,
        `{ i18NLocale(documentId: "x") { code } }`,
      ]) {
        const response = await graphql(query, {}, user);
        expect([query, errorOf(response.body)?.extensions.code]).toEqual([query, 'FORBIDDEN']);
      }
    }
    expect(await app.strapi.db.query('plugin::users-permissions.role').count({})).toBe(before);
  });

  test('account mutations are refused: sign-in and password changes go through REST, where the limits run', async () => {
    for (const query of [
      `mutation { login(input: { identifier: "${student.email}", password: "x" }) { jwt } }`,
      `mutation { register(input: { username: "newbie${Date.now()}", email: "newbie${Date.now()}@example.com", password: "Strong-pass-123" }) { jwt } }`,
      `mutation { forgotPassword(email: "${student.email}") { ok } }`,
      `mutation { resetPassword(password: "Strong-pass-123", passwordConfirmation: "Strong-pass-123", code: "x") { jwt } }`,
      `mutation { changePassword(currentPassword: "x", password: "Strong-pass-123", passwordConfirmation: "Strong-pass-123") { jwt } }`,
      `mutation { emailConfirmation(confirmation: "x") { jwt } }`,
    ]) {
      const response = await graphql(query, {}, student);
      expect([query, errorOf(response.body)?.extensions]).toEqual([
        query,
        expect.objectContaining({
          code: 'FORBIDDEN',
          error: expect.objectContaining({ details: { reason: 'use_rest_auth' } }),
        }),
      ]);
    }
  });

  test("me shows the caller's own account and nothing private; anonymous is refused", async () => {
    const mine = await graphql(
      `
        {
          me {
            id
            username
            email
            role {
              type
            }
          }
        }
      `,
      {},
      student
    );
    expect(mine.body.data.me).toMatchObject({
      id: String(student.id),
      email: student.email,
      role: { type: 'student' },
    });
    for (const word of PRIVATE_USER_WORDS) expect(JSON.stringify(mine.body)).not.toContain(word);
    const anonymous = await graphql(`
      {
        me {
          id
        }
      }
    `);
    expect(errorOf(anonymous.body).extensions.code).toBe('FORBIDDEN');
  });
});

describe('privacy and the catalog through GraphQL', () => {
  test('announcement authors and catalog relations never show an email or a password to non-admins', async () => {
    await make.createAnnouncement(course, teacher);
    for (const user of [null, student, teacher]) {
      const response = await graphql(
        `
          {
            announcements {
              title
              author {
                username
                email
              }
              course {
                title
              }
            }
            courses {
              announcements {
                author {
                  email
                }
              }
            }
          }
        `,
        {},
        user
      );
      expect(JSON.stringify(response.body)).not.toContain(teacher.email);
      for (const word of PRIVATE_USER_WORDS) expect(JSON.stringify(response.body)).not.toContain(word);
    }
  });

  test('every catalog query answers with published entries only, whatever status is asked', async () => {
    const draft = await make.createCourse({ teacher, lessons: 1, published: false });
    for (const name of ['courses', 'lessons', 'categories', 'tags', 'articles', 'articleCategories', 'announcements']) {
      for (const query of [
        `{ ${name}(status: DRAFT) { documentId publishedAt } }`,
        `{ ${name}_connection(status: DRAFT) { nodes { documentId publishedAt } } }`,
      ]) {
        const response = await graphql(query);
        expect([query, response.body.errors]).toEqual([query, undefined]);
        const rows = response.body.data[Object.keys(response.body.data)[0]];
        for (const row of Array.isArray(rows) ? rows : rows.nodes)
          expect([query, row.publishedAt]).toEqual([query, expect.any(String)]);
      }
    }
    for (const [query, id] of [
      [`query($id: ID!) { course(documentId: $id, status: DRAFT) { title } }`, draft.documentId],
      [`query($id: ID!) { lesson(documentId: $id, status: DRAFT) { title } }`, draft.lessons[0].documentId],
    ]) {
      const response = await graphql(query, { id }, student);
      expect(Object.values(response.body.data ?? {})[0] ?? null).toBeNull();
    }
    const single = await graphql(
      `
        query ($id: ID!) {
          course(documentId: $id) {
            title
          }
        }
      `,
      { id: course.documentId }
    );
    expect(single.body.data.course).toMatchObject({ title: course.title });
  });
});

describe('drafts stay out of relations and probes', () => {
  test('relations under a root status: DRAFT are the published ones; publicationFilter is ignored as on REST', async () => {
    const owned = await make.createCourse({ teacher, lessons: 1 });
    const draftCourse = await make.createCourse({ teacher, lessons: 1, published: false });
    await app.strapi.documents('api::lesson.lesson').create({
      locale: 'en',
      data: {
        title: 'Unreleased draft lesson',
        position: 9,
        kind: 'text',
        content: 'x',
        course: owned.documentId,
      } as any,
    });

    const courses = await graphql(
      `
        query ($id: ID!) {
          courses(status: DRAFT, filters: { documentId: { eq: $id } }) {
            lessons {
              title
              publishedAt
            }
          }
        }
      `,
      { id: owned.documentId },
      student
    );
    expect(courses.body.errors).toBeUndefined();
    expect(courses.body.data.courses[0].lessons).toEqual([{ title: 'Lesson 1', publishedAt: expect.any(String) }]);
    const lessons = await graphql(
      `
        query ($id: ID!) {
          lessons(status: DRAFT, filters: { documentId: { eq: $id } }) {
            course {
              documentId
            }
          }
        }
      `,
      { id: owned.lessons[0].documentId },
      student
    );
    expect(lessons.body.data.lessons).toEqual([{ course: { documentId: owned.documentId } }]);

    const probe = await graphql(
      `
        query ($ids: [ID]) {
          courses(publicationFilter: NEVER_PUBLISHED_DOCUMENT, filters: { documentId: { in: $ids } }) {
            documentId
          }
        }
      `,
      { ids: [owned.documentId, draftCourse.documentId] }
    );
    expect(probe.body.errors).toBeUndefined();
    expect(probe.body.data.courses).toEqual([{ documentId: owned.documentId }]);
  });
});

describe('learning through GraphQL: the REST rules', () => {
  test('cancelEnrollment cancels only the caller’s own enrollment; anonymous is refused', async () => {
    const learner = await make.createUser('student');
    const anonymous = await graphql(
      `
        mutation ($course: ID!) {
          cancelEnrollment(course: $course)
        }
      `,
      { course: course.documentId }
    );
    expect(errorOf(anonymous.body).extensions.code).toBe('FORBIDDEN');
    const notEnrolled = await graphql(
      `
        mutation ($course: ID!) {
          cancelEnrollment(course: $course)
        }
      `,
      { course: course.documentId },
      learner
    );
    expect(errorOf(notEnrolled.body)).toBeDefined();
    await make.enroll(learner, course);
    const cancelled = await graphql(
      `
        mutation ($course: ID!) {
          cancelEnrollment(course: $course)
        }
      `,
      { course: course.documentId },
      learner
    );
    expect(cancelled.body.errors).toBeUndefined();
    expect(cancelled.body.data.cancelEnrollment).toMatchObject({ status: 'cancelled' });
  });

  test('myCertificates lists the caller’s own certificates; anonymous is refused', async () => {
    const anonymous = await graphql(`
      {
        myCertificates
      }
    `);
    expect(errorOf(anonymous.body).extensions.code).toBe('FORBIDDEN');
    const mine = await graphql(
      `
        {
          myCertificates
        }
      `,
      {},
      otherStudent
    );
    expect(mine.body.errors).toBeUndefined();
    expect(mine.body.data.myCertificates).toEqual([]);
  });
});

describe('quiz answers through GraphQL follow the review policy', () => {
  type Shown = { id: number; type: string; options?: Array<{ id: number; text: string }> };
  const START = `mutation($quiz: ID!) { startQuizAttempt(quiz: $quiz) }`;
  const SUBMIT = `mutation($attempt: ID!, $answers: [QuizAnswerInput!]!) { submitQuizAttempt(attempt: $attempt, answers: $answers) }`;
  const answersFor = (questions: Shown[], right: boolean) =>
    questions.map((question) => {
      if (question.type === 'single')
        return {
          question: question.id,
          choices: [question.options!.find((option) => option.text === (right ? 'Right' : 'Wrong'))!.id],
        };
      if (question.type === 'short_text') return { question: question.id, text: right ? 'hello' : 'bye' };
      return { question: question.id, number: right ? 3.14 : 2 };
    });
  const expectNoAnswers = (body: unknown) => {
    for (const word of ANSWER_WORDS) expect(JSON.stringify(body)).not.toContain(word);
  };

  test('after_pass: a failed attempt shows no answers, a passed one shows them', async () => {
    const learner = await make.createUser('student');
    await make.enroll(learner, course);
    const quiz = await make.createQuiz(course, { data: { reviewPolicy: 'after_pass', passingPercent: 70 } });
    const first = await graphql(START, { quiz: quiz.documentId }, learner);
    expectNoAnswers(first.body);
    const failed = await graphql(
      SUBMIT,
      {
        attempt: first.body.data.startQuizAttempt.id,
        answers: answersFor(first.body.data.startQuizAttempt.questions, false),
      },
      learner
    );
    expect(failed.body.data.submitQuizAttempt).toMatchObject({ passed: false });
    expectNoAnswers(failed.body);
    const attempts = await graphql(
      `
        query ($quiz: ID) {
          myQuizAttempts(quiz: $quiz)
        }
      `,
      { quiz: quiz.documentId },
      learner
    );
    expectNoAnswers(attempts.body);

    const second = await graphql(START, { quiz: quiz.documentId }, learner);
    expectNoAnswers(second.body);
    const passed = await graphql(
      SUBMIT,
      {
        attempt: second.body.data.startQuizAttempt.id,
        answers: answersFor(second.body.data.startQuizAttempt.questions, true),
      },
      learner
    );
    expect(passed.body.data.submitQuizAttempt).toMatchObject({ passed: true });
    expect(passed.body.data.submitQuizAttempt.results).toHaveLength(3);
    expect(JSON.stringify(passed.body)).toContain('Because it is right');
  });

  test('after_submit: the attempt shows no answers until it is submitted', async () => {
    const learner = await make.createUser('student');
    await make.enroll(learner, course);
    const quiz = await make.createQuiz(course, { data: { reviewPolicy: 'after_submit' } });
    const started = await graphql(START, { quiz: quiz.documentId }, learner);
    expectNoAnswers(started.body);
    const again = await graphql(START, { quiz: quiz.documentId }, learner);
    expectNoAnswers(again.body);
    const submitted = await graphql(
      SUBMIT,
      {
        attempt: started.body.data.startQuizAttempt.id,
        answers: answersFor(started.body.data.startQuizAttempt.questions, false),
      },
      learner
    );
    expect(submitted.body.data.submitQuizAttempt.results).toHaveLength(3);
  });
});

/**
 * Each Query and Mutation field, and the test that proves its rule (this file unless named). A field added to
 * the schema without an entry here fails the walk below: write its rule test, or disable the field.
 */
const THIS_FILE = 'graphql-parity.test.ts';
const GRAPHQL_TEST = 'graphql.test.ts';
const SOCIAL_TEST = 'social-feed.test.ts';
const SOCIAL_GRAPHQL = 'GraphQL: posts, comments, likes, follows and the feed under the same rules as REST';
const TASKS_TEST = 'tasks.test.ts';
const TASKS_GRAPHQL = 'GraphQL: tasks, offers, accepts and matches under the same rules as REST';
const catalogReads = (single: string, plural: string) => ({
  [`Query.${single}`]: [THIS_FILE, 'every catalog query answers with published entries only'],
  [`Query.${plural}`]: [THIS_FILE, 'every catalog query answers with published entries only'],
  [`Query.${plural}_connection`]: [THIS_FILE, 'every catalog query answers with published entries only'],
});
const FIELD_RULES: Record<string, [file: string, test: string]> = {
  'Query.uploadFile': [THIS_FILE, 'file records are listed and read by admins only'],
  'Query.uploadFiles': [THIS_FILE, 'file records are listed and read by admins only'],
  'Query.uploadFiles_connection': [THIS_FILE, 'file records are listed and read by admins only'],
  'Query.i18NLocale': [THIS_FILE, 'roles are neither read nor changed through GraphQL by anyone'],
  'Query.i18NLocales': [THIS_FILE, 'roles are neither read nor changed through GraphQL by anyone'],
  'Query.i18NLocales_connection': [THIS_FILE, 'roles are neither read nor changed through GraphQL by anyone'],
  'Query.usersPermissionsRole': [THIS_FILE, 'roles are neither read nor changed through GraphQL by anyone'],
  'Query.usersPermissionsRoles': [THIS_FILE, 'roles are neither read nor changed through GraphQL by anyone'],
  'Query.usersPermissionsRoles_connection': [THIS_FILE, 'roles are neither read nor changed through GraphQL by anyone'],
  'Query.usersPermissionsUser': [THIS_FILE, 'students and teachers cannot list, create, change or delete users'],
  'Query.usersPermissionsUsers': [THIS_FILE, 'an API admin manages users'],
  'Query.usersPermissionsUsers_connection': [
    THIS_FILE,
    'students and teachers cannot list, create, change or delete users',
  ],
  ...catalogReads('announcement', 'announcements'),
  ...catalogReads('article', 'articles'),
  ...catalogReads('articleCategory', 'articleCategories'),
  ...catalogReads('category', 'categories'),
  ...catalogReads('course', 'courses'),
  ...catalogReads('lesson', 'lessons'),
  ...catalogReads('tag', 'tags'),
  'Query.me': [THIS_FILE, "me shows the caller's own account and nothing private"],
  'Query.courseOutline': [
    GRAPHQL_TEST,
    'enrolls, reads a lesson, completes it and sees the enrollment, with the REST rules',
  ],
  'Query.lessonContent': [
    GRAPHQL_TEST,
    'enrolls, reads a lesson, completes it and sees the enrollment, with the REST rules',
  ],
  'Query.myEnrollments': [
    GRAPHQL_TEST,
    'refuses what REST refuses: unpublished courses, anonymous callers, malformed ids',
  ],
  'Query.myCertificates': [THIS_FILE, 'myCertificates lists the caller’s own certificates'],
  'Query.myQuizAttempts': [THIS_FILE, 'after_pass: a failed attempt shows no answers, a passed one shows them'],
  'Mutation.updateUploadFile': [THIS_FILE, "a student cannot rename, delete or read another's file"],
  'Mutation.deleteUploadFile': [THIS_FILE, "a student cannot rename, delete or read another's file"],
  'Mutation.createUsersPermissionsRole': [THIS_FILE, 'roles are neither read nor changed through GraphQL by anyone'],
  'Mutation.updateUsersPermissionsRole': [THIS_FILE, 'roles are neither read nor changed through GraphQL by anyone'],
  'Mutation.deleteUsersPermissionsRole': [THIS_FILE, 'roles are neither read nor changed through GraphQL by anyone'],
  'Mutation.createUsersPermissionsUser': [THIS_FILE, 'an API admin manages users'],
  'Mutation.updateUsersPermissionsUser': [
    THIS_FILE,
    'students and teachers cannot list, create, change or delete users',
  ],
  'Mutation.deleteUsersPermissionsUser': [
    THIS_FILE,
    'students and teachers cannot list, create, change or delete users',
  ],
  'Mutation.login': [THIS_FILE, 'account mutations are refused'],
  'Mutation.register': [THIS_FILE, 'account mutations are refused'],
  'Mutation.forgotPassword': [THIS_FILE, 'account mutations are refused'],
  'Mutation.resetPassword': [THIS_FILE, 'account mutations are refused'],
  'Mutation.changePassword': [THIS_FILE, 'account mutations are refused'],
  'Mutation.emailConfirmation': [THIS_FILE, 'account mutations are refused'],
  'Mutation.enroll': [GRAPHQL_TEST, 'refuses what REST refuses: unpublished courses, anonymous callers, malformed ids'],
  'Mutation.cancelEnrollment': [THIS_FILE, 'cancelEnrollment cancels only the caller’s own enrollment'],
  'Mutation.completeLesson': [
    GRAPHQL_TEST,
    'enrolls, reads a lesson, completes it and sees the enrollment, with the REST rules',
  ],
  'Mutation.startQuizAttempt': [THIS_FILE, 'after_submit: the attempt shows no answers until it is submitted'],
  'Mutation.submitQuizAttempt': [
    GRAPHQL_TEST,
    'takes a quiz: questions without answers, one submit, results as the review policy allows',
  ],
  'Mutation.submitAssignment': [
    GRAPHQL_TEST,
    'a student hands in text and reviews the course; the same refusals as REST',
  ],
  'Mutation.createReview': [GRAPHQL_TEST, 'a student hands in text and reviews the course; the same refusals as REST'],
  'Query.post': [SOCIAL_TEST, SOCIAL_GRAPHQL],
  'Query.userPosts': [SOCIAL_TEST, SOCIAL_GRAPHQL],
  'Query.myPosts': [SOCIAL_TEST, SOCIAL_GRAPHQL],
  'Query.feed': [SOCIAL_TEST, SOCIAL_GRAPHQL],
  'Query.postComments': [SOCIAL_TEST, SOCIAL_GRAPHQL],
  'Mutation.createPost': [SOCIAL_TEST, SOCIAL_GRAPHQL],
  'Mutation.likePost': [SOCIAL_TEST, SOCIAL_GRAPHQL],
  'Mutation.likePostComment': [SOCIAL_TEST, SOCIAL_GRAPHQL],
  'Mutation.createPostComment': [SOCIAL_TEST, SOCIAL_GRAPHQL],
  'Mutation.followUser': [SOCIAL_TEST, SOCIAL_GRAPHQL],
  'Query.task': [TASKS_TEST, TASKS_GRAPHQL],
  'Query.tasks': [TASKS_TEST, TASKS_GRAPHQL],
  'Query.taskMatches': [TASKS_TEST, TASKS_GRAPHQL],
  'Mutation.createTask': [TASKS_TEST, TASKS_GRAPHQL],
  'Mutation.offerOnTask': [TASKS_TEST, TASKS_GRAPHQL],
  'Mutation.acceptOffer': [TASKS_TEST, TASKS_GRAPHQL],
  'Mutation.completeTask': [TASKS_TEST, TASKS_GRAPHQL],
  'Mutation.cancelTask': [TASKS_TEST, TASKS_GRAPHQL],
};

describe('the schema walk', () => {
  test('every Query and Mutation field has a rule test (or is disabled)', async () => {
    const response = await graphql(`
      {
        __schema {
          queryType {
            fields {
              name
            }
          }
          mutationType {
            fields {
              name
            }
          }
          subscriptionType {
            name
          }
        }
      }
    `);
    expect(response.body.errors).toBeUndefined();
    const { queryType, mutationType, subscriptionType } = response.body.data.__schema;
    expect(subscriptionType).toBeNull();
    const fields = [
      ...queryType.fields.map((field: { name: string }) => `Query.${field.name}`),
      ...mutationType.fields.map((field: { name: string }) => `Mutation.${field.name}`),
    ];
    expect(fields.filter((field) => !FIELD_RULES[field])).toEqual([]);
    // A rule for a field that is gone is stale: remove it with the field.
    expect(Object.keys(FIELD_RULES).filter((field) => !fields.includes(field))).toEqual([]);
  });

  test('each rule names a test that exists', () => {
    // The title must open a test(...) call: a mention in this table alone does not count.
    const opensTest = (source: string, name: string) =>
      ["'", '"', '`'].some((quote) => source.includes(`test(${quote}${name}`));
    const missing = Object.entries(FIELD_RULES).filter(
      ([, [file, name]]) => !opensTest(fs.readFileSync(path.join(__dirname, file), 'utf8'), name)
    );
    expect(missing).toEqual([]);
  });
});
