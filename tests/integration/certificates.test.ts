import { factories, type TestUser } from '../helpers/factories';
import { pdfText } from '../helpers/pdf';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;
let otherTeacher: TestUser;
let admin: TestUser;
let sentMail: jest.SpyInstance;

const CODE = /^[A-Za-z0-9_-]{22}$/;

const binary = (request: any) =>
  request.buffer(true).parse((response: any, done: (error: Error | null, body: Buffer) => void) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => done(null, Buffer.concat(chunks)));
  });

/** A student who completed a one-lesson course through the API. */
async function graduate(studentOverrides: Record<string, unknown> = {}) {
  const course = await make.createCourse({ teacher: owner, lessons: 1 });
  const student = await make.createUser('student', studentOverrides);
  expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth)).status).toBe(201);
  expect(
    (await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth)).body.data
      .courseCompleted
  ).toBe(true);
  const certificate = await waitForCertificate(student);
  return { course, student, certificate };
}

/** The completion event is handled asynchronously; the certificate follows within moments. */
async function waitForCertificate(student: TestUser) {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const mine = await app.request.get('/api/me/certificates').set(student.auth);
    if (mine.body.data?.length) return mine.body.data[0];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no certificate was issued');
}

beforeAll(async () => {
  app = await startLyceum({ RATE_LIMIT_CERTIFICATE_VERIFY_PER_IP: '40' });
  make = factories(app.strapi);
  sentMail = jest.spyOn(app.strapi.plugin('email').service('email'), 'send').mockResolvedValue(undefined as never);
  [owner, otherTeacher, admin] = await Promise.all([
    make.createUser('teacher', { fullName: 'Лев Толстой' }),
    make.createUser('teacher'),
    make.createUser('admin'),
  ]);
});
afterAll(stopLyceum);

