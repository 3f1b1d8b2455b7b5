import { REQUEST_ID_HEADER, requestIdOf } from '../operations/request-id';

/**
 * First of all middlewares: gives the request its id (the caller's own when acceptable, src/operations/request-id.ts)
 * in `ctx.state.requestId`, where log lines pick it up, and puts it on the answer, error answers included.
 */
export default () => async (ctx: any, next: () => Promise<unknown>) => {
  const requestId = requestIdOf(ctx.request.headers['x-request-id']);
  ctx.state.requestId = requestId;
  ctx.set(REQUEST_ID_HEADER, requestId);
  try {
    await next();
  } catch (error) {
    // Koa drops every header set so far when an error escapes; it keeps the error's own.
    if (error && typeof error === 'object') {
      const withHeaders = error as { headers?: Record<string, string> };
      withHeaders.headers = { ...withHeaders.headers, [REQUEST_ID_HEADER]: requestId };
    }
    throw error;
  }
};
