import { createECDH, createHmac, randomBytes } from 'crypto';
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';
import { LYCEUM_ROUTES, openApiPath } from '../../src/api-description/openapi';
import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { newSigningKey } from '../helpers/credentials';
import { openApiSpecProblems } from '../helpers/openapi-rules';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * The OpenAPI document is checked two ways: every custom route the running app serves is described, and real
 * answers of every described route match the schema the document gives for them.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let spec: any;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const checked = new Set<string>();

/** OpenAPI 3.0's `nullable` as JSON Schema, which Ajv validates. */
function asJsonSchema(schema: any): any {
  if (Array.isArray(schema)) return schema.map(asJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const { nullable, ...rest } = schema;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, asJsonSchema(value)]));
  if (!nullable) return converted;
  if (typeof converted.type === 'string') {
    return {
      ...converted,
      type: [converted.type, 'null'],
      ...(converted.enum ? { enum: [...converted.enum, null] } : {}),
    };
  }
  return { anyOf: [{ type: 'null' }, converted] };
}

const routeKey = (method: string, koaPath: string) => `${method.toUpperCase()} ${koaPath}`;

/** Validates a real response against the document's schema for that route and status. */
function expectMatchesSpec(response: Response, method: string, koaPath: string) {
  const operation = spec.paths[openApiPath(koaPath)]?.[method.toLowerCase()];
  expect(operation).toBeDefined();
  const described = operation.responses[String(response.status)];
  if (!described)
    throw new Error(
      `${method} ${koaPath} answered ${response.status}, which the document does not list: ${JSON.stringify(response.body)}`
    );
  // What the answer's headers say (tus answers in headers): each described header is there, integers as digits.
  for (const [name, header] of Object.entries(described.headers ?? {}) as Array<[string, any]>) {
    const value = response.headers[name.toLowerCase()];
    if (value === undefined) throw new Error(`${method} ${koaPath} ${response.status} lacks its ${name} header`);
    if (header.schema?.type === 'integer') expect(value).toMatch(/^\d+$/);
    if (header.schema?.enum) expect(header.schema.enum).toContain(value);
  }
  if (!described.content) {
    // An answer described without a body has none.
    expect(response.text ?? '').toBe('');
    checked.add(routeKey(method, koaPath));
    return;
  }
  const [contentType, media] = Object.entries(described.content)[0] as [string, any];
  expect(response.headers['content-type']).toContain(contentType);
  if (contentType === 'application/json') {
    const schema = media.schema.$ref ? spec.components.schemas[media.schema.$ref.split('/').pop()] : media.schema;
    const validate = ajv.compile(asJsonSchema(schema));
    if (!validate(response.body)) {
      throw new Error(
        `${method} ${koaPath} ${response.status} does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(response.body).slice(0, 800)}`
      );
    }
  }
  checked.add(routeKey(method, koaPath));
}

/** Validates a request body the test is about to send against the document, so the examples are honest. */
function expectBodyAllowed(method: string, koaPath: string, body: unknown) {
  const schema = spec.paths[openApiPath(koaPath)][method.toLowerCase()].requestBody?.content['application/json'].schema;
  const validate = ajv.compile(asJsonSchema(schema ?? { type: 'object', maxProperties: 0 }));
  if (!validate(body))
    throw new Error(
      `request body for ${method} ${koaPath} is not what the document allows: ${ajv.errorsText(validate.errors)}`
    );
}

beforeAll(async () => {
  app = await startLyceum({ CREDENTIAL_SIGNING_KEY: newSigningKey().secret });
  make = factories(app.strapi);
  jest.spyOn(app.strapi.plugin('email').service('email'), 'send').mockResolvedValue(undefined as never);
  const response = await app.request.get('/documentation/v1.0.0/openapi.json');
  expect(response.status).toBe(200);
  spec = response.body;
}, 120_000);
afterAll(stopLyceum);

describe('the OpenAPI document', () => {
  test('is served as OpenAPI 3 JSON with the core content types and the auth routes', () => {
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.info.title).toBe('Lyceum API');
    expect(spec.info.termsOfService).toBeUndefined();
    expect(spec.paths['/courses']).toBeDefined();
    for (const stockPath of [
      '/auth/local',
      '/auth/local/register',
      '/auth/forgot-password',
      '/connect/{provider}',
      '/users/me',
    ]) {
      expect(spec.paths[stockPath]).toBeDefined();
    }
    expect(spec.components.schemas.Error).toBeDefined();
  });

  test('passes a strict outside validator: OpenAPI 3.0 schema, every $ref resolved, and the spec rules', async () => {
    // swagger-parser checks the JSON Schema of OpenAPI 3.0 and resolves every $ref, but runs its spec rules
    // (unique operationIds, declared path parameters, …) for Swagger 2.0 only: those are openApiSpecProblems.
    // It dereferences in place, so it gets a copy and the other tests read the document as served.
    let problems: string[] = [];
    try {
      problems = openApiSpecProblems(await SwaggerParser.validate(structuredClone(spec)));
    } catch (error) {
      problems = [(error as Error).message];
    }
    expect(problems).toEqual([]);
  });

  test('the check is strict: an empty `required`, a duplicate operationId, an undeclared path parameter are refused', async () => {
    const emptyRequired = structuredClone(spec);
    emptyRequired.paths['/users/me'].put.requestBody.content['application/json'].schema.required = [];
    await expect(SwaggerParser.validate(emptyRequired)).rejects.toThrow(/required must NOT have fewer than 1 items/);

    const broken = structuredClone(spec);
    broken.paths['/users/me'].put.operationId = broken.paths['/users/me'].get.operationId;
    broken.paths['/courses/{documentId}/outline'].get.parameters = [];
    const problems = openApiSpecProblems(await SwaggerParser.validate(broken));
    expect(problems).toEqual([
      expect.stringMatching(/^PUT \/users\/me: operationId ".+" is also GET \/users\/me's$/),
      'GET /courses/{documentId}/outline: {documentId} is not declared as a path parameter',
    ]);
  });

  test('describes POST /upload once, `?id=` as an optional query parameter, 201 for new files', () => {
    expect(Object.keys(spec.paths).filter((key) => key.includes('?'))).toEqual([]);
    const upload = spec.paths['/upload'].post;
    expect(upload.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'query', required: false })]);
    expect(upload.requestBody.content['multipart/form-data'].schema.properties).toEqual(
      expect.objectContaining({ files: expect.anything(), fileInfo: expect.anything() })
    );
    expect(Object.keys(upload.responses).sort()).toEqual(['200', '201']);
  });

  test('has no empty `required` array anywhere (OpenAPI 3.0 forbids them)', () => {
    const empty: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach((item, index) => walk(item, `${at}/${index}`));
      const required = (node as { required?: unknown }).required;
      if (Array.isArray(required) && required.length === 0) empty.push(at);
      for (const [key, value] of Object.entries(node)) walk(value, `${at}/${key}`);
    };
    walk(spec, '#');
    expect(empty).toEqual([]);
  });

  test('has a Swagger UI page', async () => {
    const page = await app.request.get('/documentation/v1.0.0');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger');
  });

  test('describes every custom route the running app serves, with request and response schemas', () => {
    // Lyceum's own routes: every local plugin's, and the profile route its users-permissions extension adds.
    const localPlugins = fs
      .readdirSync(path.join(process.cwd(), 'src', 'plugins'))
      .filter((name) => fs.existsSync(path.join(process.cwd(), 'src', 'plugins', name, 'strapi-server.js')));
    const served: string[] = ['PUT /users/me'];
    // The app's own routes beyond content types: the job outbox's.
    for (const api of ['jobs', 'audit', 'privacy'])
      for (const file of Object.values((app.strapi as any).apis[api].routes) as Array<{ routes: any[] }>)
        for (const route of file.routes) served.push(routeKey(route.method, route.path));
    for (const name of localPlugins) {
      for (const route of (app.strapi.plugins as any)[name].routes?.['content-api']?.routes ?? [])
        served.push(routeKey(route.method, route.path));
    }
    expect(served.length).toBeGreaterThan(10);
    const described = new Set(LYCEUM_ROUTES.map((route) => routeKey(route.method, route.path)));
    expect(served.filter((route) => !described.has(route))).toEqual([]);

    for (const route of LYCEUM_ROUTES) {
      const operation = spec.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
      expect(operation).toBeDefined();
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining([String(route.status), '400', '404']));
      if (route.response) expect(operation.responses[route.status].content['application/json'].schema).toBeDefined();
      if (route.method === 'POST' || route.method === 'PUT') {
        if (route.requestBody) expect(operation.requestBody.content['application/json'].schema).toBeDefined();
      }
    }
  });

  test('profile routes', async () => {
    const user = await make.createUser('student', { fullName: 'Анна' });
    expectMatchesSpec(await app.request.get('/api/users/me').set(user.auth), 'GET', '/users/me');
    expectBodyAllowed('PUT', '/users/me', { bio: 'Учусь', locale: 'ru' });
    expectMatchesSpec(
      await app.request.put('/api/users/me').set(user.auth).send({ bio: 'Учусь', locale: 'ru' }),
      'PUT',
      '/users/me'
    );
    expectMatchesSpec(await app.request.put('/api/users/me').set(user.auth).send({ role: 3 }), 'PUT', '/users/me');
  });

  test('the error shape of a refusal matches the Error schema', async () => {
    const response = await app.request
      .get('/api/me/enrollments')
      .query({ status: 'lost' })
      .set((await make.createUser('student')).auth);
    expect(response.status).toBe(400);
    expectMatchesSpec(response, 'GET', '/me/enrollments');
  });
});

