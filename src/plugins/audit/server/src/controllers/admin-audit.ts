import type { Core } from '@strapi/strapi';
import { adminCaller } from '../../../../../access/admin-caller';
import { paginationParams } from '../../../../../access/params';
import { auditFilterFrom, findAuditEvents } from '../../../../../audit';
import { forbidden } from '../../../../../errors/refusal';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /audit/events?actor=&entity=&from=&to=&pagination[page]=&pagination[pageSize]= — as GET /api/audit-events. */
  async list(ctx: any) {
    // Only a Super Admin acts as an admin (adminCaller); a Teacher given the action by hand still sees nothing.
    const caller = await adminCaller(strapi, ctx.state.user).catch(() => null);
    if (caller?.role !== 'admin') throw forbidden('Only Super Admins read the audit trail', 'not_super_admin');
    const filter = auditFilterFrom(ctx.query);
    const { page, pageSize } = paginationParams(ctx.query);
    const { data, total } = await findAuditEvents(strapi, filter, { page, pageSize });
    ctx.body = { data, meta: { pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total } } };
  },
});
