import type { Core } from '@strapi/strapi';
import { documentIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { paginationMeta, readPage, readSort } from '../../../../../access/listing';
import { parseReviewInput } from '../rules/review-input';
import type { ReviewOrder } from '../services/reviews';

const reviews = (strapi: Core.Strapi) => strapi.plugin('community').service('reviews');
const ORDERS: ReviewOrder[] = ['newest', 'rating'];

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /courses/:documentId/reviews?page&pageSize&sort=newest|rating (public) */
  async list(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const page = readPage(ctx.query);
    const order = readSort(ctx.query, ORDERS);
    const { data, total, rating } = await reviews(strapi).list(courseDocumentId, {
      page,
      order,
      callerId: callerFrom(ctx.state).userId,
    });
    ctx.body = { data, meta: { pagination: paginationMeta(page, total), ...rating } };
  },

  /** POST /courses/:documentId/reviews { rating, body } */
  async create(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const input = parseReviewInput(ctx.request.body, { partial: false });
    ctx.status = 201;
    ctx.body = {
      data: await reviews(strapi).create(callerFrom(ctx.state), courseDocumentId, input, new Date()),
      meta: {},
    };
  },

  /** PUT /reviews/:documentId { rating?, body? } */
  async update(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    const input = parseReviewInput(ctx.request.body, { partial: true });
    ctx.body = { data: await reviews(strapi).update(callerFrom(ctx.state), documentId, input), meta: {} };
  },

  /** DELETE /reviews/:documentId */
  async remove(ctx: any) {
    const documentId = documentIdParam(ctx.params.documentId);
    ctx.body = { data: await reviews(strapi).remove(callerFrom(ctx.state), documentId), meta: {} };
  },
});
