import type { Core } from '@strapi/strapi';
import { supportTickets } from '../plugins/support/server/src/facade';

const USER = 'plugin::users-permissions.user';

/**
 * The demo's support desk: one open ticket by the demo student, waiting in the Support page's inbox (the Support
 * admin role's demo account, or the Super Admin, answers it). Written through the same service as
 * `POST /support/tickets`. Loaded once per database (its own flag, so a database that had the demo before gets it).
 */
export async function seedSupportDemoOnce(strapi: Core.Strapi): Promise<boolean> {
  const flag = strapi.store({ type: 'core', name: 'lyceum', key: 'demo-support' });
  if (await flag.get({})) return false;
  const student = await strapi.db.query(USER).findOne({ where: { email: 'student@example.com' }, select: ['id'] });
  if (!student) return false;
  await supportTickets(strapi).create(
    { userId: student.id, role: 'student' },
    {
      subject: 'Where do I find my certificate?',
      body: 'I finished the TypeScript course yesterday, but I cannot see a certificate anywhere. Did I miss a step?',
    }
  );
  await flag.set({ value: true });
  return true;
}
