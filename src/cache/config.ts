/**
 * REST cache of public reads (@strapi-community/plugin-rest-cache). Only anonymous requests are looked up
 * or stored: a cached answer is the same for everyone, so a caller's own data (the outline's
 * completed/locked, drafts a teacher may see) can never reach someone else.
 */

/** Routes served by local plugins; the REST cache plugin only hooks routes of src/api itself (see routes.ts). */
export const PLUGIN_ROUTES = {
  outline: '/api/courses/:documentId/outline',
  reviews: '/api/courses/:documentId/reviews',
  certificateVerification: '/api/certificates/verify/:code',
} as const;

/** True when the request carries credentials: never served from or stored into the shared cache. */
export const isPrivateRequest = (ctx: { request: { headers: Record<string, unknown> } }) =>
  Boolean(ctx.request.headers.authorization);

interface Env {
  (name: string, fallback?: string): string;
  int(name: string, fallback?: number): number;
  bool(name: string, fallback?: boolean): boolean;
}

export const restCacheConfig = (env: Env) => ({
  enabled: env.bool('REST_CACHE_ENABLED', true),
  config: {
    // Redis, when REDIS_URL is set, replaces this provider in bootstrap (src/cache/redis-provider.ts).
    provider: {
      name: 'memory',
      options: { maxSize: env.int('REST_CACHE_MAX_ENTRIES', 10_000) },
    },
    strategy: {
      keysPrefix: env('REST_CACHE_KEYS_PREFIX', 'lyceum:'),
      // The providers read maxAge as seconds. It also bounds staleness after a purge lost while Redis was away.
      maxAge: env.int('REST_CACHE_MAX_AGE_SECONDS', 600),
      hitpass: isPrivateRequest,
      enableXCacheHeaders: true,
      enableEtag: false,
      // Broken with Redis in the v5 plugin; a restarted memory cache is empty anyway.
      resetOnStartup: false,
      // Related types are purged by src/cache/purge-on-write.ts, one relation away, after commit.
      clearRelatedCache: false,
      keys: { useHeaders: [], useQueryParams: true },
      contentTypes: [
        { contentType: 'api::course.course', routes: [PLUGIN_ROUTES.outline, PLUGIN_ROUTES.reviews] },
        'api::category.category',
        'api::tag.tag',
        'api::article.article',
        {
          contentType: 'plugin::certificates.certificate',
          injectDefaultRoutes: false,
          routes: [PLUGIN_ROUTES.certificateVerification],
        },
      ],
    },
  },
});
