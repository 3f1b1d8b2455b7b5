import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let admin: TestUser;

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  admin = await make.createUser('admin');
});
afterAll(stopLyceum);

describe('registration and login', () => {
  test('registration gives the student role and keeps fullName', async () => {
    const registration = await app.request.post('/api/auth/local/register').send({
      username: 'new_learner',
      email: 'new.learner@example.test',
      password: 'Secret-pass-1',
      fullName: 'Новый Ученик',
    });
    expect(registration.status).toBe(200);
    expect(registration.body.jwt).toEqual(expect.any(String));
    expect(registration.body.user).not.toHaveProperty('password');

    const me = await app.request.get('/api/users/me').set('Authorization', `Bearer ${registration.body.jwt}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      username: 'new_learner',
      email: 'new.learner@example.test',
      fullName: 'Новый Ученик',
      role: { type: 'student' },
    });
  });

  test('registration cannot pick a role or other privileged fields', async () => {
    const registration = await app.request.post('/api/auth/local/register').send({
      username: 'sneaky_one',
      email: 'sneaky@example.test',
      password: 'Secret-pass-1',
      role: 'admin',
      confirmed: true,
      blocked: false,
    });
    // Users-permissions refuses unknown fields outright rather than dropping them.
    expect(registration.status).toBe(400);
    const stored = await app.strapi.db
      .query('plugin::users-permissions.user')
      .findOne({ where: { username: 'sneaky_one' } });
    expect(stored).toBeNull();
  });

  test('login returns an access token and a refresh token', async () => {
    const student = await make.createUser('student');
    const login = await app.request
      .post('/api/auth/local')
      .send({ identifier: student.email, password: 'Secret-pass-1' });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({
      jwt: expect.any(String),
      refreshToken: expect.any(String),
      user: { email: student.email },
    });
    const refreshed = await app.request.post('/api/auth/refresh').send({ refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.jwt).toEqual(expect.any(String));
  });

  test('a wrong password is 400 and no token', async () => {
    const student = await make.createUser('student');
    const login = await app.request
      .post('/api/auth/local')
      .send({ identifier: student.email, password: 'wrong-password' });
    expect(login.status).toBe(400);
    expect(login.body.jwt).toBeUndefined();
  });
});

describe('GET and PUT /users/me', () => {
  test('without a token both are 401', async () => {
    expect((await app.request.get('/api/users/me')).status).toBe(401);
    expect((await app.request.put('/api/users/me').send({ fullName: 'x' })).status).toBe(401);
  });

  test('a bad token is 401', async () => {
    expect((await app.request.get('/api/users/me').set('Authorization', 'Bearer not-a-token')).status).toBe(401);
  });

  test('updates profile fields and returns the profile without secrets', async () => {
    const student = await make.createUser('student');
    const response = await app.request
      .put('/api/users/me')
      .set(student.auth)
      .send({ fullName: 'Ada Lovelace', bio: 'Counts things', locale: 'ru' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      fullName: 'Ada Lovelace',
      bio: 'Counts things',
      locale: 'ru',
      role: { type: 'student' },
    });
    for (const secret of ['password', 'resetPasswordToken', 'confirmationToken'])
      expect(response.body).not.toHaveProperty(secret);
  });

  test.each([
    ['role', { role: 'admin' }],
    ['email', { email: 'other@example.test' }],
    ['blocked', { blocked: true }],
    ['confirmed', { confirmed: false }],
    ['password', { password: 'New-pass-123' }],
    ['username', { username: 'renamed' }],
  ])('refuses %s with 400 naming the field and changes nothing', async (field, body) => {
    const student = await make.createUser('student');
    const response = await app.request
      .put('/api/users/me')
      .set(student.auth)
      .send({ fullName: 'Should not stick', ...body });
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: [field] })])
    );
    const stored = await app.strapi.db
      .query('plugin::users-permissions.user')
      .findOne({ where: { id: student.id }, populate: { role: true } });
    expect(stored).toMatchObject({
      email: student.email,
      blocked: false,
      confirmed: true,
      username: student.username,
      role: { type: 'student' },
    });
    expect(stored.fullName).not.toBe('Should not stick');
  });

  test.each([
    ['fullName', { fullName: 42 }],
    ['fullName', { fullName: 'x'.repeat(121) }],
    ['locale', { locale: 'de' }],
    ['avatar', { avatar: 'not-an-id' }],
    ['avatar', { avatar: 999999 }],
  ])('refuses a malformed %s with 400', async (field, body) => {
    const student = await make.createUser('student');
    const response = await app.request.put('/api/users/me').set(student.auth).send(body);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.error.details)).toContain(field);
  });

  test('a body that is not an object is 400', async () => {
    const student = await make.createUser('student');
    const response = await app.request
      .put('/api/users/me')
      .set(student.auth)
      .set('Content-Type', 'application/json')
      .send('[1,2]');
    expect(response.status).toBe(400);
  });
});

describe('admin user management', () => {
  test('admin creates a teacher by role name and changes the role later', async () => {
    const created = await app.request.post('/api/users').set(admin.auth).send({
      username: 'fresh_teacher',
      email: 'fresh.teacher@example.test',
      password: 'Secret-pass-1',
      role: 'teacher',
    });
    expect(created.status).toBe(201);
    const stored = await app.strapi.db
      .query('plugin::users-permissions.user')
      .findOne({ where: { id: created.body.id }, populate: { role: true } });
    expect(stored.role.type).toBe('teacher');

    const promoted = await app.request.put(`/api/users/${created.body.id}`).set(admin.auth).send({ role: 'admin' });
    expect(promoted.status).toBe(200);
    const again = await app.strapi.db
      .query('plugin::users-permissions.user')
      .findOne({ where: { id: created.body.id }, populate: { role: true } });
    expect(again.role.type).toBe('admin');
  });

  test('an unknown role name is 400 naming role, and nothing is created', async () => {
    const response = await app.request
      .post('/api/users')
      .set(admin.auth)
      .send({ username: 'ghost_user', email: 'ghost@example.test', password: 'Secret-pass-1', role: 'superuser' });
    expect(response.status).toBe(400);
    expect(response.body.error.details.errors[0].path).toEqual(['role']);
    expect(
      await app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { username: 'ghost_user' } })
    ).toBeNull();
  });

  test('admins see emails; a teacher cannot list users', async () => {
    const list = await app.request.get('/api/users').set(admin.auth);
    expect(list.status).toBe(200);
    expect(list.body[0]).toHaveProperty('email');
    expect(list.body[0]).not.toHaveProperty('password');
    const teacher = await make.createUser('teacher');
    expect((await app.request.get('/api/users').set(teacher.auth)).status).toBe(403);
  });

  test('an unknown user id is 404 for admins', async () => {
    expect((await app.request.get('/api/users/999999').set(admin.auth)).status).toBe(404);
    expect((await app.request.put('/api/users/999999').set(admin.auth).send({ fullName: 'x' })).status).toBe(404);
  });
});
