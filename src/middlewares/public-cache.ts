import type { Core } from '@strapi/strapi';
import { isPrivateRequest } from '../cache/config';
import { answerFromCache, routeLookedUpEarly } from '../cache/routes';
import { markRouteTemplate } from '../operations/route-template';

/**
 * Serves cached public answers before the rest of the stack: placed after the logger, security headers
 * and CORS (a hit carries the same headers as a miss), before body parsing, the session and routing. A
 * miss is marked so the route's own cache middleware does not look the key up a second time.
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: any, next: () => Promise<unknown>) => {
    if (ctx.method !== 'GET' || isPrivateRequest(ctx)) return next();
    const routePath = routeLookedUpEarly(strapi, ctx.path);
    if (routePath === undefined) return next();
    if (await answerFromCache(strapi, ctx)) {
      // A hit never reaches the router: the metrics still count it under its route.
      markRouteTemplate(ctx, routePath);
      return;
    }
    ctx.state.publicCacheMissed = true;
    return next();
  };
