/**
 * Users-permissions answers a bare 403 when a visitor without a token calls a route the public role
 * lacks. The contract says a missing token is 401 (log in first) and 403 is for a signed-in caller
 * without the right, so that answer becomes 401 when the request carried no credentials. Refusals
 * with a `details.reason` are rules speaking and stay 403.
 */
export default () => async (ctx: any, next: () => Promise<void>) => {
  await next();
  if (ctx.status !== 403 || ctx.state.user || ctx.request.header.authorization) return;
  const error = ctx.body?.error;
  if (error?.name === 'ForbiddenError' && !error.details?.reason) {
    ctx.unauthorized('Missing or invalid credentials');
  }
};
