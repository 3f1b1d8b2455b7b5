import { cleanText, type TextProfile } from '../../src/content/rich-text';
import { TEXT_POLICY } from '../../src/content/text-policy';
import { adminSession } from '../helpers/admin-users';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { forbiddenIn, HOSTILE_TEXT, ORDINARY } from '../helpers/hostile-text';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Every user-writable text field, through its own route (REST, and GraphQL where a mutation writes it), gets the
 * one hostile payload set: what is stored and what is served carry no script, handler or javascript: URL, and
 * ordinary text comes back as typed (HTML-escaped in the `html` profile).
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let teacher: TestUser;
let student: TestUser;
let admin: TestUser;
let course: TestCourse;

type Response = { status: number; body: any };

interface FieldCase {
  /** uid and field in the policy table: the test fails if a case names a field the table does not. */
  uid: string;
  field: string;
  max: number;
  write: (text: string) => Promise<Response>;
  /** The stored value(s) after the write, read from the database. */
  stored: (response: Response) => Promise<unknown>;
}

/** The payloads packed between ordinary words into as few values as fit the field's length limit. */
function hostileValues(max: number): string[] {
  const values: string[] = [];
  let current: string[] = [];
  // Numbered, so two values that clean to the same words do not collide on a unique field (tag names).
  const wrap = (parts: string[]) => `Hi ${values.length + 1} ${parts.join(' ')} ok`;
  for (const payload of HOSTILE_TEXT.filter((text) => wrap([text]).length <= max)) {
    if (current.length && wrap([...current, payload]).length > max) {
      values.push(wrap(current));
      current = [];
    }
    current.push(payload);
  }
  if (current.length) values.push(wrap(current));
  return values;
}

function ordinaryValue(max: number): string {
  const parts: string[] = [];
  for (const text of ORDINARY) if ([...parts, text].join(' | ').length <= max) parts.push(text);
  return parts.join(' | ');
}

const decodeHtml = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

const rows = (uid: string, where: Record<string, unknown>, field: string) =>
  app.strapi.db
    .query(uid as any)
    .findMany({ where, select: [field] })
    .then((found: Array<Record<string, unknown>>) => found.map((row) => row[field]));

const created = (response: Response) => {
  if (response.status >= 300)
    throw new Error(`write answered ${response.status}: ${JSON.stringify(response.body).slice(0, 400)}`);
  return response;
};

let reviewDocumentId: string | undefined;
let assignmentDocumentId: string;
let submissionDocumentId: string | undefined;
let registrations = 0;

