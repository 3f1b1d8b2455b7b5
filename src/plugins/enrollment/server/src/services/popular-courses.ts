import type { Core } from '@strapi/strapi';
import type Redis from 'ioredis';
import { isPostgres, runSql } from '../../../../../access/raw-sql';
import { connectForgivingRedis } from '../../../../../cache/redis-provider';
import { ownTableLocation, ownTableOf, tableOf } from '../../../../../database/tables';
import { queuePrefix } from '../../../../../jobs/bullmq-driver';

/**
 * `GET /courses/popular` (CONTRACT "Search"): the most enrolled published courses of the last 30 days. A schedule
 * counts the window's enrollments (not cancelled) per course and keeps the counts in a Redis sorted set when
 * REDIS_URL is set, in the table `lyceum_popular_courses` otherwise; a read takes the top of it and shows the courses
 * that are published now. Should Redis fail on a read, the counts are taken from the enrollments directly.
 */

const ENROLLMENT = 'plugin::enrollment.enrollment';
const COURSE = 'api::course.course';
export const POPULAR_TABLE = 'lyceum_popular_courses';
export const WINDOW_DAYS = 30;
export const MAX_LIMIT = 50;

interface CourseCount {
  courseDocumentId: string;
  enrollments: number;
}

let redis: Redis | undefined;
const redisClient = (): Redis | undefined => {
  const url = process.env.REDIS_URL;
  if (!url) return undefined;
  redis ??= connectForgivingRedis(url);
  return redis;
};

/** A fresh connection is not ready at once, and this client queues nothing meanwhile: wait a little for it. */
async function whenReady(client: Redis, timeoutMs = 3_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    }
    client.once('ready', done);
  });
}

