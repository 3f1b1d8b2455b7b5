import { randomBytes } from 'crypto';
import type { Core } from '@strapi/strapi';
import type { TestApp } from './strapi';

export const ADMIN_PASSWORD = 'Admin-pass-1';

export interface TestAdminUser {
  email: string;
  password: string;
}

/** An active admin-panel user with one of the roles (Super Admin, Marketer, Teacher), ready to log in. */
export async function createAdminUser(strapi: Core.Strapi, roleName: string, email?: string): Promise<TestAdminUser> {
  const role = await strapi.db.query('admin::role').findOne({ where: { name: roleName } });
  if (!role) throw new Error(`no admin role named ${roleName}`);
  const address =
    email ?? `${roleName.replace(/\W/g, '').toLowerCase()}_${randomBytes(4).toString('hex')}@example.test`;
  await strapi.service('admin::user').create({
    email: address,
    firstname: roleName,
    lastname: 'Tester',
    password: ADMIN_PASSWORD,
    registrationToken: null,
    isActive: true,
    roles: [role.id],
  });
  return { email: address, password: ADMIN_PASSWORD };
}

/** An admin-panel user logged in through POST /admin/login, as the admin panel does: their token, ready to send. */
export interface AdminSession {
  email: string;
  auth: { Authorization: string };
}

export async function adminSession(app: TestApp, roleName: string, email?: string): Promise<AdminSession> {
  const user = await createAdminUser(app.strapi, roleName, email);
  const login = await app.request.post('/admin/login').send({ email: user.email, password: user.password });
  if (login.status !== 200) throw new Error(`admin login of ${user.email} answered ${login.status}`);
  return { email: user.email, auth: { Authorization: `Bearer ${login.body.data.token}` } };
}

/** Fails with the answer's body in the message, which a bare toBe(status) would hide. */
export function expectStatus(response: { status: number; body: unknown }, status: number) {
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`);
}
