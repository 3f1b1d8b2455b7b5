import { createId } from '@paralleldrive/cuid2';
import { factories } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
const NOTIFICATION = 'api::notification.notification';
const notifications = () => app.strapi.service(NOTIFICATION) as any;

beforeAll(async () => {
  app = await startLyceum();
});
afterAll(stopLyceum);

test('notify gives one user one unread notification, linked to them', async () => {
  const student = await factories(app.strapi).createUser('student');
  await notifications().notify(student.id, {
    type: 'grade_posted',
    title: 'Your work is graded',
    body: '9 of 10',
    link: '/submissions/x',
  });
  const rows = await app.strapi.db
    .query(NOTIFICATION)
    .findMany({ where: { user: { id: student.id } }, populate: { user: { select: ['id'] } } });
  expect(rows).toEqual([
    expect.objectContaining({
      type: 'grade_posted',
      title: 'Your work is graded',
      body: '9 of 10',
      link: '/submissions/x',
      readAt: null,
      user: { id: student.id },
    }),
  ]);
  expect(rows[0].documentId).toMatch(/^[a-z0-9]{20,}$/);
  // The document service sees it as any other entry.
  const listed = await app.strapi.documents(NOTIFICATION).findMany({ filters: { user: { id: student.id } } as any });
  expect(listed).toHaveLength(1);
});

test('notifyMany reaches 1,201 users in chunks, each once, duplicates ignored', async () => {
  const { ids } = await app.strapi.db.query('plugin::users-permissions.user').createMany({
    data: Array.from({ length: 1201 }, (_, index) => ({
      documentId: createId(),
      username: `bulk_${index}_${createId().slice(0, 6)}`,
      email: `bulk_${index}_${createId().slice(0, 6)}@example.test`,
      provider: 'local',
      confirmed: true,
      blocked: false,
      publishedAt: new Date(),
    })),
  });
  expect(ids).toHaveLength(1201);
  const result = await notifications().notifyMany([...ids, ids[0], ids[1]], {
    type: 'broadcast',
    title: 'School is closed on Monday',
  });
  expect(result.count).toBe(1201);
  expect(await app.strapi.db.query(NOTIFICATION).count({ where: { title: 'School is closed on Monday' } })).toBe(1201);
  for (const userId of [ids[0], ids[600], ids[1200]]) {
    expect(
      await app.strapi.db
        .query(NOTIFICATION)
        .count({ where: { user: { id: userId }, title: 'School is closed on Monday' } })
    ).toBe(1);
  }
});

test('nobody to tell is no work and no error', async () => {
  expect(await notifications().notifyMany([], { type: 'broadcast', title: 'Nobody' })).toEqual({ count: 0 });
});
