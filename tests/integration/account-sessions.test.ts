import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Contract, "Tutor marketplace", Sessions: GET /me/sessions lists the caller's live sessions (user agent, IP,
 * created, last used, which one is current); DELETE /me/sessions/:id ends one of them, DELETE /me/sessions all but
 * the current one; a revoked session's refresh token and access token stop working at once.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
const DETAILS = 'lyceum_session_details';

beforeAll(async () => {
  app = await startLyceum({ RATE_LIMIT_AUTH_PER_IDENTIFIER: '1000', RATE_LIMIT_AUTH_PER_IP: '10000' });
  make = factories(app.strapi);
});
afterAll(stopLyceum);

interface Pair {
  jwt: string;
  refreshToken: string;
}

async function signIn(user: TestUser, userAgent: string): Promise<Pair> {
  const response = await app.request
    .post('/api/auth/local')
    .set('User-Agent', userAgent)
    .send({ identifier: user.email, password: 'Secret-pass-1' });
  expect(response.status).toBe(200);
  return { jwt: response.body.jwt, refreshToken: response.body.refreshToken };
}

const bearer = (jwt: string) => ({ Authorization: `Bearer ${jwt}` });
const me = (jwt: string) => app.request.get('/api/users/me').set(bearer(jwt));
const refresh = (refreshToken: string) => app.request.post('/api/auth/refresh').send({ refreshToken });
const listSessions = (jwt: string) => app.request.get('/api/me/sessions').set(bearer(jwt));
const knex = () => app.strapi.db.connection;

/** A user whose only sessions are the ones a test signs in (the factory's token made one without a request). */
async function freshUser(): Promise<TestUser> {
  const user = await make.createUser('student');
  await app.strapi.db.query('admin::session').deleteMany({ where: { userId: String(user.id) } });
  return user;
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('never happened');
}

