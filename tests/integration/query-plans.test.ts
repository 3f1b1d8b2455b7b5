import path from 'path';
import { Client } from 'pg';
import { tableLocation } from '../../src/database/tables';
import { factories } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * The hot per-user and per-code reads must be served by indexes once tables are big. PostgreSQL only:
 * SQLite's planner says little about production, and the migrations' indexes are PostgreSQL's concern.
 */
const isPostgres = process.env.DATABASE_CLIENT === 'postgres';
if (!isPostgres) {
  console.info('query-plans.test.ts: skipped on SQLite; run with DATABASE_CLIENT=postgres to check the query plans.');
}
const describeOnPostgres = isPostgres ? describe : describe.skip;

// Tables whose sequential scan would grow with the number of students.
const WATCHED = [
  'enrollments',
  'enrollments_user_lnk',
  'enrollments_course_lnk',
  'lesson_progresses',
  'lesson_progresses_user_lnk',
  'quiz_attempts',
  'quiz_attempts_user_lnk',
  'certificates',
  'certificates_user_lnk',
];

let app: TestApp;
let client: Client;

interface CapturedQuery {
  sql: string;
  bindings: unknown[];
}

/** The SQL a service call really sends, captured from knex (reads only, unless `statements` says otherwise). */
async function capture(run: () => Promise<unknown>, statements = /^\s*select/i): Promise<CapturedQuery[]> {
  const queries: CapturedQuery[] = [];
  const listener = (query: { sql: string; bindings?: unknown[] }) => {
    if (statements.test(query.sql)) queries.push({ sql: query.sql, bindings: query.bindings ?? [] });
  };
  app.strapi.db.connection.on('query', listener);
  try {
    await run();
  } finally {
    app.strapi.db.connection.off('query', listener);
  }
  return queries;
}

const toNumbered = (sql: string) => {
  if (/\$\d/.test(sql)) return sql;
  let index = 0;
  return sql.replace(/\?/g, () => `$${(index += 1)}`);
};

const literal = (value: unknown): string => {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return client.escapeLiteral(value.toISOString());
  return client.escapeLiteral(String(value));
};

/**
 * The plan PostgreSQL runs a prepared statement with once it settles on a generic one (after five runs),
 * planned without the values: an index condition built from a value (LIKE 'prefix%') is not in it.
 */
async function genericPlan(query: CapturedQuery): Promise<string> {
  await client.query('SET plan_cache_mode = force_generic_plan');
  await client.query(`PREPARE watched AS ${query.sql}`);
  try {
    const args = query.bindings.length ? `(${query.bindings.map(literal).join(', ')})` : '';
    const plan = await client.query(`EXPLAIN EXECUTE watched${args}`);
    return plan.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
  } finally {
    await client.query('DEALLOCATE watched');
    await client.query('RESET plan_cache_mode');
  }
}

async function seqScansIn(queries: CapturedQuery[], tables: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const query of queries) {
    const plan = await client.query(`EXPLAIN ${toNumbered(query.sql)}`, query.bindings as unknown[]);
    const plans = [plan.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n')];
    // Numbered placeholders: a fixed statement of src/access/raw-sql.ts, which runs as a named prepared statement.
    if (/\$\d/.test(query.sql)) plans.push(await genericPlan(query));
    for (const text of plans) {
      if (process.env.SHOW_PLANS) process.stdout.write(`${query.sql}\n${text}\n\n`);
      for (const table of tables) {
        if (new RegExp(`Seq Scan on ${table}\\b`).test(text)) found.push(`${table} in: ${query.sql}\n${text}`);
      }
    }
  }
  return found;
}

beforeAll(async () => {
  app = await startLyceum();
});
afterAll(async () => {
  await client?.end();
  await stopLyceum();
});

