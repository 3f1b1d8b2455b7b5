import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';
import { showStatements, statementsOf } from '../helpers/statements';

/**
 * What signing in costs each request (contract "Security", issue #23's playback row): the caller's row, their role
 * and whether their session still exists are read once and kept (src/strapi-patches/authenticated-user.ts,
 * src/access/sessions.ts), so a signed-in request sends none of those statements; and what is kept never outlives
 * the rule it stands for: a revoked or expired session, a blocked user and a changed role apply on the very next
 * request. The other instances hear of these changes through the cache bus (cache-coherence.test.ts).
 */
let app: TestApp;
let make: ReturnType<typeof factories>;

beforeAll(async () => {
  app = await startLyceum({ RATE_LIMIT_AUTH_PER_IDENTIFIER: '1000', RATE_LIMIT_AUTH_PER_IP: '10000' });
  make = factories(app.strapi);
});
afterAll(async () => {
  jest.restoreAllMocks();
  await stopLyceum();
});

const USER = 'plugin::users-permissions.user';
const ROLE = 'plugin::users-permissions.role';
const SESSION = 'admin::session';

/** A real login (a session row with its device), as clients and the bench sign in. */
async function signIn(user: TestUser): Promise<{ Authorization: string }> {
  const response = await app.request
    .post('/api/auth/local')
    .send({ identifier: user.email, password: 'Secret-pass-1' });
  expect(response.status).toBe(200);
  return { Authorization: `Bearer ${response.body.jwt}` };
}

/**
 * A signed-in read that the sign-in decides and the route itself barely touches: the playback of a post that does
 * not exist is 404 `not_found` after the caller was let in (a refused sign-in is 401, a refused permission 403).
 */
const signedInRead = (auth: { Authorization: string }) =>
  app.request.get('/api/posts/nosuchpost0000000000000/playback').set(auth);
const LET_IN = 404;

// The sign-in's own tables: the caller, their role and its link, the session, the role's permissions, API tokens.
// Counting only these keeps the route's statements and any job's (a claim, a COMMIT) out of the count.
const SIGN_IN_TABLES =
  /\b(up_users|up_roles|up_users_role_lnk|up_permissions|up_permissions_role_lnk|strapi_sessions|strapi_api_tokens)\b/;

async function signInStatements(auth: { Authorization: string }): Promise<string[]> {
  let status = 0;
  const statements = await statementsOf(app.strapi, async () => {
    status = (await signedInRead(auth)).status;
  });
  expect(status).toBe(LET_IN);
  return statements.filter((sql) => SIGN_IN_TABLES.test(sql));
}

describe('statements a signed-in request sends to sign its caller in', () => {
  test('the first request of a session looks its bearer up as an API token, reads the user, their role and the session; the next ones read none', async () => {
    const auth = await signIn(await make.createUser('student'));
    // A student before this one warmed the role's permissions: only the caller's own reads are left.
    await signedInRead(await signIn(await make.createUser('student')));
    const first = await signInStatements(auth);
    showStatements(app.strapi, 'first signed-in request', first);
    expect(first).toHaveLength(4);
    expect(first.join('\n')).toMatch(/strapi_api_tokens/);
    expect(first.join('\n')).toMatch(/up_users/);
    expect(first.join('\n')).toMatch(/strapi_sessions/);
    expect(first.join('\n')).toMatch(/up_roles/);
    for (let request = 0; request < 3; request += 1) {
      const next = await signInStatements(auth);
      showStatements(app.strapi, 'next signed-in request', next);
      expect(next).toEqual([]);
    }
  });

  test('a second session of the same user reads only its session (and looks its new bearer up once)', async () => {
    const user = await make.createUser('student');
    await signedInRead(await signIn(user));
    const second = await signInStatements(await signIn(user));
    expect(second).toHaveLength(2);
    expect(second.join('\n')).toMatch(/strapi_api_tokens/);
    expect(second.join('\n')).toMatch(/strapi_sessions/);
  });
});

describe('what is kept never outlives the rule', () => {
  test('a revoked session is refused on its very next request', async () => {
    const user = await make.createUser('student');
    const keeper = await signIn(user);
    const lost = await signIn(user);
    expect((await signedInRead(lost)).status).toBe(LET_IN);
    const sessions = (await app.request.get('/api/me/sessions').set(keeper)).body.data;
    const lostSession = sessions.find((session: { current: boolean }) => !session.current);
    expect((await app.request.delete(`/api/me/sessions/${lostSession.id}`).set(keeper)).status).toBe(200);
    expect((await signedInRead(lost)).status).toBe(401);
    expect((await signedInRead(keeper)).status).toBe(LET_IN);
  });

  test('a session is refused the moment its absolute expiry passes, though its answer is kept', async () => {
    const user = await make.createUser('student');
    const auth = await signIn(user);
    // Sooner than any kept answer would be read again: only the kept expiry can refuse it.
    const soon = Date.now() + 10_000;
    // Through the query engine, as the session manager writes: the kept answer is dropped and read again.
    await app.strapi.db
      .query(SESSION)
      .updateMany({ where: { userId: String(user.id) }, data: { absoluteExpiresAt: new Date(soon) } });
    expect((await signedInRead(auth)).status).toBe(LET_IN);
    expect(await signInStatements(auth)).toEqual([]);
    const now = jest.spyOn(Date, 'now').mockReturnValue(soon + 1_000);
    try {
      expect((await signedInRead(auth)).status).toBe(401);
    } finally {
      now.mockRestore();
    }
  });

  test('a blocked user is refused on their very next request, and let in again once unblocked', async () => {
    const user = await make.createUser('student');
    const auth = await signIn(user);
    expect((await signedInRead(auth)).status).toBe(LET_IN);
    await app.strapi.db.query(USER).update({ where: { id: user.id }, data: { blocked: true } });
    expect((await signedInRead(auth)).status).toBe(401);
    await app.strapi.db.query(USER).update({ where: { id: user.id }, data: { blocked: false } });
    expect((await signedInRead(auth)).status).toBe(LET_IN);
  });

  test("a changed role is served by the new role's permissions on the very next request", async () => {
    const bare = await app.strapi.db
      .query(ROLE)
      .create({ data: { name: `Bare ${Date.now()}`, type: `bare-${Date.now()}`, description: 'no permissions' } });
    const user = await make.createUser('student');
    const auth = await signIn(user);
    expect((await signedInRead(auth)).status).toBe(LET_IN);
    await app.strapi.db.query(USER).update({ where: { id: user.id }, data: { role: bare.id } });
    expect((await signedInRead(auth)).status).toBe(403);
    const student = await app.strapi.db.query(ROLE).findOne({ where: { type: 'student' } });
    await app.strapi.db.query(USER).update({ where: { id: user.id }, data: { role: student.id } });
    expect((await signedInRead(auth)).status).toBe(LET_IN);
  });
});
