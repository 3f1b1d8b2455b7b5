import path from 'path';
import { GraphQLObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getOr, isEmpty, isNil, propOr } from 'lodash/fp';
import { isPatchOn, stockOf, withStock } from './switches';

/**
 * Patch: a GraphQL field with nothing to check keeps its own resolver instead of the plugin's wrapper.
 *
 * Stock (@strapi/plugin-graphql dist/server/services/content-api/wrap-resolvers.js, `wrapResolvers`, called once by
 * the content API's `buildSchema` at the plugin's bootstrap): replaces the resolver of every field of every object
 * type with an async one that awaits `authorize` (strapi.auth.verify, only for Query, Mutation and Subscription
 * fields and fields whose resolversConfig has `auth`), then the field's middlewares, then a policy middleware that
 * builds a policy context (createGraphQLPolicyContext, createPolicyContext) and runs the field's policies. For a
 * field with none of these (`Course.title`, `Category.name`: nearly every field of an answer) the three steps do
 * nothing, but each scalar of each row still costs three async calls, their promises (each one also seen by the
 * async hooks that Strapi's request context, an AsyncLocalStorage, switches on) and a policy context object: the
 * bench's catalog query resolves 100 such fields, and the CPU profile of the `graphql-catalog` row showed
 * this work rather than SQL (issue 24).
 * Change: such a field (not on Query, Mutation or Subscription; no `auth` other than `false`, no middlewares, no
 * policies in its resolversConfig) keeps the resolver the wrapper would have called in the end (its own, or the
 * row's property, as stock's `get(fieldName)` reads it); every other field is wrapped by the stock function, unchanged.
 * The answers are the same (tests/integration/strapi-patches.test.ts runs queries on a schema wrapped both ways),
 * except the order of the `errors` list when several fields fail: GraphQL lists errors as fields finish, and a
 * field that no longer awaits the wrapper finishes sooner (stock's order already followed timing).
 * Off (STRAPI_PATCHES_OFF=graphql-field-resolvers): every field wrapped as stock.
 * On upgrade: diff wrap-resolvers.js: what makes its wrapper do something (the root types, `auth`, `middlewares`,
 * `policies`), the base resolver it falls back to, and that content-api/index.js still calls it through the
 * module's exports (`wrapResolvers.wrapResolvers(...)`), which is where this patch is put.
 */

type ResolverConfig = { auth?: unknown; middlewares?: unknown[]; policies?: unknown[] };
export type WrapResolvers = (options: {
  schema: GraphQLSchema;
  strapi: unknown;
  extension?: { resolversConfig?: Record<string, unknown> };
}) => GraphQLSchema;

// As stock: the root types are always authorized, introspection types never wrapped.
const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'];
const INTROSPECTION_TYPES = ['__Schema', '__Type', '__Field', '__InputValue', '__EnumValue', '__Directive'];

/**
 * What stock's fallback `get(fieldName)` (lodash/fp) reads, without lodash's curried call for every value: a GraphQL
 * name has no dots or brackets, so the path is the one key.
 */
const propertyOf =
  (fieldName: string): GraphQLFieldResolver<unknown, unknown> =>
  (parent) =>
    parent == null ? undefined : (parent as Record<string, unknown>)[fieldName];

/** Whether stock's wrapper does anything for this field besides calling its resolver. */
function isChecked(typeName: string, resolverConfig: ResolverConfig): boolean {
  const auth = resolverConfig.auth;
  return (
    ROOT_TYPES.includes(typeName) ||
    !(isNil(auth) || auth === false) ||
    !isEmpty(getOr([], 'middlewares', resolverConfig)) ||
    !isEmpty(propOr([], 'policies', resolverConfig))
  );
}

/** `wrapResolvers` that leaves the resolvers of unchecked fields as they are (see the head of this file). */
export function wrapCheckedFieldsOnly(stock: WrapResolvers): WrapResolvers {
  const patched: WrapResolvers = (options) => {
    const resolversConfig = options.extension?.resolversConfig ?? {};
    const unchecked: Array<[{ resolve?: GraphQLFieldResolver<unknown, unknown> }, GraphQLFieldResolver<any, any>]> = [];
    for (const [typeName, type] of Object.entries(options.schema.getTypeMap())) {
      if (!(type instanceof GraphQLObjectType) || INTROSPECTION_TYPES.includes(typeName)) continue;
      for (const [fieldName, field] of Object.entries(type.getFields())) {
        if (fieldName.startsWith('__')) continue;
        // The same lookup as stock: a flat 'Type.field' key or a nested one.
        const resolverConfig = getOr({}, `${typeName}.${fieldName}`, resolversConfig) as ResolverConfig;
        if (isChecked(typeName, resolverConfig)) continue;
        unchecked.push([field, field.resolve ?? propertyOf(fieldName)]);
      }
    }
    const schema = stock(options);
    for (const [field, resolve] of unchecked) field.resolve = resolve;
    return schema;
  };
  return withStock(patched, stock);
}

type WrapResolversModule = { wrapResolvers: WrapResolvers };

/** The plugin's module whose export its content API calls (not a public entry: found from the package's root). */
export function wrapResolversModule(): WrapResolversModule {
  const pluginRoot = path.dirname(require.resolve('@strapi/plugin-graphql/package.json'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(pluginRoot, 'dist/server/services/content-api/wrap-resolvers.js')) as WrapResolversModule;
}

/** In register, before the graphql plugin's bootstrap builds the schema. */
export function keepUncheckedFieldResolvers(): void {
  if (!isPatchOn('graphql-field-resolvers')) return;
  const wrapModule = wrapResolversModule();
  // Once per process: a second Strapi in the same process (tests) finds it patched.
  if (stockOf(wrapModule.wrapResolvers)) return;
  wrapModule.wrapResolvers = wrapCheckedFieldsOnly(wrapModule.wrapResolvers);
}
