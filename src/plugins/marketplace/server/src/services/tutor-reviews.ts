import type { Core } from '@strapi/strapi';
import type { Caller } from '../../../../../access/roles';
import { columnOf } from '../../../../../database/tables';
import { conflict, forbidden, Refusal } from '../../../../../errors/refusal';
import { isUniqueViolation } from '../../../../../errors/unique-violation';
import { inKnex, marketplaceTables, TUTOR_REVIEW, USER } from '../queries/marketplace-tables';
import { visibleTutorFilter } from '../queries/tutor-filters';
import type { TutorReviewInput } from '../rules/profile-input';
import { isClientOf } from './clients';
import type { Page } from '../../../../../access/listing';
import type tutorProfilesService from './tutor-profiles';

/** `GET /reviews/best`: at least this rating and this much text (characters, after trimming). */
export const BEST_MIN_RATING = 4;
export const BEST_MIN_LENGTH = 80;
export const BEST_DEFAULT_LIMIT = 6;
export const BEST_MAX_LIMIT = 50;
export const DELETED_USER = 'Deleted user';

const profiles = (strapi: Core.Strapi) =>
  strapi.plugin('marketplace').service('tutor-profiles') as ReturnType<typeof tutorProfilesService>;

interface ReviewRow {
  id: number;
  document_id: string;
  tutor_id: number;
  author_id: number | null;
  rating: number;
  body: string | null;
  created_at: unknown;
}

const REVIEW_COLUMNS = ['id', 'document_id', 'tutor_id', 'author_id', 'rating', 'body', 'created_at'];

