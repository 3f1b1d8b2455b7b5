/**
 * The route template a request was answered by (`/api/courses/:id`), for metrics: never the URL itself, whose ids
 * and slugs would make a new time series per entry. koa-router leaves it in `ctx._matchedRoute`; an answer served
 * before routing (the public cache's early hits) names its route the same way.
 */
export const UNMATCHED_ROUTE = 'unmatched';

interface RoutedContext {
  _matchedRoute?: unknown;
}

export function routeTemplateOf(ctx: RoutedContext): string {
  return typeof ctx._matchedRoute === 'string' && ctx._matchedRoute !== '' ? ctx._matchedRoute : UNMATCHED_ROUTE;
}

/** Names the route of an answer given without the router. */
export function markRouteTemplate(ctx: RoutedContext, template: string): void {
  ctx._matchedRoute = template;
}
