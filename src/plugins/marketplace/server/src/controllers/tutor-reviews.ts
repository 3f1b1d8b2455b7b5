import type { Core } from '@strapi/strapi';
import { recordIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { fieldProblem, throwIfInvalid } from '../../../../../errors/refusal';
import { paginationMeta, readPage } from '../../../../../access/listing';
import { parseTutorReviewInput } from '../rules/profile-input';
import tutorReviewsService, { BEST_DEFAULT_LIMIT, BEST_MAX_LIMIT } from '../services/tutor-reviews';

const reviews = (strapi: Core.Strapi) =>
  strapi.plugin('marketplace').service('tutor-reviews') as ReturnType<typeof tutorReviewsService>;

function readLimit(value: unknown): number {
  if (value === undefined || value === '') return BEST_DEFAULT_LIMIT;
  const limit = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > BEST_MAX_LIMIT)
    throwIfInvalid([fieldProblem('limit', `limit must be a whole number from 1 to ${BEST_MAX_LIMIT}`)]);
  return limit;
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /tutors/:id/reviews { rating, body } */
  async create(ctx: any) {
    const id = recordIdParam(ctx.params.id, 'id');
    const input = parseTutorReviewInput(ctx.request.body);
    ctx.status = 201;
    ctx.body = { data: await reviews(strapi).create(callerFrom(ctx.state), id, input), meta: {} };
  },

  /** GET /tutors/:id/reviews?page&pageSize (public) */
  async list(ctx: any) {
    const id = recordIdParam(ctx.params.id, 'id');
    const page = readPage(ctx.query);
    const { data, total, rating } = await reviews(strapi).list(callerFrom(ctx.state), id, page);
    ctx.body = { data, meta: { pagination: paginationMeta(page, total), ...rating } };
  },

  /** GET /reviews/best?limit (public) */
  async best(ctx: any) {
    const limit = readLimit(ctx.query.limit);
    ctx.body = { data: await reviews(strapi).best(callerFrom(ctx.state), limit), meta: {} };
  },
});