describe('index migration', () => {
  const migration = require(path.resolve('database/migrations/2026.11.25T00.00.00.query-indexes.js'));
  const { INDEXES } = require(path.resolve('database/migrations/lib/query-indexes.js'));
  const OWN_TABLES = [
    "'lyceum_jobs'",
    "'lyceum_search_documents'",
    "'lyceum_popular_courses'",
    "'lyceum_certificate_credentials'",
    "'lyceum_search_words'",
    "'lyceum_search_title_terms'",
    "'lyceum_audit_events'",
    "'lyceum_data_exports'",
    "'lyceum_video_assets'",
    "'lyceum_session_details'",
    "'lyceum_account_settings'",
    "'lyceum_push_subscriptions'",
  ].join(', ');

  test('runs any number of times and leaves every index of this database kind in place', async () => {
    const knex = app.strapi.db.connection;
    await migration.up(knex, app.strapi.db);
    await migration.up(knex, app.strapi.db);
    const expected = INDEXES.filter(
      (index: { postgres?: string; postgresOnly?: boolean }) => isPostgres || !(index.postgres || index.postgresOnly)
    ).map((index: { name: string }) => index.name);
    // Lyceum's own tables (the job outbox, the search index, popular courses) bring their indexes with them
    // (lib/jobs-table.js, lib/search-table.js), not from this migration.
    const present: string[] = isPostgres
      ? (
          await knex.raw(
            `SELECT indexname AS name FROM pg_indexes WHERE indexname LIKE 'lyceum_%' AND tablename NOT IN (${OWN_TABLES})`
          )
        ).rows.map((row: { name: string }) => row.name)
      : (
          await knex.raw(
            `SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'lyceum_%' AND tbl_name NOT IN (${OWN_TABLES})`
          )
        ).map((row: { name: string }) => row.name);
    expect(present.sort()).toEqual(expected.sort());
  });

  test('skips tables that do not exist yet (a fresh database, before schema sync)', async () => {
    const knex = app.strapi.db.connection;
    const { createQueryIndexes } = require(path.resolve('database/migrations/lib/query-indexes.js'));
    const spy = jest.spyOn(knex.schema.constructor.prototype, 'hasTable').mockResolvedValue(false as never);
    try {
      await expect(createQueryIndexes(knex, (uid: string) => tableLocation(app.strapi.db, uid))).resolves.toEqual([]);
    } finally {
      spy.mockRestore();
    }
    const courses = tableLocation(app.strapi.db, 'api::course.course');
    expect(await (courses.schema ? knex.schema.withSchema(courses.schema) : knex.schema).hasTable(courses.name)).toBe(
      true
    );
  });
});