function cases(): FieldCase[] {
  const dataWrite = (path: string, user: TestUser, data: (text: string) => Record<string, unknown>) => (text: string) =>
    app.request
      .post(path)
      .set(user.auth)
      .send({ data: data(text) });
  const byDocument = (uid: string, field: string) => (response: Response) =>
    rows(uid, { documentId: created(response).body.data.documentId }, field);
  const core = (
    uid: string,
    path: string,
    user: TestUser,
    field: string,
    max: number,
    extra: () => Record<string, unknown> = () => ({})
  ): FieldCase => ({
    uid,
    field,
    max,
    write: dataWrite(path, user, (text) => ({ ...extra(), [field]: text })),
    stored: byDocument(uid, field),
  });
  const courseRef = () => ({ course: course.documentId });
  return [
    {
      uid: 'plugin::users-permissions.user',
      field: 'fullName',
      max: 120,
      write: (text) => {
        registrations += 1;
        const username = `hygiene_${Date.now()}_${registrations}`;
        return app.request
          .post('/api/auth/local/register')
          .send({ username, email: `${username}@example.test`, password: 'Hygiene-pass-9', fullName: text });
      },
      stored: async (response) =>
        rows('plugin::users-permissions.user', { id: created(response).body.user.id }, 'fullName'),
    },
    ...(['fullName', 'bio'] as const).map((field): FieldCase => ({
      uid: 'plugin::users-permissions.user',
      field,
      max: field === 'fullName' ? 120 : 2000,
      write: (text) =>
        app.request
          .put('/api/users/me')
          .set(student.auth)
          .send({ [field]: text }),
      stored: async (response) => (
        created(response),
        rows('plugin::users-permissions.user', { id: student.id }, field)
      ),
    })),
    core('api::course.course', '/api/courses', teacher, 'title', 200),
    core('api::course.course', '/api/courses', teacher, 'summary', 1000, () => ({ title: 'Summary course' })),
    core('api::course.course', '/api/courses', teacher, 'description', 5000, () => ({ title: 'Described course' })),
    core('api::lesson.lesson', '/api/lessons', teacher, 'title', 200, () => ({ position: 9, ...courseRef() })),
    core('api::lesson.lesson', '/api/lessons', teacher, 'content', 5000, () => ({
      title: 'Content lesson',
      position: 9,
      ...courseRef(),
    })),
    core('api::quiz.quiz', '/api/quizzes', teacher, 'title', 200, courseRef),
    core('api::quiz.quiz', '/api/quizzes', teacher, 'description', 5000, () => ({ title: 'Quiz', ...courseRef() })),
    ...(['prompt', 'explanation', 'option'] as const).map((part): FieldCase => ({
      uid: part === 'option' ? 'quiz.option' : 'quiz.question',
      field: part === 'option' ? 'text' : part,
      max: 1000,
      write: dataWrite('/api/quizzes', teacher, (text) => ({
        title: 'Quiz with questions',
        ...courseRef(),
        questions: [
          {
            type: 'single',
            prompt: part === 'prompt' ? text : 'Pick one',
            points: 1,
            explanation: part === 'explanation' ? text : 'Because',
            options: [
              { text: part === 'option' ? text : 'Right', correct: true },
              { text: 'Wrong', correct: false },
            ],
          },
        ],
      })),
      stored: async (response) => {
        const quizzes = await app.strapi.db.query('api::quiz.quiz').findMany({
          where: { documentId: created(response).body.data.documentId },
          populate: { questions: { populate: { options: true } } },
        });
        return quizzes.flatMap((quiz: any) =>
          quiz.questions.map((question: any) => (part === 'option' ? question.options[0].text : question[part]))
        );
      },
    })),
    core('api::assignment.assignment', '/api/assignments', teacher, 'title', 200, () => ({
      maxPoints: 10,
      ...courseRef(),
    })),
    core('api::assignment.assignment', '/api/assignments', teacher, 'instructions', 5000, () => ({
      title: 'Essay',
      maxPoints: 10,
      ...courseRef(),
    })),
    core('api::announcement.announcement', '/api/announcements', teacher, 'title', 200, () => ({
      body: 'News',
      ...courseRef(),
    })),
    core('api::announcement.announcement', '/api/announcements', teacher, 'body', 5000, () => ({
      title: 'News',
      ...courseRef(),
    })),
    ...(['title', 'body'] as const).map((field): FieldCase => ({
      uid: 'api::announcement.announcement',
      field,
      max: 200,
      write: (text) =>
        app.request
          .post(`/api/courses/${course.documentId}/announcements`)
          .set(teacher.auth)
          .send({ title: 'News', body: 'Body', [field]: text }),
      stored: byDocument('api::announcement.announcement', field),
    })),
    {
      uid: 'api::review.review',
      field: 'body',
      max: 5000,
      // The first write creates the one review a student may leave; the others edit it.
      write: async (text) => {
        if (!reviewDocumentId) {
          const response = await app.request
            .post(`/api/courses/${course.documentId}/reviews`)
            .set(student.auth)
            .send({ rating: 4, body: text });
          reviewDocumentId = response.body?.data?.documentId;
          return response;
        }
        return app.request.put(`/api/reviews/${reviewDocumentId}`).set(student.auth).send({ body: text });
      },
      stored: async (response) => (
        created(response),
        rows('api::review.review', { documentId: reviewDocumentId }, 'body')
      ),
    },
    {
      uid: 'api::comment.comment',
      field: 'body',
      max: 5000,
      write: (text) =>
        app.request
          .post(`/api/lessons/${course.lessons[0].documentId}/comments`)
          .set(student.auth)
          .send({ body: text }),
      stored: byDocument('api::comment.comment', 'body'),
    },
    {
      uid: 'api::message.message',
      field: 'body',
      max: 5000,
      write: (text) =>
        app.request.post(`/api/conversations/${teacher.id}/messages`).set(student.auth).send({ body: text }),
      stored: async (response) => rows('api::message.message', { id: created(response).body.data.id }, 'body'),
    },
    ...(['title', 'body'] as const).map((field): FieldCase => ({
      uid: 'api::notification.notification',
      field,
      max: 200,
      write: (text) =>
        app.request
          .post('/api/notifications/broadcast')
          .set(admin.auth)
          .send({ title: 'Notice', body: 'Body', [field]: text, audience: { role: 'teacher' } }),
      stored: async (response) => {
        created(response);
        const [latest] = await app.strapi.db
          .query('api::notification.notification')
          .findMany({ where: { user: { id: teacher.id }, type: 'broadcast' }, orderBy: { id: 'desc' }, limit: 1 });
        return latest?.[field];
      },
    })),
    core('api::category.category', '/api/categories', admin, 'name', 120),
    core('api::category.category', '/api/categories', admin, 'description', 2000, () => ({
      name: 'Described category',
    })),
    core('api::tag.tag', '/api/tags', admin, 'name', 60),
    core('api::article-category.article-category', '/api/article-categories', admin, 'name', 120),
    core('api::article.article', '/api/articles', admin, 'title', 200, () => ({ body: 'Body' })),
    core('api::article.article', '/api/articles', admin, 'excerpt', 1000, () => ({ title: 'Excerpt', body: 'Body' })),
    core('api::article.article', '/api/articles', admin, 'body', 5000, () => ({ title: 'Article' })),
    ...(['name', 'bio'] as const).map((field): FieldCase => ({
      uid: 'blog.author',
      field,
      max: 120,
      write: dataWrite('/api/articles', admin, (text) => ({
        title: 'By an author',
        body: 'Body',
        author: { name: 'Ann', [field]: text },
      })),
      stored: async (response) => {
        const articles = await app.strapi.db
          .query('api::article.article')
          .findMany({ where: { documentId: created(response).body.data.documentId }, populate: { author: true } });
        return articles.map((article: any) => article.author?.[field]);
      },
    })),
    {
      uid: 'api::submission.submission',
      field: 'text',
      max: 5000,
      write: async (text) => {
        const response = await app.request
          .post(`/api/assignments/${assignmentDocumentId}/submissions`)
          .set(student.auth)
          .send({ text });
        submissionDocumentId = response.body?.data?.documentId ?? submissionDocumentId;
        return response;
      },
      stored: async (response) => (
        created(response),
        rows('api::submission.submission', { documentId: submissionDocumentId }, 'text')
      ),
    },
    {
      uid: 'api::submission.submission',
      field: 'feedback',
      max: 5000,
      write: (text) =>
        app.request
          .put(`/api/submissions/${submissionDocumentId}/grade`)
          .set(teacher.auth)
          .send({ grade: 5, feedback: text, status: 'returned' }),
      stored: async (response) => (
        created(response),
        rows('api::submission.submission', { documentId: submissionDocumentId }, 'feedback')
      ),
    },
  ];
}

