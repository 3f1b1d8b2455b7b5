import type { Core } from '@strapi/strapi';
import { contentTypes } from '@strapi/utils';
import { merge } from 'lodash/fp';
import { mayFind } from '../access/populate';
import { catalogQueryFrom, isFastCatalogOn } from '../api/course/reads/catalog-query';
import { readCatalogPage } from '../api/course/reads/catalog-read';
import { loadInBatch, oncePerRequest } from './request-batches';
import { CATALOG } from './shadow-crud';

/**
 * GraphQL's catalog reads without the plugin's per-row work (issue 24: the `courses` query with `category` took a
 * statement per course for its category, 242 ms at p95 against REST's 47 ms):
 * - `courses` with arguments the REST catalog's fast read handles is answered by that read (catalog-read.ts);
 * - a to-one relation or single media field of the catalog types (Course.category, Course.cover, Lesson.course…) is
 *   read for every parent of the request at once, with the query the stock resolver builds for one parent.
 * Both answer what the stock path answers (tests/integration/graphql-catalog-reads.test.ts asks each query both ways);
 * LYCEUM_FAST_CATALOG_READS=false turns both off, as for REST.
 */

const COURSE = 'api::course.course';
const FILE = 'plugin::upload.file';

type Row = Record<string, unknown>;
type Resolver = (parent: any, args: Record<string, unknown>, context: any, info: any) => Promise<unknown>;
type Middleware = (
  resolve: Resolver,
  parent: unknown,
  args: Record<string, unknown>,
  context: any,
  info: any
) => Promise<unknown>;

/** GraphQL filter values as the REST query string carries them (what catalogQueryFrom reads), or null. */
function asQueryText(value: unknown): unknown {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const text: Row = {};
  for (const [key, inner] of Object.entries(value)) {
    const converted = asQueryText(inner);
    if (converted === null) return null;
    text[key] = converted;
  }
  return text;
}

/**
 * The REST catalog query equal to `courses`' arguments as the plugin transformed them (filters in Strapi's form,
 * `start` and `limit` from either pagination), or null when they are not a shape the fast read handles.
 */
function restQueryOf(transformed: Row): Row | null {
  const { start, limit, filters, sort, locale, status, ...rest } = transformed;
  if (Object.keys(rest).length > 0 || status !== 'published') return null;
  if (typeof start !== 'number' || typeof limit !== 'number') return null;
  if (!Number.isSafeInteger(limit) || limit < 1 || !Number.isSafeInteger(start) || start < 0 || start % limit !== 0)
    return null;
  if (locale !== undefined && typeof locale !== 'string') return null;
  const filterText = filters === undefined ? undefined : asQueryText(filters);
  if (filterText === null) return null;
  return {
    status,
    ...(filterText === undefined ? {} : { filters: filterText }),
    ...(sort === undefined ? {} : { sort }),
    ...(locale === undefined ? {} : { locale }),
    pagination: { page: String(start / limit + 1), pageSize: String(limit) },
  };
}

/** The page `courses` asks for, read as REST's fast catalog read does, or null for the stock resolver. */
async function coursesOf(strapi: Core.Strapi, args: Row, auth: unknown): Promise<Row[] | null> {
  const contentType = strapi.contentTypes[COURSE];
  let transformed: Row;
  try {
    transformed = strapi.plugin('graphql').service('builders').utils.transformArgs(args, {
      contentType,
      usePagination: true,
    });
  } catch {
    // The stock resolver transforms them again and answers its own refusal.
    return null;
  }
  const restQuery = restQueryOf(transformed);
  if (!restQuery) return null;
  const pageSize = transformed.limit as number;
  const query = catalogQueryFrom(restQuery, { defaultPageSize: pageSize, maxPageSize: null });
  if (!query) return null;
  // The stock resolver's checks, with the same arguments: a refusal here is the one it would give.
  await strapi.contentAPI.validate.query(transformed, contentType, { auth } as any);
  // The stock sanitizer drops a relation filter on a type the caller may not read; that answer stays its own.
  if (
    query.conditions.some((condition) => condition.kind === 'category') &&
    !(await mayFind(strapi, auth, 'api::category.category'))
  )
    return null;
  const page = await readCatalogPage(strapi, query, { populate: [], withTeacherProfiles: false, countsTotal: false });
  return page?.data ?? null;
}

/** `courses` from the catalog's fast read when it can answer; the stock resolver otherwise. */
export const coursesFromCatalogRead =
  (strapi: Core.Strapi): Middleware =>
  async (resolve, parent, args, context, info) => {
    if (isFastCatalogOn()) {
      const courses = await coursesOf(strapi, args, context?.state?.auth);
      if (courses) return courses;
    }
    return resolve(parent, args, context, info);
  };

/** The key of the root field a resolved field is under (its alias when it has one). */
function rootKeyOf(info: any): string | number | undefined {
  let rootPath = info?.path;
  while (rootPath?.prev) rootPath = rootPath.prev;
  return rootPath?.key;
}

/** The root query's arguments the plugin keeps for relation resolvers (bootstrap's pluginAddRootQueryArgs). */
function rootQueryArgsOf(context: any, info: any): Row | undefined {
  const rootKey = rootKeyOf(info);
  return rootKey === undefined ? undefined : context?.rootQueryArgsByPath?.get(rootKey);
}

/**
 * The database query the stock association resolver (@strapi/plugin-graphql builders/resolvers/association.js)
 * builds for a to-one field, the same for every parent of a request; null where it would also apply an inherited
 * publication filter, which stays with the stock resolver.
 */
