import { adminSession, type AdminSession } from '../helpers/admin-users';
import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Admin accounts (src/access/admin-accounts.ts): a role change is in the audit trail whichever path made it (REST,
 * GraphQL, the admin panel's content manager, a role deleted in the admin panel), and the last active admin can be
 * neither demoted, blocked nor deleted (409 `last_admin`, nothing changes), also when two demotions race.
 */

let app: TestApp;
let make: ReturnType<typeof factories>;
let admin: TestUser;
let superAdmin: AdminSession;

const USER = 'plugin::users-permissions.user';
const ROLE = 'plugin::users-permissions.role';
const CM_USERS = `/content-manager/collection-types/${USER}`;
const UPDATE_USER = `mutation($id: ID!, $data: UsersPermissionsUserInput!) { updateUsersPermissionsUser(id: $id, data: $data) { data { username } } }`;
const reasonOf = (response: { body: any }) => response.body.error?.details?.reason;

const graphql = (query: string, variables: Record<string, unknown>, user: TestUser) =>
  app.request.post('/graphql').set(user.auth).send({ query, variables });

async function roleOf(type: string): Promise<{ id: number; documentId: string }> {
  return app.strapi.db.query(ROLE).findOne({ where: { type }, select: ['id', 'documentId'] });
}

/** The content manager's way of setting a to-one relation, as the admin panel's edit view sends it. */
const connectRole = (role: { id: number; documentId: string }) => ({
  connect: [{ id: role.id, documentId: role.documentId }],
  disconnect: [],
});

async function accountOf(id: number): Promise<{ role: string | null; blocked: boolean } | null> {
  const row = await app.strapi.db
    .query(USER)
    .findOne({ where: { id }, select: ['id', 'blocked'], populate: { role: { select: ['type'] } } });
  return row ? { role: row.role?.type ?? null, blocked: !!row.blocked } : null;
}

/** The user's role changes in the trail, newest first, as an admin (`reader`, active at the time) reads them. */
async function roleEventsOf(userId: number, reader: TestUser = admin) {
  const response = await app.request
    .get('/api/audit-events')
    .query({ entity: `user:${userId}` })
    .set(reader.auth);
  expect(response.status).toBe(200);
  return (response.body.data as Array<Record<string, any>>).filter((event) => event.action === 'user.role_changed');
}

/** Whether a session of this database waits for an advisory lock (PostgreSQL). */
async function isWaitingForLock(): Promise<boolean> {
  const result = await app.strapi.db.connection.raw(
    `SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`
  );
  return Number(result.rows[0].n) > 0;
}

/** Runs `body` with `keep` as the only active admins (every other admin blocked meanwhile, then unblocked). */
async function withOnlyAdmins(keep: number[], body: () => Promise<void>): Promise<void> {
  const others = await app.strapi.db.query(USER).findMany({
    where: { id: { $notIn: keep }, role: { type: 'admin' }, $or: [{ blocked: false }, { blocked: { $null: true } }] },
    select: ['id'],
  });
  const otherIds = others.map((row: { id: number }) => row.id);
  await app.strapi.db.query(USER).updateMany({ where: { id: { $in: otherIds } }, data: { blocked: true } });
  try {
    await body();
  } finally {
    await app.strapi.db.query(USER).updateMany({ where: { id: { $in: otherIds } }, data: { blocked: false } });
  }
}

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  admin = await make.createUser('admin');
  superAdmin = await adminSession(app, 'Super Admin');
}, 120_000);
afterAll(stopLyceum);