describe('issuing', () => {
  test('completing a course issues one certificate with a snapshot and emails the holder', async () => {
    const { course, student, certificate } = await graduate({ fullName: 'Анна Каренина' });
    expect(certificate).toMatchObject({
      code: expect.stringMatching(CODE),
      status: 'issued',
      studentName: 'Анна Каренина',
      courseTitle: course.title,
      teacherNames: 'Лев Толстой',
      finalPercent: 100,
      course: { documentId: course.documentId },
    });
    expect(sentMail).toHaveBeenCalledWith(
      expect.objectContaining({ to: student.email, subject: expect.stringContaining(course.title) })
    );
    // The snapshot stays when the student renames themself later.
    await app.request.put('/api/users/me').set(student.auth).send({ fullName: 'Anna K.' });
    expect((await waitForCertificate(student)).studentName).toBe('Анна Каренина');
  });

  test('a certificate names every teacher of the course once, in the order the course lists them', async () => {
    const service = app.strapi.plugin('certificates').service('certificates');
    const student = await make.createUser('student');
    const listed = await make.createCourse({
      lessons: 1,
      data: { teachers: [otherTeacher.documentId, owner.documentId] },
    });
    const reversed = await make.createCourse({
      lessons: 1,
      data: { teachers: [owner.documentId, otherTeacher.documentId] },
    });
    const other = await app.strapi.db
      .query('plugin::users-permissions.user')
      .findOne({ where: { id: otherTeacher.id }, select: ['username', 'fullName'] });
    const otherName = other.fullName || other.username;
    const issued = await service.issue({ userId: student.id, courseDocumentId: listed.documentId, now: new Date() });
    expect(issued.certificate.teacherNames).toBe(`${otherName}, Лев Толстой`);
    expect(
      (await service.issue({ userId: student.id, courseDocumentId: reversed.documentId, now: new Date() })).certificate
        .teacherNames
    ).toBe(`Лев Толстой, ${otherName}`);
    // The certificate links its holder and the published course, as one made through the query engine would.
    const stored = await app.strapi.db.query('plugin::certificates.certificate').findOne({
      where: { id: issued.certificate.id },
      populate: { user: { select: ['id'] }, course: { select: ['documentId', 'publishedAt'] } },
    });
    expect(stored).toMatchObject({
      user: { id: student.id },
      course: { documentId: listed.documentId, publishedAt: expect.anything() },
    });
  });

  test('twenty simultaneous issues for one student and course leave one certificate', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 1 });
    const student = await make.createUser('student');
    const service = app.strapi.plugin('certificates').service('certificates');
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        service.issue({ userId: student.id, courseDocumentId: course.documentId, now: new Date() })
      )
    );
    expect(results.filter((result: { created: boolean }) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result: { certificate: { code: string } }) => result.certificate.code)).size).toBe(1);
    expect(
      await app.strapi.db
        .query('plugin::certificates.certificate')
        .count({ where: { key: `${student.id}:${course.documentId}` } })
    ).toBe(1);
  });

  test('owners and admins issue by hand once; others are refused', async () => {
    const course = await make.createCourse({ teacher: owner, lessons: 1 });
    const [student, peer] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    const issue = (caller: TestUser | null, body: unknown) =>
      app.request
        .post(`/api/courses/${course.documentId}/certificates`)
        .set(caller ? caller.auth : {})
        .send(body as object);
    expect((await issue(null, { user: student.id })).status).toBe(401);
    expect((await issue(peer, { user: student.id })).status).toBe(403);
    expect((await issue(otherTeacher, { user: student.id })).status).toBe(403);
    expect((await issue(owner, { user: 'me' })).status).toBe(400);
    expect((await issue(owner, {})).status).toBe(400);
    expect((await issue(owner, { user: student.id, code: 'mine' })).status).toBe(400);
    expect((await issue(owner, { user: 999_999 })).status).toBe(404);
    const issued = await issue(owner, { user: student.id });
    expect(issued.status).toBe(201);
    expect(issued.body.data.code).toMatch(CODE);
    const again = await issue(admin, { user: student.id });
    expect(again.status).toBe(409);
    expect(again.body.error.details.reason).toBe('already_issued');
    expect(
      (await app.request.post('/api/courses/nosuchcourse0000/certificates').set(admin.auth).send({ user: student.id }))
        .status
    ).toBe(404);
  });
});

describe('the PDF', () => {
  test('holder, owner and admin download an A4 PDF with the Cyrillic name, the verification URL and a QR code', async () => {
    const { student, certificate } = await graduate({ fullName: 'Фёдор Достоевский' });
    for (const caller of [student, owner, admin]) {
      const response = await binary(
        app.request.get(`/api/certificates/${certificate.documentId}/pdf`).set(caller.auth)
      );
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      const text = pdfText(response.body);
      expect(text).toContain('Фёдор Достоевский');
      expect(text).toContain(`/api/certificates/verify/${certificate.code}`);
      expect(response.body.toString('latin1')).toMatch(/\/MediaBox \[0 0 841\.89 595\.28\]/);
      expect(response.body.toString('latin1')).toContain('/Subtype /Image');
    }
  });

  test('the same certificate renders to the same bytes', async () => {
    const { student, certificate } = await graduate();
    const first = await binary(app.request.get(`/api/certificates/${certificate.documentId}/pdf`).set(student.auth));
    const second = await binary(app.request.get(`/api/certificates/${certificate.documentId}/pdf`).set(student.auth));
    expect(Buffer.compare(first.body, second.body)).toBe(0);
  });

  test("someone else's certificate is 403, unknown 404, malformed 400, no token 401", async () => {
    const { certificate } = await graduate();
    const stranger = await make.createUser('student');
    expect((await app.request.get(`/api/certificates/${certificate.documentId}/pdf`).set(stranger.auth)).status).toBe(
      403
    );
    expect(
      (await app.request.get(`/api/certificates/${certificate.documentId}/pdf`).set(otherTeacher.auth)).status
    ).toBe(403);
    expect((await app.request.get('/api/certificates/nosuchcertificate/pdf').set(stranger.auth)).status).toBe(404);
    expect((await app.request.get(`/api/certificates/${'x'.repeat(65)}/pdf`).set(stranger.auth)).status).toBe(400);
    expect((await app.request.get(`/api/certificates/${certificate.documentId}/pdf`)).status).toBe(401);
  });
});

