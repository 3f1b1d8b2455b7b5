import type { Core } from '@strapi/strapi';
import { parseSalesQuery } from '../rules/order-request';
import type salesReportService from '../services/sales-report';

const report = (strapi: Core.Strapi) =>
  strapi.plugin('commerce').service('sales-report') as ReturnType<typeof salesReportService>;

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /admin-reports/sales?from=&to=&groupBy=day|course — admins (the permission matrix). */
  async sales(ctx: any) {
    const query = parseSalesQuery(ctx.query, new Date());
    const { data, totals } = await report(strapi).sales(query);
    ctx.body = {
      data,
      meta: {
        from: query.from.toISOString().slice(0, 10),
        to: new Date(query.to.getTime() - 86_400_000).toISOString().slice(0, 10),
        groupBy: query.groupBy,
        totals,
      },
    };
  },
});
