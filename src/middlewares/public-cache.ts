import type { Core } from '@strapi/strapi';
import { isPrivateRequest } from '../cache/config';
import { answerFromCache, isLookedUpEarly } from '../cache/routes';

/**
 * Serves cached public answers before the rest of the stack: placed after the logger, security headers
 * and CORS (a hit carries the same headers as a miss), before body parsing, the session and routing. A
 * miss is marked so the route's own cache middleware does not look the key up a second time.
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: any, next: () => Promise<unknown>) => {
    if (ctx.method !== 'GET' || isPrivateRequest(ctx) || !isLookedUpEarly(strapi, ctx.path)) return next();
    if (await answerFromCache(strapi, ctx)) return;
    ctx.state.publicCacheMissed = true;
    return next();
  };
