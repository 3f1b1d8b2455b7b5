import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Contract, "Security": a blocked user's refresh → 401; logout ends the session, its access token refused at once;
 * reusing a rotated refresh token ends the whole session. Sessions are core's session manager rows (admin::session).
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
const USER = 'plugin::users-permissions.user';

beforeAll(async () => {
  // Sign-in limits out of the way: these tests log in often.
  app = await startLyceum({ RATE_LIMIT_AUTH_PER_IDENTIFIER: '1000', RATE_LIMIT_AUTH_PER_IP: '10000' });
  make = factories(app.strapi);
});
afterAll(stopLyceum);

interface Pair {
  jwt: string;
  refreshToken: string;
}

async function signIn(user: TestUser, body: Record<string, unknown> = {}): Promise<Pair> {
  const response = await app.request
    .post('/api/auth/local')
    .send({ identifier: user.email, password: 'Secret-pass-1', ...body });
  expect(response.status).toBe(200);
  return { jwt: response.body.jwt, refreshToken: response.body.refreshToken };
}

const me = (jwt: string) => app.request.get('/api/users/me').set({ Authorization: `Bearer ${jwt}` });
const refresh = (refreshToken: unknown) => app.request.post('/api/auth/refresh').send({ refreshToken });
const logout = (jwt: string, body: unknown = {}) =>
  app.request
    .post('/api/auth/logout')
    .set({ Authorization: `Bearer ${jwt}` })
    .send(body as object);

async function renew(refreshToken: string): Promise<Pair> {
  const response = await refresh(refreshToken);
  expect(response.status).toBe(200);
  return { jwt: response.body.jwt, refreshToken: response.body.refreshToken };
}

describe('the normal flow', () => {
  test('login, refresh and logout work; the access token minted before the refresh keeps working until logout', async () => {
    const student = await make.createUser('student');
    const first = await signIn(student);
    expect((await me(first.jwt)).status).toBe(200);
    const second = await renew(first.refreshToken);
    expect((await me(second.jwt)).status).toBe(200);
    expect((await me(first.jwt)).status).toBe(200);
    const third = await renew(second.refreshToken);
    expect((await me(third.jwt)).status).toBe(200);

    expect((await logout(third.jwt, { refreshToken: third.refreshToken })).status).toBe(200);
    expect((await me(third.jwt)).status).toBe(401);
    expect((await me(first.jwt)).status).toBe(401);
    expect((await refresh(third.refreshToken)).status).toBe(401);
  });
});

