import { randomBytes } from 'crypto';
import type { Core } from '@strapi/strapi';
import { tutorProfiles, tutorReviews } from '../plugins/marketplace/server/src/facade';
import { DEMO_USERS } from './accounts';

const USER = 'plugin::users-permissions.user';
const TAG = 'api::tag.tag';

/** Tutors beside the demo teacher (they do not sign in: random passwords), and students who reviewed them. */
const TUTORS = [
  {
    username: 'nadia_tutor',
    fullName: 'Nadia Novak',
    headline: 'SQL and data modelling, from first SELECT to window functions',
    subjects: ['databases', 'sql'],
    experienceYears: 9,
    hourlyRate: '35.00',
    currency: 'USD',
    languages: ['en', 'ru'],
  },
  {
    username: 'ivan_tutor',
    fullName: 'Иван Петров',
    headline: 'TypeScript для начинающих и продолжающих',
    subjects: ['typescript', 'beginner-friendly'],
    experienceYears: 4,
    hourlyRate: '1500.00',
    currency: 'RUB',
    languages: ['ru'],
  },
  {
    username: 'lena_tutor',
    fullName: 'Lena Fischer',
    headline: 'Clean code reviews and pair programming sessions',
    subjects: ['typescript'],
    experienceYears: 15,
    hourlyRate: '60.00',
    currency: 'EUR',
    languages: ['de', 'en'],
  },
] as const;

const REVIEWS: Array<{ tutor: string; rating: number; body: string }> = [
  {
    tutor: 'teacher',
    rating: 5,
    body: 'Theo explained every TypeScript error I had been fighting for weeks, and left me with exercises that actually stuck.',
  },
  {
    tutor: 'nadia_tutor',
    rating: 5,
    body: 'Nadia rebuilt my schema with me in one session; the indexes she suggested took our slowest report from seconds to milliseconds.',
  },
  { tutor: 'nadia_tutor', rating: 4, body: 'Clear and patient, a little fast at times.' },
  {
    tutor: 'ivan_tutor',
    rating: 5,
    body: 'Иван терпеливо объяснил дженерики на примерах из моего проекта — наконец-то понял, зачем они нужны и как их читать.',
  },
  {
    tutor: 'lena_tutor',
    rating: 4,
    body: 'Lena reviewed a pull request with me line by line; I came away with a checklist I now use on every change I make.',
  },
];

/**
 * The demo's tutor marketplace: the demo teacher and three more tutors with profiles, and reviews (written as the
 * server: the reviewers are demo students). Loaded once per database (its own flag).
 */
export async function seedTutorsDemoOnce(strapi: Core.Strapi): Promise<boolean> {
  const flag = strapi.store({ type: 'core', name: 'lyceum', key: 'demo-tutors' });
  if (await flag.get({})) return false;
  const teacherAccount = DEMO_USERS.find((account) => account.role === 'teacher')!;
  const teacher = await strapi.db.query(USER).findOne({ where: { email: teacherAccount.email }, select: ['id'] });
  if (!teacher) return false;
  const teacherRole = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'teacher' } });
  const studentRole = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'student' } });
  const tagIds = async (names: readonly string[]) => {
    const ids: string[] = [];
    for (const name of names) {
      const existing = await strapi.db.query(TAG).findOne({ where: { name }, select: ['documentId'] });
      ids.push(existing?.documentId ?? (await strapi.documents(TAG).create({ data: { name } as any })).documentId);
    }
    return ids;
  };
  const addUser = async (username: string, fullName: string, roleId: number) =>
    (await strapi.db.query(USER).findOne({ where: { username }, select: ['id'] })) ??
    (await strapi
      .plugin('users-permissions')
      .service('user')
      .add({
        username,
        email: `${username}@example.com`,
        fullName,
        password: `${randomBytes(12).toString('base64url')}-Aa1`,
        provider: 'local',
        confirmed: true,
        blocked: false,
        role: roleId,
      }));
  const tutorIds: Record<string, number> = { teacher: teacher.id };
  const now = new Date();
  await tutorProfiles(strapi).upsert(
    { userId: teacher.id, role: 'teacher' },
    {
      headline: 'TypeScript and databases, one project at a time',
      subjects: await tagIds(['typescript', 'databases']),
      experienceYears: 7,
      hourlyRate: '40.00',
      currency: 'USD',
      languages: ['en'],
    },
    now
  );
  for (const tutor of TUTORS) {
    const user = await addUser(tutor.username, tutor.fullName, teacherRole.id);
    tutorIds[tutor.username] = user.id;
    await tutorProfiles(strapi).upsert(
      { userId: user.id, role: 'teacher' },
      {
        headline: tutor.headline,
        subjects: await tagIds(tutor.subjects),
        experienceYears: tutor.experienceYears,
        hourlyRate: tutor.hourlyRate,
        currency: tutor.currency,
        languages: [...tutor.languages],
      },
      now
    );
  }
  for (const [index, review] of REVIEWS.entries()) {
    const reviewer = await addUser(`demo_client_${index + 1}`, `Demo Client ${index + 1}`, studentRole.id);
    await tutorReviews(strapi).record(tutorIds[review.tutor], reviewer.id, {
      rating: review.rating,
      body: review.body,
    });
  }
  await flag.set({ value: { loadedAt: new Date().toISOString() } });
  return true;
}
