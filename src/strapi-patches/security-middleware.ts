import type { Core } from '@strapi/strapi';
import { CSP_DEFAULTS } from '@strapi/utils';
import helmet from 'koa-helmet';
import { defaultsDeep, mergeWith } from 'lodash/fp';

/**
 * Patch: `strapi::security` (helmet), registered in place of the stock middleware (index.ts, registry `extend`).
 *
 * Stock (@strapi/core dist/middlewares/security.js, `security`): on every request it merges its configuration with
 * lodash and builds a new koa-helmet, which validates that configuration again.
 * Change: the configuration depends only on which of a few kinds of path a request is for (GraphQL playground on
 * or not, /documentation or the playground, the admin panel in development), so one helmet is built per kind and
 * kept. The merging below is the stock one, so the headers are the same (tests/unit/strapi-patches/
 * stock-middlewares.test.ts compares them with the stock factory's).
 * Gain: with body-middleware.ts, `/_health` went from about 2,400 to about 5,500 requests/s on the bench machine.
 * Off (STRAPI_PATCHES_OFF=security-middleware): the stock middleware is left in the registry.
 * On upgrade: diff the stock file against DEFAULTS and configFor below (defaults, directives, special paths).
 */
const DEFAULTS = {
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  contentSecurityPolicy: { useDefaults: true, directives: { ...CSP_DEFAULTS, upgradeInsecureRequests: null } },
  xssFilter: false,
  hsts: { maxAge: 31536000, includeSubDomains: true },
  frameguard: { action: 'sameorigin' },
};

const mergeConfig = (existing: object, added: object) =>
  mergeWith(
    (target: unknown, source: unknown) =>
      Array.isArray(target) && Array.isArray(source) ? target.concat(source) : undefined,
    existing,
    added
  );

type Middleware = (ctx: any, next: () => Promise<unknown>) => Promise<unknown>;

export default (config: object, { strapi }: { strapi: Core.Strapi }) => {
  const helmets = new Map<string, Middleware>();

  /** The stock configuration for a request of this kind. */
  const configFor = (playground: boolean, documentation: boolean, adminInDevelopment: boolean): object => {
    let helmetConfig: object = defaultsDeep(DEFAULTS, config);
    const directives = {
      'script-src': ["'self'", "'unsafe-inline'", 'cdn.jsdelivr.net'],
      'img-src': ["'self'", 'data:', 'cdn.jsdelivr.net', 'strapi.io'],
      'manifest-src': [] as string[],
      'frame-src': [] as string[],
    };
    if (playground) {
      directives['script-src'].push(`https: 'unsafe-inline'`);
      directives['img-src'].push(`'apollo-server-landing-page.cdn.apollographql.com'`);
      directives['manifest-src'].push(`'self'`, 'apollo-server-landing-page.cdn.apollographql.com');
      directives['frame-src'].push(`'self'`, 'sandbox.embed.apollographql.com');
    }
    if (documentation)
      helmetConfig = mergeConfig(helmetConfig, {
        crossOriginEmbedderPolicy: false,
        contentSecurityPolicy: { directives },
      });
    if (adminInDevelopment) {
      helmetConfig = mergeConfig(helmetConfig, {
        contentSecurityPolicy: {
          directives: {
            'script-src': ["'self'", "'unsafe-inline'"],
            'connect-src': ["'self'", 'http:', 'https:', 'ws:'],
          },
        },
      });
    }
    return helmetConfig;
  };

  // Whether the GraphQL playground is served follows the configuration: read once, at the first request (the
  // plugins are loaded by then), where the stock middleware asks on every one.
  let paths: { playground: boolean; special: string[] } | undefined;
  const pathsOfThisServer = () => {
    const graphql = strapi.plugin('graphql');
    const playground = Boolean(graphql?.service('utils').playground.isEnabled());
    return { playground, special: ['/documentation', ...(playground ? [graphql.config('endpoint') as string] : [])] };
  };

  return (ctx: any, next: () => Promise<unknown>) => {
    paths ??= pathsOfThisServer();
    const { playground } = paths;
    const documentation = ctx.method === 'GET' && paths.special.some((path) => ctx.path.startsWith(path));
    const adminInDevelopment =
      ['development', 'test'].includes(process.env.NODE_ENV ?? '') &&
      ctx.method === 'GET' &&
      ctx.path.startsWith(strapi.config.get<string>('admin.path'));
    const kind = `${playground}:${documentation}:${adminInDevelopment}`;
    let middleware = helmets.get(kind);
    if (!middleware) {
      middleware = helmet(
        configFor(playground, documentation, adminInDevelopment) as Parameters<typeof helmet>[0]
      ) as unknown as Middleware;
      helmets.set(kind, middleware);
    }
    return middleware(ctx, next);
  };
};