describe('logout ends the session', () => {
  test('its access token is refused on the very next request, and its refresh token too', async () => {
    const student = await make.createUser('student');
    const session = await signIn(student);
    // Asked twice, so the session is remembered before logout: the logout must still apply at once.
    expect((await me(session.jwt)).status).toBe(200);
    expect((await me(session.jwt)).status).toBe(200);
    const loggedOut = await logout(session.jwt);
    expect(loggedOut.status).toBe(200);
    const refused = await me(session.jwt);
    expect(refused.status).toBe(401);
    expect(refused.body.data).toBeNull();
    expect((await refresh(session.refreshToken)).status).toBe(401);
    // A second logout with the dead token is refused, not an error.
    expect((await logout(session.jwt)).status).toBe(401);
  });

  test('logging out with an older access token of the session ends the newer tokens as well', async () => {
    const student = await make.createUser('student');
    const first = await signIn(student);
    const second = await renew(first.refreshToken);
    expect((await me(second.jwt)).status).toBe(200);
    expect((await logout(first.jwt)).status).toBe(200);
    expect((await me(second.jwt)).status).toBe(401);
    expect((await refresh(second.refreshToken)).status).toBe(401);
  });

  test("one session's logout leaves the user's other sessions working", async () => {
    const student = await make.createUser('student');
    const laptop = await signIn(student);
    const phone = await signIn(student);
    expect((await logout(laptop.jwt, { refreshToken: laptop.refreshToken })).status).toBe(200);
    expect((await me(laptop.jwt)).status).toBe(401);
    expect((await me(phone.jwt)).status).toBe(200);
    const renewed = await renew(phone.refreshToken);
    expect((await me(renewed.jwt)).status).toBe(200);
  });

  test("a refresh token of another user in the logout body does not end that user's session", async () => {
    const student = await make.createUser('student');
    const other = await make.createUser('student');
    const mine = await signIn(student);
    const theirs = await signIn(other);
    expect((await logout(mine.jwt, { refreshToken: theirs.refreshToken })).status).toBe(200);
    expect((await me(theirs.jwt)).status).toBe(200);
    expect((await refresh(theirs.refreshToken)).status).toBe(200);
  });

  test("logout with scope 'all' ends every session of the user", async () => {
    const student = await make.createUser('student');
    const laptop = await signIn(student);
    const phone = await signIn(student);
    expect((await logout(laptop.jwt, { scope: 'all' })).status).toBe(200);
    expect((await me(phone.jwt)).status).toBe(401);
    expect((await refresh(phone.refreshToken)).status).toBe(401);
  });

  test('DELETE /auth/sessions/:id ends that whole session, older access tokens included', async () => {
    const student = await make.createUser('student');
    const laptop = await signIn(student);
    const laptopLater = await renew(laptop.refreshToken);
    const phone = await signIn(student);
    const listed = await app.request.get('/api/auth/sessions').set({ Authorization: `Bearer ${phone.jwt}` });
    expect(listed.status).toBe(200);
    const laptopClaims = JSON.parse(Buffer.from(laptopLater.jwt.split('.')[1], 'base64url').toString());
    const revoked = await app.request
      .delete(`/api/auth/sessions/${laptopClaims.sessionId}`)
      .set({ Authorization: `Bearer ${phone.jwt}` });
    expect(revoked.status).toBe(200);
    expect((await me(laptop.jwt)).status).toBe(401);
    expect((await me(laptopLater.jwt)).status).toBe(401);
    expect((await refresh(laptopLater.refreshToken)).status).toBe(401);
    expect((await me(phone.jwt)).status).toBe(200);
  });
});

describe('reusing a rotated refresh token ends the whole session', () => {
  test('the reused token is 401 and the newer refresh token and access tokens stop working', async () => {
    const student = await make.createUser('student');
    const first = await signIn(student);
    const second = await renew(first.refreshToken);
    expect((await me(second.jwt)).status).toBe(200);

    const reused = await refresh(first.refreshToken);
    expect(reused.status).toBe(401);
    expect(reused.body.error.details.reason).toBe('refresh_token_reused');
    expect((await refresh(second.refreshToken)).status).toBe(401);
    expect((await me(second.jwt)).status).toBe(401);
    expect((await me(first.jwt)).status).toBe(401);
  });

  test('the theft case: the thief refreshed first, the owner then shows the old token, and the thief is out', async () => {
    const student = await make.createUser('student');
    const owner = await signIn(student);
    const thief = await renew(owner.refreshToken);
    const thiefLater = await renew(thief.refreshToken);
    expect((await refresh(owner.refreshToken)).status).toBe(401);
    expect((await me(thiefLater.jwt)).status).toBe(401);
    expect((await refresh(thiefLater.refreshToken)).status).toBe(401);
  });

  test("another session of the same user survives one session's reuse", async () => {
    const student = await make.createUser('student');
    const laptop = await signIn(student);
    const phone = await signIn(student);
    await renew(laptop.refreshToken);
    expect((await refresh(laptop.refreshToken)).status).toBe(401);
    expect((await me(phone.jwt)).status).toBe(200);
    expect((await refresh(phone.refreshToken)).status).toBe(200);
  });

  test('a rotated token with a forged signature is refused without ending the session', async () => {
    const student = await make.createUser('student');
    const first = await signIn(student);
    const second = await renew(first.refreshToken);
    const [header, payload] = first.refreshToken.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    const refused = await refresh(forged);
    expect(refused.status).toBe(401);
    expect(refused.body.error.details?.reason).toBeUndefined();
    expect((await me(second.jwt)).status).toBe(200);
    expect((await refresh(second.refreshToken)).status).toBe(200);
  });

  test('every session gets a device id of its own, so ending one by reuse leaves the others, server-issued ones included', async () => {
    const student = await make.createUser('student');
    // The factory's token comes from users-permissions' jwt.issue, which passes no device id.
    const claims = JSON.parse(Buffer.from(student.jwt.split('.')[1], 'base64url').toString());
    const row = await app.strapi.db.query('admin::session').findOne({ where: { sessionId: claims.sessionId } });
    expect(row.deviceId).toEqual(expect.any(String));
    const first = await signIn(student, { deviceId: 'shared-tablet' });
    const second = await renew(first.refreshToken);
    expect((await refresh(first.refreshToken)).status).toBe(401);
    expect((await me(second.jwt)).status).toBe(401);
    expect((await me(student.jwt)).status).toBe(200);
  });
});

