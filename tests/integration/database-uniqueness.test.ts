import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * The uniqueness the rules rely on is the database's, not a read-then-write check: twenty simultaneous
 * inserts of the same key leave exactly one row, on SQLite and PostgreSQL alike.
 */
let app: TestApp;
let student: TestUser;
let course: TestCourse;

beforeAll(async () => {
  app = await startLyceum();
  const make = factories(app.strapi);
  const teacher = await make.createUser('teacher');
  student = await make.createUser('student');
  course = await make.createCourse({ teacher, lessons: 1 });
});
afterAll(stopLyceum);

const race = async (uid: string, data: () => Record<string, unknown>) => {
  const outcomes = await Promise.allSettled(
    Array.from({ length: 20 }, () => app.strapi.db.query(uid as any).create({ data: data() }))
  );
  return outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
};

const cases: Array<[string, string, () => Record<string, unknown>, () => string]> = [
  [
    'one enrollment per student and course',
    'plugin::enrollment.enrollment',
    () => ({ status: 'active' }),
    () => `${student.id}:${course.documentId}`,
  ],
  [
    'one progress row per student and lesson',
    'plugin::progress.lesson-progress',
    () => ({ completedAt: new Date() }),
    () => `${student.id}:${course.lessons[0].documentId}`,
  ],
  [
    'one certificate per student and course',
    'plugin::certificates.certificate',
    () => ({ code: Math.random().toString(36).slice(2), status: 'issued' }),
    () => `${student.id}:${course.documentId}`,
  ],
  [
    'one review per student and course',
    'api::review.review',
    () => ({ rating: 5 }),
    () => `${student.id}:${course.documentId}`,
  ],
  [
    'one favorite per student and lesson',
    'api::favorite.favorite',
    () => ({}),
    () => `${student.id}:${course.lessons[0].documentId}`,
  ],
  [
    'one active submission per student and assignment',
    'api::submission.submission',
    () => ({ status: 'submitted' }),
    () => `${student.id}:assignment-1`,
  ],
  [
    'one quiz attempt per number',
    'plugin::grading.quiz-attempt',
    () => ({ attemptNumber: 1, status: 'in_progress' }),
    () => `${student.id}:quiz-1:1`,
  ],
];

test.each(cases)('%s holds under 20 simultaneous inserts', async (_rule, uid, data, key) => {
  const created = await race(uid, () => ({ ...data(), key: key() }));
  expect(created).toBe(1);
  expect(await app.strapi.db.query(uid as any).count({ where: { key: key() } })).toBe(1);
});

test('a certificate code is unique even across different students', async () => {
  const code = 'SAME-CODE-0001';
  const outcomes = await Promise.allSettled(
    Array.from({ length: 10 }, (_, index) =>
      app.strapi.db
        .query('plugin::certificates.certificate')
        .create({ data: { key: `other-${index}:${course.documentId}`, code, status: 'issued' } })
    )
  );
  expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
});

test('the unique indexes exist in the database itself', async () => {
  const knex = app.strapi.db.connection;
  const tables = [
    'enrollments',
    'lesson_progresses',
    'certificates',
    'reviews',
    'favorites',
    'submissions',
    'quiz_attempts',
  ];
  for (const table of tables) {
    const client = app.strapi.db.dialect.client;
    const indexNames: string[] =
      client === 'postgres'
        ? (await knex.raw('select indexname as name from pg_indexes where tablename = ?', [table])).rows.map(
            (row: { name: string }) => row.name
          )
        : (await knex.raw(`pragma index_list('${table}')`))
            .filter((row: { unique: number }) => row.unique)
            .map((row: { name: string }) => row.name);
    expect([table, indexNames]).toEqual([table, expect.arrayContaining([`${table}_key_unique`])]);
  }
});