export async function closePopularCoursesRedis(): Promise<void> {
  const client = redis;
  redis = undefined;
  if (client) await client.quit().catch(() => client.disconnect());
}

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const redisKey = () => `${queuePrefix(strapi)}:popular-courses`;

  /** The window's enrollments per course, most first (one grouped statement over the enrollments' keys). */
  async function countWindow(now: Date, limit = 1000): Promise<CourseCount[]> {
    // The key is `<userId>:<courseDocumentId>` (enrollments.ts): the course without a join.
    const course = isPostgres(strapi) ? `split_part("key", ':', 2)` : `substr("key", instr("key", ':') + 1)`;
    const since = new Date(now.getTime() - WINDOW_DAYS * 86_400_000);
    const { rows } = await runSql<{ course: string; enrollments: number | string }>(
      strapi,
      `SELECT ${course} AS "course", COUNT(*) AS "enrollments" FROM ??
       WHERE "enrolled_at" >= ? AND "status" <> 'cancelled'
       GROUP BY ${course} ORDER BY COUNT(*) DESC, ${course} LIMIT ?`,
      [tableOf(strapi, ENROLLMENT), since, limit]
    );
    return rows.map((row) => ({ courseDocumentId: row.course, enrollments: Number(row.enrollments) }));
  }

  async function ensureTable(): Promise<void> {
    const { schema, name } = ownTableLocation(strapi.db, POPULAR_TABLE);
    const builder = () => (schema ? strapi.db.connection.schema.withSchema(schema) : strapi.db.connection.schema);
    if (await builder().hasTable(name)) return;
    try {
      await builder().createTable(name, (table) => {
        table.string('course_document_id', 64).primary();
        table.integer('enrollments').notNullable();
        table.bigInteger('refreshed_at').notNullable();
      });
    } catch (error) {
      // Another instance (or the schedule beside a read) made it first.
      if (!(await builder().hasTable(name))) throw error;
    }
  }

  return {
    ensureTable,

    /** The scheduled refresh: the window's counts replace the kept ones (idempotent: it only reads the enrollments). */
    async refresh(now = new Date()): Promise<number> {
      const counts = await countWindow(now);
      const client = redisClient();
      if (client) {
        await whenReady(client);
        const key = redisKey();
        const next = `${key}:next`;
        const transaction = client.multi().del(next);
        if (counts.length > 0) {
          transaction.zadd(next, ...counts.flatMap((count) => [count.enrollments, count.courseDocumentId]));
          transaction.rename(next, key);
        } else transaction.del(key);
        transaction.set(`${key}:refreshed-at`, String(now.getTime()));
        await transaction.exec();
        return counts.length;
      }
      await ensureTable();
      await strapi.db.transaction(async () => {
        await runSql(strapi, 'DELETE FROM ??', [ownTableOf(strapi, POPULAR_TABLE)]);
        for (let start = 0; start < counts.length; start += 200) {
          const part = counts.slice(start, start + 200);
          await runSql(
            strapi,
            `INSERT INTO ?? ("course_document_id", "enrollments", "refreshed_at") VALUES ${part.map(() => '(?, ?, ?)').join(', ')}`,
            [
              ownTableOf(strapi, POPULAR_TABLE),
              ...part.flatMap((count) => [count.courseDocumentId, count.enrollments, now.getTime()]),
            ]
          );
        }
      });
      return counts.length;
    },

    /** The kept counts, most first; with more than asked, as unpublished courses are left out afterwards. */
    async topCounts(wanted: number): Promise<CourseCount[]> {
      const client = redisClient();
      if (client) {
        try {
          await whenReady(client, 500);
          const flat = await client.zrevrange(redisKey(), 0, wanted - 1, 'WITHSCORES');
          const counts: CourseCount[] = [];
          for (let index = 0; index < flat.length; index += 2)
            counts.push({ courseDocumentId: flat[index], enrollments: Number(flat[index + 1]) });
          return counts;
        } catch (error) {
          strapi.log.warn(`popular courses: Redis unavailable (${(error as Error).message}); counting enrollments`);
          return countWindow(new Date(), wanted);
        }
      }
      await ensureTable();
      const { rows } = await runSql<{ course_document_id: string; enrollments: number | string }>(
        strapi,
        'SELECT "course_document_id", "enrollments" FROM ?? ORDER BY "enrollments" DESC, "course_document_id" LIMIT ?',
        [ownTableOf(strapi, POPULAR_TABLE), wanted]
      );
      return rows.map((row) => ({ courseDocumentId: row.course_document_id, enrollments: Number(row.enrollments) }));
    },

    /** The answer of GET /courses/popular: published courses in `locale`, most enrolled in the window first. */
    async popular(limit: number, locale: string) {
      const counts = await this.topCounts(limit * 2 + 10);
      if (counts.length === 0) return [];
      const courses = (await strapi.documents(COURSE).findMany({
        filters: { documentId: { $in: counts.map((count) => count.courseDocumentId) } },
        status: 'published',
        locale,
        fields: [
          'title',
          'slug',
          'summary',
          'level',
          'price',
          'currency',
          'ratingAverage',
          'ratingCount',
          'studentsCount',
        ],
        populate: { category: { fields: ['name', 'slug'] } },
      } as any)) as Array<Record<string, any>>;
      const byId = new Map(courses.map((course) => [course.documentId as string, course]));
      return counts
        .filter((count) => byId.has(count.courseDocumentId))
        .slice(0, limit)
        .map((count) => {
          const course = byId.get(count.courseDocumentId)!;
          return {
            documentId: course.documentId,
            title: course.title,
            slug: course.slug ?? null,
            summary: course.summary ?? null,
            level: course.level ?? null,
            price: course.price === null || course.price === undefined ? 0 : Number(course.price),
            currency: course.currency ?? null,
            category: course.category ? { name: course.category.name, slug: course.category.slug ?? null } : null,
            ratingAverage: Number(course.ratingAverage ?? 0),
            ratingCount: Number(course.ratingCount ?? 0),
            studentsCount: Number(course.studentsCount ?? 0),
            enrollmentsLast30Days: count.enrollments,
          };
        });
    },
  };
};
