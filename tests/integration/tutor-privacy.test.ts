import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Tutor profiles follow their owner's privacy setting (contract "Tutor marketplace", Settings: a private profile →
 * 404 to others): the tutor list, the public profile, the reviews list and a task's matches leave out a tutor whose
 * profile is private (to everyone but the tutor and staff) or members-only (to visitors).
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let tutor: TestUser;
let student: TestUser;
let admin: TestUser;
let subject: string;

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  [tutor, student, admin] = await Promise.all([
    make.createUser('teacher'),
    make.createUser('student'),
    make.createUser('admin'),
  ]);
  subject = (await app.strapi.documents('api::tag.tag').create({ data: { name: 'Privacy algebra' } as any }))
    .documentId;
  const saved = await app.request
    .put('/api/me/tutor-profile')
    .set(tutor.auth)
    .send({
      headline: 'Algebra for the shy',
      subjects: [subject],
      experienceYears: 3,
      hourlyRate: 20,
      currency: 'USD',
      languages: ['en'],
    });
  expect(saved.status).toBe(200);
}, 300_000);
afterAll(stopLyceum);

const setVisibility = async (profileVisibility: string) => {
  const response = await app.request.put('/api/me/settings').set(tutor.auth).send({ privacy: { profileVisibility } });
  expect(response.status).toBe(200);
};
const listed = async (viewer?: TestUser) => {
  const request = app.request.get('/api/tutors').query({ subject });
  const response = viewer ? await request.set(viewer.auth) : await request;
  expect(response.status).toBe(200);
  return response.body.data.map((row: { id: number }) => row.id);
};
const profileStatus = async (viewer?: TestUser) => {
  const request = app.request.get(`/api/tutors/${tutor.id}`);
  return (viewer ? await request.set(viewer.auth) : await request).status;
};

test('a public profile is listed and shown to everyone', async () => {
  await setVisibility('public');
  expect(await listed()).toContain(tutor.id);
  expect(await listed(student)).toContain(tutor.id);
  expect(await profileStatus()).toBe(200);
});

test('a members-only profile is hidden from visitors only', async () => {
  await setVisibility('members');
  expect(await listed()).not.toContain(tutor.id);
  expect(await profileStatus()).toBe(404);
  expect(await listed(student)).toContain(tutor.id);
  expect(await profileStatus(student)).toBe(200);
});

test('a private profile is 404 to others and gone from their lists and matches; the tutor and admins still see it', async () => {
  await setVisibility('private');
  expect(await listed(student)).not.toContain(tutor.id);
  expect(await profileStatus(student)).toBe(404);
  expect(await profileStatus()).toBe(404);
  expect((await app.request.get(`/api/tutors/${tutor.id}/reviews`).set(student.auth)).status).toBe(404);
  const task = await app.request
    .post('/api/tasks')
    .set(student.auth)
    .send({ title: 'Quadratic equations', description: 'Two lessons before my exam', subject });
  expect(task.status).toBe(201);
  const matches = await app.request.get(`/api/tasks/${task.body.data.documentId}/matches`).set(student.auth);
  expect(matches.status).toBe(200);
  expect(matches.body.data.map((match: { tutor: { id: number } }) => match.tutor.id)).not.toContain(tutor.id);

  expect(await profileStatus(tutor)).toBe(200);
  expect(await listed(admin)).toContain(tutor.id);
  expect(await profileStatus(admin)).toBe(200);
  await setVisibility('public');
  expect(await profileStatus(student)).toBe(200);
});
