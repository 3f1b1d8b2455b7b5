import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { assertCanManageCourse } from '../../../../../access/ownership';
import type { Caller } from '../../../../../access/roles';
import { linkOf, tableOf } from '../../../../../database/tables';
import { dropOff, percentOf, roundToOneDecimal, scoreBuckets, type InsightsPeriod } from '../rules/insights';
import type { CourseLessons } from './progress';

const ENROLLMENT = 'plugin::enrollment.enrollment';
const COURSE = 'api::course.course';
const QUIZ = 'api::quiz.quiz';
const QUIZ_ATTEMPT = 'plugin::grading.quiz-attempt';
const PROGRESS = 'plugin::progress.lesson-progress';

/** Keys of enrollments, progress and attempts all start with the student's user id. */
const userIdOfKey = (key: string) => Number(key.slice(0, key.indexOf(':')));

/** The best attempt's bucket (0…9); a CASE rather than FLOOR, which SQLite may lack and PostgreSQL's numeric rounds. */
const BUCKET_SQL = `CASE ${Array.from({ length: 9 }, (_, index) => `WHEN best >= ${(9 - index) * 10} THEN ${9 - index}`).join(' ')} ELSE 0 END`;

/**
 * The first day of the period an enrollment falls in, as YYYY-MM-DD (weeks start on Monday). SQLite keeps
 * datetimes as epoch milliseconds (text in databases written by other tools); PostgreSQL as timestamps without
 * time zone, as written. Lyceum runs on these two (no MySQL branch).
 */
function periodSql(client: string, period: InsightsPeriod, column: string): string {
  if (client === 'postgres')
    return period === 'day'
      ? `to_char(${column}, 'YYYY-MM-DD')`
      : `to_char(date_trunc('week', ${column}), 'YYYY-MM-DD')`;
  const modifiers = period === 'day' ? '' : `, 'weekday 0', '-6 days'`;
  return `CASE WHEN typeof(${column}) = 'text' THEN date(${column}${modifiers}) ELSE date(${column} / 1000, 'unixepoch'${modifiers}) END`;
}

