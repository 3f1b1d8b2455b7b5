import type { Core } from '@strapi/strapi';
import { LRUCache } from 'lru-cache';
import { isPatchOn, withStock } from './switches';

/**
 * Patch: the main router's `match` (@koa/router 12 lib/router.js `Router.prototype.match`), remembered per method
 * and path, on Strapi's one router instance (`strapi.server.router`; the content and admin APIs' routes are copied
 * into its stack when mounted).
 *
 * Stock: every request tests its path against the regular expression of every layer in the stack (543 here: the
 * content API, the admin API, the plugins), in order, and collects the layers that match.
 * Each group of routes Strapi mounts (every plugin's, every API's: 65 here) comes with its own router's
 * `allowedMethods` middleware, a layer without methods that matches every path under its prefix; the dispatch runs
 * all of them around every request (routing.js `addRoutes`: `router.use(subRouter.routes(),
 * subRouter.allowedMethods())`).
 * Change: the answer for a method and path is kept and handed out as a copy (callers append to its arrays: the
 * router's dispatch makes `matched.path` the context's `matched`). It depends only on the method, the path and the
 * stack, so it is kept with the stack's size and computed again when a route was added since. At most
 * REMEMBERED_PATHS paths are kept, the least recently asked dropped past that, so paths that never repeat (ids in
 * them) cost a lookup more than stock and hold bounded memory.
 * When a route answers the method (`route`), the groups' `allowedMethods` layers are left out of the layers to run
 * (`pathAndMethod`; `path`, which they read, keeps them). Each only acts on a 404 or no status: it then answers 501
 * for a method the router does not implement, 405 for one no matched layer has, the methods for OPTIONS. With a
 * route for the method among the matched layers none of the three can happen, so each was a promise and a closure
 * per request for nothing; without one (a 405, OPTIONS) they stay, and the main router's own `allowedMethods`, which
 * does the same, follows the dispatch in any case.
 * Gain: with the rest of that change, suggestions at `--scale=large` went from 2.18–2.69 to 2.07–2.49 ms of CPU per
 * request and from 596–745 to 662–800 a second (README, Benchmarks, "Routing").
 * Off (STRAPI_PATCHES_OFF=route-match): the stock match.
 * On upgrade: check that `match(path, method)` still returns `{ path, pathAndMethod, route }` computed from `stack`
 * alone, that the router's dispatch still calls it through the instance, and what `allowedMethods` does.
 */
const REMEMBERED_PATHS = 2_000;

type Layer = { methods: string[]; stack: Array<{ name?: string }> };
export type RouteMatch = { path: Layer[]; pathAndMethod: Layer[]; route: boolean };

/** A route group's `allowedMethods` middleware, as `router.use` registers it: no methods, that one function. */
export const isGroupAllowedMethods = (layer: Layer): boolean =>
  layer.methods.length === 0 && layer.stack.length === 1 && layer.stack[0].name === 'allowedMethods';
type KoaRouter = { stack: Layer[]; match: (this: KoaRouter, path: string, method: string) => RouteMatch };

export function rememberRouteMatches(strapi: Core.Strapi): void {
  const router = (strapi.server as unknown as { router: KoaRouter }).router;
  const stock = router.match;
  const remembered = new LRUCache<string, RouteMatch>({ max: REMEMBERED_PATHS });
  let stackSize = router.stack.length;
  const patched = function match(this: KoaRouter, path: string, method: string): RouteMatch {
    if (!isPatchOn('route-match')) return stock.call(this, path, method);
    if (this.stack.length !== stackSize) {
      remembered.clear();
      stackSize = this.stack.length;
    }
    const key = `${method} ${path}`;
    let found = remembered.get(key);
    if (!found) {
      found = stock.call(this, path, method);
      if (found.route)
        found = { ...found, pathAndMethod: found.pathAndMethod.filter((layer) => !isGroupAllowedMethods(layer)) };
      remembered.set(key, found);
    }
    return { path: [...found.path], pathAndMethod: [...found.pathAndMethod], route: found.route };
  };
  router.match = withStock(patched, stock);
}
