import type { Core } from '@strapi/strapi';
import { isPrivateRequest } from './config';
import { purgeGeneration } from './generation';
import { responseStoreOf } from './response-store';

export interface CacheRoute {
  path: string;
  method: string;
  maxAge: number;
}

export interface PluginRoute {
  method: string;
  path: string;
  config?: { prefix?: string; middlewares?: unknown[]; policies?: unknown[] };
}

/**
 * Paths whose cached answers the public-cache middleware serves before routing: cached GET routes with
 * nothing of their own to run first (no policy, no rate limit). A hit then skips body parsing, the session,
 * routing and the permission check: an entry exists only because an anonymous caller was allowed this
 * answer, and a change to roles or permissions purges every entry (src/cache/purge-on-write.ts).
 */
const earlyPaths = new WeakMap<Core.Strapi, Array<{ pattern: RegExp; routePath: string }>>();

export function lookUpEarly(strapi: Core.Strapi, routePath: string) {
  const pattern = routePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+');
  earlyPaths.set(strapi, [...(earlyPaths.get(strapi) ?? []), { pattern: new RegExp(`^${pattern}/?$`), routePath }]);
}

/** The route (`/api/courses/:id`) whose cached answers are served before routing for this path, if any. */
export const routeLookedUpEarly = (strapi: Core.Strapi, path: string): string | undefined =>
  (earlyPaths.get(strapi) ?? []).find((early) => early.pattern.test(path))?.routePath;

/**
 * The key of an answer: its path and its query string exactly as sent (the original URL: controllers may
 * rewrite ctx.query, which rewrites ctx.querystring). Same shape as the plugin's keys (`<path>?…`), so its
 * purge patterns match them. The path keeps its case: certificate codes are case-sensitive, and
 * `…/verify/ABC` must never be answered from `…/verify/abc`. Parameters are not reordered:
 * `sort=a&sort=b` and `sort=b&sort=a` are different answers.
 */
export function cacheKey(ctx: { originalUrl: string }): string {
  const url = ctx.originalUrl;
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  return `${path.replace(/\/$/, '')}?${queryStart === -1 ? '' : url.slice(queryStart + 1)}`;
}

/** Answers a request from a stored entry; false when there is none. */
export async function answerFromCache(strapi: Core.Strapi, ctx: any): Promise<boolean> {
  const store = responseStoreOf(strapi);
  if (!store) return false;
  const cached = await store.read(cacheKey(ctx));
  if (cached === undefined) return false;
  ctx.set('X-Cache', 'HIT');
  ctx.status = 200;
  ctx.type = 'application/json; charset=utf-8';
  // Kept as the JSON itself: a hit costs no parse into objects and no stringify back.
  ctx.body = cached;
  return true;
}

/** The content type whose cache settings list this route: its writes purge the route's answers. */
function contentTypeOfRoute(strapi: Core.Strapi, route: CacheRoute): string | undefined {
  const { strategy } = strapi.config.get('plugin::rest-cache') as {
    strategy: { contentTypes: Array<{ contentType: string; routes: CacheRoute[] }> };
  };
  return strategy.contentTypes.find((contentType) =>
    contentType.routes.some((candidate) => candidate.method === route.method && candidate.path === route.path)
  )?.contentType;
}

/** Route middleware: anonymous GETs answered from the shared cache, successful answers stored. */
export function cachePublicResponse(strapi: Core.Strapi, route: CacheRoute) {
  const uid = contentTypeOfRoute(strapi, route);
  return async (ctx: any, next: () => Promise<unknown>) => {
    if (isPrivateRequest(ctx)) {
      ctx.set('X-Cache', 'HITPASS');
      return next();
    }
    // The public-cache middleware already looked this key up before routing and found nothing.
    if (!ctx.state.publicCacheMissed && (await answerFromCache(strapi, ctx))) return;
    const generation = purgeGeneration();
    await next();
    ctx.set('X-Cache', 'MISS');
    const store = responseStoreOf(strapi);
    const isStorable = ctx.status === 200 && ctx.body && typeof ctx.body === 'object' && !Buffer.isBuffer(ctx.body);
    // Awaited: once a reader has its answer, a following write's purge finds the entry.
    if (store && isStorable && generation === purgeGeneration())
      await store.write(cacheKey(ctx), JSON.stringify(ctx.body), route.maxAge, uid);
  };
}

function pluginContentApiRoutes(strapi: Core.Strapi): PluginRoute[] {
  const routes: PluginRoute[] = [];
  for (const plugin of Object.values(strapi.plugins) as Array<{ routes?: any }>) {
    for (const router of Object.values(plugin.routes ?? {}) as any[]) {
      if (router?.type === 'content-api' && Array.isArray(router.routes)) routes.push(...router.routes);
    }
  }
  return routes;
}

/**
 * The REST cache plugin hooks only the routes of src/api; the outline and certificate verification are
 * served by local plugins at the contract's paths (prefix ''). Runs in register, after the plugin resolved
 * its strategy and before routes are mounted.
 */
export function cachePluginRoutes(strapi: Core.Strapi): void {
  if (!strapi.plugin('rest-cache')) return;
  const apiPrefix = strapi.config.get('api.rest.prefix', '/api') as string;
  const { strategy } = strapi.config.get('plugin::rest-cache') as {
    strategy: { contentTypes: Array<{ routes: CacheRoute[] }> };
  };
  const wanted = strategy.contentTypes
    .flatMap((contentType) => contentType.routes)
    .filter((route) => route.method === 'GET');
  for (const route of pluginContentApiRoutes(strapi)) {
    if (route.method !== 'GET' || route.config?.prefix !== '') continue;
    const cacheRoute = wanted.find((candidate) => candidate.path === `${apiPrefix}${route.path}`);
    if (!cacheRoute) continue;
    if (!route.config.middlewares?.length && !route.config.policies?.length) lookUpEarly(strapi, cacheRoute.path);
    route.config.middlewares = [...(route.config.middlewares ?? []), cachePublicResponse(strapi, cacheRoute)];
  }
}