describe('blocked users', () => {
  test("a blocked user's refresh is 401 and gives no tokens; their access token is refused at once", async () => {
    const student = await make.createUser('student');
    const session = await signIn(student);
    expect((await me(session.jwt)).status).toBe(200);
    await app.strapi.db.query(USER).update({ where: { id: student.id }, data: { blocked: true } });
    const refused = await refresh(session.refreshToken);
    expect(refused.status).toBe(401);
    expect(refused.body.jwt).toBeUndefined();
    expect(refused.body.error.details.reason).toBe('account_blocked');
    expect((await me(session.jwt)).status).toBe(401);

    await app.strapi.db.query(USER).update({ where: { id: student.id }, data: { blocked: false } });
    expect((await refresh(session.refreshToken)).status).toBe(200);
  });

  test('an administrator blocking a user through PUT /users/:id shuts the user out too', async () => {
    const admin = await make.createUser('admin');
    const student = await make.createUser('student');
    const session = await signIn(student);
    expect((await app.request.put(`/api/users/${student.id}`).set(admin.auth).send({ blocked: true })).status).toBe(
      200
    );
    expect((await me(session.jwt)).status).toBe(401);
    expect((await refresh(session.refreshToken)).status).toBe(401);
  });
});

describe('password change and reset end the other sessions', () => {
  test('after change-password only the tokens it returns work', async () => {
    const student = await make.createUser('student');
    const laptop = await signIn(student);
    const phone = await signIn(student);
    const changed = await app.request
      .post('/api/auth/change-password')
      .set({ Authorization: `Bearer ${laptop.jwt}` })
      .send({ currentPassword: 'Secret-pass-1', password: 'Another-pass-42', passwordConfirmation: 'Another-pass-42' });
    expect(changed.status).toBe(200);
    expect((await me(phone.jwt)).status).toBe(401);
    expect((await refresh(phone.refreshToken)).status).toBe(401);
    expect((await me(laptop.jwt)).status).toBe(401);
    expect((await me(changed.body.jwt)).status).toBe(200);
    expect((await refresh(changed.body.refreshToken)).status).toBe(200);
  });
});

describe('password reset ends every session', () => {
  test('after reset-password the old access and refresh tokens are refused at once', async () => {
    const student = await make.createUser('student');
    const session = await signIn(student);
    expect((await me(session.jwt)).status).toBe(200);
    await app.strapi.db
      .query(USER)
      .update({ where: { id: student.id }, data: { resetPasswordToken: `reset-${student.id}` } });
    const reset = await app.request
      .post('/api/auth/reset-password')
      .send({ code: `reset-${student.id}`, password: 'Another-pass-42', passwordConfirmation: 'Another-pass-42' });
    expect(reset.status).toBe(200);
    expect((await me(session.jwt)).status).toBe(401);
    expect((await refresh(session.refreshToken)).status).toBe(401);
    expect((await me(reset.body.jwt)).status).toBe(200);
  });
});

