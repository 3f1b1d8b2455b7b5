import type { Core } from '@strapi/strapi';
import type { Caller } from '../access/roles';
import { taskRequests, marketplaceTables } from '../plugins/marketplace/server/src/facade';
import { DEMO_USERS } from './accounts';

const USER = 'plugin::users-permissions.user';

/**
 * The demo's task request: one open task by the demo student in the subject most demo tutors teach, so its matches
 * are not empty. Loaded once per database (its own flag), after the demo tutors: while no tutor profile exists yet it
 * does nothing and tries again at the next start.
 */
export async function seedTaskDemoOnce(strapi: Core.Strapi): Promise<boolean> {
  const flag = strapi.store({ type: 'core', name: 'lyceum', key: 'demo-tasks' });
  if (await flag.get({})) return false;
  const account = DEMO_USERS.find((user) => user.role === 'student')!;
  const student = await strapi.db.query(USER).findOne({ where: { email: account.email }, select: ['id'] });
  if (!student) return false;
  const { subjects } = marketplaceTables(strapi);
  const [busiest] = (await strapi.db
    .connection(subjects)
    .select('tag_document_id')
    .count({ tutors: '*' })
    .groupBy('tag_document_id')
    .orderBy([
      { column: 'tutors', order: 'desc' },
      { column: 'tag_document_id', order: 'asc' },
    ])
    .limit(1)) as unknown as Array<{ tag_document_id: string }>;
  if (!busiest) return false;
  const caller: Caller = { userId: student.id, role: 'student' };
  await taskRequests(strapi).create(caller, {
    title: 'Two sessions before my exam',
    description: 'I get lost in the exercises of the last chapters. Two one-hour sessions this week or next, please.',
    subject: String(busiest.tag_document_id),
    budgetMinor: 4000,
    currency: 'USD',
    deadline: new Date(Date.now() + 14 * 86_400_000),
  });
  await flag.set({ value: { loadedAt: new Date().toISOString() } });
  return true;
}