const isoOf = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  const date =
    value instanceof Date
      ? value
      : new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (value as string));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * POST /tutors/:id/reviews: a verified client, once per tutor. The review and the tutor's figures change in one
   * transaction, the figures by one conditional statement (sum and count add, the average follows from them), so
   * concurrent reviews all count; the unique (tutor, author) pair refuses the second review, races included.
   */
  async create(caller: Caller, tutorId: number, input: TutorReviewInput) {
    if (caller.userId === null) throw forbidden('Sign in to review a tutor', 'not_a_client');
    const authorId = caller.userId;
    if (tutorId === authorId)
      throw new Refusal('You cannot review yourself', 'own_profile', {
        status: 400,
        fieldErrors: [{ path: ['id'], message: 'You cannot review yourself', name: 'ValidationError' }],
      });
    await profiles(strapi).findVisibleRow(caller, tutorId);
    if (!(await isClientOf(strapi, tutorId, authorId)))
      throw forbidden(
        'Only clients of this tutor (a completed task or one of their courses) may review them',
        'not_a_client'
      );
    return this.record(tutorId, authorId, input);
  },

  /**
   * Stores a review and moves the tutor's figures, with no client check: `create` after its checks, and the demo
   * data and the bench's seed, which write as the server.
   */
  async record(tutorId: number, authorId: number, input: TutorReviewInput) {
    let documentId: string;
    try {
      documentId = await strapi.db.transaction(async () => {
        const created = await strapi.db.query(TUTOR_REVIEW as any).create({
          data: { tutorId, authorId, rating: input.rating, body: input.body, bodyLength: input.body.length },
        });
        await inKnex(strapi, (knex) =>
          knex(marketplaceTables(strapi).profiles)
            .where('user_id', tutorId)
            .update({
              rating_sum: knex.raw('?? + ?', ['rating_sum', input.rating]),
              rating_count: knex.raw('?? + 1', ['rating_count']),
              rating_average: knex.raw('(?? + ?) * 1.0 / (?? + 1)', ['rating_sum', input.rating, 'rating_count']),
            })
        );
        return (created as { documentId: string }).documentId;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('You have already reviewed this tutor', 'already_reviewed');
      throw error;
    }
    const [review] = await this.presentRows(await this.rowsWhere((query) => query.where('r.document_id', documentId)));
    return review;
  },

  /** GET /tutors/:id/reviews: newest first, for anyone who may see the profile. */
  async list(viewer: Caller, tutorId: number, page: Page) {
    const row = await profiles(strapi).findVisibleRow(viewer, tutorId);
    const { reviews } = marketplaceTables(strapi);
    const [rows, [counted]] = await Promise.all([
      this.rowsWhere((query) =>
        query
          .where('r.tutor_id', tutorId)
          .orderBy([
            { column: 'r.created_at', order: 'desc' },
            { column: 'r.id', order: 'desc' },
          ])
          .offset((page.page - 1) * page.pageSize)
          .limit(page.pageSize)
      ),
      inKnex(strapi, (knex) => knex(reviews).where('tutor_id', tutorId).count({ count: '*' })),
    ]);
    const ratingCount = Number(row.rating_count ?? 0);
    return {
      data: await this.presentRows(rows),
      total: Number(counted.count),
      rating: {
        ratingAverage: ratingCount ? Math.round((Number(row.rating_sum) / ratingCount) * 100) / 100 : 0,
        ratingCount,
      },
    };
  },

  /**
   * GET /reviews/best?limit: for the home page, high ratings with substantial text, recent first, one per tutor
   * (each tutor's most recent such review), tutors anyone may see only.
   */
  async best(viewer: Caller, limit: number) {
    const ids: number[] = await inKnex(strapi, async (knex) => {
      const tables = marketplaceTables(strapi);
      const ranked = knex(`${tables.reviews} as r`)
        .join(`${tables.profiles} as p`, 'p.user_id', 'r.tutor_id')
        .where('r.rating', '>=', BEST_MIN_RATING)
        .where('r.body_length', '>=', BEST_MIN_LENGTH)
        .select(
          'r.id',
          'r.created_at',
          knex.raw('ROW_NUMBER() OVER (PARTITION BY ?? ORDER BY ?? DESC, ?? DESC) AS ??', [
            'r.tutor_id',
            'r.created_at',
            'r.id',
            'rank_in_tutor',
          ])
        );
      visibleTutorFilter(strapi, viewer)(ranked);
      const rows = await knex
        .from(ranked.as('ranked'))
        .where('rank_in_tutor', 1)
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit)
        .select('id');
      return rows.map((row: { id: number }) => Number(row.id));
    });
    if (ids.length === 0) return [];
    const rows = await this.rowsWhere((query) => query.whereIn('r.id', ids));
    const byId = new Map(rows.map((row) => [Number(row.id), row]));
    const presented = await this.presentRows(ids.map((id) => byId.get(id)!).filter(Boolean), { withTutor: true });
    return presented;
  },

  async rowsWhere(shape: (query: any) => unknown): Promise<ReviewRow[]> {
    return inKnex(strapi, async (knex) => {
      const query = knex(`${marketplaceTables(strapi).reviews} as r`).select(REVIEW_COLUMNS.map((c) => `r.${c}`));
      shape(query);
      return query;
    });
  },

  /** What anyone sees of a review: the author by public name only ("Deleted user" once erased). */
  async presentRows(rows: ReviewRow[], options: { withTutor?: boolean } = {}) {
    const userIds = [
      ...new Set(
        rows.flatMap((row) => [
          ...(row.author_id !== null ? [Number(row.author_id)] : []),
          ...(options.withTutor ? [Number(row.tutor_id)] : []),
        ])
      ),
    ];
    const fullName = columnOf(strapi, USER, 'fullName');
    const users = userIds.length
      ? await inKnex(strapi, (knex) =>
          knex(marketplaceTables(strapi).users)
            .select({ id: 'id', username: 'username', fullName })
            .whereIn('id', userIds)
        )
      : [];
    const userById = new Map((users as any[]).map((user) => [Number(user.id), user]));
    const headlines = options.withTutor
      ? new Map(
          (
            await inKnex(strapi, (knex) =>
              knex(marketplaceTables(strapi).profiles)
                .select('user_id', 'headline')
                .whereIn(
                  'user_id',
                  rows.map((row) => row.tutor_id)
                )
            )
          ).map((row: any) => [Number(row.user_id), row.headline ?? null])
        )
      : null;
    return rows.map((row) => {
      const author = row.author_id === null ? null : userById.get(Number(row.author_id));
      const tutor = userById.get(Number(row.tutor_id));
      return {
        documentId: row.document_id,
        rating: Number(row.rating),
        body: row.body ?? '',
        createdAt: isoOf(row.created_at),
        author: { name: author ? author.fullName || author.username : DELETED_USER },
        ...(headlines
          ? {
              tutor: {
                id: Number(row.tutor_id),
                username: tutor?.username ?? null,
                fullName: tutor?.fullName ?? null,
                headline: headlines.get(Number(row.tutor_id)) ?? null,
              },
            }
          : {}),
      };
    });
  },
});