describe('malformed refresh and logout bodies', () => {
  test('a device id longer than the sessions table holds is 400 naming deviceId, at most that long is fine', async () => {
    const student = await make.createUser('student');
    const tooLong = await app.request
      .post('/api/auth/local')
      .send({ identifier: student.email, password: 'Secret-pass-1', deviceId: 'd'.repeat(256) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details.errors[0].path).toEqual(['deviceId']);
    const session = await signIn(student, { deviceId: 'd'.repeat(255) });
    expect((await me(session.jwt)).status).toBe(200);
    expect((await logout(session.jwt, { deviceId: 'e'.repeat(10_000) })).status).toBe(200);
  });

  test('refresh answers 400 or 401, never 500', async () => {
    const student = await make.createUser('student');
    const session = await signIn(student);
    const bodies: unknown[] = [
      {},
      { refreshToken: 5 },
      { refreshToken: {} },
      { refreshToken: [session.refreshToken] },
      { refreshToken: null },
      { refreshToken: '' },
      { refreshToken: 'not.a.jwt' },
      { refreshToken: session.jwt },
      { refreshToken: 'x'.repeat(20_000) },
      [],
      ['x'],
    ];
    for (const body of bodies) {
      const response = await app.request.post('/api/auth/refresh').send(body as object);
      expect([400, 401]).toContain(response.status);
    }
    for (const raw of ['{', '"just a string"', 'null']) {
      const response = await app.request.post('/api/auth/refresh').set('Content-Type', 'application/json').send(raw);
      expect(response.status).toBeLessThan(500);
      expect(response.status).toBeGreaterThanOrEqual(400);
    }
    // None of it hurt the session.
    expect((await refresh(session.refreshToken)).status).toBe(200);
  });

  test('logout answers 200 or 4xx, never 500, and without a token 401', async () => {
    expect((await app.request.post('/api/auth/logout').send({})).status).toBe(401);
    const bodies: unknown[] = [
      { refreshToken: 5 },
      { refreshToken: {} },
      { refreshToken: 'not.a.jwt' },
      { scope: 7 },
      { scope: ['all'] },
      { deviceId: {} },
      [],
      ['x'],
    ];
    for (const body of bodies) {
      const student = await make.createUser('student');
      const session = await signIn(student);
      const response = await logout(session.jwt, body);
      expect(response.status).toBe(200);
      expect((await me(session.jwt)).status).toBe(401);
    }
    const student = await make.createUser('student');
    const session = await signIn(student);
    for (const raw of ['{', '"just a string"', 'null']) {
      const response = await app.request
        .post('/api/auth/logout')
        .set({ Authorization: `Bearer ${session.jwt}`, 'Content-Type': 'application/json' })
        .send(raw);
      expect(response.status).toBeLessThan(500);
    }
  });
});

describe('the cost of a signed-in request', () => {
  test('a remembered session costs no query on the next request', async () => {
    const student = await make.createUser('student');
    const session = await signIn(student);
    expect((await me(session.jwt)).status).toBe(200);
    const statements: string[] = [];
    const record = (query: { sql: string }) => statements.push(query.sql);
    app.strapi.db.connection.on('query', record);
    try {
      expect((await me(session.jwt)).status).toBe(200);
    } finally {
      app.strapi.db.connection.off('query', record);
    }
    expect(statements.filter((sql) => sql.includes('strapi_sessions'))).toEqual([]);
    // A logged-out token is remembered as dead too: replaying it costs no session query either.
    expect((await logout(session.jwt)).status).toBe(200);
    expect((await me(session.jwt)).status).toBe(401);
    const afterwards: string[] = [];
    const recordAfterwards = (query: { sql: string }) => afterwards.push(query.sql);
    app.strapi.db.connection.on('query', recordAfterwards);
    try {
      expect((await me(session.jwt)).status).toBe(401);
    } finally {
      app.strapi.db.connection.off('query', recordAfterwards);
    }
    expect(afterwards.filter((sql) => sql.includes('strapi_sessions'))).toEqual([]);
  });
});
