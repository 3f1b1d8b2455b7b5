import { ensureQueryIndexes } from '../../src/bootstrap/query-indexes';
import { columnOf, linkOf, tableOf } from '../../src/database/tables';
import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Every statement Lyceum sends names its tables in the schema DATABASE_SCHEMA sets (PostgreSQL; CI runs this file
 * with TEST_DATABASE_SCHEMA=lyceum), through the one table helper, src/database/tables.ts. SQLite has no schemas:
 * there every name stays bare. Strapi's own queries qualify their tables the same way (`withSchema`), so a bare
 * or wrongly qualified table name can only come from a hand-written statement or knex builder.
 */
const isPostgres = process.env.DATABASE_CLIENT === 'postgres';

let app: TestApp;
let make: ReturnType<typeof factories>;

/** Every table Strapi's metadata knows: content types' tables and relations' link tables. */
function knownTables(): Set<string> {
  const tables = new Set<string>();
  for (const [, meta] of app.strapi.db.metadata as unknown as Map<
    string,
    { tableName: string; attributes: Record<string, { joinTable?: { name: string } }> }
  >) {
    tables.add(meta.tableName);
    for (const attribute of Object.values(meta.attributes))
      if (attribute.joinTable) tables.add(attribute.joinTable.name);
  }
  return tables;
}

/** The table references of one statement that do not name `schema` (or, with no schema, that name one). */
function misplacedTables(sql: string, tables: Set<string>, schema: string | null): string[] {
  const found: string[] = [];
  // A table after FROM, JOIN, INTO or UPDATE: bare or quoted, with or without a schema before it.
  const reference = /\b(?:from|join|into|update)\s+(?:"([^"]+)"\.)?("?)([A-Za-z0-9_]+)\2(?![A-Za-z0-9_]|\s*\.)/gi;
  for (const match of sql.matchAll(reference)) {
    const [text, qualifier, , table] = match;
    if (!tables.has(table)) continue;
    if ((qualifier ?? null) !== schema) found.push(text);
  }
  return found;
}

/** Runs `flow` and answers the statements it sent that name a table outside the app's schema. */
async function statementsOutsideSchema(flow: () => Promise<void>): Promise<string[]> {
  const sent: string[] = [];
  const listener = (query: { sql: string }) => sent.push(query.sql);
  app.strapi.db.connection.on('query', listener);
  try {
    await flow();
  } finally {
    app.strapi.db.connection.off('query', listener);
  }
  expect(sent.length).toBeGreaterThan(0);
  const tables = knownTables();
  const schema = isPostgres ? (process.env.DATABASE_SCHEMA ?? 'public') : null;
  return sent.flatMap((sql) => misplacedTables(sql, tables, schema).map((reference) => `${reference}  in: ${sql}`));
}

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
});
afterAll(stopLyceum);

describe('the table helper', () => {
  test("names tables and link tables from Strapi's metadata, in the configured schema on PostgreSQL only", () => {
    const prefix = isPostgres ? `${process.env.DATABASE_SCHEMA ?? 'public'}.` : '';
    expect(tableOf(app.strapi, 'plugin::enrollment.course-seat')).toBe(`${prefix}course_seats`);
    expect(tableOf(app.strapi, 'api::course.course')).toBe(`${prefix}courses`);
    expect(linkOf(app.strapi, 'plugin::enrollment.enrollment', 'course')).toEqual({
      table: `${prefix}enrollments_course_lnk`,
      ownColumn: 'enrollment_id',
      targetColumn: 'course_id',
      orderColumn: null,
    });
    expect(columnOf(app.strapi, 'api::course.course', 'ratingAverage')).toBe('rating_average');
  });

  test('refuses an attribute that is not a relation with a link table, rather than naming a table by guess', () => {
    expect(() => linkOf(app.strapi, 'api::course.course', 'title')).toThrow(/not a relation kept in a link table/);
    expect(() => columnOf(app.strapi, 'api::course.course', 'noSuchField')).toThrow(/has no attribute noSuchField/);
  });
});