/** The numbers behind the Course insights page, each from one aggregate query over the whole course. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;

  /** The course's enrollments (by its course relation, as the students list reads them). */
  function enrollmentsOf(courseDocumentId: string) {
    const link = linkOf(strapi, ENROLLMENT, 'course');
    return knex()(`${tableOf(strapi, ENROLLMENT)} as e`)
      .join(`${link.table} as l`, `l.${link.ownColumn}`, 'e.id')
      .join(`${tableOf(strapi, COURSE)} as c`, 'c.id', `l.${link.targetColumn}`)
      .where('c.document_id', courseDocumentId);
  }

  return {
    async forCourse(caller: Caller, courseDocumentId: string, options: { period: InsightsPeriod }) {
      await assertCanManageCourse(strapi, caller, courseDocumentId);
      return this.compute(courseDocumentId, options.period);
    },

    async compute(courseDocumentId: string, period: InsightsPeriod) {
      const courseRows = await strapi.db
        .query(COURSE)
        .findMany({ where: { documentId: courseDocumentId }, select: ['title', 'locale', 'publishedAt'] });
      if (courseRows.length === 0) throw new errors.NotFoundError('Course not found');
      const course =
        courseRows.find((row: any) => row.locale === 'en' && row.publishedAt) ??
        courseRows.find((row: any) => row.locale === 'en') ??
        courseRows[0];
      const [summary, enrollmentsOverTime, quizzes, stopped] = await Promise.all([
        this.enrollmentSummary(courseDocumentId),
        this.enrollmentsOverTime(courseDocumentId, period),
        this.quizScoreDistribution(courseDocumentId),
        this.dropOff(courseDocumentId),
      ]);
      return {
        course: { documentId: courseDocumentId, title: course.title },
        period,
        ...summary,
        enrollmentsOverTime,
        quizzes,
        dropOff: stopped,
      };
    },

    /** Counts by status; completion rate and average progress over the enrollments not cancelled. */
    async enrollmentSummary(courseDocumentId: string) {
      const rows = await enrollmentsOf(courseDocumentId)
        .select('e.status')
        .count({ enrollments: '*' })
        .sum({ progress: 'e.progress_percent' })
        .select(knex().raw('SUM(CASE WHEN e.completed_at IS NOT NULL THEN 1 ELSE 0 END) AS finished'))
        .groupBy('e.status');
      const byStatus: Record<string, number> = { active: 0, completed: 0, expired: 0, cancelled: 0 };
      let enrolled = 0;
      let finished = 0;
      let progressSum = 0;
      for (const row of rows as Array<{ status: string; enrollments: unknown; progress: unknown; finished: unknown }>) {
        byStatus[row.status] = Number(row.enrollments);
        if (row.status === 'cancelled') continue;
        enrolled += Number(row.enrollments);
        finished += Number(row.finished ?? 0);
        progressSum += Number(row.progress ?? 0);
      }
      return {
        enrollments: { enrolled, ...byStatus },
        completionRatePercent: percentOf(finished, enrolled),
        averageProgressPercent: enrolled > 0 ? roundToOneDecimal(progressSum / enrolled) : 0,
      };
    },

    /** Every enrollment ever made, cancelled ones too, by the day or week it was made. */
    async enrollmentsOverTime(courseDocumentId: string, period: InsightsPeriod) {
      const expression = periodSql(strapi.db.dialect.client, period, 'e.enrolled_at');
      const rows = await enrollmentsOf(courseDocumentId)
        .whereNotNull('e.enrolled_at')
        .select(knex().raw(`${expression} AS period_start`))
        .count({ enrollments: '*' })
        .groupByRaw(expression)
        .orderByRaw(expression);
      return (rows as Array<{ period_start: string; enrollments: unknown }>).map((row) => ({
        periodStart: row.period_start,
        enrollments: Number(row.enrollments),
      }));
    },

    /** Per published quiz of the course: how many students' best scored attempt falls in each tenth. */
    async quizScoreDistribution(courseDocumentId: string) {
      const quizRows = await strapi.db.query(QUIZ).findMany({
        where: {
          publishedAt: { $notNull: true },
          $or: [{ course: { documentId: courseDocumentId } }, { lesson: { course: { documentId: courseDocumentId } } }],
        },
        select: ['documentId', 'title', 'locale'],
        orderBy: [{ id: 'asc' }],
      });
      const titles = new Map<string, string>();
      for (const row of quizRows)
        if (!titles.has(row.documentId) || row.locale === 'en') titles.set(row.documentId, row.title);
      if (titles.size === 0) return [];

      const userLink = linkOf(strapi, QUIZ_ATTEMPT, 'user');
      const best = knex()(`${tableOf(strapi, QUIZ_ATTEMPT)} as a`)
        .join(`${userLink.table} as u`, `u.${userLink.ownColumn}`, 'a.id')
        .where('a.course_document_id', courseDocumentId)
        .whereIn('a.quiz_document_id', [...titles.keys()])
        .whereIn('a.status', ['submitted', 'expired'])
        .whereNotNull('a.percent')
        .groupBy('a.quiz_document_id', `u.${userLink.targetColumn}`)
        .select('a.quiz_document_id as quiz')
        .max({ best: 'a.percent' });
      const rows = await knex()
        .from(best.as('b'))
        .select('b.quiz')
        .select(knex().raw(`${BUCKET_SQL} AS bucket`))
        .count({ students: '*' })
        .groupBy('b.quiz')
        .groupByRaw(BUCKET_SQL);
      const counts = new Map<string, Map<number, number>>();
      for (const row of rows as Array<{ quiz: string; bucket: unknown; students: unknown }>) {
        const byBucket = counts.get(row.quiz) ?? new Map<number, number>();
        byBucket.set(Number(row.bucket), Number(row.students));
        counts.set(row.quiz, byBucket);
      }
      return [...titles].map(([documentId, title]) => {
        const buckets = scoreBuckets(counts.get(documentId) ?? new Map());
        return { documentId, title, students: buckets.reduce((sum, bucket) => sum + bucket.students, 0), buckets };
      });
    },

    /** The lesson where most active (not completed, not cancelled) students stopped: their first incomplete one. */
    async dropOff(courseDocumentId: string) {
      const lessons: CourseLessons | null = await strapi
        .plugin('progress')
        .service('progress')
        .courseLessons(courseDocumentId);
      const order = lessons?.lessons.map((lesson) => lesson.documentId) ?? [];
      const [activeRows, completedRows] = await Promise.all([
        enrollmentsOf(courseDocumentId).where('e.status', 'active').select('e.key'),
        knex()(tableOf(strapi, PROGRESS))
          .where('course_document_id', courseDocumentId)
          .whereNotNull('completed_at')
          .select('key', 'lesson_document_id'),
      ]);
      const active = new Set<number>((activeRows as Array<{ key: string }>).map((row) => userIdOfKey(row.key)));
      const completed = new Map<number, Set<string>>();
      for (const row of completedRows as Array<{ key: string; lesson_document_id: string }>) {
        const studentId = userIdOfKey(row.key);
        if (!active.has(studentId)) continue;
        const done = completed.get(studentId) ?? new Set<string>();
        done.add(row.lesson_document_id);
        completed.set(studentId, done);
      }
      const result = dropOff(order, active, completed);
      const titleOf = (documentId: string) => {
        const byLocale = lessons?.titles.get(documentId);
        return byLocale?.get('en')?.title ?? byLocale?.values().next().value?.title ?? null;
      };
      return {
        activeStudents: active.size,
        finishedAllLessons: result.finishedAllLessons,
        lesson: result.top
          ? {
              documentId: result.top.lessonDocumentId,
              title: titleOf(result.top.lessonDocumentId),
              students: result.top.students,
            }
          : null,
        lessons: order.map((documentId, index) => ({
          documentId,
          title: titleOf(documentId),
          position: index + 1,
          students: result.stoppedAt.get(documentId) ?? 0,
        })),
      };
    },
  };
};
