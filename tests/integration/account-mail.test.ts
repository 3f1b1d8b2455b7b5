import { factories, type TestUser } from '../helpers/factories';
import { smtpSettings, startMailbox, type Mailbox } from '../helpers/mailbox';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/** Mail through the production path: the nodemailer provider talking SMTP to a local server. */
let app: TestApp;
let mailbox: Mailbox;
let make: ReturnType<typeof factories>;

const USER = 'plugin::users-permissions.user';
const advancedSettings = () => app.strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' });

beforeAll(async () => {
  mailbox = await startMailbox();
  app = await startLyceum({
    ...smtpSettings(mailbox),
    EMAIL_FROM: 'Lyceum School <school@lyceum.test>',
    FRONTEND_URL: 'https://learn.example.test',
  });
  make = factories(app.strapi);
});
afterAll(async () => {
  await stopLyceum();
  await mailbox.close();
});

const register = (body: Record<string, unknown>) => app.request.post('/api/auth/local/register').send(body);
const login = (identifier: string, password: string) =>
  app.request.post('/api/auth/local').send({ identifier, password });

describe('password reset by mail', () => {
  test('forgot-password mails a link to the frontend; the code sets a new password that must follow the policy', async () => {
    const user = await make.createUser('student');
    const asked = await app.request.post('/api/auth/forgot-password').send({ email: user.email });
    expect(asked.status).toBe(200);
    const mail = await mailbox.waitFor(user.email, /reset password/i);
    expect(mail.from?.value[0]).toMatchObject({ address: 'school@lyceum.test', name: 'Lyceum School' });
    const link = /https:\/\/learn\.example\.test\/reset-password\?code=([A-Za-z0-9]+)/.exec(
      String(mail.html || mail.text)
    );
    expect(link).not.toBeNull();
    const code = link![1];

    const weak = await app.request
      .post('/api/auth/reset-password')
      .send({ code, password: 'short', passwordConfirmation: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details.errors[0].path).toEqual(['password']);
    const reset = await app.request
      .post('/api/auth/reset-password')
      .send({ code, password: 'A-new-pass-42', passwordConfirmation: 'A-new-pass-42' });
    expect(reset.status).toBe(200);
    expect((await login(user.email, 'A-new-pass-42')).status).toBe(200);
    expect((await login(user.email, 'Secret-pass-1')).status).toBe(400);
  });

  test('an unknown address gets the same answer and no mail', async () => {
    const before = mailbox.messages.length;
    const response = await app.request.post('/api/auth/forgot-password').send({ email: 'nobody-here@example.test' });
    expect(response.status).toBe(200);
    expect(mailbox.to('nobody-here@example.test')).toHaveLength(0);
    expect(mailbox.messages.length).toBe(before);
  });
});

describe('email confirmation, when the setting asks for it', () => {
  afterAll(async () => {
    await advancedSettings().set({
      value: { ...((await advancedSettings().get({})) as object), email_confirmation: false },
    });
  });

  test('registration mails a confirmation link; login waits for it', async () => {
    await advancedSettings().set({
      value: { ...((await advancedSettings().get({})) as object), email_confirmation: true },
    });
    const email = `confirm_${Date.now()}@example.test`;
    const registered = await register({ username: `confirm_${Date.now()}`, email, password: 'Good-pass-123' });
    expect(registered.status).toBe(200);
    expect(registered.body.jwt).toBeUndefined();
    const mail = await mailbox.waitFor(email, /confirmation/i);
    const code = /confirmation=([A-Za-z0-9]+)/.exec(String(mail.html || mail.text))![1];

    const early = await login(email, 'Good-pass-123');
    expect(early.status).toBe(400);
    expect(early.body.error.message).toMatch(/not confirmed/i);
    const confirmed = await app.request.get(`/api/auth/email-confirmation?confirmation=${code}`);
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.location).toBe('https://learn.example.test/email-confirmed');
    expect((await login(email, 'Good-pass-123')).status).toBe(200);
  });
});