beforeAll(async () => {
  app = await startLyceum({ RATE_LIMIT_AUTH_PER_IDENTIFIER: '1000', RATE_LIMIT_AUTH_PER_IP: '1000' });
  make = factories(app.strapi);
  [teacher, student, admin] = await Promise.all([
    make.createUser('teacher'),
    make.createUser('student'),
    make.createUser('admin'),
  ]);
  course = await make.createCourse({ teacher, lessons: 1 });
  await make.enroll(student, course);
  assignmentDocumentId = (await make.createAssignment(course)).documentId;
});
afterAll(stopLyceum);

const allCases = () => cases();

test('every case names a field of the policy table', () => {
  for (const { uid, field } of allCases())
    expect([uid, field, TEXT_POLICY[uid]?.[field]]).toEqual([uid, field, expect.any(String)]);
});

describe.each(allCases().map((fieldCase, index) => [`${fieldCase.uid} ${fieldCase.field} #${index}`, index] as const))(
  '%s',
  (_name, index) => {
    const fieldCase = () => cases()[index];
    const profile = (): TextProfile => TEXT_POLICY[fieldCase().uid][fieldCase().field];

    test('hostile markup is neither stored nor served; the words around it are', async () => {
      for (const value of hostileValues(fieldCase().max)) {
        const response = await fieldCase().write(value);
        const stored = await fieldCase().stored(response);
        expect(forbiddenIn(response.body)).toBeNull();
        expect(forbiddenIn(stored)).toBeNull();
        expect([value, JSON.stringify(stored)]).toEqual([value, expect.stringMatching(/Hi .*ok/s)]);
        // Exactly what the profile makes of it: the route applied the field's own policy.
        for (const one of [stored].flat()) expect(one).toBe(cleanText(value, profile()));
      }
    });

    test('ordinary text survives', async () => {
      const value = ordinaryValue(fieldCase().max);
      const stored = [await fieldCase().stored(await fieldCase().write(value))].flat();
      for (const one of stored) expect(profile() === 'html' ? decodeHtml(String(one)) : one).toBe(value);
    });
  }
);

describe('GraphQL', () => {
  const graphql = (user: TestUser, query: string, variables: Record<string, unknown>) =>
    app.request.post('/graphql').set(user.auth).send({ query, variables });

  test('createReview stores a plain-text body', async () => {
    const other = await make.createCourse({ teacher, lessons: 1 });
    await make.enroll(student, other);
    const body = hostileValues(5000)[0];
    const response = await graphql(
      student,
      'mutation($course: ID!, $body: String!) { createReview(course: $course, rating: 5, body: $body) }',
      { course: other.documentId, body }
    );
    expect(response.body.errors).toBeUndefined();
    expect(forbiddenIn(response.body)).toBeNull();
    const stored = await rows('api::review.review', { courseDocumentId: other.documentId }, 'body');
    expect(stored).toEqual([cleanText(body, 'plain')]);
  });

  test('submitAssignment stores Markdown-sanitised text', async () => {
    const assignment = await make.createAssignment(course);
    const text = hostileValues(5000)[0];
    const response = await graphql(
      student,
      'mutation($assignment: ID!, $text: String!) { submitAssignment(assignment: $assignment, text: $text) }',
      { assignment: assignment.documentId, text }
    );
    expect(response.body.errors).toBeUndefined();
    expect(forbiddenIn(response.body)).toBeNull();
    expect(response.body.data.submitAssignment.text).toBe(cleanText(text, 'markdown'));
  });
});