describe('role changes are audited on every path', () => {
  test('the content manager: old and new role, the admin-panel user; a save that keeps the role records nothing', async () => {
    const user = await make.createUser('student');
    const promoted = await app.request
      .put(`${CM_USERS}/${user.documentId}`)
      .set(superAdmin.auth)
      .send({ role: connectRole(await roleOf('teacher')) });
    expect(promoted.status).toBe(200);
    expect(await accountOf(user.id)).toEqual({ role: 'teacher', blocked: false });
    const kept = await app.request
      .put(`${CM_USERS}/${user.documentId}`)
      .set(superAdmin.auth)
      .send({ fullName: 'Still a teacher', role: connectRole(await roleOf('teacher')) });
    expect(kept.status).toBe(200);

    const events = await roleEventsOf(user.id);
    expect(events).toEqual([
      expect.objectContaining({
        actor: null,
        actorRole: 'admin',
        before: { role: 'student' },
        after: { role: 'teacher', adminPanelUser: expect.any(Number) },
      }),
    ]);
  });

  test('REST and GraphQL: one event each, the API admin as actor', async () => {
    const user = await make.createUser('student');
    expect((await app.request.put(`/api/users/${user.id}`).set(admin.auth).send({ role: 'teacher' })).status).toBe(200);
    const viaGraphql = await graphql(
      UPDATE_USER,
      { id: String(user.id), data: { role: String((await roleOf('student')).id) } },
      admin
    );
    expect(viaGraphql.body.errors).toBeUndefined();
    expect(await accountOf(user.id)).toEqual({ role: 'student', blocked: false });
    const events = await roleEventsOf(user.id);
    // Newest first.
    expect(events.map((event) => [event.actor, event.actorRole, event.before, event.after])).toEqual([
      [admin.id, 'admin', { role: 'teacher' }, { role: 'student' }],
      [admin.id, 'admin', { role: 'student' }, { role: 'teacher' }],
    ]);
  });

  test('a role deleted in the admin panel: each of its users moves to Public, and each move is recorded', async () => {
    const created = await app.request
      .post('/users-permissions/roles')
      .set(superAdmin.auth)
      .send({ name: `Guests ${Date.now()}`, description: 'to be deleted', permissions: {} });
    expect(created.status).toBe(200);
    const custom = await app.strapi.db
      .query(ROLE)
      .findOne({ where: { description: 'to be deleted' }, select: ['id', 'type'], orderBy: { id: 'desc' } });
    const members = [await make.createUser('student'), await make.createUser('student')];
    for (const member of members)
      await app.strapi.db.query(USER).update({ where: { id: member.id }, data: { role: custom.id } });

    const deleted = await app.request.delete(`/users-permissions/roles/${custom.id}`).set(superAdmin.auth);
    expect(deleted.status).toBe(200);
    for (const member of members) {
      expect(await accountOf(member.id)).toEqual({ role: 'public', blocked: false });
      const events = await roleEventsOf(member.id);
      expect(events[0]).toMatchObject({
        actor: null,
        actorRole: 'admin',
        before: { role: custom.type },
        after: { role: 'public', adminPanelUser: expect.any(Number) },
      });
    }
  });
});

