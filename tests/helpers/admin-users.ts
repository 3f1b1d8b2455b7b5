import { randomBytes } from 'crypto';
import type { Core } from '@strapi/strapi';

export const ADMIN_PASSWORD = 'Admin-pass-1';

export interface TestAdminUser {
  email: string;
  password: string;
}

/** An active admin-panel user with one of the bootstrap roles (Marketer, Teacher), ready to log in. */
export async function createAdminUser(strapi: Core.Strapi, roleName: string, email?: string): Promise<TestAdminUser> {
  const role = await strapi.db.query('admin::role').findOne({ where: { name: roleName } });
  if (!role) throw new Error(`no admin role named ${roleName}`);
  const address = email ?? `${roleName.toLowerCase()}_${randomBytes(4).toString('hex')}@example.test`;
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