describe('verification and revocation', () => {
  test('anyone verifies a code and sees names and dates, nothing private', async () => {
    const { student, certificate, course } = await graduate({ fullName: 'Public Person' });
    const response = await app.request.get(`/api/certificates/verify/${certificate.code}`);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      valid: true,
      status: 'issued',
      code: certificate.code,
      studentName: 'Public Person',
      courseTitle: course.title,
      teacherNames: 'Лев Толстой',
      finalPercent: 100,
      issuedAt: expect.any(String),
    });
    expect(JSON.stringify(response.body)).not.toContain(student.email);
    expect(JSON.stringify(response.body)).not.toMatch(/"(user|userId|email|id)"/);
  });

  test.each(['AAAAAAAAAAAAAAAAAAAAAA', 'short', 'x'.repeat(200), 'bad%20code!!', '%27%20OR%201%3D1'])(
    'code %s is 404',
    async (code) => {
      expect((await app.request.get(`/api/certificates/verify/${code}`)).status).toBe(404);
    }
  );

  test('an owner revokes with a reason; the code then verifies as revoked, once', async () => {
    const { certificate, student } = await graduate();
    const revoke = (caller: TestUser, body: object) =>
      app.request.post(`/api/certificates/${certificate.documentId}/revoke`).set(caller.auth).send(body);
    expect((await revoke(student, { reason: 'I want to' })).status).toBe(403);
    expect((await revoke(otherTeacher, { reason: 'Not mine' })).status).toBe(403);
    expect((await revoke(owner, {})).status).toBe(400);
    expect((await revoke(owner, { reason: '   ' })).status).toBe(400);
    expect((await revoke(owner, { reason: 'x'.repeat(2001) })).status).toBe(400);
    const revoked = await revoke(owner, { reason: 'Plagiarism in the final project' });
    expect(revoked.status).toBe(200);
    expect(revoked.body.data).toMatchObject({
      status: 'revoked',
      revokedAt: expect.any(String),
      revokeReason: 'Plagiarism in the final project',
    });
    const again = await revoke(admin, { reason: 'Again' });
    expect(again.status).toBe(409);
    expect(again.body.error.details.reason).toBe('already_revoked');
    const verified = await app.request.get(`/api/certificates/verify/${certificate.code}`);
    expect(verified.body.data).toMatchObject({ valid: false, status: 'revoked', revokedAt: expect.any(String) });
    expect(verified.body.data).not.toHaveProperty('revokeReason');
  });

  test('certificates survive access expiry and the course being unpublished', async () => {
    const { course, student, certificate } = await graduate();
    await app.strapi.db
      .query('plugin::enrollment.enrollment')
      .updateMany({ where: { key: `${student.id}:${course.documentId}` }, data: { status: 'expired' } });
    await app.strapi.documents('api::course.course').unpublish({ documentId: course.documentId });
    expect((await app.request.get(`/api/certificates/verify/${certificate.code}`)).body.data.valid).toBe(true);
    expect((await app.request.get('/api/me/certificates').set(student.auth)).body.data).toHaveLength(1);
    expect(
      (await binary(app.request.get(`/api/certificates/${certificate.documentId}/pdf`).set(student.auth))).status
    ).toBe(200);
  });

  test('verification is rate-limited per address against enumeration', async () => {
    let limited: any;
    for (let attempt = 0; attempt < 45 && !limited; attempt += 1) {
      const response = await app.request.get('/api/certificates/verify/AAAAAAAAAAAAAAAAAAAAAA');
      if (response.status === 429) limited = response;
    }
    expect(limited).toBeDefined();
    expect(limited.body.error.details.reason).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
