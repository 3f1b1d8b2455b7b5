import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import {
  fieldErrors,
  relationChange,
  requiredRelationErrors,
  REQUIRED_RELATIONS,
  type Attributes,
  type FieldAttribute,
  type FieldError,
  type RelationChange,
  type WriteMode,
} from './field-rules';

/** Lyceum's own plugins whose types are written through the document service too (the admin panel, scripts). */
const LOCAL_PLUGINS = ['enrollment', 'progress', 'grading', 'certificates', 'community', 'messaging', 'commerce'];
const TO_ONE = new Set(['oneToOne', 'manyToOne', 'morphToOne', 'oneWay']);

const isLyceumType = (uid: string) =>
  uid.startsWith('api::') || LOCAL_PLUGINS.some((plugin) => uid.startsWith(`plugin::${plugin}.`));

interface WriteParams {
  data?: unknown;
  documentId?: string;
  locale?: unknown;
}

/** A 400 naming every field at fault, in Strapi's shape (`details.errors[].path`). */
export function validationError(problems: FieldError[]): errors.ValidationError {
  const message = problems.length === 1 ? problems[0].message : problems.map((problem) => problem.message).join('; ');
  return new errors.ValidationError(message, { errors: problems });
}

/**
 * The row an update writes (with the given relations' ids), or null when the document has no such row yet: an
 * update that adds a locale creates it. undefined when no document has that documentId (Strapi answers 404).
 */
async function storedRow(strapi: Core.Strapi, uid: string, params: WriteParams, relations: string[]) {
  const model = strapi.getModel(uid as any) as any;
  const where: Record<string, unknown> = { documentId: params.documentId };
  // Updates write the draft of a draft-and-publish document, and one locale of a localized one.
  if (model.options?.draftAndPublish) where.publishedAt = null;
  if (model.pluginOptions?.i18n?.localized) {
    where.locale =
      typeof params.locale === 'string'
        ? params.locale
        : await strapi.plugin('i18n').service('locales').getDefaultLocale();
  }
  const populate = Object.fromEntries(relations.map((field) => [field, { select: ['id'] }]));
  const row: Record<string, unknown> | null = await strapi.db
    .query(uid as any)
    .findOne({ where, select: ['id'], populate });
  if (row) return row;
  return (await strapi.db.query(uid as any).count({ where: { documentId: params.documentId } })) > 0 ? null : undefined;
}

const pointsSomewhere = (fields: string[], rows: Array<Record<string, unknown>>) =>
  Object.fromEntries(fields.map((field) => [field, rows.some((row) => Boolean(row[field]))]));

/**
 * For an update that adds a locale: the document's relations in its other locales. Ownership and the outline
 * follow a lesson's course at the document level (src/access/ownership.ts reads every row), so a new locale of
 * a lesson that has its course elsewhere is not an orphan; one that names no course on a document of none is.
 */
async function documentRelations(strapi: Core.Strapi, uid: string, params: WriteParams, fields: string[]) {
  const populate = Object.fromEntries(fields.map((field) => [field, { select: ['id'] }]));
  const rows: Array<Record<string, unknown>> = await strapi.db
    .query(uid as any)
    .findMany({ where: { documentId: params.documentId }, select: ['id'], populate });
  return pointsSomewhere(fields, rows);
}

/** All the problems of one write, scalar fields and required relations together. */
async function writeProblems(
  strapi: Core.Strapi,
  uid: string,
  action: string,
  params: WriteParams
): Promise<FieldError[]> {
  const data = params.data as Record<string, unknown>;
  const model = strapi.getModel(uid as any) as any;
  const attributes = (model?.attributes ?? {}) as Attributes;
  const componentAttributes = (componentUid: string) =>
    (strapi.getModel(componentUid as any)?.attributes as unknown as Attributes | undefined) ?? undefined;
  let rule: (typeof REQUIRED_RELATIONS)[string] | undefined = REQUIRED_RELATIONS[uid];

  let mode: WriteMode = action === 'create' ? 'create' : 'update';
  let row: Record<string, unknown> | null | undefined;
  // An update that creates a locale's row is a creation for that row: its required fields must be there. Only
  // localized types (and those with required relations, to merge with what is stored) need the read.
  if (action === 'update' && (rule || model?.pluginOptions?.i18n?.localized)) {
    row = await storedRow(strapi, uid, params, rule?.anyOf ?? []);
    if (row === null) mode = 'create';
    // An unknown documentId is Strapi's 404, not a missing relation.
    if (row === undefined) rule = undefined;
  }

  const problems = fieldErrors(attributes, data, mode, componentAttributes);
  // A clone copies the source's relations; only its scalar fields come from the write.
  if (rule && action !== 'clone') {
    const changes: Record<string, RelationChange> = {};
    for (const field of rule.anyOf)
      changes[field] = relationChange(data[field], TO_ONE.has((attributes[field] as FieldAttribute)?.relation ?? ''));
    // A new locale's row is judged with its document: what the write leaves out is read from the other locales.
    const relationMode: WriteMode = action === 'create' ? 'create' : 'update';
    problems.push(
      ...(await requiredRelationErrors(rule, changes, relationMode, async (fields) =>
        row ? pointsSomewhere(fields, [row]) : documentRelations(strapi, uid, params, fields)
      ))
    );
  }
  return problems;
}

/**
 * One gate for every write to Lyceum's content types, whatever its status and whoever makes it (REST with or
 * without ?status=draft, GraphQL, plugin services, the admin panel's content manager): the schema's field rules
 * and the required relations hold on drafts as on published entries, and a bad value is a 400 naming the field
 * before any other middleware reads it (the slug of a 50,000-character or numeric title used to be a 500).
 * Registered first, so it runs before the slug, media and reading-time middlewares.
 */
export function validateWrites(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (!['create', 'update', 'clone'].includes(context.action) || !isLyceumType(context.uid)) return next();
    const params = context.params as WriteParams;
    // A missing or non-object payload is Strapi's own 400 ("Invalid payload submitted"), further down.
    if (!params.data || typeof params.data !== 'object' || Array.isArray(params.data)) return next();
    const problems = await writeProblems(strapi, context.uid, context.action, params);
    if (problems.length) throw validationError(problems);
    return next();
  });
}