describe('real answers match the document', () => {
  let teacher: TestUser;
  let student: TestUser;
  let course: TestCourse;

  beforeAll(async () => {
    teacher = await make.createUser('teacher', { fullName: 'Мария Кюри' });
    student = await make.createUser('student', { fullName: 'Пьер Безухов' });
    course = await make.createCourse({ teacher, lessons: 2 });
  });

  test('enrollment, progress and teaching routes', async () => {
    const enrollPath = '/courses/:documentId/enrollments';
    expectBodyAllowed('POST', enrollPath, {});
    expectMatchesSpec(
      await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth),
      'POST',
      enrollPath
    );
    expectMatchesSpec(
      await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth),
      'POST',
      enrollPath
    );

    expectMatchesSpec(
      await app.request.get(`/api/courses/${course.documentId}/outline`),
      'GET',
      '/courses/:documentId/outline'
    );
    expectMatchesSpec(
      await app.request.get(`/api/courses/${course.documentId}/outline`).set(student.auth),
      'GET',
      '/courses/:documentId/outline'
    );

    const positionPath = '/lessons/:documentId/position';
    expectBodyAllowed('PUT', positionPath, { positionSeconds: 42 });
    expectMatchesSpec(
      await app.request
        .put(`/api/lessons/${course.lessons[0].documentId}/position`)
        .set(student.auth)
        .send({ positionSeconds: 42 }),
      'PUT',
      positionPath
    );
    expectMatchesSpec(
      await app.request
        .put(`/api/lessons/${course.lessons[0].documentId}/position`)
        .set(student.auth)
        .send({ positionSeconds: -1 }),
      'PUT',
      positionPath
    );

    expectMatchesSpec(
      await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth),
      'POST',
      '/lessons/:documentId/complete'
    );
    expectMatchesSpec(await app.request.get('/api/me/enrollments').set(student.auth), 'GET', '/me/enrollments');
    expectMatchesSpec(await app.request.get('/api/me/teaching').set(teacher.auth), 'GET', '/me/teaching');
    expectMatchesSpec(
      await app.request.get(`/api/courses/${course.documentId}/students`).set(teacher.auth),
      'GET',
      '/courses/:documentId/students'
    );
    expectMatchesSpec(
      await app.request.get(`/api/courses/${course.documentId}/students`).set(student.auth),
      'GET',
      '/courses/:documentId/students'
    );

    const other = await make.createUser('student');
    await make.enroll(other, course);
    expectMatchesSpec(
      await app.request.delete(`/api/courses/${course.documentId}/enrollments/${other.id}`).set(teacher.auth),
      'DELETE',
      '/courses/:documentId/enrollments/:userId'
    );
    const leaver = await make.createUser('student');
    await make.enroll(leaver, course);
    expectMatchesSpec(
      await app.request.delete(`/api/courses/${course.documentId}/enrollments/me`).set(leaver.auth),
      'DELETE',
      '/courses/:documentId/enrollments/me'
    );
  });

  test('waitlist routes', async () => {
    const full = await make.createCourse({ teacher, lessons: 1, data: { capacity: 1, waitlist: true } });
    const member = await make.createUser('student');
    expect((await app.request.post(`/api/courses/${full.documentId}/enrollments`).set(member.auth)).status).toBe(201);
    const [first, second] = [await make.createUser('student'), await make.createUser('student')];
    const joinPath = '/courses/:documentId/waitlist';
    expectBodyAllowed('POST', joinPath, {});
    expectMatchesSpec(
      await app.request.post(`/api/courses/${full.documentId}/waitlist`).set(first.auth),
      'POST',
      joinPath
    );
    expectMatchesSpec(
      await app.request.post(`/api/courses/${full.documentId}/waitlist`).set(first.auth),
      'POST',
      joinPath
    );
    expectMatchesSpec(
      await app.request.post(`/api/courses/${full.documentId}/waitlist`).set(second.auth),
      'POST',
      joinPath
    );
    const acceptPath = '/courses/:documentId/waitlist/accept';
    expectMatchesSpec(
      await app.request.post(`/api/courses/${full.documentId}/waitlist/accept`).set(first.auth),
      'POST',
      acceptPath
    );
    expect((await app.request.delete(`/api/courses/${full.documentId}/enrollments/me`).set(member.auth)).status).toBe(
      200
    );
    const deadline = Date.now() + 20_000;
    let mine = await app.request.get('/api/me/waitlists').set(first.auth);
    while (mine.body.data[0]?.status !== 'offered' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      mine = await app.request.get('/api/me/waitlists').set(first.auth);
    }
    expectMatchesSpec(mine, 'GET', '/me/waitlists');
    expectMatchesSpec(await app.request.get('/api/me/waitlists').set(second.auth), 'GET', '/me/waitlists');
    expectMatchesSpec(
      await app.request.post(`/api/courses/${full.documentId}/waitlist/accept`).set(first.auth),
      'POST',
      acceptPath
    );
    const leavePath = '/courses/:documentId/waitlist/me';
    expectMatchesSpec(
      await app.request.delete(`/api/courses/${full.documentId}/waitlist/me`).set(second.auth),
      'DELETE',
      leavePath
    );
    expectMatchesSpec(
      await app.request.delete(`/api/courses/${full.documentId}/waitlist/me`).set(second.auth),
      'DELETE',
      leavePath
    );
  });

  test('quiz routes', async () => {
    const quiz = await make.createQuiz(course, { onLesson: true, lessonIndex: 0 });
    const startPath = '/quizzes/:documentId/attempts';
    const started = await app.request.post(`/api/quizzes/${quiz.documentId}/attempts`).set(student.auth);
    expectMatchesSpec(started, 'POST', startPath);
    const attempt = started.body.data;
    expectMatchesSpec(
      await app.request.get(`/api/quiz-attempts/${attempt.id}`).set(student.auth),
      'GET',
      '/quiz-attempts/:id'
    );

    const answers = attempt.questions.map((question: any) =>
      question.options?.length
        ? { question: question.id, choices: [question.options[0].id] }
        : question.type === 'numeric'
          ? { question: question.id, number: 3 }
          : { question: question.id, text: 'hello' }
    );
    const submitPath = '/quiz-attempts/:id/submit';
    expectBodyAllowed('POST', submitPath, { answers });
    expectMatchesSpec(
      await app.request.post(`/api/quiz-attempts/${attempt.id}/submit`).set(student.auth).send({ answers }),
      'POST',
      submitPath
    );
    expectMatchesSpec(
      await app.request.post(`/api/quiz-attempts/${attempt.id}/submit`).set(student.auth).send({ answers }),
      'POST',
      submitPath
    );
    expectMatchesSpec(
      await app.request.get('/api/me/quiz-attempts').query({ quiz: quiz.documentId }).set(student.auth),
      'GET',
      '/me/quiz-attempts'
    );
  });

  test('certificate routes', async () => {
    const graduate = await make.createUser('student', { fullName: 'Ёлка Иванова' });
    await make.enroll(graduate, course);
    const issuePath = '/courses/:documentId/certificates';
    expectBodyAllowed('POST', issuePath, { user: graduate.id });
    const issued = await app.request
      .post(`/api/courses/${course.documentId}/certificates`)
      .set(teacher.auth)
      .send({ user: graduate.id });
    expectMatchesSpec(issued, 'POST', issuePath);
    const certificate = issued.body.data;

    expectMatchesSpec(await app.request.get('/api/me/certificates').set(graduate.auth), 'GET', '/me/certificates');
    expectMatchesSpec(
      await app.request.get(`/api/certificates/verify/${certificate.code}`),
      'GET',
      '/certificates/verify/:code'
    );
    expectMatchesSpec(
      await app.request.get('/api/certificates/verify/AAAAAAAAAAAAAAAAAAAAAA'),
      'GET',
      '/certificates/verify/:code'
    );
    const credentialPath = '/certificates/verify/:code/credential';
    const credential = await app.request.get(`/api/certificates/verify/${certificate.code}/credential`);
    expectMatchesSpec(credential, 'GET', credentialPath);
    expect(credential.status).toBe(200);
    expectMatchesSpec(
      await app.request.get('/api/certificates/verify/AAAAAAAAAAAAAAAAAAAAAA/credential'),
      'GET',
      credentialPath
    );
    const statusPath = '/credentials/status/:listId';
    const statusListUrl = new URL(JSON.parse(credential.text).credentialStatus.statusListCredential);
    const statusList = await app.request.get(statusListUrl.pathname);
    expectMatchesSpec(statusList, 'GET', statusPath);
    expect(statusList.status).toBe(200);
    expectMatchesSpec(await app.request.get('/api/credentials/status/999999'), 'GET', statusPath);
    expectMatchesSpec(await app.request.get('/api/credentials/status/first'), 'GET', statusPath);

    const pdf = await app.request
      .get(`/api/certificates/${certificate.documentId}/pdf`)
      .set(graduate.auth)
      .buffer(true);
    expectMatchesSpec(pdf, 'GET', '/certificates/:documentId/pdf');
    expectMatchesSpec(
      await app.request.get(`/api/certificates/${certificate.documentId}/pdf`).set(student.auth),
      'GET',
      '/certificates/:documentId/pdf'
    );

    const revokePath = '/certificates/:documentId/revoke';
    expectBodyAllowed('POST', revokePath, { reason: 'Issued by mistake' });
    expectMatchesSpec(
      await app.request
        .post(`/api/certificates/${certificate.documentId}/revoke`)
        .set(teacher.auth)
        .send({ reason: 'Issued by mistake' }),
      'POST',
      revokePath
    );
    expectMatchesSpec(
      await app.request.get(`/api/certificates/verify/${certificate.code}`),
      'GET',
      '/certificates/verify/:code'
    );
  });

  // --- Assignments, grading and the gradebook (issue #5) ---
  test('assignment, grading and gradebook routes', async () => {
    const assignment = await make.createAssignment(course);
    const writer = await make.createUser('student', { fullName: 'Лиза Бенне' });
    await make.enroll(writer, course);
    const submitPath = '/assignments/:documentId/submissions';
    expectBodyAllowed('POST', submitPath, { text: 'Моё эссе' });
    const submitted = await app.request
      .post(`/api/assignments/${assignment.documentId}/submissions`)
      .set(writer.auth)
      .send({ text: 'Моё эссе' });
    expectMatchesSpec(submitted, 'POST', submitPath);
    const withFile = await app.request
      .post(`/api/assignments/${assignment.documentId}/submissions`)
      .set(writer.auth)
      .field('text', 'With a file')
      .attach('files', Buffer.from('notes'), { filename: 'notes.txt', contentType: 'text/plain' });
    expectMatchesSpec(withFile, 'POST', submitPath);
    expect(spec.paths[openApiPath(submitPath)].post.requestBody.content['multipart/form-data']).toBeDefined();
    expectMatchesSpec(
      await app.request.post(`/api/assignments/${assignment.documentId}/submissions`).set(writer.auth).send({}),
      'POST',
      submitPath
    );

    const listPath = '/assignments/:documentId/submissions';
    expectMatchesSpec(
      await app.request.get(`/api/assignments/${assignment.documentId}/submissions`).set(teacher.auth),
      'GET',
      listPath
    );
    expectMatchesSpec(
      await app.request.get(`/api/assignments/${assignment.documentId}/submissions`).set(writer.auth),
      'GET',
      listPath
    );

    const gradePath = '/submissions/:documentId/grade';
    expectBodyAllowed('PUT', gradePath, { grade: 9, feedback: 'Хорошо', status: 'graded' });
    expectMatchesSpec(
      await app.request
        .put(`/api/submissions/${submitted.body.data.documentId}/grade`)
        .set(teacher.auth)
        .send({ grade: 9, feedback: 'Хорошо', status: 'graded' }),
      'PUT',
      gradePath
    );
    expectMatchesSpec(
      await app.request
        .put(`/api/submissions/${submitted.body.data.documentId}/grade`)
        .set(teacher.auth)
        .send({ grade: 11 }),
      'PUT',
      gradePath
    );
    expectMatchesSpec(
      await app.request
        .post(`/api/assignments/${assignment.documentId}/submissions`)
        .set(writer.auth)
        .send({ text: 'v3' }),
      'POST',
      submitPath
    );

    const gradebookPath = '/courses/:documentId/gradebook';
    expectMatchesSpec(
      await app.request.get(`/api/courses/${course.documentId}/gradebook`).set(teacher.auth),
      'GET',
      gradebookPath
    );
    expectMatchesSpec(
      await app.request.get(`/api/courses/${course.documentId}/gradebook`).query({ format: 'xml' }).set(teacher.auth),
      'GET',
      gradebookPath
    );
    const csv = await app.request
      .get(`/api/courses/${course.documentId}/gradebook`)
      .query({ format: 'csv' })
      .set(teacher.auth);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(Object.keys(spec.paths[openApiPath(gradebookPath)].get.responses['200'].content)).toEqual([
      'application/json',
      'text/csv',
    ]);

    // Uploaded test files live in public/uploads: leave the working tree as it was.
    const upload = app.strapi.plugin('upload').service('upload');
    for (const file of withFile.body.data.files)
      await upload.remove(await app.strapi.db.query('plugin::upload.file').findOne({ where: { id: file.id } }));
  });

  // ---- community plugin: reviews, teachers, announcements, favorites, feedback ----
  test('community routes', async () => {
    const reviewer = await make.createUser('student', { fullName: 'Наташа Ростова' });
    await make.enroll(reviewer, course);
    const reviewsPath = '/courses/:documentId/reviews';
    expectBodyAllowed('POST', reviewsPath, { rating: 5, body: 'Превосходно' });
    const posted = await app.request
      .post(`/api/courses/${course.documentId}/reviews`)
      .set(reviewer.auth)
      .send({ rating: 5, body: 'Превосходно' });
    expectMatchesSpec(posted, 'POST', reviewsPath);
    expectMatchesSpec(
      await app.request
        .post(`/api/courses/${course.documentId}/reviews`)
        .set(reviewer.auth)
        .send({ rating: 5, body: 'Again' }),
      'POST',
      reviewsPath
    );
    expectMatchesSpec(
      await app.request
        .post(`/api/courses/${course.documentId}/reviews`)
        .set(teacher.auth)
        .send({ rating: 5, body: 'Mine' }),
      'POST',
      reviewsPath
    );
    expectMatchesSpec(
      await app.request.get(`/api/courses/${course.documentId}/reviews`).query({ sort: 'rating', pageSize: 5 }),
      'GET',
      reviewsPath
    );
    expectMatchesSpec(
      await app.request.get(`/api/courses/${course.documentId}/reviews`).query({ sort: 'best' }),
      'GET',
      reviewsPath
    );
    const reviewPath = '/reviews/:documentId';
    expectBodyAllowed('PUT', reviewPath, { rating: 4 });
    expectMatchesSpec(
      await app.request.put(`/api/reviews/${posted.body.data.documentId}`).set(reviewer.auth).send({ rating: 4 }),
      'PUT',
      reviewPath
    );
    expectMatchesSpec(
      await app.request.put(`/api/reviews/${posted.body.data.documentId}`).set(student.auth).send({ rating: 1 }),
      'PUT',
      reviewPath
    );
    expectMatchesSpec(
      await app.request.delete(`/api/reviews/${posted.body.data.documentId}`).set(reviewer.auth),
      'DELETE',
      reviewPath
    );
    expectMatchesSpec(
      await app.request.delete(`/api/reviews/${posted.body.data.documentId}`).set(reviewer.auth),
      'DELETE',
      reviewPath
    );

    expectMatchesSpec(await app.request.get('/api/teachers').query({ pageSize: 10 }), 'GET', '/teachers');
    expectMatchesSpec(await app.request.get(`/api/teachers/${teacher.id}`), 'GET', '/teachers/:id');
    expectMatchesSpec(await app.request.get(`/api/teachers/${student.id}`), 'GET', '/teachers/:id');

    const newsPath = '/courses/:documentId/announcements';
    expectBodyAllowed('POST', newsPath, { title: 'Новости', body: '<p>Экзамен <strong>в пятницу</strong></p>' });
    expectMatchesSpec(
      await app.request
        .post(`/api/courses/${course.documentId}/announcements`)
        .set(teacher.auth)
        .send({ title: 'Новости', body: '<p>Экзамен <strong>в пятницу</strong></p>' }),
      'POST',
      newsPath
    );
    expectMatchesSpec(
      await app.request
        .post(`/api/courses/${course.documentId}/announcements`)
        .set(student.auth)
        .send({ title: 'x', body: 'y' }),
      'POST',
      newsPath
    );
    expectMatchesSpec(await app.request.get(`/api/courses/${course.documentId}/announcements`), 'GET', newsPath);

    const favoritePath = '/lessons/:documentId/favorite';
    expectMatchesSpec(
      await app.request.put(`/api/lessons/${course.lessons[0].documentId}/favorite`).set(student.auth),
      'PUT',
      favoritePath
    );
    expectMatchesSpec(await app.request.get('/api/me/favorites').set(student.auth), 'GET', '/me/favorites');
    expectMatchesSpec(
      await app.request.delete(`/api/lessons/${course.lessons[0].documentId}/favorite`).set(student.auth),
      'DELETE',
      favoritePath
    );
    expectMatchesSpec(
      await app.request.delete('/api/lessons/nosuchlesson00/favorite').set(student.auth),
      'DELETE',
      favoritePath
    );

    expectBodyAllowed('POST', '/feedback', { name: 'Гость', email: 'guest@example.org', message: 'Здравствуйте' });
    expectMatchesSpec(
      await app.request
        .post('/api/feedback')
        .send({ name: 'Гость', email: 'guest@example.org', message: 'Здравствуйте' }),
      'POST',
      '/feedback'
    );
    expectMatchesSpec(
      await app.request.post('/api/feedback').send({ name: 'Гость', email: 'nope' }),
      'POST',
      '/feedback'
    );
  });
  // ---- end of community routes ----

  // --- messaging plugin: notifications, direct messages, comments ---
  test('notification, message and comment routes', async () => {
    const admin = await make.createUser('admin');
    await make.enroll(student, course).catch(() => undefined);
    await app.strapi
      .service('api::notification.notification')
      .notify(student.id, { type: 'broadcast', title: 'Hello' });

    expectMatchesSpec(
      await app.request.get('/api/me/notifications').query({ unread: 'true' }).set(student.auth),
      'GET',
      '/me/notifications'
    );
    expectMatchesSpec(
      await app.request.get('/api/me/notifications').query({ unread: 'maybe' }).set(student.auth),
      'GET',
      '/me/notifications'
    );
    const [notice] = (await app.request.get('/api/me/notifications').set(student.auth)).body.data;
    expectMatchesSpec(
      await app.request.post(`/api/notifications/${notice.id}/read`).set(student.auth),
      'POST',
      '/notifications/:id/read'
    );
    expectMatchesSpec(
      await app.request.post(`/api/notifications/${notice.id}/read`).set(teacher.auth),
      'POST',
      '/notifications/:id/read'
    );
    expectMatchesSpec(
      await app.request.post('/api/notifications/read-all').set(student.auth),
      'POST',
      '/notifications/read-all'
    );
    const broadcastPath = '/notifications/broadcast';
    const broadcast = { title: 'School news', body: 'Open day on Friday', audience: { course: course.documentId } };
    expectBodyAllowed('POST', broadcastPath, broadcast);
    expectMatchesSpec(
      await app.request.post('/api/notifications/broadcast').set(admin.auth).send(broadcast),
      'POST',
      broadcastPath
    );
    expectMatchesSpec(
      await app.request.post('/api/notifications/broadcast').set(student.auth).send(broadcast),
      'POST',
      broadcastPath
    );
    expectMatchesSpec(
      await app.request.post('/api/notifications/broadcast').set(admin.auth).send({ title: 'x', audience: {} }),
      'POST',
      broadcastPath
    );

    // The job outbox (admins): a page of every status, a bad status, an unknown job, a job that is not dead.
    const jobs = await app.request.get('/api/jobs').set(admin.auth);
    expectMatchesSpec(jobs, 'GET', '/jobs');
    expectMatchesSpec(await app.request.get('/api/jobs?status=lost').set(admin.auth), 'GET', '/jobs');
    expectMatchesSpec(await app.request.post('/api/jobs/999999/retry').set(admin.auth), 'POST', '/jobs/:id/retry');
    if (jobs.body.data[0])
      expectMatchesSpec(
        await app.request.post(`/api/jobs/${jobs.body.data[0].id}/retry`).set(admin.auth),
        'POST',
        '/jobs/:id/retry'
      );

    const sendPath = '/conversations/:userId/messages';
    expectBodyAllowed('POST', sendPath, { body: 'A question about lesson 1' });
    expectMatchesSpec(
      await app.request
        .post(`/api/conversations/${teacher.id}/messages`)
        .set(student.auth)
        .send({ body: 'A question about lesson 1' }),
      'POST',
      sendPath
    );
    expectMatchesSpec(
      await app.request.post(`/api/conversations/${admin.id}/messages`).set(student.auth).send({ body: 'Hi' }),
      'POST',
      sendPath
    );
    expectMatchesSpec(
      await app.request.post(`/api/conversations/${student.id}/messages`).set(student.auth).send({ body: 'Me' }),
      'POST',
      sendPath
    );
    expectMatchesSpec(
      await app.request.get(`/api/conversations/${student.id}/messages`).set(teacher.auth),
      'GET',
      sendPath
    );
    expectMatchesSpec(await app.request.get('/api/conversations/99999999/messages').set(teacher.auth), 'GET', sendPath);
    expectMatchesSpec(await app.request.get('/api/me/conversations').set(teacher.auth), 'GET', '/me/conversations');

    const lessonPath = '/lessons/:documentId/comments';
    const lessonId = course.lessons[0].documentId;
    expectBodyAllowed('POST', lessonPath, { body: 'Nice <b>lesson</b>' });
    const top = await app.request
      .post(`/api/lessons/${lessonId}/comments`)
      .set(student.auth)
      .send({ body: 'Nice <b>lesson</b>' });
    expectMatchesSpec(top, 'POST', lessonPath);
    expectBodyAllowed('POST', lessonPath, { body: 'Thanks', parent: top.body.data.documentId });
    expectMatchesSpec(
      await app.request
        .post(`/api/lessons/${lessonId}/comments`)
        .set(teacher.auth)
        .send({ body: 'Thanks', parent: top.body.data.documentId }),
      'POST',
      lessonPath
    );
    expectMatchesSpec(
      await app.request.post(`/api/lessons/${lessonId}/comments`).set(student.auth).send({ body: '' }),
      'POST',
      lessonPath
    );
    expectMatchesSpec(await app.request.get(`/api/lessons/${lessonId}/comments`).set(student.auth), 'GET', lessonPath);
    const outsider = await make.createUser('student');
    expectMatchesSpec(await app.request.get(`/api/lessons/${lessonId}/comments`).set(outsider.auth), 'GET', lessonPath);

    const assignment = await make.createAssignment(course);
    const assignmentPath = '/assignments/:documentId/comments';
    expectMatchesSpec(
      await app.request
        .post(`/api/assignments/${assignment.documentId}/comments`)
        .set(student.auth)
        .send({ body: 'Due when?' }),
      'POST',
      assignmentPath
    );
    expectMatchesSpec(
      await app.request.get(`/api/assignments/${assignment.documentId}/comments`).set(teacher.auth),
      'GET',
      assignmentPath
    );

    const submission = await app.strapi.documents('api::submission.submission').create({
      data: {
        key: `${student.id}:${assignment.documentId}`,
        assignment: assignment.documentId,
        student: student.documentId,
        text: 'Done',
        status: 'submitted',
        submittedAt: new Date().toISOString(),
      } as any,
    });
    const submissionPath = '/submissions/:documentId/comments';
    expectMatchesSpec(
      await app.request
        .post(`/api/submissions/${submission.documentId}/comments`)
        .set(teacher.auth)
        .send({ body: 'Well done' }),
      'POST',
      submissionPath
    );
    expectMatchesSpec(
      await app.request.get(`/api/submissions/${submission.documentId}/comments`).set(student.auth),
      'GET',
      submissionPath
    );
    expectMatchesSpec(
      await app.request.get(`/api/submissions/${submission.documentId}/comments`).set(outsider.auth),
      'GET',
      submissionPath
    );

    const hidePath = '/comments/:documentId/hide';
    expectBodyAllowed('POST', hidePath, { hidden: true });
    expectMatchesSpec(
      await app.request.post(`/api/comments/${top.body.data.documentId}/hide`).set(teacher.auth).send({ hidden: true }),
      'POST',
      hidePath
    );
    expectMatchesSpec(
      await app.request.post(`/api/comments/${top.body.data.documentId}/hide`).set(student.auth).send({}),
      'POST',
      hidePath
    );
    expectMatchesSpec(
      await app.request.delete(`/api/comments/${top.body.data.documentId}`).set(outsider.auth),
      'DELETE',
      '/comments/:documentId'
    );
    expectMatchesSpec(
      await app.request.delete(`/api/comments/${top.body.data.documentId}`).set(student.auth),
      'DELETE',
      '/comments/:documentId'
    );
    expectMatchesSpec(await app.request.get(`/api/lessons/${lessonId}/comments`).set(student.auth), 'GET', lessonPath);
  });

  // --- blog (api::article custom routes) ---
  test('blog routes', async () => {
    const tag = await app.strapi.documents('api::tag.tag').create({ data: { name: `openapi-${process.pid}` } as any });
    const articles = [];
    for (const title of ['OpenAPI first', 'OpenAPI second']) {
      const created = await app.strapi.documents('api::article.article').create({
        locale: 'en',
        data: {
          title,
          body: 'Words to read',
          tags: [tag.documentId],
          author: { name: 'Lyceum team' },
          seo: { metaTitle: title, metaDescription: 'About it' },
        } as any,
      });
      await app.strapi.documents('api::article.article').publish({ documentId: created.documentId, locale: 'en' });
      articles.push(
        await app.strapi
          .documents('api::article.article')
          .findOne({ documentId: created.documentId, locale: 'en', status: 'published' })
      );
    }
    const slugPath = '/articles/by-slug/:slug';
    expectMatchesSpec(await app.request.get(`/api/articles/by-slug/${articles[0]!.slug}`), 'GET', slugPath);
    expectMatchesSpec(await app.request.get('/api/articles/by-slug/no-such-article'), 'GET', slugPath);
    expectMatchesSpec(
      await app.request.get(`/api/articles/by-slug/${articles[0]!.slug}`).query({ locale: 'xx' }),
      'GET',
      slugPath
    );
    const relatedPath = '/articles/:documentId/related';
    const related = await app.request.get(`/api/articles/${articles[0]!.documentId}/related`).query({ limit: 5 });
    expect(related.body.data).toHaveLength(1);
    expectMatchesSpec(related, 'GET', relatedPath);
    expectMatchesSpec(
      await app.request.get(`/api/articles/${articles[0]!.documentId}/related`).query({ limit: 0 }),
      'GET',
      relatedPath
    );
    expectMatchesSpec(await app.request.get('/api/articles/nosucharticle0000000000/related'), 'GET', relatedPath);
  });

  test('commerce routes', async () => {
    const admin = await make.createUser('admin');
    const buyer = await make.createUser('student');
    const paid = await make.createCourse({ teacher, lessons: 1, data: { price: 19.9, currency: 'USD' } });
    const free = await make.createCourse({ teacher, lessons: 1 });
    const ordersPath = '/orders';
    const body = { courses: [paid.documentId], provider: 'sandbox' };
    expectBodyAllowed('POST', ordersPath, body);
    const created = await app.request.post('/api/orders').set(buyer.auth).send(body);
    expectMatchesSpec(created, 'POST', ordersPath);
    expect(created.status).toBe(201);
    expectMatchesSpec(
      await app.request
        .post('/api/orders')
        .set(buyer.auth)
        .send({ courses: [free.documentId] }),
      'POST',
      ordersPath
    );
    expectMatchesSpec(await app.request.post('/api/orders').set(buyer.auth).send({ courses: [] }), 'POST', ordersPath);
    expectMatchesSpec(
      await app.request
        .post('/api/orders')
        .set(buyer.auth)
        .send({ courses: [paid.documentId], provider: 'stripe' }),
      'POST',
      ordersPath
    );
    expectMatchesSpec(await app.request.post('/api/orders').set(buyer.auth).send(body), 'POST', ordersPath);
    const order = created.body.data;
    expectMatchesSpec(await app.request.get('/api/me/orders').set(buyer.auth), 'GET', '/me/orders');
    expectMatchesSpec(
      await app.request.get(`/api/orders/${order.documentId}`).set(buyer.auth),
      'GET',
      '/orders/:documentId'
    );
    expectMatchesSpec(
      await app.request.get(`/api/orders/${order.documentId}`).set(student.auth),
      'GET',
      '/orders/:documentId'
    );

    const checkoutPath = '/payments/sandbox/checkout/:orderDocumentId';
    expectMatchesSpec(await app.request.get(`/api/payments/sandbox/checkout/${order.documentId}`), 'GET', checkoutPath);
    expectBodyAllowed('POST', checkoutPath, { outcome: 'paid' });
    expectMatchesSpec(
      await app.request.post(`/api/payments/sandbox/checkout/${order.documentId}`).send({ outcome: 'paid' }),
      'POST',
      checkoutPath
    );
    const webhookPath = '/payments/webhooks/:provider';
    const event = JSON.stringify({ id: 'evt_openapi', type: 'payment.succeeded', order: order.documentId });
    const signature = createHmac('sha256', process.env.PAYMENTS_SANDBOX_SECRET ?? '')
      .update(event)
      .digest('hex');
    expectMatchesSpec(
      await app.request
        .post('/api/payments/webhooks/sandbox')
        .set('Content-Type', 'application/json')
        .set('X-Sandbox-Signature', signature)
        .send(event),
      'POST',
      webhookPath
    );
    expectMatchesSpec(
      await app.request.post('/api/payments/webhooks/sandbox').set('Content-Type', 'application/json').send(event),
      'POST',
      webhookPath
    );

    const refundPath = '/orders/:documentId/refund';
    expectBodyAllowed('POST', refundPath, { amount: '1.00', reason: 'Goodwill' });
    expectMatchesSpec(
      await app.request
        .post(`/api/orders/${order.documentId}/refund`)
        .set(admin.auth)
        .send({ amount: '1.00', reason: 'Goodwill' }),
      'POST',
      refundPath
    );
    expectMatchesSpec(
      await app.request
        .post(`/api/orders/${order.documentId}/refund`)
        .set(admin.auth)
        .send({ amount: '99.00', reason: 'Too much' }),
      'POST',
      refundPath
    );
    const pending = await app.request
      .post('/api/orders')
      .set(buyer.auth)
      .send({
        courses: [(await make.createCourse({ teacher, lessons: 1, data: { price: 5 } })).documentId],
        provider: 'sandbox',
      });
    const cancelPath = '/orders/:documentId/cancel';
    expectMatchesSpec(
      await app.request.post(`/api/orders/${pending.body.data.documentId}/cancel`).set(buyer.auth),
      'POST',
      cancelPath
    );
    expectMatchesSpec(
      await app.request.post(`/api/orders/${pending.body.data.documentId}/cancel`).set(buyer.auth),
      'POST',
      cancelPath
    );

    const salesPath = '/admin-reports/sales';
    expectMatchesSpec(await app.request.get('/api/admin-reports/sales').set(admin.auth), 'GET', salesPath);
    expectMatchesSpec(
      await app.request.get('/api/admin-reports/sales').set(admin.auth).query({ groupBy: 'course' }),
      'GET',
      salesPath
    );
    expectMatchesSpec(
      await app.request.get('/api/admin-reports/sales').set(admin.auth).query({ groupBy: 'year' }),
      'GET',
      salesPath
    );
  });

  test('search routes', async () => {
    const word = `openapisearch${process.pid}`;
    const searched = await make.createCourse({ data: { title: `${word} course` } });
    const deadline = Date.now() + 2_000;
    let found = await app.request.get('/api/search').query({ q: word });
    while (found.body.data?.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      found = await app.request.get('/api/search').query({ q: word });
    }
    expect(found.body.data.map((hit: any) => hit.documentId)).toContain(searched.documentId);
    expectMatchesSpec(found, 'GET', '/search');
    expectMatchesSpec(await app.request.get('/api/search').query({ q: word, sort: 'best' }), 'GET', '/search');
    const suggested = await app.request.get('/api/search/suggest').query({ q: word.slice(0, 8) });
    expect(suggested.body.data.length).toBeGreaterThan(0);
    expectMatchesSpec(suggested, 'GET', '/search/suggest');
    expectMatchesSpec(await app.request.get('/api/search/suggest'), 'GET', '/search/suggest');
    expectMatchesSpec(await app.request.get('/api/courses/popular'), 'GET', '/courses/popular');
    expectMatchesSpec(await app.request.get('/api/courses/popular').query({ limit: 0 }), 'GET', '/courses/popular');
  });

  test('audit and privacy routes', async () => {
    const admin = await make.createUser('admin');
    const teacher = await make.createUser('teacher');
    const course = await make.createCourse({ teacher });
    const assignment = await make.createAssignment(course);
    const student = await make.createUser('student');
    await make.enroll(student, course);
    const handed = await app.request
      .post(`/api/assignments/${assignment.documentId}/submissions`)
      .set(student.auth)
      .send({ text: 'Work' });
    expect(handed.status).toBe(201);
    const submissionPath = `/api/submissions/${handed.body.data.documentId}`;
    expect(
      (await app.request.put(`${submissionPath}/grade`).set(teacher.auth).send({ grade: 5, status: 'graded' })).status
    ).toBe(200);
    const historyPath = '/submissions/:documentId/history';
    expectMatchesSpec(await app.request.get(`${submissionPath}/history`).set(student.auth), 'GET', historyPath);
    expectMatchesSpec(await app.request.get(`${submissionPath}/history`).set(admin.auth), 'GET', historyPath);
    expectMatchesSpec(
      await app.request.get(`${submissionPath}/history`).set((await make.createUser('student')).auth),
      'GET',
      historyPath
    );
    expectMatchesSpec(await app.request.get('/api/audit-events').set(admin.auth), 'GET', '/audit-events');
    expectMatchesSpec(
      await app.request.get('/api/audit-events').query({ entity: 'submission', from: 'soon' }).set(admin.auth),
      'GET',
      '/audit-events'
    );

    const requested = await app.request.post('/api/me/data-export').set(student.auth);
    expectMatchesSpec(requested, 'POST', '/me/data-export');
    const exportPath = `/api/me/data-export/${requested.body.data.id}`;
    let status = await app.request.get(exportPath).set(student.auth);
    for (let attempt = 0; attempt < 100 && status.body.data?.status === 'pending'; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await app.request.get(exportPath).set(student.auth);
    }
    expect(status.body.data.status).toBe('ready');
    expectMatchesSpec(status, 'GET', '/me/data-export/:exportId');
    expectMatchesSpec(await app.request.get(exportPath).set(teacher.auth), 'GET', '/me/data-export/:exportId');
    expectMatchesSpec(
      await app.request.get(`${exportPath}/download`).set(student.auth),
      'GET',
      '/me/data-export/:exportId/download'
    );
    expectMatchesSpec(
      await app.request.post(`/api/users/${student.id}/data-export`).set(admin.auth),
      'POST',
      '/users/:id/data-export'
    );
    expectMatchesSpec(
      await app.request.post('/api/users/999999/data-export').set(admin.auth),
      'POST',
      '/users/:id/data-export'
    );

    expectMatchesSpec(
      await app.request.delete('/api/me').set(student.auth).send({ password: 'wrong' }),
      'DELETE',
      '/me'
    );
    const erasure = { password: 'Secret-pass-1' };
    expectBodyAllowed('DELETE', '/me', erasure);
    expectMatchesSpec(await app.request.delete('/api/me').set(student.auth).send(erasure), 'DELETE', '/me');
  });

  test('social learning routes', async () => {
    const [author, reader] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    const admin = await make.createUser('admin');
    const tag = await app.strapi.documents('api::tag.tag' as any).create({ data: { name: 'Social OpenAPI' } as any });
    const call = async (
      method: 'get' | 'post' | 'put' | 'delete',
      koaPath: string,
      url: string,
      user: TestUser,
      body?: object
    ) => {
      if (body) expectBodyAllowed(method.toUpperCase(), koaPath, body);
      const request = app.request[method](`/api${url}`).set(user.auth);
      const response = body ? await request.send(body) : await request;
      expectMatchesSpec(response, method.toUpperCase(), koaPath);
      return response;
    };
    const created = await call('post', '/posts', '/posts', author, {
      kind: 'article',
      title: 'Статья',
      body: '**Markdown**',
      tags: [tag.documentId],
    });
    expect(created.status).toBe(201);
    const id = created.body.data.documentId;
    await call('get', '/posts/:documentId', `/posts/${id}`, reader);
    await call('put', '/posts/:documentId', `/posts/${id}`, author, { title: 'Статья 2' });
    await call('get', '/users/:id/posts', `/users/${author.id}/posts`, reader);
    await call('get', '/me/posts', '/me/posts', author);
    await call('put', '/users/:id/follow', `/users/${author.id}/follow`, reader);
    await call('get', '/users/:id/followers', `/users/${author.id}/followers`, reader);
    await call('get', '/users/:id/following', `/users/${reader.id}/following`, reader);
    await call('put', '/posts/:documentId/like', `/posts/${id}/like`, reader);
    const comment = await call('post', '/posts/:documentId/comments', `/posts/${id}/comments`, reader, {
      body: 'Вопрос',
    });
    await call('post', '/posts/:documentId/comments', `/posts/${id}/comments`, author, {
      body: 'Ответ',
      parent: comment.body.data.documentId,
    });
    await call('get', '/posts/:documentId/comments', `/posts/${id}/comments`, reader);
    await call('put', '/post-comments/:documentId/like', `/post-comments/${comment.body.data.documentId}/like`, author);
    await call(
      'delete',
      '/post-comments/:documentId/like',
      `/post-comments/${comment.body.data.documentId}/like`,
      author
    );
    await call('delete', '/post-comments/:documentId', `/post-comments/${comment.body.data.documentId}`, reader);
    await call('get', '/feed', '/feed?sort=recommended', reader);
    expect((await call('get', '/feed', '/feed?sort=recent', reader)).body.data.length).toBeGreaterThan(0);
    await call('get', '/feed', '/feed?sort=sideways', reader);
    await call('delete', '/posts/:documentId/like', `/posts/${id}/like`, reader);
    await call('delete', '/users/:id/follow', `/users/${author.id}/follow`, reader);

    const quiz = await call('post', '/posts', '/posts', author, {
      kind: 'quiz',
      title: 'Проверь себя',
      questions: [{ type: 'single', prompt: '2+2?', options: [{ text: '4', correct: true }, { text: '5' }] }],
    });
    const attempt = await call(
      'post',
      '/posts/:documentId/attempts',
      `/posts/${quiz.body.data.documentId}/attempts`,
      reader
    );
    const option = attempt.body.data.questions[0].options[0].id;
    await call('post', '/post-attempts/:id/submit', `/post-attempts/${attempt.body.data.id}/submit`, reader, {
      answers: [{ question: attempt.body.data.questions[0].id, choices: [option] }],
    });

    const flagged = await call('post', '/posts/:documentId/comments', `/posts/${id}/comments`, reader, {
      body: 'Грубость',
    });
    const flaggedPath = `/post-comments/${flagged.body.data.documentId}`;
    await call('post', '/post-comments/:documentId/report', `${flaggedPath}/report`, author, { reason: 'Грубо' });
    await call('get', '/post-reports', '/post-reports?target=comment', admin);
    await call('post', '/post-comments/:documentId/hide', `${flaggedPath}/hide`, admin, { reason: 'rude' });
    await call('get', '/posts/:documentId/comments', `/posts/${id}/comments`, admin);
    await call('post', '/post-comments/:documentId/restore', `${flaggedPath}/restore`, admin, {});
    await call('post', '/posts/:documentId/report', `/posts/${id}/report`, reader, { reason: 'Спам' });
    await call('get', '/post-reports', '/post-reports', admin);
    await call('post', '/posts/:documentId/hide', `/posts/${id}/hide`, admin, { reason: 'spam' });
    await call('post', '/posts/:documentId/restore', `/posts/${id}/restore`, admin, {});
    await call('delete', '/posts/:documentId', `/posts/${id}`, author);
  });

  test('task request routes: post, list, read, offer, accept, complete, cancel, matches', async () => {
    const [author, tutor, rival] = await Promise.all([
      make.createUser('student', { fullName: 'Анна Каренина' }),
      make.createUser('teacher'),
      make.createUser('teacher'),
    ]);
    const tag = await app.strapi.documents('api::tag.tag' as any).create({ data: { name: 'Tasks OpenAPI' } as any });
    for (const user of [tutor, rival]) {
      await app.strapi.db.query('plugin::marketplace.tutor-profile' as any).create({
        data: {
          userId: user.id,
          headline: 'Tutor',
          subjects: [tag.documentId],
          hourlyRate: 30,
          currency: 'USD',
          languages: ['en'],
          lastActiveAt: new Date(),
        },
      });
      await app.strapi.db
        .query('plugin::marketplace.tutor-subject' as any)
        .create({ data: { userId: user.id, tagDocumentId: tag.documentId } });
      await app.strapi.db
        .query('plugin::marketplace.tutor-language' as any)
        .create({ data: { userId: user.id, language: 'en' } });
    }
    const call = async (method: 'get' | 'post', koaPath: string, url: string, user: TestUser, body?: object) => {
      if (body) expectBodyAllowed(method.toUpperCase(), koaPath, body);
      const request = app.request[method](`/api${url}`).set(user.auth);
      const response = body ? await request.send(body) : await request;
      expectMatchesSpec(response, method.toUpperCase(), koaPath);
      return response;
    };
    const taskBody = (title: string) => ({
      title,
      description: 'Две встречи перед экзаменом',
      subject: tag.documentId,
      budget: 40,
      currency: 'USD',
      deadline: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const task = (await call('post', '/tasks', '/tasks', author, taskBody('Задача'))).body.data.documentId;
    await call('get', '/tasks', '/tasks?open=true', tutor);
    await call('get', '/tasks', '/tasks', author);
    const offered = await call('post', '/tasks/:documentId/offers', `/tasks/${task}/offers`, tutor, {
      message: 'Помогу',
      price: 35,
    });
    await call('post', '/tasks/:documentId/offers', `/tasks/${task}/offers`, rival, { message: 'Я тоже', price: 30 });
    await call('get', '/tasks/:documentId', `/tasks/${task}`, author);
    await call('get', '/tasks/:documentId/matches', `/tasks/${task}/matches`, author);
    expect((await call('get', '/tasks/:documentId/matches', `/tasks/${task}/matches`, tutor)).status).toBe(403);
    await call('post', '/offers/:documentId/accept', `/offers/${offered.body.data.documentId}/accept`, author, {});
    expect(
      (await call('post', '/offers/:documentId/accept', `/offers/${offered.body.data.documentId}/accept`, author, {}))
        .status
    ).toBe(409);
    await call('post', '/tasks/:documentId/complete', `/tasks/${task}/complete`, author, {});
    const other = (await call('post', '/tasks', '/tasks', author, taskBody('Другая'))).body.data.documentId;
    await call('post', '/tasks/:documentId/cancel', `/tasks/${other}/cancel`, author, {});
  });

  test('video routes: asset, retry, lesson playback, signed HLS files', async () => {
    const clipPath = path.join(os.tmpdir(), `lyceum-openapi-clip-${process.pid}.mp4`);
    const made = spawnSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=25'],
      ...['-t', '0.5', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clipPath],
    ]);
    expect(made.status).toBe(0);
    const uploaded = await app.request
      .post('/api/upload')
      .set(teacher.auth)
      .attach('files', fs.readFileSync(clipPath), { filename: 'intro.mp4', contentType: 'video/mp4' });
    fs.rmSync(clipPath, { force: true });
    expect(uploaded.status).toBe(201);
    const assetId = uploaded.body[0].videoAsset.id;
    let asset = await app.request.get(`/api/videos/${assetId}`).set(teacher.auth);
    for (let attempt = 0; attempt < 200 && ['queued', 'processing'].includes(asset.body.data?.status); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      asset = await app.request.get(`/api/videos/${assetId}`).set(teacher.auth);
    }
    expect(asset.body.data.status).toBe('ready');
    expectMatchesSpec(asset, 'GET', '/videos/:assetId');
    const stranger = await make.createUser('student');
    expectMatchesSpec(await app.request.get(`/api/videos/${assetId}`).set(stranger.auth), 'GET', '/videos/:assetId');
    expectBodyAllowed('POST', '/videos/:assetId/retry', {});
    expectMatchesSpec(
      await app.request.post(`/api/videos/${assetId}/retry`).set(teacher.auth).send({}),
      'POST',
      '/videos/:assetId/retry'
    );

    const lessonId = course.lessons[1].documentId;
    await app.strapi.documents('api::lesson.lesson').update({
      documentId: lessonId,
      locale: 'en',
      data: { kind: 'video', video: uploaded.body[0].id } as any,
    });
    await app.strapi.documents('api::lesson.lesson').publish({ documentId: lessonId });
    const playback = await app.request.get(`/api/lessons/${lessonId}/playback`).set(teacher.auth);
    expectMatchesSpec(playback, 'GET', '/lessons/:documentId/playback');
    expectMatchesSpec(
      await app.request.get(`/api/lessons/${lessonId}/playback`).set(stranger.auth),
      'GET',
      '/lessons/:documentId/playback'
    );
    const hlsPath = '/videos/:assetId/hls/:name';
    expectMatchesSpec(await app.request.get(playback.body.data.hlsUrl), 'GET', hlsPath);
    expectMatchesSpec(await app.request.get(`/api/videos/${assetId}/hls/master.m3u8`), 'GET', hlsPath);

    // A video post of the same upload: its playback under the post's visibility.
    const videoPost = await app.request
      .post('/api/posts')
      .set(teacher.auth)
      .send({ kind: 'video', title: 'Intro', video: uploaded.body[0].id, visibility: 'followers' });
    expect(videoPost.status).toBe(201);
    const postPlayback = `/posts/${videoPost.body.data.documentId}/playback`;
    expectMatchesSpec(
      await app.request.get(`/api${postPlayback}`).set(teacher.auth),
      'GET',
      '/posts/:documentId/playback'
    );
    expectMatchesSpec(
      await app.request.get(`/api${postPlayback}`).set(stranger.auth),
      'GET',
      '/posts/:documentId/playback'
    );
    await app.request.delete(`/api/posts/${videoPost.body.data.documentId}`).set(teacher.auth);
    // The converted files this test made in public/uploads.
    const uploads = path.join(process.cwd(), 'public', 'uploads');
    for (const name of fs.readdirSync(uploads))
      if (name.startsWith(`video_${assetId}_`)) fs.rmSync(path.join(uploads, name), { force: true });
    fs.rmSync(path.join(process.cwd(), 'public', uploaded.body[0].url), { force: true });
  });

  test('support desk routes', async () => {
    const [user, agent] = await Promise.all([make.createUser('student'), make.createUser('support')]);
    const call = async (method: 'get' | 'post', koaPath: string, url: string, caller: TestUser, body?: object) => {
      if (body) expectBodyAllowed(method.toUpperCase(), koaPath, body);
      const request = app.request[method](`/api${url}`).set(caller.auth);
      const response = body ? await request.send(body) : await request;
      expectMatchesSpec(response, method.toUpperCase(), koaPath);
      return response;
    };
    const created = await call('post', '/support/tickets', '/support/tickets', user, {
      subject: 'Вопрос',
      body: 'Где мой сертификат?',
    });
    expect(created.status).toBe(201);
    const { documentId } = created.body.data;
    const ticketPath = `/support/tickets/${documentId}`;
    expect((await call('get', '/support/tickets', '/support/tickets?status=open', agent)).status).toBe(200);
    expect((await call('get', '/support/tickets/:documentId', ticketPath, user)).status).toBe(200);
    expect((await call('post', '/support/tickets/:documentId/assign', `${ticketPath}/assign`, agent)).status).toBe(200);
    const replied = await call('post', '/support/tickets/:documentId/messages', `${ticketPath}/messages`, agent, {
      body: 'Выслан',
    });
    expect(replied.status).toBe(201);
    expect((await call('get', '/support/tickets/:documentId/messages', `${ticketPath}/messages`, user)).status).toBe(
      200
    );
    expect((await call('post', '/support/tickets/:documentId/close', `${ticketPath}/close`, user)).status).toBe(200);
    const refused = await call('post', '/support/tickets/:documentId/messages', `${ticketPath}/messages`, user, {
      body: 'Ещё',
    });
    expect(refused.status).toBe(409);
    const stranger = await make.createUser('student');
    expect((await call('get', '/support/tickets/:documentId', ticketPath, stranger)).status).toBe(404);
  });

  test('account routes: sessions, settings, push subscriptions', async () => {
    const user = await make.createUser('student');
    const signedIn = await app.request
      .post('/api/auth/local')
      .set('User-Agent', 'OpenAPI check')
      .send({ identifier: user.email, password: 'Secret-pass-1' });
    const auth = { Authorization: `Bearer ${signedIn.body.jwt}` };
    const other = await app.request.post('/api/auth/local').send({ identifier: user.email, password: 'Secret-pass-1' });
    const sessions = await app.request.get('/api/me/sessions').set(auth);
    expectMatchesSpec(sessions, 'GET', '/me/sessions');
    expectMatchesSpec(await app.request.get('/api/me/sessions'), 'GET', '/me/sessions');
    const otherSession = sessions.body.data.find((session: { current: boolean }) => !session.current);
    expectMatchesSpec(
      await app.request.delete(`/api/me/sessions/${otherSession.id}`).set(auth),
      'DELETE',
      '/me/sessions/:id'
    );
    expectMatchesSpec(
      await app.request.delete(`/api/me/sessions/${otherSession.id}`).set(auth),
      'DELETE',
      '/me/sessions/:id'
    );
    expect(other.status).toBe(200);
    expectMatchesSpec(await app.request.delete('/api/me/sessions').set(auth), 'DELETE', '/me/sessions');

    expectMatchesSpec(await app.request.get('/api/me/settings').set(auth), 'GET', '/me/settings');
    const settings = { notifications: { grade_posted: { email: true } }, privacy: { profileVisibility: 'members' } };
    expectBodyAllowed('PUT', '/me/settings', settings);
    expectMatchesSpec(await app.request.put('/api/me/settings').set(auth).send(settings), 'PUT', '/me/settings');
    expectMatchesSpec(
      await app.request
        .put('/api/me/settings')
        .set(auth)
        .send({ privacy: { profileVisibility: 'friends' } }),
      'PUT',
      '/me/settings'
    );

    // No VAPID keys in this run: the public key is 503 push_not_configured; subscriptions are still kept.
    expectMatchesSpec(await app.request.get('/api/push/public-key'), 'GET', '/push/public-key');
    const device = createECDH('prime256v1');
    device.generateKeys();
    const subscription = {
      endpoint: 'https://push.example.com/send/openapi-device',
      keys: { p256dh: device.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
    };
    expectBodyAllowed('POST', '/me/push-subscriptions', subscription);
    expectMatchesSpec(
      await app.request.post('/api/me/push-subscriptions').set(auth).send(subscription),
      'POST',
      '/me/push-subscriptions'
    );
    expectMatchesSpec(
      await app.request
        .post('/api/me/push-subscriptions')
        .set(auth)
        .send({ ...subscription, endpoint: 'http://push.example.com/x' }),
      'POST',
      '/me/push-subscriptions'
    );
    const removal = (endpoint: string) =>
      app.request.delete('/api/me/push-subscriptions').query({ endpoint }).set(auth);
    expectMatchesSpec(await removal(subscription.endpoint), 'DELETE', '/me/push-subscriptions');
    expectMatchesSpec(await removal(subscription.endpoint), 'DELETE', '/me/push-subscriptions');
  });

  test('resumable upload routes (tus 1.0): discovery, create, offset, append, finish, cancel', async () => {
    const clipPath = path.join(os.tmpdir(), `lyceum-openapi-tus-${process.pid}.mp4`);
    const made = spawnSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=25'],
      ...['-t', '0.5', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clipPath],
    ]);
    expect(made.status).toBe(0);
    const clip = fs.readFileSync(clipPath);
    fs.rmSync(clipPath, { force: true });
    const uploader = await make.createUser('teacher');
    const base = '/uploads/resumable';
    const item = '/uploads/resumable/:uploadId';
    const tus = (request: any) => request.set(uploader.auth).set('Tus-Resumable', '1.0.0');
    const metadata = `filename ${Buffer.from('intro.mp4').toString('base64')},filetype ${Buffer.from('video/mp4').toString('base64')}`;

    expectMatchesSpec(await app.request.options(`/api${base}`), 'OPTIONS', base);
    const created = await tus(app.request.post(`/api${base}`))
      .set('Upload-Length', String(clip.length))
      .set('Upload-Metadata', metadata);
    expectMatchesSpec(created, 'POST', base);
    const uploadPath = new URL(created.headers.location, 'http://x').pathname;
    expect(uploadPath).toMatch(/^\/api\/uploads\/resumable\/[0-9a-f]{32}$/);
    const tooBig = await tus(app.request.post(`/api${base}`)).set('Upload-Length', String(1024 ** 4));
    expectMatchesSpec(tooBig, 'POST', base);
    expect(tooBig.body.error.details.reason).toBe('file_too_large');

    const half = Math.floor(clip.length / 2);
    const append = (offset: number, bytes: Buffer) =>
      tus(app.request.patch(uploadPath))
        .set('Upload-Offset', String(offset))
        .set('Content-Type', 'application/offset+octet-stream')
        .send(bytes);
    expectMatchesSpec(await append(0, clip.subarray(0, half)), 'PATCH', item);
    const offset = await tus(app.request.head(uploadPath));
    expectMatchesSpec(offset, 'HEAD', item);
    expect(offset.headers['upload-offset']).toBe(String(half));
    const stranger = await make.createUser('student');
    const foreign = await app.request.head(uploadPath).set(stranger.auth).set('Tus-Resumable', '1.0.0');
    expect(foreign.status).toBe(403);
    const finished = await append(half, clip.subarray(half));
    expect(finished.status).toBe(200);
    finished.body = JSON.parse(finished.text);
    expectMatchesSpec(finished, 'PATCH', item);

    const cancelled = await tus(app.request.post(`/api${base}`)).set('Upload-Length', '10');
    const cancelPath = new URL(cancelled.headers.location, 'http://x').pathname;
    expectMatchesSpec(await tus(app.request.delete(cancelPath)), 'DELETE', item);
    expect((await tus(app.request.head(cancelPath))).status).toBe(404);

    // The stored file and what its conversion makes, once the conversion has settled.
    let asset = await app.request.get(`/api/videos/${finished.body.videoAsset.id}`).set(uploader.auth);
    for (let attempt = 0; attempt < 200 && ['queued', 'processing'].includes(asset.body.data?.status); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      asset = await app.request.get(`/api/videos/${finished.body.videoAsset.id}`).set(uploader.auth);
    }
    const file = await app.strapi.db.query('plugin::upload.file').findOne({ where: { id: finished.body.id } });
    await app.strapi.plugin('upload').service('upload').remove(file);
  });

  test('tutor marketplace routes', async () => {
    const [tutor, client] = await Promise.all([make.createUser('teacher'), make.createUser('student')]);
    const subject = await app.strapi
      .documents('api::tag.tag' as any)
      .create({ data: { name: 'Tutor OpenAPI' } as any });
    const tutorCourse = await make.createCourse({ teacher: tutor, lessons: 0 });
    await make.enroll(client, tutorCourse);
    const call = async (
      method: 'get' | 'post' | 'put',
      koaPath: string,
      url: string,
      user?: TestUser,
      body?: object
    ) => {
      if (body) expectBodyAllowed(method.toUpperCase(), koaPath, body);
      const request = app.request[method](`/api${url}`);
      if (user) request.set(user.auth);
      const response = body ? await request.send(body) : await request;
      expectMatchesSpec(response, method.toUpperCase(), koaPath);
      return response;
    };
    const profile = {
      headline: 'Algebra, patiently',
      subjects: [subject.documentId],
      experienceYears: 4,
      hourlyRate: '30.00',
      currency: 'USD',
      languages: ['en', 'ru'],
    };
    expect((await call('put', '/me/tutor-profile', '/me/tutor-profile', tutor, profile)).status).toBe(200);
    await call('put', '/me/tutor-profile', '/me/tutor-profile', client, profile);
    await call('put', '/me/tutor-profile', '/me/tutor-profile', tutor, { currency: 'XYZ' });
    await call('get', '/me/tutor-profile', '/me/tutor-profile', tutor);
    await call('get', '/me/tutor-profile', '/me/tutor-profile', client);
    expect((await call('get', '/tutors', `/tutors?subject=${subject.documentId}&sort=price`)).body.data).toHaveLength(
      1
    );
    await call('get', '/tutors', '/tutors?language=english');
    expect((await call('get', '/tutors/:id', `/tutors/${tutor.id}`)).status).toBe(200);
    await call('get', '/tutors/:id', '/tutors/999999');
    await call('get', '/tutors/:id/intro/playback', `/tutors/${tutor.id}/intro/playback`);
    const long = 'A thorough, patient and clear tutor who explains every step of the algebra we covered. ';
    expect(
      (await call('post', '/tutors/:id/reviews', `/tutors/${tutor.id}/reviews`, client, { rating: 5, body: long }))
        .status
    ).toBe(201);
    await call('post', '/tutors/:id/reviews', `/tutors/${tutor.id}/reviews`, client, { rating: 5, body: 'Again' });
    await call('post', '/tutors/:id/reviews', `/tutors/${tutor.id}/reviews`, tutor, { rating: 5, body: 'Me' });
    expectMatchesSpec(
      await app.request.post(`/api/tutors/${tutor.id}/reviews`).set(client.auth).send({ rating: 9 }),
      'POST',
      '/tutors/:id/reviews'
    );
    expect((await call('get', '/tutors/:id/reviews', `/tutors/${tutor.id}/reviews`)).body.data).toHaveLength(1);
    expect((await call('get', '/reviews/best', '/reviews/best?limit=3')).body.data.length).toBeGreaterThan(0);
    await call('get', '/reviews/best', '/reviews/best?limit=0');
  });

  test('every described route was called and matched', () => {
    const unchecked = LYCEUM_ROUTES.map((route) => routeKey(route.method, route.path)).filter(
      (route) => !checked.has(route)
    );
    expect(unchecked).toEqual([]);
  });
});