describe('listing', () => {
  test('each login is one session with its user agent, IP and times; the one the request came with is current', async () => {
    const user = await freshUser();
    const laptop = await signIn(user, 'Laptop Browser/1.0');
    const phone = await signIn(user, 'Phone Browser/2.0');
    const response = await listSessions(laptop.jwt);
    expect(response.status).toBe(200);
    const sessions = response.body.data;
    expect(sessions).toHaveLength(2);
    for (const session of sessions) {
      expect(Object.keys(session).sort()).toEqual(['createdAt', 'current', 'id', 'ip', 'lastUsedAt', 'userAgent']);
      expect(session.id).toMatch(/^[a-z0-9]+$/);
      expect(session.ip).toMatch(/127\.0\.0\.1/);
      expect(Number.isNaN(Date.parse(session.createdAt))).toBe(false);
      expect(Date.parse(session.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(session.createdAt));
    }
    const byAgent = Object.fromEntries(sessions.map((session: any) => [session.userAgent, session]));
    expect(byAgent['Laptop Browser/1.0'].current).toBe(true);
    expect(byAgent['Phone Browser/2.0'].current).toBe(false);
    const fromPhone = (await listSessions(phone.jwt)).body.data;
    expect(fromPhone.find((session: any) => session.current).userAgent).toBe('Phone Browser/2.0');
    // Nothing of another user's sessions, and no token or device id in the answer.
    expect(JSON.stringify(response.body)).not.toContain(laptop.refreshToken);
  });

  test('a refresh keeps the session (same id) and moves lastUsedAt; logout removes it from the list', async () => {
    const user = await freshUser();
    const first = await signIn(user, 'Agent A');
    const other = await signIn(user, 'Agent B');
    const [before] = (await listSessions(first.jwt)).body.data.filter((session: any) => session.current);
    await knex()(DETAILS)
      .where({ public_id: before.id })
      .update({ last_used_at: Date.parse(before.lastUsedAt) - 600_000 });
    const renewed = await refresh(first.refreshToken);
    expect(renewed.status).toBe(200);
    const after = (await listSessions(renewed.body.jwt)).body.data;
    expect(after).toHaveLength(2);
    const current = after.find((session: any) => session.current);
    expect(current.id).toBe(before.id);
    expect(current.userAgent).toBe('Agent A');
    expect(current.createdAt).toBe(before.createdAt);
    expect(Date.parse(current.lastUsedAt)).toBeGreaterThan(Date.parse(before.lastUsedAt) - 600_000);

    expect((await app.request.post('/api/auth/logout').set(bearer(other.jwt)).send({})).status).toBe(200);
    const remaining = (await listSessions(renewed.body.jwt)).body.data;
    expect(remaining.map((session: any) => session.userAgent)).toEqual(['Agent A']);
  });

  test('using a session moves its lastUsedAt, at most once a minute', async () => {
    const user = await freshUser();
    const pair = await signIn(user, 'Agent Use');
    const [session] = (await listSessions(pair.jwt)).body.data;
    const old = Date.parse(session.createdAt) - 3_600_000;
    const lastUsed = async () => Number((await knex()(DETAILS).where({ public_id: session.id }).first()).last_used_at);
    // listSessions was a use: wait for its write, then age the row.
    await eventually(async () => (await lastUsed()) >= Date.parse(session.createdAt));
    await knex()(DETAILS).where({ public_id: session.id }).update({ last_used_at: old });
    expect((await me(pair.jwt)).status).toBe(200);
    // Within the minute since the last write: no new write.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await lastUsed()).toBe(old);
  });

  test('a first use after sign-in is recorded', async () => {
    const user = await freshUser();
    const pair = await signIn(user, 'Agent First');
    const row = await knex()(DETAILS).where({ user_id: user.id, user_agent: 'Agent First' }).first();
    const old = Number(row.created_at) - 3_600_000;
    await knex()(DETAILS).where({ id: row.id }).update({ last_used_at: old });
    expect((await me(pair.jwt)).status).toBe(200);
    await eventually(async () => Number((await knex()(DETAILS).where({ id: row.id }).first()).last_used_at) > old);
  });

  test('signed out: 401/403, never a list', async () => {
    const response = await app.request.get('/api/me/sessions');
    expect([401, 403]).toContain(response.status);
  });
});

describe('revoking', () => {
  test('DELETE /me/sessions/:id ends that session: its access token and refresh token are refused at once', async () => {
    const user = await freshUser();
    const mine = await signIn(user, 'Keeper');
    const lost = await signIn(user, 'Lost phone');
    // The lost phone's token is known to work (and its "live" answer cached) before the revocation.
    expect((await me(lost.jwt)).status).toBe(200);
    const target = (await listSessions(mine.jwt)).body.data.find((session: any) => session.userAgent === 'Lost phone');
    const response = await app.request.delete(`/api/me/sessions/${target.id}`).set(bearer(mine.jwt));
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ id: target.id, revoked: true });
    expect((await me(lost.jwt)).status).toBe(401);
    expect((await refresh(lost.refreshToken)).status).toBe(401);
    expect((await me(mine.jwt)).status).toBe(200);
    const left = (await listSessions(mine.jwt)).body.data;
    expect(left.map((session: any) => session.userAgent)).toEqual(['Keeper']);
    // Gone: a second DELETE is 404.
    expect((await app.request.delete(`/api/me/sessions/${target.id}`).set(bearer(mine.jwt))).status).toBe(404);
  });

  test('a session of the caller’s own may be revoked: the caller is signed out', async () => {
    const user = await freshUser();
    const pair = await signIn(user, 'Self');
    const [session] = (await listSessions(pair.jwt)).body.data;
    expect((await app.request.delete(`/api/me/sessions/${session.id}`).set(bearer(pair.jwt))).status).toBe(200);
    expect((await me(pair.jwt)).status).toBe(401);
    expect((await refresh(pair.refreshToken)).status).toBe(401);
  });

  test('another user’s session, an unknown id and a malformed id are 404; the other session lives on', async () => {
    const owner = await freshUser();
    const intruder = await freshUser();
    const ownerPair = await signIn(owner, 'Owner');
    const intruderPair = await signIn(intruder, 'Intruder');
    const [ownerSession] = (await listSessions(ownerPair.jwt)).body.data;
    for (const id of [ownerSession.id, 'doesnotexist0000', 'not-an-id!', 'x'.repeat(300)]) {
      const response = await app.request
        .delete(`/api/me/sessions/${encodeURIComponent(id)}`)
        .set(bearer(intruderPair.jwt));
      expect(response.status).toBe(404);
    }
    expect((await me(ownerPair.jwt)).status).toBe(200);
    expect((await refresh(ownerPair.refreshToken)).status).toBe(200);
    expect([401, 403]).toContain((await app.request.delete(`/api/me/sessions/${ownerSession.id}`)).status);
  });

  test('DELETE /me/sessions ends every session but the current one', async () => {
    const user = await freshUser();
    const stranger = await freshUser();
    const strangerPair = await signIn(stranger, 'Stranger');
    const current = await signIn(user, 'Current');
    const others = [await signIn(user, 'Other 1'), await signIn(user, 'Other 2'), await signIn(user, 'Other 3')];
    // One of the others refreshed: its older access token is still of the same session.
    const renewed = await refresh(others[0].refreshToken);
    expect(renewed.status).toBe(200);
    for (const pair of others) expect((await me(pair.jwt)).status).toBe(200);
    const response = await app.request.delete('/api/me/sessions').set(bearer(current.jwt));
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ revoked: 3 });
    for (const pair of others) {
      expect((await me(pair.jwt)).status).toBe(401);
      expect((await refresh(pair.refreshToken)).status).toBe(401);
    }
    expect((await me(renewed.body.jwt)).status).toBe(401);
    expect((await refresh(renewed.body.refreshToken)).status).toBe(401);
    expect((await me(current.jwt)).status).toBe(200);
    const left = (await listSessions(current.jwt)).body.data;
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ userAgent: 'Current', current: true });
    // Another user's sessions are untouched.
    expect((await me(strangerPair.jwt)).status).toBe(200);
    // Again: nothing left to revoke.
    expect((await app.request.delete('/api/me/sessions').set(bearer(current.jwt))).body.data).toEqual({ revoked: 0 });
  });
});

describe('personal data', () => {
  test('erasing the account removes its sessions and their details', async () => {
    const user = await freshUser();
    const pair = await signIn(user, 'Erased');
    expect(await knex()(DETAILS).where({ user_id: user.id }).count({ count: '*' })).toEqual([
      { count: expect.anything() },
    ]);
    const erased = await app.request.delete('/api/me').set(bearer(pair.jwt)).send({ password: 'Secret-pass-1' });
    expect([200, 204]).toContain(erased.status);
    const [{ count }] = await knex()(DETAILS).where({ user_id: user.id }).count({ count: '*' });
    expect(Number(count)).toBe(0);
  });
});
