import type { Core } from '@strapi/strapi';
import { cachePublicResponse, lookUpEarly, type PluginRoute } from '../cache/routes';
import { isPatchOn } from './switches';

/**
 * Patch: the REST cache plugin's `recv` route middleware is swapped, on the routes of src/api, for Lyceum's lookup
 * (src/cache/routes.ts `cachePublicResponse`).
 *
 * Stock (@strapi-community/plugin-rest-cache 5.0.0, dist/server/index.js `createRecv`, placed by the plugin's
 * register as `plugin::rest-cache.recv`): keys an answer by the lower-cased path and the parsed query with its
 * parameters sorted (`generateCacheKey`), reads through the plugin's cache store service, and stores the answer
 * object without waiting for the write.
 * Change: the key is the original URL exactly as sent (case and order kept: `…/verify/ABC` is never answered from
 * `…/verify/abc`, `sort=a&sort=b` is not `sort=b&sort=a`), hits are JSON bytes written as they are, an answer is
 * stored (awaited) only if no purge happened while it was made, so a write that follows a read purges it, and
 * routes with nothing to run before the lookup are answered before routing (global::public-cache). Private
 * requests pass (X-Cache HITPASS) as stock.
 * Gain: cached catalog reads above `/_health` (bench results 2026-11-26); not measured on its own (see UPGRADE.md).
 * Off (STRAPI_PATCHES_OFF=rest-cache-lookup): the plugin's recv serves src/api routes, and none is looked up
 * before routing; local plugin routes keep Lyceum's lookup (stock has none for them).
 * On upgrade: the middleware's name and its `config.cacheRouteConfig` (path, method, maxAge), which this reads.
 */
export function useOwnLookupOnApiRoutes(strapi: Core.Strapi): void {
  if (!strapi.plugin('rest-cache') || !isPatchOn('rest-cache-lookup')) return;
  for (const api of Object.values(strapi.apis) as Array<{ routes?: Record<string, { routes?: PluginRoute[] }> }>) {
    for (const router of Object.values(api.routes ?? {})) {
      for (const route of router.routes ?? []) {
        const middlewares = route.config?.middlewares;
        if (!middlewares) continue;
        const recv = middlewares.find((middleware: any) => middleware?.name === 'plugin::rest-cache.recv') as any;
        if (!recv) continue;
        if (middlewares.length === 1 && !route.config!.policies?.length)
          lookUpEarly(strapi, recv.config.cacheRouteConfig.path);
        route.config!.middlewares = middlewares.map((middleware: any) =>
          middleware === recv ? cachePublicResponse(strapi, recv.config.cacheRouteConfig) : middleware
        );
      }
    }
  }
}
