import type { Core } from '@strapi/strapi';
import type { Caller } from '../../../../../../access/roles';
import { forbidden, notFound } from '../../../../../../errors/refusal';
import { columnOf } from '../../../../../../database/tables';
import { TAG, USER, marketplaceTables } from '../../queries/marketplace-tables';
import { visibleTutorFilter } from '../../queries/tutor-filters';
import {
  ACTIVE_RECENTLY_DAYS,
  ACTIVE_THIS_MONTH_DAYS,
  NEUTRAL_PRICE,
  PRIOR_MEAN,
  PRIOR_WEIGHT,
  WEIGHTS,
  matchReasons,
} from '../rules/match-score';
import { isTaskAuthor } from '../rules/task-rules';
import { TASK, TASK_SELECT, type TaskRecord } from '../task-tables';

const number = (value: unknown): number | null =>
  value === null || value === undefined || value === '' ? null : Number(value);

/**
 * GET /tasks/:documentId/matches: the tutors who fit a task, best first. One statement does the work in the
 * database: the candidates are the tutors of the task's subject (the index tutor_subjects (tag_document_id,
 * user_id)), each joined by key to its profile, its user and, for the language, its one tutor_languages row; the
 * score (rules/match-score.ts, the same weights) is computed per candidate and the database keeps the top `limit`.
 * Node only words the reasons of those few, so 50,000 tutors are never loaded.
 */
export interface MatchQuery {
  subjectDocumentId: string;
  authorId: number | null;
  language: string | null;
  budget: number | null;
  currency: string | null;
  limit: number;
  now: Date;
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async matches(caller: Caller, documentId: string, options: { limit: number; now: Date }) {
    const task: TaskRecord | null = await strapi.db.query(TASK).findOne({ where: { documentId }, select: TASK_SELECT });
    if (!task) throw notFound('Task not found');
    if (!isTaskAuthor(caller, task)) {
      if (caller.role === 'student') throw notFound('Task not found');
      throw forbidden('Only the author of the task sees its matches', 'not_task_author');
    }
    const subject = await strapi.db
      .query(TAG)
      .findOne({ where: { documentId: task.subjectDocumentId }, select: ['name'] });
    const budget = number(task.budget);
    const rows = await this.rankedCandidates(caller, {
      subjectDocumentId: task.subjectDocumentId,
      authorId: task.authorId,
      language: task.language,
      budget,
      currency: task.currency,
      limit: options.limit,
      now: options.now,
    });
    return rows.map((row: any) => {
      const facts = {
        subjectName: subject?.name ?? null,
        ratingSum: Number(row.rating_sum ?? 0),
        ratingCount: Number(row.rating_count ?? 0),
        ratingAverage: Number(row.rating_average ?? 0),
        hourlyRate: number(row.hourly_rate),
        rateCurrency: row.currency ?? null,
        budget,
        currency: task.currency,
        sharesLanguage: Number(row.shares_language) === 1,
        language: task.language,
        lastActiveAt:
          row.last_active_at === null || row.last_active_at === undefined ? null : new Date(row.last_active_at),
      };
      return {
        tutor: {
          id: Number(row.user_id),
          username: row.username,
          fullName: row.full_name ?? null,
          headline: row.headline ?? null,
          hourlyRate: facts.hourlyRate,
          currency: facts.rateCurrency,
          ratingAverage: Math.round(facts.ratingAverage * 100) / 100,
          ratingCount: facts.ratingCount,
        },
        score: Math.round(Number(row.score) * 1000) / 1000,
        reasons: matchReasons(facts, options.now),
      };
    });
  },

  /** The statement's rows: candidates by subject, scored and cut to `limit` in the database. */
  async rankedCandidates(viewer: Caller, task: MatchQuery): Promise<any[]> {
    return this.candidatesQuery(viewer, task);
  },

  /** The statement itself, as a knex builder (the query-plan test explains it). */
  candidatesQuery(viewer: Caller, task: MatchQuery) {
    const tables = marketplaceTables(strapi);
    const knex = strapi.db.connection;
    const day = 86_400_000;
    // Constants of the formula are written into the text (they are Lyceum's own numbers); what comes from the task
    // is bound. Decimal casts keep PostgreSQL from reading a bound amount as an integer.
    const rating = `((${PRIOR_MEAN * PRIOR_WEIGHT} + COALESCE(p.rating_sum, 0)) / (${PRIOR_WEIGHT}.0 + COALESCE(p.rating_count, 0)) - 1) / 4.0`;
    const price =
      task.budget === null || task.currency === null
        ? { sql: `${NEUTRAL_PRICE}`, bindings: [] as unknown[] }
        : {
            sql: `CASE WHEN p.hourly_rate IS NULL OR p.currency IS NULL OR p.currency <> ? THEN 0
              WHEN p.hourly_rate <= CAST(? AS DECIMAL(16,3)) THEN 1
              WHEN p.hourly_rate < CAST(? AS DECIMAL(16,3))
                THEN (CAST(? AS DECIMAL(16,3)) - p.hourly_rate) / CAST(? AS DECIMAL(16,3))
              ELSE 0 END`,
            bindings: [task.currency, task.budget, 2 * task.budget, 2 * task.budget, task.budget],
          };
    const activity = {
      sql: `CASE WHEN p.last_active_at >= ? THEN 1 WHEN p.last_active_at >= ? THEN 0.5 ELSE 0 END`,
      bindings: [
        new Date(task.now.getTime() - ACTIVE_RECENTLY_DAYS * day),
        new Date(task.now.getTime() - ACTIVE_THIS_MONTH_DAYS * day),
      ],
    };
    const languageMatch = `CASE WHEN l.user_id IS NULL THEN 0 ELSE 1 END`;
    const score = knex.raw(
      `${WEIGHTS.subject} + ${WEIGHTS.rating} * (${rating}) + ${WEIGHTS.price} * (${price.sql}) + ${WEIGHTS.language} * (${languageMatch}) + ${WEIGHTS.activity} * (${activity.sql})`,
      [...price.bindings, ...activity.bindings]
    );
    const query = knex
      .select(
        's.user_id',
        'u.username',
        { full_name: `u.${columnOf(strapi, USER, 'fullName')}` },
        'p.headline',
        'p.hourly_rate',
        'p.currency',
        'p.rating_sum',
        'p.rating_count',
        'p.rating_average',
        'p.last_active_at',
        { shares_language: knex.raw(languageMatch) },
        { score }
      )
      .from({ s: tables.subjects })
      .join({ p: tables.profiles }, 'p.user_id', 's.user_id')
      .join({ u: tables.users }, 'u.id', 's.user_id')
      .leftJoin({ l: tables.languages }, (join: any) => {
        join.on('l.user_id', '=', 's.user_id').andOn('l.language', '=', knex.raw('?', [task.language ?? '']));
      })
      .where('s.tag_document_id', task.subjectDocumentId)
      .orderBy([
        { column: 'score', order: 'desc' },
        { column: 'p.rating_count', order: 'desc' },
        { column: 's.user_id', order: 'asc' },
      ])
      .limit(task.limit);
    // Blocked (and erased) accounts and, once privacy settings are wired there, hidden profiles drop out here.
    visibleTutorFilter(strapi, viewer)(query);
    if (task.authorId !== null) query.whereNot('s.user_id', task.authorId);
    return query;
  },
});
