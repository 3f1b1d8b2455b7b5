import type { Core } from '@strapi/strapi';
import { paginationParams } from '../../../access/params';
import { auditFilterFrom, findAuditEvents } from '../../../audit';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /audit-events?actor=&entity=&from=&to=&pagination[page]=&pagination[pageSize]= — newest first. */
  async list(ctx: any) {
    const filter = auditFilterFrom(ctx.query);
    const { page, pageSize } = paginationParams(ctx.query);
    const { data, total } = await findAuditEvents(strapi, filter, { page, pageSize });
    ctx.body = { data, meta: { pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total } } };
  },
});