async function toOneQuery(strapi: Core.Strapi, targetUid: string, args: Row, context: any, info: any) {
  const graphql = strapi.plugin('graphql');
  const targetContentType = strapi.getModel(targetUid as Parameters<Core.Strapi['getModel']>[0]);
  const { auth } = context.state;
  const rootArgs = rootQueryArgsOf(context, info);
  const isBuiltInRoot = Boolean(
    rootArgs?._originField && graphql.service('content-api').isBuiltInQueryField(rootArgs._originField)
  );
  if (isBuiltInRoot && (rootArgs!.publicationFilter !== undefined || rootArgs!.hasPublishedVersion !== undefined))
    return null;
  const transformedArgs = graphql
    .service('builders')
    .utils.transformArgs(args, { contentType: targetContentType, usePagination: true });
  await strapi.contentAPI.validate.query(transformedArgs, targetContentType, { auth });
  const sanitizedQuery = await strapi.contentAPI.sanitize.query(transformedArgs, targetContentType, { auth });
  const transformedQuery = strapi.get('query-params').transform(targetUid, sanitizedQuery) as Row;
  const status = (args.status as string | undefined) || (isBuiltInRoot ? rootArgs!.status || 'published' : null);
  const defaultFilters =
    contentTypes.hasDraftAndPublish(targetContentType) && status
      ? { where: { publishedAt: status === 'published' ? { $notNull: true } : { $null: true } } }
      : {};
  const { limit, offset, ...populate } = merge(defaultFilters, transformedQuery) as Row;
  // One parent's page of a to-one relation is its first row: with no offset, dropping the limit (which a populate
  // over many parents would apply to all of them together) leaves each parent's first row as it was.
  if (offset !== undefined && offset !== 0) return null;
  if (limit !== undefined && !(typeof limit === 'number' && limit >= 1)) return null;
  return { populate, key: JSON.stringify([status, populate]) };
}

/** The field's value for each parent id, by one read of all of them (as `load` reads one). */
async function relatedOf(strapi: Core.Strapi, uid: string, attributeName: string, populate: Row, ids: number[]) {
  const rows = (await strapi.db.query(uid as Parameters<Core.Strapi['db']['query']>[0]).findMany({
    select: ['id'],
    where: { id: { $in: ids } },
    populate: { [attributeName]: populate },
  })) as Row[];
  return new Map(rows.map((row) => [Number(row.id), row[attributeName]]));
}

/** A to-one relation or single media field of `uid`, read in one batch per request and query. */
function batchedToOneField(strapi: Core.Strapi, uid: string, attributeName: string, targetUid: string): Resolver {
  let stock: Resolver | undefined;
  const stockValue: Resolver = async (parent, args, context, info) => {
    stock ??= strapi
      .plugin('graphql')
      .service('builders')
      .get('content-api')
      .buildAssociationResolver({ contentTypeUID: uid, attributeName, strapi }) as Resolver;
    return ((await stock(parent, args, context, info)) as { value: unknown }).value;
  };
  const isMedia = targetUid === FILE;
  return async (parent, args, context, info) => {
    const id = Number(parent?.id);
    if (!isFastCatalogOn() || !Number.isSafeInteger(id) || !context) return stockValue(parent, args, context, info);
    // The plan depends on the arguments and, through the inherited status, on the root query the field is under.
    const planName = `${uid}.${attributeName}:${JSON.stringify(args)}:${String(rootKeyOf(info))}`;
    const plan = await oncePerRequest(context, planName, () => toOneQuery(strapi, targetUid, args, context, info));
    if (!plan) return stockValue(parent, args, context, info);
    const value = (await loadInBatch<number, unknown>(
      context,
      `${uid}.${attributeName}:${plan.key}`,
      async (ids) => relatedOf(strapi, uid, attributeName, plan.populate, ids),
      id
    )) as Row | null;
    if (isMedia && value && strapi.plugin('upload')) return strapi.plugin('upload').service('file').signFileUrls(value);
    return value;
  };
}

/** The to-one relation and single media fields the generated catalog types show, with their target types. */
function toOneFieldsOf(strapi: Core.Strapi, extension: any, uid: string): Array<[string, string]> {
  const contentType = strapi.contentTypes[uid as keyof typeof strapi.contentTypes] as any;
  const fields: Array<[string, string]> = [];
  for (const [attributeName, attribute] of Object.entries<any>(contentType.attributes)) {
    if (contentTypes.isPrivateAttribute(contentType, attributeName)) continue;
    if (!extension.shadowCRUD(uid).field(attributeName).hasOutputEnabled()) continue;
    const isToOneRelation =
      attribute.type === 'relation' &&
      ['oneToOne', 'manyToOne'].includes(attribute.relation) &&
      typeof attribute.target === 'string';
    const isSingleMedia = attribute.type === 'media' && !attribute.multiple;
    const target = isSingleMedia ? FILE : isToOneRelation ? (attribute.target as string) : null;
    if (target && !extension.shadowCRUD(target).isDisabled()) fields.push([attributeName, target]);
  }
  return fields;
}

/** The extension (src/graphql/index.ts) that reads the catalog types' to-one fields in batches. */
export const batchedCatalogRelations =
  (extension: any) =>
  ({ strapi }: { strapi: Core.Strapi }) => {
    const { getTypeName } = strapi.plugin('graphql').service('utils').naming;
    const resolvers: Record<string, Record<string, Resolver>> = {};
    for (const uid of CATALOG) {
      if (!strapi.contentTypes[uid as keyof typeof strapi.contentTypes]) continue;
      const typeName = getTypeName(strapi.contentTypes[uid as keyof typeof strapi.contentTypes]);
      for (const [attributeName, target] of toOneFieldsOf(strapi, extension, uid)) {
        resolvers[typeName] ??= {};
        resolvers[typeName][attributeName] = batchedToOneField(strapi, uid, attributeName, target);
      }
    }
    return { resolvers };
  };
