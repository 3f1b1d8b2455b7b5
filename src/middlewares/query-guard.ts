import type { Core } from '@strapi/strapi';
import { contentTypes } from '@strapi/utils';
import { LRUCache } from 'lru-cache';
import { queryRefusal } from '../query-validation/issues';
import { queryLimitsFrom } from '../query-validation/limits';
import { queryStringProblem } from '../query-validation/bounds';
import type { Model, Schemas } from '../query-validation/schema';
import { coreRouteNames, modelOfRoute } from '../query-validation/target';
import { contentQueryIssues, plainQueryIssues } from '../query-validation/validate-query';

const REMEMBERED_TEMPLATES = 2_000;

interface RouteLayer {
  path: string;
  methods: string[];
  match(path: string): boolean;
}

/**
 * Query validation in front of Strapi's parser (issue #19): a malformed `filters`, `sort`, `populate`, `fields` or
 * `pagination` on any REST route is a 400 naming the parameter before a controller, a cache or the database sees
 * it. It only refuses: the query a controller or the REST cache reads is left exactly as the client sent it.
 * Placed after `strapi::query` (whose qs settings parse ctx.query) and before routing; it finds the route the
 * router will serve with the router's own matcher.
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  const limits = queryLimitsFrom(process.env);
  const prefix = strapi.config.get('api.rest.prefix', '/api') as string;
  const schemas: Schemas = {
    model: (uid) => strapi.getModel(uid as any) as unknown as Model | undefined,
    isPrivate: (model, key) => contentTypes.isPrivateAttribute(model as any, key),
  };
  let routeNames: Map<string, string> | undefined;

  /**
   * The path template of the Content API route that will answer (the first with this method, as the router picks),
   * if any. The main router is not asked: the admin panel's catch-all GET route precedes everything there.
   */
  let layers: RouteLayer[] | undefined;
  // Each path's template, remembered: testing some 550 routes' expressions in turn was 2% of a search suggestion's
  // CPU. Bounded: paths with ids in them do not repeat.
  // Wrapped: "no route" (undefined) is remembered too, and the cache holds no undefined.
  const templates = new LRUCache<string, { template: string | undefined }>({ max: REMEMBERED_TEMPLATES });
  const routeTemplate = (path: string, method: string): string | undefined => {
    // Read once, at the first request: every route is registered by then and none is added later.
    layers ??= strapi.server.api('content-api').listRoutes() as unknown as RouteLayer[];
    const key = `${method} ${path}`;
    const remembered = templates.get(key);
    if (remembered) return remembered.template;
    const template = layers.find((layer) => layer.methods.includes(method) && layer.match(path))?.path;
    templates.set(key, { template });
    return template;
  };

  return async (ctx: any, next: () => Promise<unknown>) => {
    const querystring: string = ctx.querystring;
    if (!querystring || !String(ctx.path).toLowerCase().startsWith(`${prefix.toLowerCase()}/`)) return next();

    const sizeProblem = queryStringProblem(querystring, limits.maxQueryBytes);
    if (sizeProblem) throw queryRefusal([{ path: [], message: sizeProblem }]);

    routeNames ??= coreRouteNames(strapi.contentTypes as any);
    const template = routeTemplate(ctx.path, ctx.method);
    const uid = template ? modelOfRoute(template, prefix, routeNames) : undefined;
    const model = uid ? schemas.model(uid) : undefined;
    const query = ctx.query as Record<string, unknown>;
    const issues = model ? contentQueryIssues(query, model, schemas, limits) : plainQueryIssues(query, limits);
    if (issues.length > 0) throw queryRefusal(issues);
    return next();
  };
};
