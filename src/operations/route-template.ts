/**
 * The route template a request was answered by (`/api/courses/:id`), for metrics: never the URL itself, whose ids
 * and slugs would make a new time series per entry. koa-router leaves the path of the last layer the request went
 * through in `ctx._matchedRoute` and the layers that matched in `ctx.matched`; an answer served before routing (the
 * public cache's early hits) names its route the same way.
 */
export const UNMATCHED_ROUTE = 'unmatched';

interface RouterLayer {
  path: unknown;
  methods: string[];
}

interface RoutedContext {
  _matchedRoute?: unknown;
  matched?: RouterLayer[];
}

export function routeTemplateOf(ctx: RoutedContext): string {
  const template = ctx._matchedRoute;
  if (typeof template !== 'string' || template === '') return UNMATCHED_ROUTE;
  if (!ctx.matched) return template;
  // A route that passed the request on (the public folder's catch-all when no file matches) leaves the path of a
  // middleware layer (`router.use`, no methods) behind: that request was answered by no route.
  const isRoute = ctx.matched.some((layer) => layer.path === template && layer.methods.length > 0);
  return isRoute ? template : UNMATCHED_ROUTE;
}

/** Names the route of an answer given without the router. */
export function markRouteTemplate(ctx: RoutedContext, template: string): void {
  ctx._matchedRoute = template;
}
