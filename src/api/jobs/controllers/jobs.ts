import type { Core } from '@strapi/strapi';
import { paginationParams, recordIdParam } from '../../../access/params';
import { jobStatusParam, jobsPage, retryDeadJob } from '../../../jobs/admin';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /jobs?status=dead&pagination[page]=&pagination[pageSize]= — newest first. */
  async list(ctx: any) {
    const status = jobStatusParam(ctx.query.status);
    const { page, pageSize } = paginationParams(ctx.query);
    const { data, total } = await jobsPage(strapi, { status, page, pageSize });
    ctx.body = { data, meta: { pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total } } };
  },

  /** POST /jobs/:id/retry — a dead job runs again, its attempts reset. */
  async retry(ctx: any) {
    const id = recordIdParam(ctx.params.id);
    ctx.body = { data: await retryDeadJob(strapi, id, new Date()), meta: {} };
  },
});
