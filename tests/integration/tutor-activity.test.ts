import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';
import {
  ACTIVITY_WRITE_INTERVAL_MS,
  forgetTriedActivity,
  recordTutorActivity,
} from '../../src/plugins/marketplace/server/src/tutor-activity';

/**
 * A tutor's last activity (matching's "recent activity") follows real activity: any signed-in request and any
 * sign-in moves it, written at most once per interval per user by one conditional UPDATE the database settles.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let subject: string;

const PROFILE = 'plugin::marketplace.tutor-profile';
const DAY = 86_400_000;

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  subject = (await app.strapi.documents('api::tag.tag').create({ data: { name: `Activity ${Date.now()}` } as any }))
    .documentId;
});
afterAll(stopLyceum);

/**
 * A teacher with a profile last saved `daysAgo` days ago, made without a request. The factory's token is a sign-in
 * (a session row), noted before the profile existed: forgotten, so the case starts as a tutor idle since then.
 */
async function tutorLastActive(daysAgo: number): Promise<TestUser> {
  const tutor = await make.createUser('teacher');
  await app.strapi
    .plugin('marketplace')
    .service('tutor-profiles')
    .upsert(
      { userId: tutor.id, role: 'teacher' },
      { headline: 'Quiet tutor', subjects: [subject], hourlyRate: '20.00', currency: 'USD', languages: ['en'] },
      new Date(Date.now() - daysAgo * DAY)
    );
  forgetTriedActivity(tutor.id);
  return tutor;
}

async function lastActiveAt(tutor: TestUser): Promise<number> {
  const row = await app.strapi.db.query(PROFILE as any).findOne({ where: { userId: tutor.id } });
  return new Date(row.lastActiveAt).getTime();
}

const setLastActiveAt = (tutor: TestUser, at: Date) =>
  app.strapi.db.query(PROFILE as any).update({ where: { userId: tutor.id }, data: { lastActiveAt: at } });

test('a signed-in request of the tutor moves lastActiveAt; further requests within the interval write nothing', async () => {
  const tutor = await tutorLastActive(40);
  expect(await lastActiveAt(tutor)).toBeLessThan(Date.now() - 39 * DAY);
  const before = Date.now();
  expect((await app.request.get('/api/tasks?open=true').set(tutor.auth)).status).toBe(200);
  expect(await lastActiveAt(tutor)).toBeGreaterThanOrEqual(before - 1000);

  // Within the interval this instance does not even try again: an older value set behind its back stays.
  const dayAgo = new Date(Date.now() - DAY);
  await setLastActiveAt(tutor, dayAgo);
  expect((await app.request.get('/api/users/me').set(tutor.auth)).status).toBe(200);
  expect(await lastActiveAt(tutor)).toBe(dayAgo.getTime());
});

test('a sign-in moves it (no signed-in request needed)', async () => {
  const tutor = await tutorLastActive(40);
  const before = Date.now();
  const login = await app.request.post('/api/auth/local').send({ identifier: tutor.email, password: 'Secret-pass-1' });
  expect(login.status).toBe(200);
  expect(await lastActiveAt(tutor)).toBeGreaterThanOrEqual(before - 1000);
});

test('the conditional UPDATE: of parallel writers one changes the row; inside the interval none; after it one', async () => {
  const tutor = await tutorLastActive(3);
  const now = new Date();
  const outcomes = await Promise.all(Array.from({ length: 8 }, () => recordTutorActivity(app.strapi, tutor.id, now)));
  expect(outcomes.filter(Boolean)).toHaveLength(1);
  expect(await lastActiveAt(tutor)).toBe(now.getTime());
  const soon = new Date(now.getTime() + ACTIVITY_WRITE_INTERVAL_MS - 1000);
  expect(await recordTutorActivity(app.strapi, tutor.id, soon)).toBe(false);
  expect(await lastActiveAt(tutor)).toBe(now.getTime());
  const later = new Date(now.getTime() + ACTIVITY_WRITE_INTERVAL_MS + 1000);
  expect(await recordTutorActivity(app.strapi, tutor.id, later)).toBe(true);
  expect(await lastActiveAt(tutor)).toBe(later.getTime());
});

test('users without a tutor profile: their requests answer as before and write nothing', async () => {
  const student = await make.createUser('student');
  expect((await app.request.get('/api/users/me').set(student.auth)).status).toBe(200);
  expect(await recordTutorActivity(app.strapi, student.id, new Date())).toBe(false);
});

test('matching sees it: a tutor idle for two months becomes "Active in the last week" after one request', async () => {
  const tutor = await tutorLastActive(60);
  const student = await make.createUser('student');
  const task = await app.request
    .post('/api/tasks')
    .set(student.auth)
    .send({ title: 'Help with homework', description: 'Two exercises I cannot solve.', subject });
  expect(task.status).toBe(201);
  const reasonsOf = async () => {
    const matches = await app.request.get(`/api/tasks/${task.body.data.documentId}/matches`).set(student.auth);
    expect(matches.status).toBe(200);
    return matches.body.data.find((match: { tutor: { id: number } }) => match.tutor.id === tutor.id).reasons;
  };
  expect(await reasonsOf()).not.toContain('Active in the last week');
  expect((await app.request.get('/api/users/me').set(tutor.auth)).status).toBe(200);
  expect(await reasonsOf()).toContain('Active in the last week');
});
