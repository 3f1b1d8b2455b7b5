import type { Core } from '@strapi/strapi';
import { metricsOf } from '../operations';
import { routeTemplateOf } from '../operations/route-template';

/**
 * Times every request into `http_request_duration_seconds` (src/operations/metrics.ts), labelled by the route
 * template it was answered by. Placed outside `strapi::errors`, so the status is the one the caller gets.
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  const metrics = metricsOf(strapi);
  return async (ctx: any, next: () => Promise<unknown>) => {
    const started = process.hrtime.bigint();
    let statusCode = 500;
    try {
      await next();
      statusCode = ctx.status;
    } catch (error) {
      const status = (error as { status?: unknown } | null)?.status;
      statusCode = typeof status === 'number' ? status : 500;
      throw error;
    } finally {
      metrics.observeRequest({
        method: ctx.method,
        route: routeTemplateOf(ctx),
        statusCode,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
    }
  };
};
