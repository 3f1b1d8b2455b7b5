import type { Core } from '@strapi/strapi';
import { PERMISSION_MATRIX, ROLE_NAMES } from '../access/permission-matrix';
import { ROLE_TYPES, type RoleType } from '../access/roles';

const ROLE = 'plugin::users-permissions.role';
const PERMISSION = 'plugin::users-permissions.permission';

/**
 * Makes the users-permissions roles match the contract's matrix at every boot: creates missing roles and
 * permissions and removes extra ones, so a permission ticked by hand in the admin panel cannot quietly
 * open a route. The stock "authenticated" role is treated as a student.
 */
export async function applyPermissionMatrix(strapi: Core.Strapi): Promise<void> {
  const roles: Array<{ type: string; permissions: string[] }> = ROLE_TYPES.map((type) => ({
    type,
    permissions: PERMISSION_MATRIX[type],
  }));
  roles.push({ type: 'authenticated', permissions: PERMISSION_MATRIX.student });

  for (const { type, permissions } of roles) {
    let role = await strapi.db.query(ROLE).findOne({ where: { type }, select: ['id'] });
    if (!role) {
      if (type === 'authenticated') continue;
      role = await strapi.db.query(ROLE).create({ data: { type, ...ROLE_NAMES[type as RoleType] } });
    }
    const existing: Array<{ id: number; action: string }> = await strapi.db
      .query(PERMISSION)
      .findMany({ where: { role: { id: role.id } }, select: ['id', 'action'] });
    const wanted = new Set(permissions);
    const have = new Set(existing.map((permission) => permission.action));
    const extra = existing.filter((permission) => !wanted.has(permission.action)).map((permission) => permission.id);
    if (extra.length) await strapi.db.query(PERMISSION).deleteMany({ where: { id: { $in: extra } } });
    for (const action of wanted) {
      if (!have.has(action)) await strapi.db.query(PERMISSION).create({ data: { action, role: role.id } });
    }
  }

  const advancedSettings = strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' });
  const advanced = ((await advancedSettings.get({})) ?? {}) as Record<string, unknown>;
  if (advanced.default_role !== 'student')
    await advancedSettings.set({ value: { ...advanced, default_role: 'student' } });
}