describe('markup-only values', () => {
  test('a review body that was only markup is refused with 400 naming body', async () => {
    const other = await make.createCourse({ teacher, lessons: 1 });
    await make.enroll(student, other);
    const response = await app.request
      .post(`/api/courses/${other.documentId}/reviews`)
      .set(student.auth)
      .send({ rating: 3, body: '<script>alert(1)</script>' });
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors.map((error: { path: string[] }) => error.path)).toEqual([['body']]);
  });

  test('a value that was only markup is refused with 400 naming it, not stored empty', async () => {
    const before = await app.strapi.db.query('api::course.course').count({});
    const response = await app.request
      .post('/api/courses')
      .set(teacher.auth)
      .send({ data: { title: 'Fine', summary: '<img src=x onerror=alert(1)>' } });
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors.map((error: { path: string[] }) => error.path)).toEqual([['summary']]);
    expect(await app.strapi.db.query('api::course.course').count({})).toBe(before);
    const profile = await app.request.put('/api/users/me').set(student.auth).send({ bio: '<script>alert(1)</script>' });
    expect(profile.status).toBe(400);
    expect(profile.body.error.details.errors.map((error: { path: string[] }) => error.path)).toEqual([['bio']]);
    const quiz = await app.request
      .post('/api/quizzes')
      .set(teacher.auth)
      .send({
        data: {
          title: 'Q',
          course: course.documentId,
          questions: [
            { type: 'single', prompt: '<svg onload=alert(1)>', points: 1, options: [{ text: 'A', correct: true }] },
          ],
        },
      });
    expect(quiz.status).toBe(400);
    expect(quiz.body.error.details.errors.map((error: { path: string[] }) => error.path)).toEqual([
      ['questions', '0', 'prompt'],
    ]);
  });

  test('a Markdown lesson keeps its fenced code sample and its formatting', async () => {
    const content =
      '**Bold** and `code`, a < b.\n\n```html\n<div onclick="x()">sample</div>\n```\n\n> quoted <script>alert(1)</script>';
    const response = await app.request
      .post('/api/lessons')
      .set(teacher.auth)
      .send({ data: { title: 'Markdown', position: 3, course: course.documentId, content } });
    expect(response.status).toBe(201);
    const [stored] = await rows('api::lesson.lesson', { documentId: response.body.data.documentId }, 'content');
    expect(stored).toBe('**Bold** and `code`, a < b.\n\n```html\n<div onclick="x()">sample</div>\n```\n\n> quoted');
  });
});

describe('admin panel (content manager)', () => {
  test('a Marketer’s article and a Teacher’s lesson are cleaned by the same policy', async () => {
    const marketer = await adminSession(app, 'Marketer');
    const title = hostileValues(200)[0];
    const body = hostileValues(5000)[0];
    const article = await app.request
      .post('/content-manager/collection-types/api::article.article')
      .query({ locale: 'en' })
      .set(marketer.auth)
      .send({ title, body });
    expect(article.status).toBe(201);
    expect(forbiddenIn(article.body)).toBeNull();
    expect(await rows('api::article.article', { documentId: article.body.data.documentId }, 'title')).toEqual([
      cleanText(title, 'plain'),
    ]);
    expect(await rows('api::article.article', { documentId: article.body.data.documentId }, 'body')).toEqual([
      cleanText(body, 'markdown'),
    ]);

    const panelTeacher = await adminSession(app, 'Teacher', teacher.email);
    const lesson = course.lessons[0].documentId;
    const updated = await app.request
      .put(`/content-manager/collection-types/api::lesson.lesson/${lesson}`)
      .query({ locale: 'en' })
      .set(panelTeacher.auth)
      .send({ title, content: body });
    expect(updated.status).toBe(200);
    expect(forbiddenIn(updated.body)).toBeNull();
    const stored = await app.strapi.db
      .query('api::lesson.lesson')
      .findOne({ where: { documentId: lesson, publishedAt: null }, select: ['title', 'content'] });
    expect(stored).toEqual({ title: cleanText(title, 'plain'), content: cleanText(body, 'markdown') });
  });
});