describe('the last admin', () => {
  test('cannot be demoted, blocked or deleted by REST, GraphQL, the content manager or a role deletion (409 last_admin)', async () => {
    const lone = await make.createUser('admin');
    const adminRole = await roleOf('admin');
    await withOnlyAdmins([lone.id], async () => {
      const refusals = [
        ['REST role', await app.request.put(`/api/users/${lone.id}`).set(lone.auth).send({ role: 'teacher' })],
        ['REST blocked', await app.request.put(`/api/users/${lone.id}`).set(lone.auth).send({ blocked: true })],
        [
          'content manager role',
          await app.request
            .put(`${CM_USERS}/${lone.documentId}`)
            .set(superAdmin.auth)
            .send({ role: connectRole(await roleOf('student')) }),
        ],
        [
          'content manager blocked',
          await app.request.put(`${CM_USERS}/${lone.documentId}`).set(superAdmin.auth).send({ blocked: true }),
        ],
        ['content manager delete', await app.request.delete(`${CM_USERS}/${lone.documentId}`).set(superAdmin.auth)],
        ['role deletion', await app.request.delete(`/users-permissions/roles/${adminRole.id}`).set(superAdmin.auth)],
      ] as const;
      for (const [path, response] of refusals)
        expect([path, response.status, reasonOf(response)]).toEqual([path, 409, 'last_admin']);

      const viaGraphql = await graphql(UPDATE_USER, { id: String(lone.id), data: { blocked: true } }, lone);
      expect(viaGraphql.body.errors?.[0]?.extensions?.error?.details?.reason).toBe('last_admin');

      // Nothing changed: still an active admin, with no role change recorded, and the admin role is still there.
      expect(await accountOf(lone.id)).toEqual({ role: 'admin', blocked: false });
      expect(await roleEventsOf(lone.id, lone)).toEqual([]);
      expect(await app.strapi.db.query(ROLE).count({ where: { type: 'admin' } })).toBe(1);
      expect((await app.request.get('/api/users/me').set(lone.auth)).status).toBe(200);

      // A non-admin change of the same account passes.
      expect(
        (await app.request.put(`/api/users/${lone.id}`).set(lone.auth).send({ fullName: 'Still in charge' })).status
      ).toBe(200);
    });
  });

  test('with another active admin one may be demoted; then the other is the last one', async () => {
    const [first, second] = [await make.createUser('admin'), await make.createUser('admin')];
    await withOnlyAdmins([first.id, second.id], async () => {
      expect((await app.request.put(`/api/users/${second.id}`).set(first.auth).send({ role: 'teacher' })).status).toBe(
        200
      );
      const blocked = await app.request.put(`/api/users/${first.id}`).set(first.auth).send({ blocked: true });
      expect([blocked.status, reasonOf(blocked)]).toEqual([409, 'last_admin']);
    });
    expect(await accountOf(second.id)).toEqual({ role: 'teacher', blocked: false });
    expect(await accountOf(first.id)).toEqual({ role: 'admin', blocked: false });
  });

  // On SQLite one connection runs one transaction at a time; on PostgreSQL two run at once, and without the lock each
  // would count the other's admin as still active.
  (process.env.DATABASE_CLIENT === 'postgres' ? test : test.skip)(
    'PostgreSQL: a blocking that meets another one still open waits for it, then counts with it committed (409)',
    async () => {
      const [first, second] = [await make.createUser('admin'), await make.createUser('admin')];
      await withOnlyAdmins([first.id, second.id], async () => {
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let written!: () => void;
        const isWritten = new Promise<void>((resolve) => (written = resolve));
        // The first blocking, written and checked (the second admin is still active), held open.
        const open = app.strapi.db.transaction(async () => {
          await app.strapi.db.query(USER).update({ where: { id: first.id }, data: { blocked: true } });
          written();
          await released;
        });
        await isWritten;
        const blocking = app.request
          .put(`/api/users/${second.id}`)
          .set(second.auth)
          .send({ blocked: true })
          .then((response) => response);
        // Until the request waits for a lock in this database (or gives up looking, when it never does).
        for (let attempt = 0; attempt < 200 && !(await isWaitingForLock()); attempt += 1)
          await new Promise((resolve) => setTimeout(resolve, 25));
        release();
        await open;
        const answer = await blocking;
        expect([answer.status, reasonOf(answer)]).toEqual([409, 'last_admin']);
        expect(await accountOf(second.id)).toEqual({ role: 'admin', blocked: false });
        await app.strapi.db.query(USER).update({ where: { id: first.id }, data: { blocked: false } });
      });
    }
  );

  test('two demotions (content manager) or blockings (REST) of the last two admins at once: one passes, one is refused', async () => {
    for (let round = 0; round < 4; round += 1) {
      const pair = [await make.createUser('admin'), await make.createUser('admin')];
      const student = await roleOf('student');
      await withOnlyAdmins(
        pair.map((user) => user.id),
        async () => {
          const answers = await Promise.all(
            pair.map((user) =>
              round % 2 === 0
                ? app.request
                    .put(`${CM_USERS}/${user.documentId}`)
                    .set(superAdmin.auth)
                    .send({ role: connectRole(student) })
                : app.request.put(`/api/users/${user.id}`).set(user.auth).send({ blocked: true })
            )
          );
          expect(answers.map((answer) => [answer.status, reasonOf(answer)]).sort()).toEqual([
            [200, undefined],
            [409, 'last_admin'],
          ]);
          const accounts = await Promise.all(pair.map((user) => accountOf(user.id)));
          expect(accounts.filter((account) => account?.role === 'admin' && !account.blocked)).toHaveLength(1);
        }
      );
    }
  });
});