describe('the check itself', () => {
  test('flags a bare or wrongly qualified table and passes the right schema, CTE names and catalog tables', () => {
    const tables = new Set(['course_seats', 'courses']);
    expect(misplacedTables('update "course_seats" set "taken" = "taken" + 1', tables, 'lyceum')).toHaveLength(1);
    expect(misplacedTables('UPDATE courses SET students_count = 1', tables, 'lyceum')).toHaveLength(1);
    expect(misplacedTables('select * from "public"."courses" as "c"', tables, 'lyceum')).toHaveLength(1);
    expect(
      misplacedTables(
        'select * from "lyceum"."courses" as "c" join "lyceum"."course_seats" s on true',
        tables,
        'lyceum'
      )
    ).toEqual([]);
    expect(
      misplacedTables('WITH seat AS (SELECT 1) SELECT taken FROM seat, information_schema.tables', tables, 'lyceum')
    ).toEqual([]);
    expect(misplacedTables('select * from "courses"', tables, null)).toEqual([]);
    expect(misplacedTables('select * from "main"."courses"', tables, null)).toHaveLength(1);
  });
});

describe(`statements name their tables in the app's schema (${isPostgres ? `PostgreSQL, schema ${process.env.DATABASE_SCHEMA ?? 'public'}` : 'SQLite, no schema'})`, () => {
  let teacher: TestUser;
  let student: TestUser;
  let course: Awaited<ReturnType<typeof make.createCourse>>;

  beforeAll(async () => {
    teacher = await make.createUser('teacher');
    student = await make.createUser('student');
    course = await make.createCourse({ teacher, lessons: 2, data: { capacity: 5 } });
  });

  test('a student enrolls, learns, leaves, returns, reviews and writes; the teacher issues a certificate and reads insights', async () => {
    const misplaced = await statementsOutsideSchema(async () => {
      const enrollments = `/api/courses/${course.documentId}/enrollments`;
      expect((await app.request.post(enrollments).set(student.auth)).status).toBe(201);
      expect(
        (await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth)).status
      ).toBe(200);
      // Cancelling gives the seat back (course_seats, courses); returning takes one again.
      expect((await app.request.delete(`${enrollments}/me`).set(student.auth)).status).toBe(200);
      expect((await app.request.post(enrollments).set(student.auth)).status).toBe(201);
      expect(
        (
          await app.request
            .post(`/api/courses/${course.documentId}/reviews`)
            .set(student.auth)
            .send({ rating: 4, body: 'Clear' })
        ).status
      ).toBe(201);
      expect((await app.request.get(`/api/teachers/${teacher.id}`)).status).toBe(200);
      expect(
        (
          await app.request
            .post(`/api/conversations/${teacher.id}/messages`)
            .set(student.auth)
            .send({ body: 'A question' })
        ).status
      ).toBe(201);
      expect((await app.request.get('/api/me/conversations').set(teacher.auth)).status).toBe(200);
      expect(
        (
          await app.request
            .post(`/api/courses/${course.documentId}/certificates`)
            .set(teacher.auth)
            .send({ user: student.id })
        ).status
      ).toBe(201);
      expect((await app.request.get('/api/me/certificates').set(student.auth)).status).toBe(200);
      await app.strapi.plugin('progress').service('course-insights').compute(course.documentId, 'week');
    });
    expect(misplaced).toEqual([]);
  });

  test('a quiz attempt is started and submitted', async () => {
    const quiz = await make.createQuiz(course);
    const misplaced = await statementsOutsideSchema(async () => {
      const started = await app.request.post(`/api/quizzes/${quiz.documentId}/attempts`).set(student.auth);
      expect(started.status).toBe(201);
      // The factory quiz's questions (single choice, short text, numeric), answered right.
      const answers = (
        started.body.data.questions as Array<{
          id: number;
          type: string;
          options?: Array<{ id: number; text: string }>;
        }>
      ).map((question) => {
        if (question.type === 'single')
          return { question: question.id, choices: [question.options!.find((option) => option.text === 'Right')!.id] };
        if (question.type === 'short_text') return { question: question.id, text: 'hello' };
        return { question: question.id, number: 3.145 };
      });
      const submitted = await app.request
        .post(`/api/quiz-attempts/${started.body.data.id}/submit`)
        .set(student.auth)
        .send({ answers });
      expect(submitted.status).toBe(200);
    });
    expect(misplaced).toEqual([]);
  });

  test('an admin broadcast reaches a role, and the query indexes are ensured, in the same schema', async () => {
    const admin = await make.createUser('admin');
    const misplaced = await statementsOutsideSchema(async () => {
      const response = await app.request
        .post('/api/notifications/broadcast')
        .set(admin.auth)
        .send({ title: 'Hello', body: 'Staff', audience: { role: 'teacher' } });
      expect(response.status).toBeLessThan(300);
      await ensureQueryIndexes(app.strapi);
    });
    expect(misplaced).toEqual([]);
  });
});
