import type { Core } from '@strapi/strapi';
import { isPrivateRequest } from './config';
import { purgeGeneration } from './generation';

interface CacheRoute {
  path: string;
  method: string;
  maxAge: number;
}

interface PluginRoute {
  method: string;
  path: string;
  config?: { prefix?: string; middlewares?: unknown[] };
}

/**
 * The key the REST cache plugin would build (path, then sorted query), without its lower-casing of the
 * path: certificate codes are case-sensitive, and `…/verify/ABC` must never be answered from `…/verify/abc`.
 * Same shape, so the plugin's purge patterns match these keys too.
 */
export function cacheKey(ctx: { request: { path: string }; query: Record<string, unknown> }): string {
  const query = Object.keys(ctx.query)
    .sort()
    .map((name) => {
      const value = ctx.query[name];
      return `${name}=${typeof value === 'object' ? JSON.stringify(value) : value}`;
    })
    .join(',');
  return `${ctx.request.path.replace(/\/$/, '')}?${query}&`;
}

/** Route middleware: anonymous GETs answered from the shared cache, successful answers stored. */
function cachePublicResponse(strapi: Core.Strapi, route: CacheRoute) {
  return async (ctx: any, next: () => Promise<unknown>) => {
    if (isPrivateRequest(ctx)) {
      ctx.set('X-Cache', 'HITPASS');
      return next();
    }
    const store = strapi.plugin('rest-cache').service('cacheStore');
    const key = cacheKey(ctx);
    const cached = await store.get(key);
    if (cached) {
      ctx.set('X-Cache', 'HIT');
      ctx.status = 200;
      // Kept as the JSON text itself: a hit then costs no parse into objects and no stringify back.
      if (typeof cached === 'string') ctx.type = 'application/json; charset=utf-8';
      ctx.body = cached;
      return;
    }
    const generation = purgeGeneration();
    await next();
    ctx.set('X-Cache', 'MISS');
    const isStorable = ctx.status === 200 && ctx.body && typeof ctx.body === 'object' && !Buffer.isBuffer(ctx.body);
    // Awaited, unlike the plugin's own recv: once a reader has its answer, a following write's purge finds the entry.
    if (isStorable && generation === purgeGeneration()) await store.set(key, JSON.stringify(ctx.body), route.maxAge);
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
  useOwnLookupOnApiRoutes(strapi);
  const apiPrefix = strapi.config.get('api.rest.prefix', '/api') as string;
  const { strategy } = strapi.config.get('plugin::rest-cache') as { strategy: { contentTypes: Array<{ routes: CacheRoute[] }> } };
  const wanted = strategy.contentTypes.flatMap((contentType) => contentType.routes).filter((route) => route.method === 'GET');
  for (const route of pluginContentApiRoutes(strapi)) {
    if (route.method !== 'GET' || route.config?.prefix !== '') continue;
    const cacheRoute = wanted.find((candidate) => candidate.path === `${apiPrefix}${route.path}`);
    if (!cacheRoute) continue;
    route.config.middlewares = [...(route.config.middlewares ?? []), cachePublicResponse(strapi, cacheRoute)];
  }
}

/** The plugin's recv, already placed on src/api routes by its register, swapped for the lookup above. */
function useOwnLookupOnApiRoutes(strapi: Core.Strapi): void {
  for (const api of Object.values(strapi.apis) as Array<{ routes?: Record<string, { routes?: PluginRoute[] }> }>) {
    for (const router of Object.values(api.routes ?? {})) {
      for (const route of router.routes ?? []) {
        const middlewares = route.config?.middlewares;
        if (!middlewares) continue;
        route.config!.middlewares = middlewares.map((middleware: any) =>
          middleware?.name === 'plugin::rest-cache.recv' ? cachePublicResponse(strapi, middleware.config.cacheRouteConfig) : middleware
        );
      }
    }
  }
}