describe('mail from the learning rules', () => {
  let teacher: TestUser;
  beforeAll(async () => {
    teacher = await make.createUser('teacher');
  });

  test('enrolling mails a confirmation naming the course', async () => {
    const course = await make.createCourse({ teacher, lessons: 1 });
    const student = await make.createUser('student');
    expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth)).status).toBe(
      201
    );
    const mail = await mailbox.waitFor(student.email, /enrolled/i);
    expect(mail.subject).toContain(course.title);
  });

  test('completing a course mails the certificate with its verification link', async () => {
    const course = await make.createCourse({ teacher, lessons: 1 });
    const student = await make.createUser('student', { fullName: 'Анна Каренина' });
    await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth);
    expect(
      (await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth)).body.data
        .courseCompleted
    ).toBe(true);
    const mail = await mailbox.waitFor(student.email, /certificate/i);
    expect(mail.subject).toContain(course.title);
    expect(mail.text).toContain('Анна Каренина');
    expect(mail.text).toMatch(/\/certificates\/verify\/[A-Za-z0-9_-]{22}/);
  });
});

describe('password policy', () => {
  test.each([
    ['too short', 'Ab-1'],
    ['the email itself', 'EMAIL'],
    ['containing the username', 'x-USERNAME-1'],
    ['longer than bcrypt reads', 'x'.repeat(73)],
  ])('registration refuses a password %s, and creates nobody', async (_name, template) => {
    const username = `policy${Math.random().toString(36).slice(2, 8)}`;
    const email = `${username}@example.test`;
    const password = template.replace('EMAIL', email).replace('USERNAME', username);
    const response = await register({ username, email, password });
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors[0].path).toEqual(['password']);
    expect(await app.strapi.db.query(USER).count({ where: { email } })).toBe(0);
  });

  test('admins creating users are held to it too', async () => {
    const admin = await make.createUser('admin');
    const weak = await app.request
      .post('/api/users')
      .set(admin.auth)
      .send({ username: 'weakling', email: 'weakling@example.test', password: 'weakling-1', role: 'student' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details.errors[0].path).toEqual(['password']);
  });

  test('changing one’s password checks the new one', async () => {
    const user = await make.createUser('student');
    const weak = await app.request
      .post('/api/auth/change-password')
      .set(user.auth)
      .send({ currentPassword: 'Secret-pass-1', password: 'short', passwordConfirmation: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details.errors[0].path).toEqual(['password']);
  });
});

describe('sessions: short access tokens renewed by refresh tokens, revoked by logout', () => {
  test('refresh gives a new working access token; after logout the refresh token is dead', async () => {
    const user = await make.createUser('student');
    const session = await login(user.email, 'Secret-pass-1');
    expect(session.status).toBe(200);
    const { jwt, refreshToken } = session.body;
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(600);

    const renewed = await app.request.post('/api/auth/refresh').send({ refreshToken });
    expect(renewed.status).toBe(200);
    expect(renewed.body.jwt).toEqual(expect.any(String));
    expect((await app.request.get('/api/users/me').set({ Authorization: `Bearer ${renewed.body.jwt}` })).status).toBe(
      200
    );
    // Refresh tokens rotate: the one just used is spent, and showing it again ends the session (tests/integration/sessions.test.ts).
    expect((await app.request.post('/api/auth/refresh').send({ refreshToken })).status).toBe(401);
    expect((await app.request.get('/api/users/me').set({ Authorization: `Bearer ${renewed.body.jwt}` })).status).toBe(
      401
    );

    const again = await login(user.email, 'Secret-pass-1');
    const loggedOut = await app.request
      .post('/api/auth/logout')
      .set({ Authorization: `Bearer ${again.body.jwt}` })
      .send({});
    expect(loggedOut.status).toBe(200);
    expect((await app.request.post('/api/auth/refresh').send({ refreshToken: again.body.refreshToken })).status).toBe(
      401
    );
    expect((await app.request.post('/api/auth/refresh').send({})).status).toBe(400);
  });
});
