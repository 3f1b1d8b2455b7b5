import fs from 'fs';
import path from 'path';
import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Requests the fuzz suite (tests/fuzz) found answered with 500: a multipart body the parser cannot read, routes
 * posted with no body at all, a NUL byte in the path or query (PostgreSQL). Contract, "Bad input": 400, never 500.
 */
let app: TestApp;
let student: TestUser;
let course: { documentId: string };

beforeAll(async () => {
  app = await startLyceum();
  const make = factories(app.strapi);
  student = await make.createUser('student');
  course = await make.createCourse({ lessons: 1 });
});
afterAll(async () => {
  const files: Array<{ url: string }> = await app.strapi.db.query('plugin::upload.file').findMany({});
  for (const file of files) fs.rmSync(path.join(process.cwd(), 'public', file.url), { force: true });
  await stopLyceum();
});

const expectMalformedBody = (response: { status: number; body: any }) => {
  expect(response.status).toBe(400);
  expect(response.body.error).toMatchObject({ name: 'ValidationError', message: 'Malformed multipart body' });
  expect(response.body.error.details.errors).toEqual([
    expect.objectContaining({ path: ['body'], name: 'ValidationError' }),
  ]);
};

describe('a multipart body the parser cannot read', () => {
  test.each([
    ['/api/feedback', null],
    ['/api/auth/local/register', null],
    ['/api/upload', 'student'],
    ['/api/courses/:course/reviews', 'student'],
  ])('without a boundary, POST %s answers 400 naming the body', async (url, who) => {
    const request = app.request
      .post(url.replace(':course', course.documentId))
      .set('Content-Type', 'multipart/form-data');
    if (who) request.set(student.auth);
    expectMalformedBody(await request.send('{"a":1}'));
  });

  test('cut short in the middle of a part, it answers 400 naming the body', async () => {
    const response = await app.request
      .post('/api/upload')
      .set(student.auth)
      .set('Content-Type', 'multipart/form-data; boundary=fuzz')
      .send(
        '--fuzz\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhalf a file'
      );
    expectMalformedBody(response);
  });

  test('a well-formed multipart body still reaches the route', async () => {
    const response = await app.request
      .post('/api/upload')
      .set(student.auth)
      .attach('files', Buffer.from('Reading list\n'), { filename: 'list.txt', contentType: 'text/plain' });
    expect(response.status).toBe(201);
  });
});

describe('routes posted with no body at all (no Content-Type)', () => {
  test('change-password answers 400 naming the required fields', async () => {
    const response = await app.request.post('/api/auth/change-password').set(student.auth);
    expect(response.status).toBe(400);
    const paths = response.body.error.details.errors.map((error: { path: string[] }) => error.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['currentPassword', 'password', 'passwordConfirmation']));
  });

  test.each([
    '/api/auth/local',
    '/api/auth/local/register',
    '/api/auth/reset-password',
    '/api/auth/forgot-password',
    '/api/auth/send-email-confirmation',
  ])('%s answers 400', async (url) => {
    const response = await app.request.post(url);
    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('ValidationError');
  });

  test('an admin creating a user with no body gets 400', async () => {
    const admin = await factories(app.strapi).createUser('admin');
    const response = await app.request.post('/api/users').set(admin.auth);
    expect(response.status).toBe(400);
  });
});

describe('a NUL byte in the path or the query string', () => {
  test.each(['/api/articles/%00', '/api/courses/%00/outline', '/api/lessons/a%00b'])(
    'GET %s answers 400 naming the path',
    async (url) => {
      const response = await app.request.get(url).set(student.auth);
      expect(response.status).toBe(400);
      expect(response.body.error.details.errors).toEqual([
        expect.objectContaining({ path: ['path'], name: 'ValidationError' }),
      ]);
    }
  );

  test('PUT on a core entry with a NUL id answers 400, not a database error', async () => {
    const response = await app.request
      .put('/api/lessons/%00')
      .set(student.auth)
      .send({ data: { title: 'x' } });
    expect(response.status).toBe(400);
  });

  test('a filter value with a NUL byte answers 400 naming the query', async () => {
    const response = await app.request.get('/api/courses?filters[title][$eq]=a%00');
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors).toEqual([expect.objectContaining({ path: ['query'] })]);
  });

  test('an escaped percent sign followed by 00 is not a NUL byte', async () => {
    const response = await app.request.get('/api/courses?filters[title][$eq]=100%2500');
    expect(response.status).toBe(200);
  });
});

describe('a malformed numeric id on the stock users and upload routes (PostgreSQL answered 500)', () => {
  let admin: TestUser;
  beforeAll(async () => {
    admin = await factories(app.strapi).createUser('admin');
  });

  test.each([
    ['get', '/api/users/abc'],
    ['put', '/api/users/%E0%A8%87'],
    ['delete', '/api/users/p7rxndqqwlveo16gsz9lbqv0'],
    ['delete', '/api/users/99999999999'],
    ['get', '/api/upload/files/9%5De'],
    ['delete', '/api/upload/files/1.5'],
  ])('as an admin, %s %s answers 400 naming the id', async (method, url) => {
    const response = await (app.request as any)[method](url).set(admin.auth).send({});
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors).toEqual([
      expect.objectContaining({ path: ['id'], name: 'ValidationError' }),
    ]);
  });

  test('a student deleting /api/upload/files/6W gets 400, not a database error', async () => {
    const response = await app.request.delete('/api/upload/files/6W').set(student.auth);
    expect(response.status).toBe(400);
  });

  test('replacing a file with a blank id (POST /api/upload?id=%20) answers 400', async () => {
    const response = await app.request
      .post('/api/upload?id=%20')
      .set(student.auth)
      .attach('files', Buffer.from('notes\n'), { filename: 'a.txt', contentType: 'text/plain' });
    expect(response.status).toBe(400);
  });

  test('a well-formed unknown id is still 404', async () => {
    expect((await app.request.get('/api/users/999999').set(admin.auth)).status).toBe(404);
  });

  test('a public teacher profile past the integer range (GET /api/teachers/2147483648) answers 400', async () => {
    const response = await app.request.get('/api/teachers/2147483648');
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors).toEqual([expect.objectContaining({ path: ['id'] })]);
  });

  // The fuzzer found GET /quiz-attempts/2147483648 answering 500 on PostgreSQL (an integer column's range).
  test.each([
    ['GET', '/api/quiz-attempts/2147483648', 'id'],
    ['POST', '/api/quiz-attempts/2147483648/submit', 'id'],
    ['GET', '/api/conversations/2147483648/messages', 'userId'],
    ['POST', '/api/notifications/2147483648/read', 'id'],
  ])('%s %s (a row id past the integer range) answers 400 naming %s', async (method, url, field) => {
    const request = method === 'GET' ? app.request.get(url) : app.request.post(url);
    const response = await request.set(student.auth);
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors).toEqual([expect.objectContaining({ path: [field] })]);
  });
});

describe('registration with fields that are not text (the fuzzer found a 500)', () => {
  test.each([
    { email: [[['a@b.c']]], username: 'arrays-email', password: 'Other-pass-2-long' },
    { email: 'objects@example.com', username: { $gt: '' }, password: 'Other-pass-2-long' },
  ])('POST /api/auth/local/register %j answers 400', async (body) => {
    const response = await app.request.post('/api/auth/local/register').send(body);
    expect(response.status).toBe(400);
  });
});