describeOnPostgres('query plans on PostgreSQL with thousands of rows', () => {
  let student: { id: number };
  let course: { documentId: string };
  let certificateCode: string;
  let hotPost: string;

  beforeAll(async () => {
    const make = factories(app.strapi);
    const teacher = await make.createUser('teacher');
    course = await make.createCourse({ teacher, lessons: 2 });
    const created = await make.createUser('student');
    student = created;
    expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(created.auth)).status).toBe(
      201
    );
    expect(
      (await app.request.post(`/api/lessons/${(course as any).lessons[0].documentId}/complete`).set(created.auth))
        .status
    ).toBe(200);
    const issued = await app.request
      .post(`/api/courses/${course.documentId}/certificates`)
      .set(teacher.auth)
      .send({ user: created.id });
    expect(issued.status).toBe(201);
    certificateCode = issued.body.data.code;

    client = new Client({
      host: process.env.DATABASE_HOST,
      port: Number(process.env.DATABASE_PORT),
      user: process.env.DATABASE_USERNAME,
      password: process.env.DATABASE_PASSWORD || undefined,
      database: process.env.DATABASE_NAME,
      // The seed and the EXPLAINs name tables unqualified: look in the schema the app uses (DATABASE_SCHEMA).
      options: `-c search_path=${process.env.DATABASE_SCHEMA || 'public'}`,
    });
    await client.connect();
    // Set-based seed: 3,000 users, 60 courses, 6,000 enrollments, 12,000 progress rows, 6,000 attempts, 3,000 certificates.
    await client.query(`
      INSERT INTO up_users (document_id, username, email, provider, confirmed, blocked, created_at, updated_at)
        SELECT 'seeduser' || n, 'seed_user_' || n, 'seed' || n || '@example.test', 'local', true, false, now(), now() FROM generate_series(1, 3000) n;
      INSERT INTO courses (document_id, title, locale, published_at, created_at, updated_at)
        SELECT 'seedcourse' || n, 'Seed course ' || n, 'en', now(), now(), now() FROM generate_series(1, 60) n;
      INSERT INTO courses (document_id, title, slug, level, locale, published_at, created_at, updated_at)
        SELECT 'seedcatalog' || n, 'Catalog course ' || n, 'seed-catalog-' || n, (ARRAY['beginner', 'intermediate', 'advanced'])[n % 3 + 1], 'en', CASE WHEN n % 2 = 0 THEN now() END, now(), now()
        FROM generate_series(1, 6000) n;
      INSERT INTO enrollments (document_id, key, status, enrolled_at, created_at, updated_at)
        SELECT 'seedenr' || u.id || '_' || c.n, u.id || ':seedcourse' || ((u.id + c.n * 7) % 60 + 1), 'active', now(), now(), now()
        FROM (SELECT id FROM up_users WHERE username LIKE 'seed_user_%') u CROSS JOIN generate_series(1, 2) c(n);
      INSERT INTO enrollments_user_lnk (enrollment_id, user_id)
        SELECT e.id, split_part(e.key, ':', 1)::int FROM enrollments e WHERE e.document_id LIKE 'seedenr%';
      INSERT INTO enrollments_course_lnk (enrollment_id, course_id)
        SELECT e.id, c.id FROM enrollments e JOIN courses c ON c.document_id = split_part(e.key, ':', 2) WHERE e.document_id LIKE 'seedenr%';
      INSERT INTO lesson_progresses (document_id, key, lesson_document_id, course_document_id, completed_at, created_at, updated_at)
        SELECT 'seedprog' || u.id || '_' || l.n, u.id || ':seedlesson' || l.n, 'seedlesson' || l.n, 'seedcourse' || (l.n % 60 + 1), now(), now(), now()
        FROM (SELECT id FROM up_users WHERE username LIKE 'seed_user_%') u CROSS JOIN generate_series(1, 4) l(n);
      INSERT INTO lesson_progresses_user_lnk (lesson_progress_id, user_id)
        SELECT p.id, split_part(p.key, ':', 1)::int FROM lesson_progresses p WHERE p.document_id LIKE 'seedprog%';
      INSERT INTO quiz_attempts (document_id, key, quiz_document_id, attempt_number, status, started_at, created_at, updated_at)
        SELECT 'seedatt' || u.id || '_' || q.n, u.id || ':seedquiz' || q.n || ':1', 'seedquiz' || q.n, 1, 'submitted', now(), now(), now()
        FROM (SELECT id FROM up_users WHERE username LIKE 'seed_user_%') u CROSS JOIN generate_series(1, 2) q(n);
      INSERT INTO quiz_attempts_user_lnk (quiz_attempt_id, user_id)
        SELECT a.id, split_part(a.key, ':', 1)::int FROM quiz_attempts a WHERE a.document_id LIKE 'seedatt%';
      INSERT INTO certificates (document_id, key, code, status, issued_at, created_at, updated_at)
        SELECT 'seedcert' || u.id, u.id || ':seedcourse' || (u.id % 60 + 1), 'seedcode' || lpad(u.id::text, 14, '0'), 'issued', now(), now(), now()
        FROM (SELECT id FROM up_users WHERE username LIKE 'seed_user_%') u;
      INSERT INTO certificates_user_lnk (certificate_id, user_id)
        SELECT c.id, split_part(c.key, ':', 1)::int FROM certificates c WHERE c.document_id LIKE 'seedcert%';
    `);
    // Social learning: 60,000 posts by the 3,000 seed users over 60,000 minutes (one or two of 40 tags, a tenth for
    // followers only), 60,000 follows and likes, 20,000 comments; the student follows 200 of the authors and liked
    // 20 posts (their interests).
    await client.query(`
      INSERT INTO tags (document_id, name, slug, created_at, updated_at, published_at)
        SELECT 'seedtag' || n, 'Seed tag ' || n, 'seed-tag-' || n, now(), now(), now() FROM generate_series(1, 40) n;
      CREATE TEMP TABLE seed_bounds AS SELECT
        (SELECT min(id) FROM up_users WHERE username LIKE 'seed_user_%') AS first_user,
        (SELECT min(id) FROM tags WHERE document_id LIKE 'seedtag%') AS first_tag,
        (extract(epoch from now()) * 1000)::bigint AS now_ms;
      INSERT INTO posts (document_id, kind, title, body, visibility, is_draft, posted_at, posted_ms, author_id, likes_count, comments_count, popular_score, created_at, updated_at, published_at)
        SELECT 'seedpost' || n, 'note', 'Seed post ' || n, 'Text ' || n, CASE WHEN n % 10 = 0 THEN 'followers' ELSE 'public' END, false,
          now(), b.now_ms - (60000 - n) * 60000::bigint, b.first_user + (n * 7) % 3000, 0, 0, (b.now_ms - (60000 - n) * 60000::bigint) / 3600000.0 / 12, now(), now(), now()
        FROM generate_series(1, 60000) n CROSS JOIN seed_bounds b;
      INSERT INTO posts_tags_lnk (post_id, tag_id)
        SELECT p.id, b.first_tag + p.id % 40 FROM posts p CROSS JOIN seed_bounds b WHERE p.document_id LIKE 'seedpost%';
      INSERT INTO posts_tags_lnk (post_id, tag_id)
        SELECT p.id, b.first_tag + (p.id * 13 + 7) % 40 FROM posts p CROSS JOIN seed_bounds b
        WHERE p.document_id LIKE 'seedpost%' AND p.id % 3 = 0 AND (p.id * 13 + 7) % 40 <> p.id % 40;
      INSERT INTO follows (document_id, key, follower_id, followed_id, created_at, updated_at, published_at)
        SELECT 'seedfollow' || u.n || '_' || f.n, (b.first_user + u.n) || ':' || (b.first_user + (u.n + f.n * 101) % 3000), b.first_user + u.n, b.first_user + (u.n + f.n * 101) % 3000, now(), now(), now()
        FROM generate_series(0, 2999) u(n) CROSS JOIN generate_series(1, 20) f(n) CROSS JOIN seed_bounds b;
      INSERT INTO follows (document_id, key, follower_id, followed_id, created_at, updated_at, published_at)
        SELECT 'seedfollowme' || n, ${student.id} || ':' || (b.first_user + n * 13), ${student.id}, b.first_user + n * 13, now(), now(), now()
        FROM generate_series(0, 199) n CROSS JOIN seed_bounds b;
      INSERT INTO post_likes (document_id, key, target_type, target_id, user_id, created_at, updated_at, published_at)
        SELECT 'seedlike' || n, 'post:' || p.id || ':' || (b.first_user + n % 3000), 'post', p.id, b.first_user + n % 3000, now(), now(), now()
        FROM generate_series(1, 60000) n CROSS JOIN seed_bounds b JOIN posts p ON p.document_id = 'seedpost' || ((n * 7919) % 60000 + 1)
        ON CONFLICT DO NOTHING;
      INSERT INTO post_likes (document_id, key, target_type, target_id, user_id, created_at, updated_at, published_at)
        SELECT 'seedlikeme' || n, 'post:' || p.id || ':' || ${student.id}, 'post', p.id, ${student.id}, now(), now(), now()
        FROM generate_series(1, 20) n JOIN posts p ON p.document_id = 'seedpost' || (n * 2999)
        ON CONFLICT DO NOTHING;
      INSERT INTO post_comments (document_id, post_id, author_id, body, likes_count, created_at, updated_at, published_at)
        SELECT 'seedcomment' || n, p.id, b.first_user + n % 3000, 'A comment', 0, now(), now(), now()
        FROM generate_series(1, 20000) n CROSS JOIN seed_bounds b JOIN posts p ON p.document_id = 'seedpost' || ((n * 104729) % 60000 + 1);
    `);
    // VACUUM as well as ANALYZE, as autovacuum does in a live database (and the bench before it measures): without
    // the visibility map it fills, PostgreSQL prices an index-only scan, the catalog count's plan, as a heap read per
    // row and prefers reading the whole table. VACUUM cannot run in the multi-statement query above (one transaction).
    await client.query('VACUUM (ANALYZE)');
    hotPost = (await client.query("SELECT document_id FROM posts WHERE document_id = 'seedpost59999'")).rows[0]
      .document_id;
  });

  const expectIndexed = async (run: () => Promise<unknown>, tables = WATCHED, statements?: RegExp) => {
    const queries = await capture(run, statements);
    expect(queries.length).toBeGreaterThan(0);
    expect(await seqScansIn(queries, tables)).toEqual([]);
  };

  test("a student's enrollments", async () => {
    await expectIndexed(() =>
      app.strapi.plugin('enrollment').service('enrollment-views').listForStudent(student.id, { now: new Date() })
    );
  });

  test("a course's students", async () => {
    const views = app.strapi.plugin('enrollment').service('enrollment-views');
    let listed: any;
    await expectIndexed(async () => {
      listed = await views.listStudents(course.documentId, { page: 1, pageSize: 20, now: new Date() });
    });
    expect(listed.total).toBe(1);
    expect(listed.data[0].student.id).toBe(student.id);
  });

  test("a student's lesson progress in a course", async () => {
    let completed: Set<string> | undefined;
    await expectIndexed(async () => {
      completed = await app.strapi
        .plugin('progress')
        .service('progress')
        .completedLessonIds(student.id, course.documentId);
    });
    expect(completed?.size).toBe(1);
  });

  test('a course outline for a student (enrollment and completed lessons in one statement)', async () => {
    let outline: Array<{ completed: boolean }> | undefined;
    await expectIndexed(async () => {
      outline = await app.strapi
        .plugin('progress')
        .service('progress')
        .outline({ userId: student.id, role: 'student' }, course.documentId, 'en', new Date());
    });
    expect(outline?.filter((lesson) => lesson.completed)).toHaveLength(1);
  });

  test("a student's quiz attempts", async () => {
    await expectIndexed(() =>
      app.strapi
        .plugin('grading')
        .service('quiz-attempts')
        .mine({ userId: student.id, role: 'student' }, undefined, new Date())
    );
  });

  test("a student's attempts at one quiz (found by key prefix)", async () => {
    await expectIndexed(() => app.strapi.plugin('grading').service('quiz-attempts').attemptsOf(17, 'seedquiz1'));
  });

  test("a student's passed quizzes (found by key prefix)", async () => {
    let passed: Set<string> | undefined;
    await expectIndexed(async () => {
      passed = await app.strapi
        .plugin('grading')
        .service('quiz-results')
        .passedQuizDocumentIds(17, ['seedquiz1', 'seedquiz2']);
    });
    expect(passed?.size).toBe(0);
  });

  // 6,000 more courses (half published, a third per level): the catalog's page and count, and a detail page by
  // slug, must not read them all. Only the courses table is watched here; category and teacher links stay small.
  test('a catalog page of one level sorted by title, and its count', async () => {
    let response: any;
    await expectIndexed(async () => {
      response = await app.request.get(
        '/api/courses?filters[level][$eq]=beginner&sort[0]=title:asc&populate[0]=category&populate[1]=teachers&pagination[pageSize]=20'
      );
    }, ['courses']);
    expect(response.status).toBe(200);
    expect(response.body.meta.pagination.total).toBeGreaterThanOrEqual(1000);
  });

  test('a catalog page sorted by title, and its count', async () => {
    let response: any;
    await expectIndexed(async () => {
      response = await app.request.get('/api/courses?sort[0]=title:asc&pagination[pageSize]=20');
    }, ['courses']);
    expect(response.status).toBe(200);
    expect(response.body.meta.pagination.total).toBeGreaterThanOrEqual(3000);
  });

  test('a course by its slug', async () => {
    let response: any;
    await expectIndexed(async () => {
      response = await app.request.get('/api/courses?filters[slug][$eq]=seed-catalog-18&populate[0]=category');
    }, ['courses']);
    expect(response.status).toBe(200);
    expect(response.body.data.map((row: { documentId: string }) => row.documentId)).toEqual(['seedcatalog18']);
  });

  test('a sign-in finds the account by its lowercased email without reading every user', async () => {
    let response: any;
    await expectIndexed(async () => {
      response = await app.request
        .post('/api/auth/local')
        .send({ identifier: 'SEED17@example.test', password: 'not-the-password-1' });
    }, ['up_users']);
    // The seeded account has no password: the lookup found it (or not), and the answer is the usual refusal.
    expect(response.status).toBe(400);
  });

  // Social learning: the feed's pages and a like must not read every post, like, tag link, follow or comment.
  const SOCIAL_WATCHED = ['posts', 'post_likes', 'posts_tags_lnk', 'follows', 'post_comments'];
  const feedPage = async (sort: string, cursor?: string) =>
    app.strapi
      .plugin('social')
      .service('feed')
      .feed({ userId: student.id, role: 'student' }, sort, cursor, 20) as Promise<{
      data: Array<{ documentId: string; reason?: unknown }>;
      nextCursor: string | null;
    }>;

  test('the recommended feed of a student following 200 authors, first and next page', async () => {
    let first: Awaited<ReturnType<typeof feedPage>> | undefined;
    await expectIndexed(async () => {
      first = await feedPage('recommended');
    }, SOCIAL_WATCHED);
    expect(first?.data).toHaveLength(20);
    expect(first?.data.every((post) => post.reason)).toBe(true);
    let next: Awaited<ReturnType<typeof feedPage>> | undefined;
    await expectIndexed(async () => {
      next = await feedPage('recommended', first!.nextCursor!);
    }, SOCIAL_WATCHED);
    expect(next?.data).toHaveLength(20);
  });

  test('the recent and popular feeds', async () => {
    for (const sort of ['recent', 'popular']) {
      let page: Awaited<ReturnType<typeof feedPage>> | undefined;
      await expectIndexed(async () => {
        page = await feedPage(sort);
        page = await feedPage(sort, page.nextCursor!);
      }, SOCIAL_WATCHED);
      expect(page?.data).toHaveLength(20);
    }
  });

  test('a like and an unlike of a post (one statement each)', async () => {
    const reactions = app.strapi.plugin('social').service('reactions');
    const caller = { userId: student.id, role: 'student' };
    await expectIndexed(
      async () => {
        expect(await reactions.likePost(caller, hotPost, true)).toMatchObject({ liked: true, likesCount: 1 });
        expect(await reactions.likePost(caller, hotPost, false)).toMatchObject({ liked: false, likesCount: 0 });
      },
      SOCIAL_WATCHED,
      /^\s*(select|with)/i
    );
  });

  // Tutor marketplace: 20,000 tutor profiles in 40 subjects (each tutor one to three), spread over rates, ratings
  // and experience like the bench's; English for four in five, Russian for two in five.
  describe('the tutor list with filters', () => {
    const TUTOR_SORT_INDEXES = ['tutor_profiles_rating', 'tutor_profiles_rate', 'tutor_profiles_experience'];
    beforeAll(async () => {
      await client.query(`
        INSERT INTO up_users (document_id, username, email, provider, confirmed, blocked, created_at, updated_at)
          SELECT 'seedtutor' || n, 'seed_tutor_' || n, 'tutor' || n || '@example.test', 'local', true, false, now(), now()
          FROM generate_series(0, 19999) n;
        INSERT INTO tutor_profiles (document_id, user_id, headline, subjects, experience_years, hourly_rate, currency, languages, rating_sum, rating_count, rating_average, last_active_at, created_at, updated_at)
          SELECT 'seedprofile' || n, u.id, 'Tutor ' || n, '[]', n % 25, 10 + (n * 37) % 90, 'USD', '[]',
            ((n * 31) % 60) * 4, (n * 31) % 60, CASE WHEN (n * 31) % 60 = 0 THEN 0 ELSE 3 + ((n * 17) % 21) / 10.0 END, now(), now(), now()
          FROM generate_series(0, 19999) n JOIN up_users u ON u.username = 'seed_tutor_' || n;
        INSERT INTO tutor_subjects (document_id, user_id, tag_document_id, created_at, updated_at)
          SELECT DISTINCT ON (u.id, (n * 7 + s * 13) % 40) 'seedts' || n || 'x' || s, u.id, 'seedtag' || ((n * 7 + s * 13) % 40 + 1), now(), now()
          FROM generate_series(0, 19999) n JOIN up_users u ON u.username = 'seed_tutor_' || n
          CROSS JOIN generate_series(0, 2) s WHERE s <= n % 3;
        INSERT INTO tutor_languages (document_id, user_id, language, created_at, updated_at)
          SELECT 'seedtl' || n || l, u.id, l, now(), now()
          FROM generate_series(0, 19999) n JOIN up_users u ON u.username = 'seed_tutor_' || n
          CROSS JOIN unnest(ARRAY['en', 'ru']) l WHERE (l = 'ru' AND n % 5 IN (0, 1)) OR (l = 'en' AND n % 5 <> 0);
      `);
      await client.query('VACUUM (ANALYZE)');
    });

    test.each([
      ['rating', 'seedtag5', 'en', 80, 3],
      ['price', 'seedtag7', 'ru', 40, 4],
      ['experience', 'seedtag5', 'en', 149, 0],
    ] as const)(
      "sorted by %s: one statement counts and pages one subject's tutors, never walking a sort index",
      async (sort, subject, language, priceMax, ratingMin) => {
        const profiles = app.strapi.plugin('marketplace').service('tutor-profiles');
        let answer: { data: unknown[]; total: number } | undefined;
        const queries = await capture(async () => {
          answer = await profiles.list(
            { userId: null, role: 'public' },
            { q: null, subject, language, priceMax, ratingMin, sort },
            { page: 1, pageSize: 20 }
          );
        }, /^\s*(select|with)/i);
        expect(answer?.data).toHaveLength(20);
        expect(answer!.total).toBeGreaterThan(20);
        const filtering = queries.filter((query) => query.sql.includes('tutor_subjects'));
        expect(filtering).toHaveLength(1);
        const plan = (
          await client.query(`EXPLAIN ${toNumbered(filtering[0].sql)}`, filtering[0].bindings as unknown[])
        ).rows
          .map((row: Record<string, string>) => row['QUERY PLAN'])
          .join('\n');
        if (process.env.SHOW_PLANS) process.stdout.write(`${filtering[0].sql}\n${plan}\n\n`);
        expect(plan).toMatch(/using tutor_subjects_tag/);
        for (const index of TUTOR_SORT_INDEXES) expect(plan).not.toMatch(new RegExp(`using ${index}\\b`));
        expect(await seqScansIn(filtering, ['tutor_profiles', 'tutor_subjects'])).toEqual([]);
      }
    );
  });

  test('a certificate by its code', async () => {
    let verified: any;
    await expectIndexed(async () => {
      verified = await app.strapi.plugin('certificates').service('certificates').verify(certificateCode);
    });
    expect(verified.valid).toBe(true);
  });
});
