import { factories } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
const PERMISSION = 'plugin::users-permissions.permission';
const ROLE = 'plugin::users-permissions.role';

beforeAll(async () => {
  app = await startLyceum({ REST_CACHE_ENABLED: 'false' });
});
afterAll(stopLyceum);

async function withdraw(roleType: string, action: string) {
  const role = await app.strapi.db.query(ROLE).findOne({ where: { type: roleType } });
  const permission = await app.strapi.db.query(PERMISSION).findOne({ where: { action, role: role.id } });
  await app.strapi.db.query(PERMISSION).delete({ where: { id: permission.id } });
  return async () => {
    await app.strapi.db.query(PERMISSION).create({ data: { action, role: role.id } });
  };
}

describe('remembered role permissions', () => {
  test('a permission taken from the public role applies to the very next request, and so does giving it back', async () => {
    expect((await app.request.get('/api/categories')).status).toBe(200);
    const giveBack = await withdraw('public', 'api::category.category.find');
    // Without the permission an anonymous caller is told to sign in.
    expect((await app.request.get('/api/categories')).status).toBe(401);
    await giveBack();
    expect((await app.request.get('/api/categories')).status).toBe(200);
  });

  test("a signed-in role's permissions are remembered per role and dropped on change", async () => {
    const student = await factories(app.strapi).createUser('student');
    expect((await app.request.get('/api/me/enrollments').set(student.auth)).status).toBe(200);
    const giveBack = await withdraw('student', 'plugin::enrollment.enrollments.mine');
    expect((await app.request.get('/api/me/enrollments').set(student.auth)).status).toBe(403);
    // Another role is untouched by the change.
    const teacher = await factories(app.strapi).createUser('teacher');
    expect((await app.request.get('/api/me/enrollments').set(teacher.auth)).status).toBe(200);
    await giveBack();
    expect((await app.request.get('/api/me/enrollments').set(student.auth)).status).toBe(200);
  });
});

describe('API tokens next to remembered misses', () => {
  const tokens = () => app.strapi.service('admin::api-token-content-api') as any;

  test('a token created after signed-in requests works at once, and a revoked one stops at once', async () => {
    const student = await factories(app.strapi).createUser('student');
    // Signed-in requests make the API-token strategy miss (a JWT is no API token); the misses are remembered.
    for (let request = 0; request < 3; request += 1)
      expect((await app.request.get('/api/me/enrollments').set(student.auth)).status).toBe(200);

    const created = await tokens().create({
      name: `reader-${Date.now()}`,
      type: 'read-only',
      lifespan: null,
      kind: 'content-api',
    });
    const withToken = { Authorization: `Bearer ${created.accessKey}` };
    expect((await app.request.get('/api/categories').set(withToken)).status).toBe(200);

    await tokens().revoke(created.id);
    expect((await app.request.get('/api/categories').set(withToken)).status).toBe(401);
    // The student's token is still accepted after all of it.
    expect((await app.request.get('/api/me/enrollments').set(student.auth)).status).toBe(200);
  });

  test('an unknown bearer token is refused every time', async () => {
    for (let request = 0; request < 3; request += 1)
      expect((await app.request.get('/api/categories').set({ Authorization: 'Bearer 0123abcd' })).status).toBe(401);
  });
});
