import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { batchedCatalogRelations, coursesFromCatalogRead } from './catalog-reads';
import { CATALOG, restrictShadowCrud } from './shadow-crud';
import { learningOperations } from './learning';
import { socialOperations } from './social';
import { taskOperations } from './tasks';
import { uploadOwnership } from './uploads';

// Signing in and account changes go through REST, where the rate limits and the password policy run.
const ACCOUNT_MUTATIONS = [
  'login',
  'register',
  'forgotPassword',
  'resetPassword',
  'changePassword',
  'emailConfirmation',
];

const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** The generated queries of the catalog's draft & publish types: `courses`, `course`, `courses_connection`, … */
function publishableQueries(strapi: Core.Strapi): string[] {
  return CATALOG.filter(
    (uid) => strapi.contentTypes[uid as keyof typeof strapi.contentTypes]?.options?.draftAndPublish
  ).flatMap((uid) => {
    const { singularName, pluralName } = strapi.contentTypes[uid as keyof typeof strapi.contentTypes].info;
    return [camelCase(singularName), camelCase(pluralName), `${camelCase(pluralName)}_connection`];
  });
}

export function registerGraphql(strapi: Core.Strapi) {
  const extension = strapi.plugin('graphql')?.service('extension');
  if (!extension) return;
  restrictShadowCrud(strapi, extension);
  extension.use(learningOperations);
  extension.use(socialOperations);
  extension.use(taskOperations);
  extension.use(uploadOwnership);
  extension.use(batchedCatalogRelations(extension));
  extension.use(() => ({
    resolversConfig: {
      // Drafts belong to their editors (admin panel, REST with ownership checks): GraphQL readers get published entries.
      ...Object.fromEntries(
        publishableQueries(strapi).map((name) => [`Query.${name}`, { middlewares: [publishedOnly] }])
      ),
      // After publishedOnly, on the arguments it leaves (one list: the plugin merges middleware lists by position).
      'Query.courses': { middlewares: [publishedOnly, coursesFromCatalogRead(strapi)] },
      ...Object.fromEntries(
        ACCOUNT_MUTATIONS.map((name) => [`Mutation.${name}`, { middlewares: [refuseAccountMutation] }])
      ),
    },
  }));
}

/**
 * As REST's readPublishedOnly (src/access/publication.ts): the published version, and no publicationFilter
 * or hasPublishedVersion to probe for drafts with. The plugin also keeps each root query's arguments for its
 * relation resolvers, which take their status from there: those are set to the same published read.
 */
async function publishedOnly(
  resolve: (...args: unknown[]) => unknown,
  parent: unknown,
  args: Record<string, unknown>,
  context: any,
  info: any
) {
  const { publicationFilter: _filter, hasPublishedVersion: _hasPublished, ...rest } = args;
  const published = { ...rest, status: 'published' };
  const rootArgs: Map<string, Record<string, unknown>> | undefined = context?.rootQueryArgsByPath;
  const key = info?.path?.key;
  if (rootArgs?.has(key)) rootArgs.set(key, { ...published, _originField: rootArgs.get(key)!._originField });
  return resolve(parent, published, context, info);
}

function refuseAccountMutation(): never {
  throw new errors.PolicyError('Sign in and manage accounts through the REST routes under /api/auth', {
    reason: 'use_rest_auth',
  });
}
